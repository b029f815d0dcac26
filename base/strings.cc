#include "base/strings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace tseq {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char UpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string ToLowerAscii(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = LowerAscii(c);
  return result;
}

std::string ToUpperAscii(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = UpperAscii(c);
  return result;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CompareIgnoreCase(a, b) == 0;
}

int CompareIgnoreCase(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    const char x = LowerAscii(a[i]);
    const char y = LowerAscii(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::vector<std::string> SplitWhitespace(std::string_view text) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) parts.emplace_back(text.substr(start, i - start));
  }
  return parts;
}

std::string Join(std::span<const std::string> parts, std::string_view separator) {
  std::string result;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) result += separator;
    result += parts[i];
  }
  return result;
}

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with single-star backtracking: linear in practice, no recursion depth.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || LowerAscii(pattern[p]) == LowerAscii(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<double> ParseNumber(std::string_view text) {
  text = TrimWhitespace(text);
  if (text.empty()) return std::nullopt;
  // Only plain decimal forms count: from_chars alone would accept "inf", "nan" and exponents.
  size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  bool digits = false;
  bool dot = false;
  for (; i < text.size(); ++i) {
    if (IsDigit(text[i])) {
      digits = true;
    } else if (text[i] == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

size_t EditDistanceIgnoreCase(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = LowerAscii(a[i - 1]) == LowerAscii(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        std::span<const std::string> candidates) {
  const size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const size_t distance = EditDistanceIgnoreCase(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const std::string shown(text);
  auto invalid = [&shown]() {
    return InvalidArgumentError("invalid duration '" + shown +
                                "' (expected a number with a unit: ms, s, m, h or d, e.g. 90s, "
                                "15m, 1h30m)");
  };
  text = TrimWhitespace(text);
  if (text.empty()) return invalid();
  if (std::all_of(text.begin(), text.end(), IsDigit)) {
    uint64_t seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc() || seconds > 100ULL * 365 * 24 * 3600) return invalid();
    return std::chrono::milliseconds(seconds * 1000);
  }
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start) return invalid();
    uint64_t amount = 0;
    const auto [end, error] = std::from_chars(text.data() + start, text.data() + i, amount);
    if (error != std::errc() || amount > 1'000'000'000ULL) return invalid();
    uint64_t unit = 0;
    if (text.substr(i, 2) == "ms") {
      unit = 1;
      i += 2;
    } else if (i < text.size()) {
      switch (text[i]) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60'000;
          break;
        case 'h':
          unit = 3'600'000;
          break;
        case 'd':
          unit = 86'400'000;
          break;
        default:
          return invalid();
      }
      ++i;
    } else {
      return invalid();
    }
    total += amount * unit;
    // Enough repeated components would wrap the total; cap it as bare seconds are capped.
    if (total > 100ULL * 365 * 24 * 3600 * 1000) return invalid();
  }
  return std::chrono::milliseconds(total);
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  uint64_t remaining = static_cast<uint64_t>(std::max<int64_t>(duration.count(), 0));
  if (remaining == 0) return "0s";
  static constexpr struct {
    uint64_t size;
    const char* suffix;
  } kUnits[] = {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  std::string text;
  for (const auto& unit : kUnits) {
    if (remaining >= unit.size) {
      text += std::to_string(remaining / unit.size) + unit.suffix;
      remaining %= unit.size;
    }
  }
  return text;
}

Result<std::vector<std::string>> SplitCommandLine(std::string_view command_line) {
  std::vector<std::string> arguments;
  std::string current;
  bool in_argument = false;
  size_t i = 0;
  while (i < command_line.size()) {
    const char c = command_line[i];
    if (IsSpace(c)) {
      if (in_argument) arguments.push_back(std::move(current));
      current.clear();
      in_argument = false;
      ++i;
    } else if (c == '\'') {
      const size_t close = command_line.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return InvalidArgumentError("unterminated single quote in command line at character " +
                                    std::to_string(i + 1));
      }
      current.append(command_line.substr(i + 1, close - i - 1));
      in_argument = true;
      i = close + 1;
    } else if (c == '"') {
      const size_t open = i++;
      bool closed = false;
      while (i < command_line.size()) {
        const char d = command_line[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < command_line.size() &&
            std::string_view("\"\\$`").find(command_line[i + 1]) != std::string_view::npos) {
          current += command_line[i + 1];
          i += 2;
        } else {
          current += d;
          ++i;
        }
      }
      if (!closed) {
        return InvalidArgumentError("unterminated double quote in command line at character " +
                                    std::to_string(open + 1));
      }
      in_argument = true;
    } else if (c == '\\') {
      if (i + 1 >= command_line.size()) {
        return InvalidArgumentError("command line ends with a lone backslash");
      }
      current += command_line[i + 1];
      in_argument = true;
      i += 2;
    } else {
      current += c;
      in_argument = true;
      ++i;
    }
  }
  if (in_argument) arguments.push_back(std::move(current));
  if (arguments.empty()) return InvalidArgumentError("empty command line");
  return arguments;
}

std::string QuoteArgument(std::string_view argument) {
  const bool plain = !argument.empty() && std::all_of(argument.begin(), argument.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(argument);
  std::string quoted = "'";
  for (char c : argument) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  return quoted;
}

}  // namespace tseq
