// User selection: which profiles scanstate captures and loadstate restores, by /all, /ui, /ue and
// /uel with USMT's precedence (reference/usmt.md §2.3):
//
//   matches a /ui pattern               -> included
//   else /uel given                     -> included iff the last logon is in the window
//   else matches a /ue pattern          -> excluded
//   else                                -> included (everyone is, by default)
//
// Patterns are `DOMAIN\user`, with `*` (and `?`) wildcards in both parts, matched ignoring ASCII
// case. A bare name (no backslash) means a local account: `user1` is `LOCALDOMAIN\user1`, where
// LOCALDOMAIN is the domain of the candidates' local accounts (the machine name). Two Linux
// spellings are accepted too: `user@domain.tld` means `DOMAIN\user`, and a domain part with dots
// (`contoso.com\*`) is reduced to its first label, as profile names are.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "migration/profile_discovery.h"

namespace tseq {

// /uel's value.
struct LastLogonFilter {
  enum class Kind {
    kDays,         // /uel:N, N > 0: the last logon is at most N days (N * 24 h) before now
    kSince,        // /uel:YYYY/MM/DD: the last logon is at or after that day's local midnight
    kLoggedOnNow,  // /uel:0: the user is logged on now
  };
  Kind kind = Kind::kDays;
  int days = 0;  // kDays
  int year = 0;  // kSince
  int month = 0;
  int day = 0;
  std::string text;  // as given, for reasons ("30", "2020/2/15")
};

// Parses /uel's value: a number of days up to 36500, or a date YYYY/MM/DD between 1970/1/1 and
// 2200/12/31 (non-zero-padded accepted: 2020/2/15), or 0. InvalidArgument otherwise:
//   "invalid /uel value 'X': use a number of days, a date YYYY/MM/DD, or 0 for the users logged on
//   now" "invalid /uel value '40000': at most 36500 days" "invalid /uel date '2021/2/29': there is
//   no such day between 1970/1/1 and 2200/12/31"
Result<LastLogonFilter> ParseLastLogonFilter(std::string_view text);

// Checks one /ui or /ue pattern. InvalidArgument "invalid user pattern 'X': REASON", REASON being
// "it is empty", "the domain is empty", "the user is empty" or "use DOMAIN\user, with one
// backslash".
Status ValidateUserPattern(std::string_view pattern);

// The user options of a scanstate or loadstate command line, in command-line order.
struct UserSelectionOptions {
  bool all = false;                           // /all
  std::vector<std::string> include_patterns;  // /ui:PATTERN, each
  std::vector<std::string> exclude_patterns;  // /ue:PATTERN, each
  std::optional<LastLogonFilter> last_logon;  // /uel
};

// What the selection needs to know about one user.
struct UserCandidate {
  std::string name;  // "DOMAIN\user"
  std::optional<std::chrono::system_clock::time_point> last_logon;
  bool logged_on = false;  // for /uel:0
};

UserCandidate CandidateFor(const Profile& profile);

// The rule that decided.
enum class SelectionRule {
  kAll,             // /all
  kIncludePattern,  // a /ui pattern matched
  kLastLogon,       // /uel decided (either way)
  kExcludePattern,  // a /ue pattern matched
  kDefault,         // nothing matched: included by default
};

struct UserDecision {
  bool included = true;
  SelectionRule rule = SelectionRule::kDefault;
  // For the log: "/all", "matches /ui:fabrikam\*", "matches /ue:*\*", "included by default",
  // "last logon 2024-05-01 12:00:00 UTC is within /uel:30", "last logon ... is before /uel:30",
  // "no last logon is known (/uel:30)", "logged on now (/uel:0)", "not logged on now (/uel:0)".
  std::string reason;
};

// Applies the options to candidates. Immutable once created; thread-safe.
class UserSelector {
 public:
  // `local_domain`: what a bare name means (the machine name whose local accounts are among the
  // candidates: scanstate's machine, or for loadstate the store's source machine). `now`: the
  // time /uel:N counts back from. Fails with InvalidArgument for a bad pattern (as
  // ValidateUserPattern) and "/all conflicts with /ui, /ue or /uel".
  static Result<UserSelector> Create(const UserSelectionOptions& options,
                                     std::string_view local_domain,
                                     std::chrono::system_clock::time_point now);

  UserDecision Decide(const UserCandidate& candidate) const;

 private:
  struct Pattern {
    std::string domain;
    std::string user;
    std::string text;  // as given
  };
  UserSelector() = default;
  // The first pattern that matches, or null.
  static const Pattern* FindMatch(const std::vector<Pattern>& patterns, std::string_view name);
  UserDecision DecideByLastLogon(const UserCandidate& candidate) const;

  bool all_ = false;
  std::vector<Pattern> includes_;
  std::vector<Pattern> excludes_;
  std::optional<LastLogonFilter> last_logon_;
  std::chrono::system_clock::time_point window_start_;  // kDays and kSince
};

}  // namespace tseq
