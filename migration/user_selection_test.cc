#include "migration/user_selection.h"

#include <algorithm>
#include <ctime>

#include <doctest/doctest.h>

namespace tseq {
namespace {

using TimePoint = std::chrono::system_clock::time_point;
using std::chrono::hours;
using std::chrono::seconds;

// 2025-01-01T00:00:00Z.
const TimePoint kNow{seconds(1735689600)};
constexpr char kMachine[] = "PC01";  // %computername%

UserCandidate User(const std::string& name, std::optional<TimePoint> last_logon = kNow - hours(1),
                   bool logged_on = false) {
  return {name, last_logon, logged_on};
}

// The users of the documentation's examples: local accounts of PC01 and two domains.
const std::vector<UserCandidate>& Everyone() {
  static const std::vector<UserCandidate> users = {
      User("PC01\\user1"),
      User("PC01\\admin"),
      User("FABRIKAM\\user1"),
      User("FABRIKAM\\user2"),
      User("FABRIKAM\\User One"),
      User("FABRIKAM\\alice"),
      User("CONTOSO\\user1", kNow - hours(24 * 60)),
      User("CONTOSO\\bob"),
  };
  return users;
}

LastLogonFilter Uel(const std::string& text) {
  Result<LastLogonFilter> filter = ParseLastLogonFilter(text);
  REQUIRE_MESSAGE(filter.ok(), filter.status().message());
  return *filter;
}

UserSelector Selector(const UserSelectionOptions& options) {
  Result<UserSelector> selector = UserSelector::Create(options, kMachine, kNow);
  REQUIRE_MESSAGE(selector.ok(), selector.status().message());
  return std::move(selector).value();
}

// The names of Everyone() the options select.
std::vector<std::string> Selected(const UserSelectionOptions& options) {
  const UserSelector selector = Selector(options);
  std::vector<std::string> names;
  for (const UserCandidate& user : Everyone()) {
    if (selector.Decide(user).included) names.push_back(user.name);
  }
  return names;
}

std::vector<std::string> AllBut(const std::vector<std::string>& excluded) {
  std::vector<std::string> names;
  for (const UserCandidate& user : Everyone()) {
    if (std::find(excluded.begin(), excluded.end(), user.name) == excluded.end()) {
      names.push_back(user.name);
    }
  }
  return names;
}

TEST_SUITE("UserSelector") {
  TEST_CASE("everyone is included by default and with /all") {
    CHECK(Selected({}) == AllBut({}));
    CHECK(Selected({.all = true}) == AllBut({}));
    const UserDecision decision = Selector({}).Decide(User("PC01\\user1"));
    CHECK(decision.rule == SelectionRule::kDefault);
    CHECK(decision.reason == "included by default");
    const UserDecision all = Selector({.all = true}).Decide(User("PC01\\user1"));
    CHECK(all.rule == SelectionRule::kAll);
    CHECK(all.reason == "/all");
  }

  TEST_CASE("the documentation's /ue examples") {
    SUBCASE("one user with a space in the name") {
      CHECK(Selected({.exclude_patterns = {"fabrikam\\user one"}}) ==
            AllBut({"FABRIKAM\\User One"}));
    }
    SUBCASE("one domain user") {
      CHECK(Selected({.exclude_patterns = {"fabrikam\\user1"}}) == AllBut({"FABRIKAM\\user1"}));
    }
    SUBCASE("one local user, by the machine name") {
      CHECK(Selected({.exclude_patterns = {"pc01\\user1"}}) == AllBut({"PC01\\user1"}));
    }
    SUBCASE("every user of a domain") {
      CHECK(
          Selected({.exclude_patterns = {"Fabrikam\\*"}}) ==
          AllBut({"FABRIKAM\\user1", "FABRIKAM\\user2", "FABRIKAM\\User One", "FABRIKAM\\alice"}));
    }
    SUBCASE("every local user") {
      CHECK(Selected({.exclude_patterns = {"PC01\\*"}}) == AllBut({"PC01\\user1", "PC01\\admin"}));
    }
    SUBCASE("user1, user2... in every domain") {
      CHECK(Selected({.exclude_patterns = {"*\\user*"}}) ==
            AllBut({"PC01\\user1", "FABRIKAM\\user1", "FABRIKAM\\user2", "FABRIKAM\\User One",
                    "CONTOSO\\user1"}));
    }
  }

  TEST_CASE("the documentation's /ue:*\\* /ui examples select only the included") {
    CHECK(Selected({.include_patterns = {"fabrikam\\user2"}, .exclude_patterns = {"*\\*"}}) ==
          std::vector<std::string>{"FABRIKAM\\user2"});
    // A bare name is a local account.
    CHECK(Selected({.include_patterns = {"user1"}, .exclude_patterns = {"*\\*"}}) ==
          std::vector<std::string>{"PC01\\user1"});
    CHECK(Selected({.include_patterns = {"PC01\\*"}, .exclude_patterns = {"*\\*"}}) ==
          std::vector<std::string>{"PC01\\user1", "PC01\\admin"});
  }

  TEST_CASE("all of one domain plus anyone active in 30 days") {
    // CONTOSO\user1 was last seen two months ago.
    CHECK(Selected({.include_patterns = {"fabrikam\\*"}, .last_logon = Uel("30")}) ==
          AllBut({"CONTOSO\\user1"}));
  }

  TEST_CASE("all of one domain but one user takes a scanstate and a loadstate selection") {
    std::vector<std::string> captured =
        Selected({.include_patterns = {"contoso\\*"}, .exclude_patterns = {"*\\*"}});
    CHECK(captured == std::vector<std::string>{"CONTOSO\\user1", "CONTOSO\\bob"});
    const UserSelector load = Selector({.exclude_patterns = {"contoso\\user1"}});
    std::erase_if(captured,
                  [&](const std::string& name) { return !load.Decide(User(name)).included; });
    CHECK(captured == std::vector<std::string>{"CONTOSO\\bob"});
  }

  TEST_CASE("/ui beats /ue") {
    const UserDecision decision =
        Selector({.include_patterns = {"contoso\\*"}, .exclude_patterns = {"contoso\\user1"}})
            .Decide(User("CONTOSO\\user1"));
    CHECK(decision.included);
    CHECK(decision.rule == SelectionRule::kIncludePattern);
    CHECK(decision.reason == "matches /ui:contoso\\*");
  }

  TEST_CASE("/ui beats /uel") {
    const UserDecision decision =
        Selector({.include_patterns = {"CONTOSO\\USER1"}, .last_logon = Uel("14")})
            .Decide(User("contoso\\user1", kNow - hours(24 * 100)));
    CHECK(decision.included);
    CHECK(decision.rule == SelectionRule::kIncludePattern);
  }

  TEST_CASE("/uel beats /ue, either way") {
    const UserSelector selector =
        Selector({.exclude_patterns = {"contoso\\user1"}, .last_logon = Uel("14")});
    UserDecision decision = selector.Decide(User("CONTOSO\\user1", kNow - hours(24)));
    CHECK(decision.included);
    CHECK(decision.rule == SelectionRule::kLastLogon);
    CHECK(decision.reason == "last logon 2024-12-31 00:00:00 UTC is within /uel:14");
    decision = selector.Decide(User("CONTOSO\\bob", kNow - hours(24 * 15)));
    CHECK_FALSE(decision.included);
    CHECK(decision.rule == SelectionRule::kLastLogon);
    CHECK(decision.reason == "last logon 2024-12-17 00:00:00 UTC is before /uel:14");
  }

  TEST_CASE("/ue excludes what nothing else decided") {
    const UserDecision decision =
        Selector({.include_patterns = {"fabrikam\\*"}, .exclude_patterns = {"x\\y", "*\\bob"}})
            .Decide(User("CONTOSO\\bob"));
    CHECK_FALSE(decision.included);
    CHECK(decision.rule == SelectionRule::kExcludePattern);
    CHECK(decision.reason == "matches /ue:*\\bob");
  }

  TEST_CASE("/uel:N counts N times 24 hours back from now") {
    const UserSelector selector = Selector({.last_logon = Uel("1")});
    CHECK(selector.Decide(User("PC01\\a", kNow - hours(24))).included);
    CHECK_FALSE(selector.Decide(User("PC01\\a", kNow - hours(24) - seconds(1))).included);
    const UserDecision unknown = selector.Decide(User("PC01\\a", std::nullopt));
    CHECK_FALSE(unknown.included);
    CHECK(unknown.reason == "no last logon is known (/uel:1)");
  }

  TEST_CASE("/uel:DATE starts at that day's local midnight") {
    std::tm midnight{};
    midnight.tm_year = 2020 - 1900;
    midnight.tm_mon = 1;
    midnight.tm_mday = 15;
    midnight.tm_isdst = -1;
    const TimePoint start = std::chrono::system_clock::from_time_t(std::mktime(&midnight));
    const UserSelector selector = Selector({.last_logon = Uel("2020/2/15")});
    CHECK(selector.Decide(User("PC01\\a", start)).included);
    CHECK_FALSE(selector.Decide(User("PC01\\a", start - seconds(1))).included);
  }

  TEST_CASE("/uel:0 selects the users logged on now") {
    const UserSelector selector = Selector({.last_logon = Uel("0")});
    const UserDecision on = selector.Decide(User("PC01\\a", kNow, true));
    CHECK(on.included);
    CHECK(on.reason == "logged on now (/uel:0)");
    const UserDecision off = selector.Decide(User("PC01\\b", kNow, false));
    CHECK_FALSE(off.included);
    CHECK(off.reason == "not logged on now (/uel:0)");
  }

  TEST_CASE("patterns ignore case and accept the Linux spellings of a domain") {
    CHECK(Selected({.include_patterns = {"*@Fabrikam.com"}, .exclude_patterns = {"*\\*"}}) ==
          std::vector<std::string>{"FABRIKAM\\user1", "FABRIKAM\\user2", "FABRIKAM\\User One",
                                   "FABRIKAM\\alice"});
    CHECK(Selected({.exclude_patterns = {"contoso.com\\*", "ALICE@fabrikam.com"}}) ==
          AllBut({"FABRIKAM\\alice", "CONTOSO\\user1", "CONTOSO\\bob"}));
    CHECK(Selected({.exclude_patterns = {"*\\USER?"}}) ==
          AllBut({"PC01\\user1", "FABRIKAM\\user1", "FABRIKAM\\user2", "CONTOSO\\user1"}));
  }

  TEST_CASE("rejects /all with other options and bad patterns") {
    CHECK(UserSelector::Create({.all = true, .exclude_patterns = {"a"}}, kMachine, kNow)
              .status()
              .message() == "/all conflicts with /ui, /ue or /uel");
    CHECK(UserSelector::Create({.all = true, .last_logon = Uel("3")}, kMachine, kNow)
              .status()
              .message() == "/all conflicts with /ui, /ue or /uel");
    Result<UserSelector> bad =
        UserSelector::Create({.include_patterns = {"a\\b\\c"}}, kMachine, kNow);
    CHECK(bad.status().code() == StatusCode::kInvalidArgument);
    CHECK(bad.status().message() ==
          "invalid user pattern 'a\\b\\c': use DOMAIN\\user, with one backslash");
  }
}

TEST_SUITE("ValidateUserPattern") {
  TEST_CASE("accepts the usual forms and explains the bad ones") {
    for (const char* pattern : {"user1", "*\\*", "fabrikam\\user one", "*@contoso.com", "a@b"}) {
      CAPTURE(pattern);
      CHECK(ValidateUserPattern(pattern).ok());
    }
    CHECK(ValidateUserPattern("").message() == "invalid user pattern '': it is empty");
    CHECK(ValidateUserPattern("\\bob").message() ==
          "invalid user pattern '\\bob': the domain is empty");
    CHECK(ValidateUserPattern("contoso\\").message() ==
          "invalid user pattern 'contoso\\': the user is empty");
    CHECK(ValidateUserPattern("@contoso.com").message() ==
          "invalid user pattern '@contoso.com': the user is empty");
    CHECK(ValidateUserPattern("bob@").message() ==
          "invalid user pattern 'bob@': the domain is empty");
  }
}

TEST_SUITE("ParseLastLogonFilter") {
  TEST_CASE("reads days, dates and 0") {
    LastLogonFilter filter = Uel("90");
    CHECK(filter.kind == LastLogonFilter::Kind::kDays);
    CHECK(filter.days == 90);
    CHECK(filter.text == "90");
    CHECK(Uel("0").kind == LastLogonFilter::Kind::kLoggedOnNow);
    CHECK(Uel("36500").days == 36500);
    for (const char* text : {"2020/2/15", "2020/02/15"}) {
      filter = Uel(text);
      CHECK(filter.kind == LastLogonFilter::Kind::kSince);
      CHECK(filter.year == 2020);
      CHECK(filter.month == 2);
      CHECK(filter.day == 15);
    }
    CHECK(Uel("2024/2/29").day == 29);
  }

  TEST_CASE("explains what it cannot read") {
    for (const char* text : {"", "abc", "-1", "1.5", "+3", "2020/2", "2020/2/15/1", "20200/1/1",
                             "2020//1", "2020/1/x", "1e3"}) {
      CAPTURE(text);
      CHECK(ParseLastLogonFilter(text).status().message() ==
            "invalid /uel value '" + std::string(text) +
                "': use a number of days, a date YYYY/MM/DD, or 0 for the users logged on now");
    }
    CHECK(ParseLastLogonFilter("40000").status().message() ==
          "invalid /uel value '40000': at most 36500 days");
    for (const char* text : {"2021/2/29", "2020/13/1", "2020/0/10", "2020/4/31", "1969/12/31",
                             "2201/1/1", "2020/1/0"}) {
      CAPTURE(text);
      CHECK(ParseLastLogonFilter(text).status().message() ==
            "invalid /uel date '" + std::string(text) +
                "': there is no such day between 1970/1/1 and 2200/12/31");
    }
  }
}

TEST_SUITE("CandidateFor") {
  TEST_CASE("takes a profile's name, last logon and session") {
    Profile profile;
    profile.name = "PC01\\alice";
    profile.last_logon = kNow;
    profile.logged_on = true;
    const UserCandidate candidate = CandidateFor(profile);
    CHECK(candidate.name == "PC01\\alice");
    CHECK(candidate.last_logon == kNow);
    CHECK(candidate.logged_on);
  }
}

}  // namespace
}  // namespace tseq
