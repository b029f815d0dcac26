#include "engine/condition_evaluator.h"

#include <doctest/doctest.h>

#include "engine/condition_test_support.h"

namespace tseq {
namespace {

using testing::ConditionFixture;
using testing::ListCondition;
using testing::VariableCondition;
using testing::VariableExists;

constexpr auto kEquals = VariableOperator::kEquals;
constexpr auto kNotEquals = VariableOperator::kNotEquals;
constexpr auto kGreater = VariableOperator::kGreater;
constexpr auto kGreaterEqual = VariableOperator::kGreaterEqual;
constexpr auto kLess = VariableOperator::kLess;
constexpr auto kLessEqual = VariableOperator::kLessEqual;
constexpr auto kLike = VariableOperator::kLike;

TEST_SUITE("EvaluateCondition: variable leaves") {
  TEST_CASE("equals compares text ignoring case and explains with the value") {
    ConditionFixture fixture;
    fixture.Set("OSDMigrateMode", "Simple");
    const ConditionOutcome outcome =
        fixture.Evaluate(VariableCondition("OSDMigrateMode", kEquals, "Advanced", 4));
    CHECK_FALSE(outcome.result);
    CHECK(outcome.explanation ==
          "variable OSDMigrateMode equals 'Advanced' is false (value is 'Simple')");
    CHECK(outcome.deciding_location.ToString() == "seq.yaml:4:7");
    CHECK(fixture.Explain(VariableCondition("osdmigratemode", kEquals, "SIMPLE")) ==
          "variable osdmigratemode equals 'SIMPLE' is true (value is 'Simple')");
  }

  TEST_CASE("comparisons are numeric when both sides are numbers") {
    ConditionFixture fixture;
    fixture.Set("Count", "10");
    // As text, "10" sorts before "9"; as numbers it is greater.
    CHECK(fixture.Evaluate(VariableCondition("Count", kGreater, "9")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("Count", kLess, "9")).result);
    CHECK(fixture.Evaluate(VariableCondition("Count", kEquals, "10.0")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("Count", kNotEquals, " 10 ")).result);
    CHECK(fixture.Evaluate(VariableCondition("Count", kGreaterEqual, "10")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("Count", kGreaterEqual, "10.5")).result);
    CHECK(fixture.Evaluate(VariableCondition("Count", kLessEqual, "10")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("Count", kLessEqual, "-3")).result);
    CHECK(fixture.Evaluate(VariableCondition("Count", kLess, "2.5e1x")).result);  // text: "1" < "2"
    CHECK(fixture.Explain(VariableCondition("Count", kGreater, "9")) ==
          "variable Count greater '9' is true (value is '10')");
  }

  TEST_CASE("comparisons are case-insensitive text when either side is not a number") {
    ConditionFixture fixture;
    fixture.Set("Name", "banana");
    CHECK(fixture.Evaluate(VariableCondition("Name", kGreater, "Apple")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("Name", kGreater, "BANANA")).result);
    CHECK(fixture.Evaluate(VariableCondition("Name", kGreaterEqual, "BANANA")).result);
    CHECK(fixture.Evaluate(VariableCondition("Name", kLess, "Cherry")).result);
    CHECK(fixture.Evaluate(VariableCondition("Name", kLessEqual, "Banana")).result);
    CHECK(fixture.Evaluate(VariableCondition("Name", kNotEquals, "cherry")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("Name", kNotEquals, "BaNaNa")).result);
    fixture.Set("Version", "10");
    // "10" against "abc" is text: '1' sorts before 'a'.
    CHECK(fixture.Evaluate(VariableCondition("Version", kLess, "abc")).result);
  }

  TEST_CASE("like matches * and ? wildcards ignoring case") {
    ConditionFixture fixture;
    fixture.Set("_SMSTSMachineName", "LAB-PC-042");
    CHECK(fixture.Evaluate(VariableCondition("_SMSTSMachineName", kLike, "lab-*")).result);
    CHECK(fixture.Evaluate(VariableCondition("_SMSTSMachineName", kLike, "LAB-PC-0??")).result);
    CHECK(fixture.Evaluate(VariableCondition("_SMSTSMachineName", kLike, "*")).result);
    CHECK_FALSE(
        fixture.Evaluate(VariableCondition("_SMSTSMachineName", kLike, "LAB-PC-0?")).result);
    CHECK_FALSE(fixture.Evaluate(VariableCondition("_SMSTSMachineName", kLike, "SRV-*")).result);
    CHECK(fixture.Explain(VariableCondition("_SMSTSMachineName", kLike, "SRV-*")) ==
          "variable _SMSTSMachineName like 'SRV-*' is false (value is 'LAB-PC-042')");
  }

  TEST_CASE("an unset variable is false for every operator but notEquals and exists: false") {
    ConditionFixture fixture;
    for (const VariableOperator op : {kEquals, kGreater, kGreaterEqual, kLess, kLessEqual, kLike}) {
      CAPTURE(VariableOperatorName(op));
      CHECK_FALSE(fixture.Evaluate(VariableCondition("Missing", op, "")).result);
      CHECK_FALSE(fixture.Evaluate(VariableCondition("Missing", op, "*")).result);
    }
    CHECK(fixture.Evaluate(VariableCondition("Missing", kNotEquals, "x")).result);
    CHECK(fixture.Explain(VariableCondition("Missing", kNotEquals, "x")) ==
          "variable Missing notEquals 'x' is true (not set)");
    CHECK(fixture.Explain(VariableCondition("Missing", kLessEqual, "5")) ==
          "variable Missing lessEqual '5' is false (not set)");
    CHECK(fixture.Explain(VariableExists("OSDStateStorePath", true)) ==
          "variable OSDStateStorePath exists is false (not set)");
    CHECK(fixture.Explain(VariableExists("OSDStateStorePath", false)) ==
          "variable OSDStateStorePath does not exist is true (not set)");
  }

  TEST_CASE("exists reports the value of a set variable") {
    ConditionFixture fixture;
    fixture.Set("OSDStateStorePath", "/var/lib/tseq/UserState");
    CHECK(fixture.Explain(VariableExists("OSDStateStorePath", true)) ==
          "variable OSDStateStorePath exists is true (value is '/var/lib/tseq/UserState')");
    CHECK_FALSE(fixture.Evaluate(VariableExists("osdstatestorepath", false)).result);
  }

  TEST_CASE("the operand and the value are expanded before comparing") {
    ConditionFixture fixture;
    fixture.Set("Wanted", "Advanced");
    fixture.Set("Mode", "advanced");
    fixture.Set("Base", "/srv");
    fixture.Set("Store", "%Base%/store");
    CHECK(fixture.Explain(VariableCondition("Mode", kEquals, "%Wanted%")) ==
          "variable Mode equals 'Advanced' is true (value is 'advanced')");
    CHECK(fixture.Explain(VariableCondition("Store", kEquals, "/srv/store")) ==
          "variable Store equals '/srv/store' is true (value is '/srv/store')");
    // An unknown reference stays as written, as everywhere else.
    CHECK(fixture.Explain(VariableCondition("Mode", kEquals, "%Unknown%")) ==
          "variable Mode equals '%Unknown%' is false (value is 'advanced')");
  }

  TEST_CASE("secret values are masked in the explanation and the trace") {
    ConditionFixture fixture;
    fixture.Set("AdminPassword", "s3cret");  // a well-known secret name
    fixture.Set("Token", "t0ken", /*secret=*/true);
    fixture.Set("Copy", "%Token%-suffix");
    const ConditionOutcome equals =
        fixture.Evaluate(VariableCondition("AdminPassword", kEquals, "s3cret"));
    CHECK(equals.result);
    CHECK(equals.explanation ==
          "variable AdminPassword equals '********' is true (value is '********')");
    CHECK(fixture.Explain(VariableCondition("Mode", kEquals, "%Token%")) ==
          "variable Mode equals '********' is false (not set)");
    CHECK(fixture.Explain(VariableCondition("Copy", kLike, "t0ken-*")) ==
          "variable Copy like 't0ken-*' is true (value is '********-suffix')");
    CHECK(fixture.Explain(VariableExists("Token", true)) ==
          "variable Token exists is true (value is '********')");
    const ConditionOutcome listed = fixture.Evaluate(
        ListCondition(ConditionKind::kAll, {VariableCondition("Token", kEquals, "t0ken"),
                                            VariableCondition("AdminPassword", kNotEquals, "x")}));
    for (const ConditionTraceLine& line : listed.trace) {
      CHECK(line.text.find("t0ken") == std::string::npos);
      CHECK(line.text.find("s3cret") == std::string::npos);
    }
  }
}

TEST_SUITE("EvaluateCondition: all, any, none") {
  TEST_CASE("all is false at the first false child, which decides, and stops there") {
    ConditionFixture fixture;
    fixture.Set("A", "1");
    const ConditionOutcome outcome = fixture.Evaluate(
        ListCondition(ConditionKind::kAll,
                      {VariableExists("A", true, 2), VariableCondition("B", kEquals, "x", 3),
                       VariableExists("C", true, 4)},
                      1));
    CHECK_FALSE(outcome.result);
    CHECK(outcome.explanation == "variable B equals 'x' is false (not set)");
    CHECK(outcome.deciding_location.line == 3);
    REQUIRE(outcome.trace.size() == 3);  // C is never evaluated
    CHECK(outcome.trace[0].text == "all of 3 conditions is false");
    CHECK(outcome.trace[0].depth == 0);
    CHECK_FALSE(outcome.trace[0].result);
    CHECK(outcome.trace[1].text == "variable A exists is true (value is '1')");
    CHECK(outcome.trace[1].depth == 1);
    CHECK(outcome.trace[1].result);
    CHECK(outcome.trace[2].text == "variable B equals 'x' is false (not set)");
    CHECK_FALSE(outcome.trace[2].result);
  }

  TEST_CASE("asked for the decision only, the outcome is the same and the trace empty") {
    ConditionFixture fixture;
    fixture.Set("A", "1");
    const std::vector<Condition> conditions = {
        ListCondition(ConditionKind::kAll,
                      {VariableExists("A", true, 2), VariableCondition("B", kEquals, "x", 3)}, 1),
        ListCondition(ConditionKind::kAny, {VariableExists("B", true, 2)}, 1),
        ListCondition(ConditionKind::kNone, {}, 1),
        ListCondition(ConditionKind::kAll,
                      {VariableExists("A", true, 2), VariableExists("A", true, 3)}, 1),
        VariableCondition("A", kEquals, "1", 5)};
    for (const Condition& condition : conditions) {
      const ConditionOutcome traced = fixture.Evaluate(condition);
      const ConditionOutcome decided = EvaluateCondition(
          condition,
          {fixture.variables, fixture.machine_root, fixture.process_runner, fixture.clock},
          ConditionDetail::kDecisionOnly);
      CHECK_FALSE(traced.trace.empty());
      CHECK(decided.trace.empty());
      CHECK(decided.result == traced.result);
      CHECK(decided.explanation == traced.explanation);
      CHECK(decided.deciding_location.line == traced.deciding_location.line);
    }
  }

  TEST_CASE("all is true when every child is") {
    ConditionFixture fixture;
    fixture.Set("A", "1");
    const ConditionOutcome outcome =
        fixture.Evaluate(ListCondition(ConditionKind::kAll,
                                       {VariableExists("A", true, 2), VariableExists("B", false, 3),
                                        VariableCondition("A", kLess, "2", 4)},
                                       1));
    CHECK(outcome.result);
    CHECK(outcome.explanation == "all 3 conditions are true");
    CHECK(outcome.deciding_location.ToString() == "seq.yaml:1:5");
    CHECK(outcome.trace.size() == 4);
  }

  TEST_CASE("any is true at the first true child and false when none is") {
    ConditionFixture fixture;
    fixture.Set("Mode", "Simple");
    const ConditionOutcome found = fixture.Evaluate(ListCondition(
        ConditionKind::kAny,
        {VariableCondition("Mode", kEquals, "Advanced", 2),
         VariableCondition("Mode", kEquals, "Simple", 3), VariableExists("Other", true, 4)},
        1));
    CHECK(found.result);
    CHECK(found.explanation == "variable Mode equals 'Simple' is true (value is 'Simple')");
    CHECK(found.deciding_location.line == 3);
    CHECK(found.trace.size() == 3);
    const ConditionOutcome none_true = fixture.Evaluate(ListCondition(
        ConditionKind::kAny,
        {VariableCondition("Mode", kEquals, "Advanced", 2), VariableExists("Other", true, 3)}, 1));
    CHECK_FALSE(none_true.result);
    CHECK(none_true.explanation == "none of the 2 conditions is true");
    CHECK(none_true.deciding_location.line == 1);
    CHECK(none_true.trace[0].text == "any of 2 conditions is false");
  }

  TEST_CASE("none is false at the first true child and true otherwise") {
    ConditionFixture fixture;
    fixture.Set("_SMSTSInWinPE", "false");
    const ConditionOutcome blocked = fixture.Evaluate(ListCondition(
        ConditionKind::kNone,
        {VariableExists("Missing", true, 2),
         VariableCondition("_SMSTSInWinPE", kEquals, "false", 3), VariableExists("Never", true, 4)},
        1));
    CHECK_FALSE(blocked.result);
    CHECK(blocked.explanation ==
          "variable _SMSTSInWinPE equals 'false' is true (value is 'false')");
    CHECK(blocked.deciding_location.line == 3);
    CHECK(blocked.trace.size() == 3);
    CHECK(blocked.trace[0].text == "none of 3 conditions is false");
    const ConditionOutcome clear = fixture.Evaluate(
        ListCondition(ConditionKind::kNone,
                      {VariableExists("Missing", true, 2), VariableExists("Never", true, 3)}, 1));
    CHECK(clear.result);
    CHECK(clear.explanation == "none of the 2 conditions is true");
  }

  TEST_CASE("nested lists report the leaf that decided, however deep") {
    ConditionFixture fixture;
    fixture.Set("OSDStateStorePath", "/store");
    fixture.Set("Mode", "Simple");
    // all: [ any: [Mode equals Advanced, OSDStateStorePath exists], none: [ all: [Mode like S*] ] ]
    const Condition condition =
        ListCondition(ConditionKind::kAll,
                      {ListCondition(ConditionKind::kAny,
                                     {VariableCondition("Mode", kEquals, "Advanced", 3),
                                      VariableExists("OSDStateStorePath", true, 4)},
                                     2),
                       ListCondition(ConditionKind::kNone,
                                     {ListCondition(ConditionKind::kAll,
                                                    {VariableCondition("Mode", kLike, "S*", 7),
                                                     VariableExists("OSDStateStorePath", true, 8)},
                                                    6)},
                                     5)},
                      1);
    const ConditionOutcome outcome = fixture.Evaluate(condition);
    CHECK_FALSE(outcome.result);
    // none's only child (an all that is true) decides none, and none decides the outer all.
    CHECK(outcome.explanation == "all 2 conditions are true");
    CHECK(outcome.deciding_location.line == 6);
    std::vector<std::pair<int, std::string>> lines;
    for (const ConditionTraceLine& line : outcome.trace) lines.emplace_back(line.depth, line.text);
    CHECK(lines == std::vector<std::pair<int, std::string>>{
                       {0, "all of 2 conditions is false"},
                       {1, "any of 2 conditions is true"},
                       {2, "variable Mode equals 'Advanced' is false (value is 'Simple')"},
                       {2, "variable OSDStateStorePath exists is true (value is '/store')"},
                       {1, "none of 1 condition is false"},
                       {2, "all of 2 conditions is true"},
                       {3, "variable Mode like 'S*' is true (value is 'Simple')"},
                       {3, "variable OSDStateStorePath exists is true (value is '/store')"},
                   });

    fixture.Set("Mode", "Advanced");
    const ConditionOutcome second = fixture.Evaluate(condition);
    CHECK(second.result);
    CHECK(second.explanation == "all 2 conditions are true");
    CHECK(second.deciding_location.line == 1);
  }

  TEST_CASE("a list of one child takes that child's explanation") {
    ConditionFixture fixture;
    const ConditionOutcome any = fixture.Evaluate(
        ListCondition(ConditionKind::kAny, {VariableCondition("Mode", kEquals, "x", 2)}, 1));
    CHECK_FALSE(any.result);
    CHECK(any.explanation == "variable Mode equals 'x' is false (not set)");
    CHECK(any.deciding_location.line == 2);
    const ConditionOutcome all =
        fixture.Evaluate(ListCondition(ConditionKind::kAll, {VariableExists("Mode", false, 2)}, 1));
    CHECK(all.result);
    CHECK(all.explanation == "variable Mode does not exist is true (not set)");
    const ConditionOutcome none =
        fixture.Evaluate(ListCondition(ConditionKind::kNone, {VariableExists("Mode", true, 2)}, 1));
    CHECK(none.result);
    CHECK(none.explanation == "variable Mode exists is false (not set)");
  }

  TEST_CASE("empty lists, which the loader rejects, still evaluate sanely") {
    ConditionFixture fixture;
    const ConditionOutcome all = fixture.Evaluate(ListCondition(ConditionKind::kAll, {}, 1));
    CHECK(all.result);
    CHECK(all.explanation == "empty 'all' list is true");
    CHECK(all.trace.size() == 1);
    CHECK(all.trace[0].text == "all of 0 conditions is true");
    CHECK_FALSE(fixture.Evaluate(ListCondition(ConditionKind::kAny, {}, 1)).result);
    CHECK(fixture.Explain(ListCondition(ConditionKind::kAny, {}, 1)) ==
          "empty 'any' list is false");
    CHECK(fixture.Evaluate(ListCondition(ConditionKind::kNone, {}, 1)).result);
  }
}

TEST_SUITE("CompareVersions") {
  TEST_CASE("versions compare part by part, numerically where both parts are numbers") {
    CHECK(CompareVersions("12.10", "12.9") > 0);
    CHECK(CompareVersions("12.9", "12.10") < 0);
    CHECK(CompareVersions("24.04", "22.04") > 0);
    CHECK(CompareVersions("12", "12") == 0);
    CHECK(CompareVersions("12", "12.0") == 0);
    CHECK(CompareVersions("12", "12.1") < 0);
    CHECK(CompareVersions("3.19.1", "3.19") > 0);
    CHECK(CompareVersions("010", "9") > 0);
    CHECK(CompareVersions("99999999999999999999", "100000000000000000000") < 0);
    CHECK(CompareVersions("rolling", "ROLLING") == 0);
    CHECK(CompareVersions("12.rc", "12.beta") > 0);
  }
}

}  // namespace
}  // namespace tseq
