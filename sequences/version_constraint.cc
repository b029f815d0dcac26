#include "sequences/version_constraint.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace tseq {
namespace {

bool IsWholeNumber(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ComparePart(std::string_view a, std::string_view b) {
  if (IsWholeNumber(a) && IsWholeNumber(b)) {
    // Compare digit strings without converting, so any length works: strip leading zeros, then
    // the longer number is the larger, then the digits decide.
    a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
    b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  return CompareIgnoreCase(a, b);
}

}  // namespace

const char* VersionOperatorSymbol(VersionOperator op) {
  switch (op) {
    case VersionOperator::kEqual:
      return "=";
    case VersionOperator::kNotEqual:
      return "!=";
    case VersionOperator::kGreater:
      return ">";
    case VersionOperator::kGreaterEqual:
      return ">=";
    case VersionOperator::kLess:
      return "<";
    case VersionOperator::kLessEqual:
      return "<=";
  }
  return "=";
}

bool VersionConstraint::Matches(std::string_view actual) const {
  const int order = CompareVersions(actual, version);
  switch (op) {
    case VersionOperator::kEqual:
      return order == 0;
    case VersionOperator::kNotEqual:
      return order != 0;
    case VersionOperator::kGreater:
      return order > 0;
    case VersionOperator::kGreaterEqual:
      return order >= 0;
    case VersionOperator::kLess:
      return order < 0;
    case VersionOperator::kLessEqual:
      return order <= 0;
  }
  return false;
}

Result<VersionConstraint> ParseVersionConstraint(std::string_view text) {
  const std::string shown(text);
  auto invalid = [&shown]() {
    return InvalidArgumentError("invalid version constraint '" + shown +
                                "' (expected a version such as 12 or 24.04, optionally after one "
                                "of =, ==, !=, >, >=, <, <=)");
  };
  text = TrimWhitespace(text);
  // Longest symbols first so ">=" is not read as ">" followed by "=12".
  static constexpr std::array<std::pair<std::string_view, VersionOperator>, 7> kOperators = {{
      {"==", VersionOperator::kEqual},
      {"!=", VersionOperator::kNotEqual},
      {">=", VersionOperator::kGreaterEqual},
      {"<=", VersionOperator::kLessEqual},
      {"=", VersionOperator::kEqual},
      {">", VersionOperator::kGreater},
      {"<", VersionOperator::kLess},
  }};
  VersionConstraint constraint;
  for (const auto& [symbol, op] : kOperators) {
    if (text.substr(0, symbol.size()) == symbol) {
      constraint.op = op;
      text = TrimWhitespace(text.substr(symbol.size()));
      break;
    }
  }
  const std::vector<std::string> parts = Split(text, '.');
  if (!std::all_of(parts.begin(), parts.end(), IsWholeNumber)) return invalid();
  constraint.version = std::string(text);
  return constraint;
}

int CompareVersions(std::string_view a, std::string_view b) {
  const std::vector<std::string> a_parts = Split(TrimWhitespace(a), '.');
  const std::vector<std::string> b_parts = Split(TrimWhitespace(b), '.');
  const size_t count = std::max(a_parts.size(), b_parts.size());
  for (size_t i = 0; i < count; ++i) {
    const std::string_view a_part = i < a_parts.size() ? std::string_view(a_parts[i]) : "0";
    const std::string_view b_part = i < b_parts.size() ? std::string_view(b_parts[i]) : "0";
    const int order = ComparePart(a_part, b_part);
    if (order != 0) return order < 0 ? -1 : 1;
  }
  return 0;
}

}  // namespace tseq
