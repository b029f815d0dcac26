// Golden tests: whole files with many mistakes, and the exact diagnostics `tseq check` prints.
#include <string>

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

TEST_SUITE("LoadSequence errors") {
  TEST_CASE("every problem of the top level and the variables is reported") {
    const Loaded loaded = Load(R"(nme: Broken
description: [not, text]
variables:
  Good: 1
  _SMSTSLogPath: /tmp
  "bad name": x
  good: 2
  Listy: [1, 2]
  Mapped: { value: x, secert: true }
  NoValue: { secret: maybe }
stepz: []
)");
    CHECK(
        loaded.diagnostics ==
        "seq.yaml:1:1: error: unknown key 'nme' in sequence (did you mean 'name'?)\n"
        "seq.yaml:1:1: error: sequence is missing required key 'name'\n"
        "seq.yaml:1:1: error: sequence is missing required key 'steps'\n"
        "seq.yaml:2:14: error: 'description' must be a string, not a list\n"
        "seq.yaml:5:3: error: cannot set read-only variable '_SMSTSLogPath'\n"
        "seq.yaml:6:3: error: invalid variable name 'bad name': names are 1 to 256 letters, "
        "digits, '_' or '-', starting with a letter or '_'\n"
        "seq.yaml:7:3: error: variable 'good' is already defined as 'Good' (names ignore case)\n"
        "seq.yaml:8:10: error: variable 'Listy' must be a string or a map with 'value' and "
        "'secret', not a list\n"
        "seq.yaml:9:23: error: unknown key 'secert' in variable 'Mapped' (did you mean 'secret'?)\n"
        "seq.yaml:10:12: error: variable 'NoValue' is missing required key 'value'\n"
        "seq.yaml:10:22: error: 'secret' must be true or false, not 'maybe'\n"
        "seq.yaml:11:1: error: unknown key 'stepz' in sequence (did you mean 'steps'?)\n");
    CHECK(loaded.sequence.status().message() == "seq.yaml: 12 errors");
  }

  TEST_CASE("every problem of steps and groups is reported") {
    const Loaded loaded = Load(R"(name: Steps
steps:
  - name: One
    type: RunComandLine
  - name: Two
    type: RunCommandLine
    continueOnError: maybe
    enabled: [x]
    timeout: 5x
    retry: { count: -1, delai: 1s }
    steps: []
  - just a string
  - name: Both
    group: Both
  - description: neither
    type: SetVariable
    with: { nme: x, value: y }
  - group: G
    type: RunCommandLine
    with: {}
    timeout: 0
    retry: 3
    steps:
      - name: Inner
        type: CaptureUserState
        conditon: {}
  - group: Empty
    steps: {}
  - name:
    type: RestoreUserState
    timeout: 0s
    retry: { delay: soon }
)");
    CHECK(
        loaded.diagnostics ==
        "seq.yaml:4:11: error: unknown step type 'RunComandLine' (did you mean 'RunCommandLine'?)\n"
        "seq.yaml:5:5: error: step 'Two' (RunCommandLine) is missing required property "
        "'commandLine'\n"
        "seq.yaml:7:22: error: 'continueOnError' must be true or false, not 'maybe'\n"
        "seq.yaml:8:14: error: 'enabled' must be true or false, not a list\n"
        "seq.yaml:9:14: error: invalid duration '5x' (expected a number with a unit: ms, s, m, h "
        "or d, e.g. 90s, 15m, 1h30m)\n"
        "seq.yaml:10:21: error: 'count' must be a whole number of at least 0, not '-1'\n"
        "seq.yaml:10:25: error: unknown key 'delai' in 'retry' (did you mean 'delay'?)\n"
        "seq.yaml:11:5: error: key 'steps' is not allowed in a step\n"
        "seq.yaml:12:5: error: an item in 'steps' must be a map, not a string\n"
        "seq.yaml:13:5: error: an item in 'steps' needs either 'name' (a step) or 'group' (a "
        "group), not both\n"
        "seq.yaml:15:5: error: an item in 'steps' needs either 'name' (a step) or 'group' (a "
        "group)\n"
        "seq.yaml:15:5: error: step (SetVariable) is missing required property 'name'\n"
        "seq.yaml:17:13: error: step type SetVariable has no property 'nme' (did you mean "
        "'name'?)\n"
        "seq.yaml:19:5: error: key 'type' is not allowed in a group\n"
        "seq.yaml:20:5: error: key 'with' is not allowed in a group\n"
        "seq.yaml:21:5: error: key 'timeout' is not allowed in a group\n"
        "seq.yaml:22:5: error: key 'retry' is not allowed in a group\n"
        "seq.yaml:26:9: error: unknown key 'conditon' in step 'Inner' (did you mean 'condition'?)\n"
        "seq.yaml:28:12: error: 'steps' must be a list, not a map\n"
        "seq.yaml:29:5: error: 'name' must not be empty\n"
        "seq.yaml:31:14: error: 'timeout' must be longer than 0s\n"
        "seq.yaml:32:12: error: 'retry' is missing required key 'count'\n"
        "seq.yaml:32:21: error: invalid duration 'soon' (expected a number with a unit: ms, s, m, "
        "h or d, e.g. 90s, 15m, 1h30m)\n");
    CHECK(loaded.sequence.status().message() == "seq.yaml: 23 errors");
  }

  TEST_CASE("duplicate and non-string keys are reported and the rest is still checked") {
    const Loaded loaded = Load(R"(name: a
name: b
steps:
  - { name: x, type: RestoreUserState, name: y }
  - ? [k]
    : v
)");
    CHECK(loaded.diagnostics ==
          "seq.yaml:2:1: error: duplicate key 'name'\n"
          "seq.yaml:4:40: error: duplicate key 'name'\n"
          "seq.yaml:5:5: error: an item in 'steps' needs either 'name' (a step) or 'group' (a "
          "group)\n"
          "seq.yaml:5:7: error: a key must be a string, not a list\n");
    CHECK(loaded.sequence.status().message() == "seq.yaml: 4 errors");
  }
}

}  // namespace
}  // namespace tseq
