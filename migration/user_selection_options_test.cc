#include "migration/user_selection_options.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

using Arguments = std::vector<std::string>;

UsmtResult<UserSelectionOptions> Select(const Arguments& arguments) {
  CommandLineSyntax syntax;
  syntax.options = UserSelectionOptionSpecs();
  UsmtResult<ParsedCommandLine> parsed = ParseUsmtCommandLine(arguments, syntax);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  return ParseUserSelectionOptions(*parsed);
}

void CheckInvalid(const Arguments& arguments, const std::string& message) {
  CAPTURE(arguments);
  UsmtResult<UserSelectionOptions> selection = Select(arguments);
  REQUIRE_FALSE(selection.ok());
  CHECK(selection.error().code == UsmtReturnCode::kInvalidParameters);
  CHECK(selection.error().message == message);
}

TEST_SUITE("ParseUserSelectionOptions") {
  TEST_CASE("nothing given leaves the default: every profile") {
    UsmtResult<UserSelectionOptions> selection = Select({});
    REQUIRE(selection.ok());
    CHECK_FALSE(selection->all);
    CHECK(selection->include_patterns.empty());
    CHECK(selection->exclude_patterns.empty());
    CHECK_FALSE(selection->last_logon.has_value());
  }

  TEST_CASE("/ui and /ue repeat and keep their order, in both forms") {
    UsmtResult<UserSelectionOptions> selection =
        Select({"/ue:*\\*", "/ui:CONTOSO\\alice", "--include-user=bob", "--ue", "pc1\\tmp*",
                "--exclude-user", "x", "/UI:carol@contoso.com"});
    REQUIRE(selection.ok());
    CHECK(selection->include_patterns == Arguments{"CONTOSO\\alice", "bob", "carol@contoso.com"});
    CHECK(selection->exclude_patterns == Arguments{"*\\*", "pc1\\tmp*", "x"});
    CHECK_FALSE(selection->all);
  }

  TEST_CASE("/uel gives the last-logon filter, in both forms") {
    UsmtResult<UserSelectionOptions> days = Select({"/uel:30"});
    REQUIRE(days.ok());
    REQUIRE(days->last_logon.has_value());
    CHECK(days->last_logon->kind == LastLogonFilter::Kind::kDays);
    CHECK(days->last_logon->days == 30);
    UsmtResult<UserSelectionOptions> date = Select({"--last-logon=2021/1/2"});
    REQUIRE(date.ok());
    CHECK(date->last_logon->kind == LastLogonFilter::Kind::kSince);
    CHECK(date->last_logon->year == 2021);
    CHECK(date->last_logon->month == 1);
    CHECK(date->last_logon->day == 2);
    UsmtResult<UserSelectionOptions> now = Select({"--uel", "0"});
    REQUIRE(now.ok());
    CHECK(now->last_logon->kind == LastLogonFilter::Kind::kLoggedOnNow);
  }

  TEST_CASE("/all alone, in both forms") {
    CHECK(Select({"/all"})->all);
    CHECK(Select({"/ALL"})->all);
    CHECK(Select({"--all-users"})->all);
  }

  TEST_CASE("/all conflicts with /ui, /ue and /uel, named as the user spelled them") {
    CheckInvalid({"/all", "/ui:a"},
                 "/all conflicts with /ui, /ue and /uel; /ui cannot be combined with it");
    CheckInvalid({"/ue:a", "/all"},
                 "/all conflicts with /ui, /ue and /uel; /ue cannot be combined with it");
    CheckInvalid({"--all-users", "--last-logon=3"},
                 "--all-users conflicts with /ui, /ue and /uel; --last-logon cannot be combined "
                 "with it");
  }

  TEST_CASE("bad patterns and /uel values are refused with code 11") {
    CheckInvalid({"/ui:a\\b\\c"},
                 "invalid user pattern 'a\\b\\c': use DOMAIN\\user, with one backslash");
    CheckInvalid({"/ue:\\alice"}, "invalid user pattern '\\alice': the domain is empty");
    CheckInvalid({"/ui:a", "/ue:x\\"}, "invalid user pattern 'x\\': the user is empty");
    CheckInvalid({"/uel:yesterday"},
                 "invalid /uel value 'yesterday': use a number of days, a date YYYY/MM/DD, or 0 "
                 "for the users logged on now");
    CheckInvalid({"/uel:2023/2/29"},
                 "invalid /uel date '2023/2/29': there is no such day between 1970/1/1 and "
                 "2200/12/31");
  }
}

}  // namespace
}  // namespace tseq
