// Conditions as the loader reads them: the model of every leaf, and the exact error texts.
#include <string>
#include <utility>

#include <doctest/doctest.h>

#include "sequences/loader.h"
#include "sequences/test_step_catalog.h"

namespace tseq {
namespace {

struct Loaded {
  Result<SequencePointer> sequence;
  std::string diagnostics;
};

Loaded Load(std::string_view text) {
  testing::TestStepCatalog catalog;
  Diagnostics diagnostics;
  Result<SequencePointer> sequence = LoadSequence(text, "seq.yaml", catalog, diagnostics);
  return {std::move(sequence), diagnostics.ToString()};
}

const Condition& StepCondition(const Loaded& loaded, size_t index) {
  REQUIRE(loaded.sequence.ok());
  REQUIRE((*loaded.sequence)->steps.size() > index);
  REQUIRE((*loaded.sequence)->steps[index].condition.has_value());
  return *(*loaded.sequence)->steps[index].condition;
}

Loaded LoadCondition(std::string_view condition) {
  return Load("name: x\nsteps:\n  - name: a\n    type: RestoreUserState\n    condition: " +
              std::string(condition) + "\n");
}

TEST_SUITE("ParseCondition") {
  TEST_CASE("every variable operator is read with its operand") {
    const std::pair<const char*, VariableOperator> cases[] = {
        {"equals", VariableOperator::kEquals},   {"notEquals", VariableOperator::kNotEquals},
        {"greater", VariableOperator::kGreater}, {"greaterEqual", VariableOperator::kGreaterEqual},
        {"less", VariableOperator::kLess},       {"lessEqual", VariableOperator::kLessEqual},
        {"like", VariableOperator::kLike},
    };
    for (const auto& [name_binding, op] : cases) {
      const auto& name = name_binding;  // clang 14 cannot capture a structured binding
      CAPTURE(name);
      const Loaded loaded =
          LoadCondition(std::string("{ variable: ' Mode ', ") + name + ": 'Adv*' }");
      const Condition& condition = StepCondition(loaded, 0);
      CHECK(condition.kind == ConditionKind::kVariable);
      CHECK(condition.variable == "Mode");
      CHECK(condition.op == op);
      CHECK(condition.operand == "Adv*");
      CHECK(condition.location.ToString() == "seq.yaml:5:16");
    }
  }

  TEST_CASE("exists takes a boolean and read-only variables may be tested") {
    const Loaded loaded = LoadCondition("{ variable: _SMSTSInWinPE, exists: no }");
    const Condition& condition = StepCondition(loaded, 0);
    CHECK(condition.op == VariableOperator::kExists);
    CHECK_FALSE(condition.expected);
    CHECK(condition.variable == "_SMSTSInWinPE");
  }

  TEST_CASE("file and folder leaves default to exists: true and keep their timestamps") {
    Loaded loaded = LoadCondition(
        "{ file: /etc/os-release, modifiedAfter: '2026-01-31T08:00:00+01:00', "
        "modifiedBefore: 2026-02-01 }");
    const Condition& file = StepCondition(loaded, 0);
    CHECK(file.kind == ConditionKind::kFile);
    CHECK(file.path == "/etc/os-release");
    CHECK(file.expected);
    CHECK(file.modified_after == "2026-01-31T08:00:00+01:00");
    CHECK(file.modified_before == "2026-02-01");

    loaded = LoadCondition("{ folder: /home, exists: false }");
    const Condition& folder = StepCondition(loaded, 0);
    CHECK(folder.kind == ConditionKind::kFolder);
    CHECK(folder.path == "/home");
    CHECK_FALSE(folder.expected);
    CHECK_FALSE(folder.modified_after.has_value());
  }

  TEST_CASE("os, package and command leaves are read with their defaults") {
    Loaded loaded = LoadCondition("{ os: 'debian*', version: '>= 12' }");
    CHECK(StepCondition(loaded, 0).kind == ConditionKind::kOs);
    CHECK(StepCondition(loaded, 0).os_id == "debian*");
    CHECK(StepCondition(loaded, 0).version_constraint == ">= 12");

    loaded = LoadCondition("{ os: ubuntu }");
    CHECK_FALSE(StepCondition(loaded, 0).version_constraint.has_value());

    loaded = LoadCondition("{ package: rsync }");
    CHECK(StepCondition(loaded, 0).kind == ConditionKind::kPackage);
    CHECK(StepCondition(loaded, 0).package == "rsync");
    CHECK(StepCondition(loaded, 0).expected);

    loaded = LoadCondition("{ package: rsync, installed: off }");
    CHECK_FALSE(StepCondition(loaded, 0).expected);

    loaded = LoadCondition("{ command: \"test -d '/home/a b'\" }");
    CHECK(StepCondition(loaded, 0).kind == ConditionKind::kCommand);
    CHECK(StepCondition(loaded, 0).command == "test -d '/home/a b'");
    CHECK(StepCondition(loaded, 0).exit_code == 0);

    loaded = LoadCondition("{ command: 'grep -q x /etc/hosts', exitCode: 1 }");
    CHECK(StepCondition(loaded, 0).exit_code == 1);
  }

  TEST_CASE("combinators nest freely") {
    const Loaded loaded =
        LoadCondition("{ none: [ { any: [ { all: [ { os: debian } ] }, { package: x } ] } ] }");
    const Condition& none = StepCondition(loaded, 0);
    CHECK(none.kind == ConditionKind::kNone);
    REQUIRE(none.children.size() == 1);
    const Condition& any = none.children[0];
    CHECK(any.kind == ConditionKind::kAny);
    REQUIRE(any.children.size() == 2);
    CHECK(any.children[0].kind == ConditionKind::kAll);
    CHECK(any.children[0].children[0].kind == ConditionKind::kOs);
    CHECK(any.children[1].kind == ConditionKind::kPackage);
  }

  TEST_CASE("values with variable references skip the timestamp and version checks") {
    const Loaded loaded = Load(
        "name: x\n"
        "variables: { When: soon, Version: new }\n"
        "steps:\n"
        "  - name: a\n"
        "    type: RestoreUserState\n"
        "    condition:\n"
        "      all:\n"
        "        - { file: /x, modifiedAfter: '%When%' }\n"
        "        - { os: debian, version: '>= %Version%' }\n");
    REQUIRE(loaded.sequence.ok());
    CHECK(loaded.diagnostics == "");
  }

  TEST_CASE("a group's condition is read like a step's") {
    const Loaded loaded = Load(
        "name: x\n"
        "steps:\n"
        "  - group: g\n"
        "    condition: { variable: A, equals: b, like: c }\n"
        "    steps: [ { name: a, type: RestoreUserState } ]\n");
    CHECK(loaded.diagnostics ==
          "seq.yaml:4:42: error: variable condition has more than one operator: 'equals' and "
          "'like'\n");
  }
}

TEST_SUITE("ParseCondition errors") {
  TEST_CASE("every malformed condition in a file is reported") {
    const Loaded loaded = Load(R"(name: Conditions
steps:
  - name: a
    type: RestoreUserState
    condition: { variable: X, equal: 1 }
  - name: b
    type: RestoreUserState
    condition: { variable: X, equals: 1, like: "a*" }
  - name: c
    type: RestoreUserState
    condition: { variable: X }
  - name: d
    type: RestoreUserState
    condition: { variable: "bad name", notExists: true }
  - name: e
    type: RestoreUserState
    condition: { file: /x, modifiedAfter: 2026-13-01, modifiedBefore: "%When%" }
  - name: f
    type: RestoreUserState
    condition: { folder: /x, exists: false, modifiedBefore: 2026-01-01 }
  - name: g
    type: RestoreUserState
    condition: { os: debian, version: ">= twelve" }
  - name: h
    type: RestoreUserState
    condition: { package: "", installed: maybe }
  - name: i
    type: RestoreUserState
    condition: { command: "test 'unterminated", exitCode: 256 }
  - name: j
    type: RestoreUserState
    condition: { registry: x }
  - name: k
    type: RestoreUserState
    condition: { varible: x }
  - name: l
    type: RestoreUserState
    condition: { file: /a, folder: /b }
  - name: m
    type: RestoreUserState
    condition:
      all: []
  - name: n
    type: RestoreUserState
    condition:
      any: { variable: x, exists: true }
  - name: o
    type: RestoreUserState
    condition:
      none:
        - just text
        - { os: "*", verison: 12 }
        - all:
            - { variable: X, greater: [1] }
      extra: 1
  - name: p
    type: RestoreUserState
    condition: [x]
  - name: q
    type: RestoreUserState
    condition: { variable: X, exists: perhaps }
)");
    CHECK(
        loaded.diagnostics ==
        "seq.yaml:5:31: error: unknown operator 'equal' for variable condition (did you mean "
        "'equals'?)\n"
        "seq.yaml:8:42: error: variable condition has more than one operator: 'equals' and 'like'\n"
        "seq.yaml:11:16: error: variable condition needs an operator: exists, equals, notEquals, "
        "greater, greaterEqual, less, lessEqual, like\n"
        "seq.yaml:14:28: error: invalid variable name 'bad name': names are 1 to 256 letters, "
        "digits, '_' or '-', starting with a letter or '_'\n"
        "seq.yaml:14:40: error: unknown operator 'notExists' for variable condition (write "
        "'exists: false')\n"
        "seq.yaml:17:43: error: invalid timestamp '2026-13-01' (expected YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM[:SS], optionally followed by Z, +HH:MM or -HH:MM)\n"
        "seq.yaml:17:71: warning: reference to unknown variable %When% (it is left as written "
        "unless set at run time)\n"
        "seq.yaml:20:45: error: 'modifiedBefore' cannot be combined with 'exists: false'\n"
        "seq.yaml:23:39: error: invalid version constraint '>= twelve' (expected a version such as "
        "12 or 24.04, optionally after one of =, ==, !=, >, >=, <, <=)\n"
        "seq.yaml:26:27: error: 'package' must not be empty\n"
        "seq.yaml:26:42: error: 'installed' must be true or false, not 'maybe'\n"
        "seq.yaml:29:27: error: unterminated single quote in command line at character 6\n"
        "seq.yaml:29:59: error: 'exitCode' must be a whole number from 0 to 255, not '256'\n"
        "seq.yaml:32:16: error: a condition needs one of: all, any, none, variable, file, folder, "
        "os, package, command\n"
        "seq.yaml:35:18: error: unknown condition 'varible' (did you mean 'variable'?)\n"
        "seq.yaml:38:28: error: a condition tests one thing, but this one has both 'file' and "
        "'folder' (combine conditions with 'all' or 'any')\n"
        "seq.yaml:42:12: error: 'all' needs at least one condition\n"
        "seq.yaml:46:12: error: 'any' must be a list of conditions, not a map\n"
        "seq.yaml:51:11: error: a condition must be a map, not a string\n"
        "seq.yaml:52:22: error: unknown key 'verison' in os condition (did you mean 'version'?)\n"
        "seq.yaml:54:39: error: 'greater' must be a string, not a list\n"
        "seq.yaml:55:7: error: unknown key 'extra' in 'none' condition\n"
        "seq.yaml:58:16: error: 'condition' must be a map, not a list\n"
        "seq.yaml:61:39: error: 'exists' must be true or false, not 'perhaps'\n");
    CHECK(loaded.sequence.status().message() == "seq.yaml: 23 errors");
  }

  TEST_CASE("file and folder leaves name their own kind in their errors") {
    const Loaded loaded = Load(R"(name: Paths
steps:
  - name: a
    type: RestoreUserState
    condition: { file: [x], exist: true, modifiedAfter: [1] }
  - name: b
    type: RestoreUserState
    condition: { folder: "", modifedBefore: x, modifiedAfter: {} }
)");
    CHECK(loaded.diagnostics ==
          "seq.yaml:5:24: error: 'file' must be a string, not a list\n"
          "seq.yaml:5:29: error: unknown key 'exist' in file condition (did you mean 'exists'?)\n"
          "seq.yaml:5:57: error: 'modifiedAfter' must be a string, not a list\n"
          "seq.yaml:8:26: error: 'folder' must not be empty\n"
          "seq.yaml:8:30: error: unknown key 'modifedBefore' in folder condition (did you mean "
          "'modifiedBefore'?)\n"
          "seq.yaml:8:63: error: 'modifiedAfter' must be a string, not a map\n");
  }
}

}  // namespace
}  // namespace tseq
