#include "migration/user_selection.h"

#include <charconv>
#include <ctime>
#include <utility>

#include "base/strings.h"

namespace tseq {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

constexpr int kMaxDays = 36500;
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;

// A whole string of at most `max_digits` decimal digits.
std::optional<int> ParseDigits(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string FormatUtc(TimePoint time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

// "DOMAIN\user" split at its first backslash; a name without one has an empty domain.
std::pair<std::string_view, std::string_view> SplitName(std::string_view name) {
  const size_t slash = name.find('\\');
  if (slash == std::string_view::npos) return {"", name};
  return {name.substr(0, slash), name.substr(slash + 1)};
}

}  // namespace

Result<LastLogonFilter> ParseLastLogonFilter(std::string_view text) {
  LastLogonFilter filter;
  filter.text = std::string(text);
  const std::string quoted = "'" + filter.text + "'";
  const std::vector<std::string> parts = Split(text, '/');
  if (parts.size() == 1) {
    const std::optional<int> days = ParseDigits(text, 9);
    if (days) {
      if (*days > kMaxDays) {
        return InvalidArgumentError("invalid /uel value " + quoted + ": at most " +
                                    std::to_string(kMaxDays) + " days");
      }
      filter.kind = *days == 0 ? LastLogonFilter::Kind::kLoggedOnNow : LastLogonFilter::Kind::kDays;
      filter.days = *days;
      return filter;
    }
  } else if (parts.size() == 3) {
    const std::optional<int> year = ParseDigits(parts[0], 4);
    const std::optional<int> month = ParseDigits(parts[1], 2);
    const std::optional<int> day = ParseDigits(parts[2], 2);
    if (year && month && day) {
      if (*year < kMinYear || *year > kMaxYear || *month < 1 || *month > 12 || *day < 1 ||
          *day > DaysInMonth(*year, *month)) {
        return InvalidArgumentError("invalid /uel date " + quoted +
                                    ": there is no such day between 1970/1/1 and 2200/12/31");
      }
      filter.kind = LastLogonFilter::Kind::kSince;
      filter.year = *year;
      filter.month = *month;
      filter.day = *day;
      return filter;
    }
  }
  return InvalidArgumentError("invalid /uel value " + quoted +
                              ": use a number of days, a date YYYY/MM/DD, or 0 for the users "
                              "logged on now");
}

Status ValidateUserPattern(std::string_view pattern) {
  const std::string quoted = "invalid user pattern '" + std::string(pattern) + "': ";
  if (pattern.empty()) return InvalidArgumentError(quoted + "it is empty");
  const size_t slash = pattern.find('\\');
  if (slash != std::string_view::npos) {
    if (pattern.find('\\', slash + 1) != std::string_view::npos) {
      return InvalidArgumentError(quoted + "use DOMAIN\\user, with one backslash");
    }
    if (slash == 0) return InvalidArgumentError(quoted + "the domain is empty");
    if (slash + 1 == pattern.size()) return InvalidArgumentError(quoted + "the user is empty");
    return Status::Ok();
  }
  const size_t at = pattern.find('@');
  if (at == 0) return InvalidArgumentError(quoted + "the user is empty");
  if (at + 1 == pattern.size()) return InvalidArgumentError(quoted + "the domain is empty");
  return Status::Ok();
}

UserCandidate CandidateFor(const Profile& profile) {
  return UserCandidate{profile.name, profile.last_logon, profile.logged_on};
}

Result<UserSelector> UserSelector::Create(const UserSelectionOptions& options,
                                          std::string_view local_domain, TimePoint now) {
  if (options.all && (!options.include_patterns.empty() || !options.exclude_patterns.empty() ||
                      options.last_logon)) {
    return InvalidArgumentError("/all conflicts with /ui, /ue or /uel");
  }
  UserSelector selector;
  selector.all_ = options.all;
  const auto parse = [local_domain](const std::vector<std::string>& texts,
                                    std::vector<Pattern>& patterns) -> Status {
    for (const std::string& text : texts) {
      TSEQ_RETURN_IF_ERROR(ValidateUserPattern(text));
      Pattern pattern{std::string(local_domain), text, text};
      const size_t slash = text.find('\\');
      const size_t at = text.find('@');
      if (slash != std::string::npos) {
        pattern.domain = text.substr(0, slash);
        pattern.user = text.substr(slash + 1);
      } else if (at != std::string::npos) {
        pattern.domain = text.substr(at + 1);
        pattern.user = text.substr(0, at);
      }
      // Profile names carry a domain's first label only.
      pattern.domain = pattern.domain.substr(0, pattern.domain.find('.'));
      patterns.push_back(std::move(pattern));
    }
    return Status::Ok();
  };
  TSEQ_RETURN_IF_ERROR(parse(options.include_patterns, selector.includes_));
  TSEQ_RETURN_IF_ERROR(parse(options.exclude_patterns, selector.excludes_));
  selector.last_logon_ = options.last_logon;
  if (options.last_logon && options.last_logon->kind == LastLogonFilter::Kind::kDays) {
    selector.window_start_ = now - std::chrono::hours(24) * options.last_logon->days;
  } else if (options.last_logon && options.last_logon->kind == LastLogonFilter::Kind::kSince) {
    // The administrator's date means midnight where the tool runs.
    std::tm midnight{};
    midnight.tm_year = options.last_logon->year - 1900;
    midnight.tm_mon = options.last_logon->month - 1;
    midnight.tm_mday = options.last_logon->day;
    midnight.tm_isdst = -1;
    selector.window_start_ = std::chrono::system_clock::from_time_t(std::mktime(&midnight));
  }
  return selector;
}

const UserSelector::Pattern* UserSelector::FindMatch(const std::vector<Pattern>& patterns,
                                                     std::string_view name) {
  const auto [domain, user] = SplitName(name);
  for (const Pattern& pattern : patterns) {
    if (WildcardMatch(pattern.domain, domain) && WildcardMatch(pattern.user, user)) {
      return &pattern;
    }
  }
  return nullptr;
}

UserDecision UserSelector::DecideByLastLogon(const UserCandidate& candidate) const {
  const std::string option = "/uel:" + last_logon_->text;
  if (last_logon_->kind == LastLogonFilter::Kind::kLoggedOnNow) {
    return {candidate.logged_on, SelectionRule::kLastLogon,
            std::string(candidate.logged_on ? "logged on now" : "not logged on now") + " (" +
                option + ")"};
  }
  if (!candidate.last_logon) {
    return {false, SelectionRule::kLastLogon, "no last logon is known (" + option + ")"};
  }
  const bool within = *candidate.last_logon >= window_start_;
  return {within, SelectionRule::kLastLogon,
          "last logon " + FormatUtc(*candidate.last_logon) +
              (within ? " is within " : " is before ") + option};
}

UserDecision UserSelector::Decide(const UserCandidate& candidate) const {
  if (all_) return {true, SelectionRule::kAll, "/all"};
  if (const Pattern* include = FindMatch(includes_, candidate.name); include != nullptr) {
    return {true, SelectionRule::kIncludePattern, "matches /ui:" + include->text};
  }
  if (last_logon_) return DecideByLastLogon(candidate);
  if (const Pattern* exclude = FindMatch(excludes_, candidate.name); exclude != nullptr) {
    return {false, SelectionRule::kExcludePattern, "matches /ue:" + exclude->text};
  }
  return {true, SelectionRule::kDefault, "included by default"};
}

}  // namespace tseq
