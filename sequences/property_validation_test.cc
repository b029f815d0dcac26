// Step properties (`with:`) checked against the step types' schemas.
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

TEST_SUITE("ValidateStepProperties") {
  TEST_CASE("values of the right type are accepted, enums in any case") {
    const Loaded loaded = Load(
        "name: x\n"
        "steps:\n"
        "  - name: Capture\n"
        "    type: CaptureUserState\n"
        "    with:\n"
        "      hardlinks: 'On'\n"
        "      mode: COPY\n"
        "      retries: '10'\n"
        "      level: 1000\n"
        "      retryDelay: 1h30m\n"
        "      rules: { include: [a] }\n"
        "      extraArguments: [--verbose]\n"
        "  - name: Run\n"
        "    type: RunCommandLine\n"
        "    with: { commandLine: 42, successCodes: 0 3010, outputVariable: ' Result ' }\n");
    REQUIRE(loaded.sequence.ok());
    CHECK(loaded.diagnostics == "");
  }

  TEST_CASE("a variable reference stands for any scalar value but not for a map") {
    const Loaded loaded = Load(
        "name: x\n"
        "variables: { V: 1 }\n"
        "steps:\n"
        "  - name: Capture\n"
        "    type: CaptureUserState\n"
        "    with: { hardlinks: '%V%', mode: '%V%', retries: '%V%', retryDelay: '%V%s', "
        "rules: '%V%' }\n"
        "  - name: Set\n"
        "    type: SetVariable\n"
        "    with: { name: '%V%', value: x }\n");
    CHECK(loaded.diagnostics ==
          "seq.yaml:6:87: error: property 'rules' must be a map, not a string\n");
  }

  TEST_CASE("a step without with: still needs its required properties") {
    const Loaded loaded = Load("name: x\nsteps:\n  - { name: Set, type: SetVariable }\n");
    CHECK(loaded.diagnostics ==
          "seq.yaml:3:5: error: step 'Set' (SetVariable) is missing required property 'name'\n"
          "seq.yaml:3:5: error: step 'Set' (SetVariable) is missing required property 'value'\n");
  }

  TEST_CASE("properties of an unknown step type are not checked") {
    const Loaded loaded =
        Load("name: x\nsteps:\n  - { name: a, type: Nothing, with: { anything: [1] } }\n");
    CHECK(loaded.diagnostics == "seq.yaml:3:22: error: unknown step type 'Nothing'\n");
  }

  TEST_CASE("a null property value is reported as nothing") {
    const Loaded loaded = Load(
        "name: x\nsteps:\n  - name: a\n    type: RunCommandLine\n    with:\n"
        "      commandLine:\n");
    CHECK(loaded.diagnostics ==
          "seq.yaml:6:7: error: property 'commandLine' must be a string, not nothing\n");
  }
}

TEST_SUITE("ValidateStepProperties golden") {
  TEST_CASE("every property of the wrong name or type is reported") {
    const Loaded loaded = Load(R"(name: Props
steps:
  - name: Capture
    type: CaptureUserState
    with:
      hardlink: true
      hardlinks: maybe
      mode: mov
      retries: 11
      level: 0
      retryDelay: 5 minutes
      rules: [a]
      extraArguments: { a: b }
  - name: Capture later
    type: CaptureUserState
    with:
      hardlinks: "%UseHardlinks%"
      retries: "%Retries%"
      mode: MOVE
      level: 12
      retryDelay: 90
  - name: Run
    type: RunCommandLine
    with:
      workingDirectory: [a]
      successCodes: [0, [1]]
      outputVariable: _SMSTSLogPath
  - name: Set
    type: SetVariable
    with: { name: "bad name", value: { a: b } }
  - name: Run2
    type: RunCommandLine
    with: [commandLine]
  - name: Run3
    type: RunCommandLine
    with: { commandLine: "x", successCodes: {a: 1}, outputVariable: "%Var%" }
)");
    CHECK(loaded.diagnostics ==
          "seq.yaml:6:7: error: step type CaptureUserState has no property 'hardlink' (did you "
          "mean 'hardlinks'?)\n"
          "seq.yaml:7:18: error: property 'hardlinks' must be true or false, not 'maybe'\n"
          "seq.yaml:8:13: error: property 'mode' must be one of 'copy', 'move', not 'mov'\n"
          "seq.yaml:9:16: error: property 'retries' must be a whole number from 0 to 10, not '11'\n"
          "seq.yaml:10:14: error: property 'level' must be a whole number of at least 1, not '0'\n"
          "seq.yaml:11:19: error: invalid duration '5 minutes' (expected a number with a unit: ms, "
          "s, m, h or d, e.g. 90s, 15m, 1h30m)\n"
          "seq.yaml:12:14: error: property 'rules' must be a map, not a list\n"
          "seq.yaml:13:23: error: property 'extraArguments' must be a list, not a map\n"
          "seq.yaml:17:18: warning: reference to unknown variable %UseHardlinks% (it is left as "
          "written unless set at run time)\n"
          "seq.yaml:18:16: warning: reference to unknown variable %Retries% (it is left as written "
          "unless set at run time)\n"
          "seq.yaml:22:5: error: step 'Run' (RunCommandLine) is missing required property "
          "'commandLine'\n"
          "seq.yaml:25:25: error: property 'workingDirectory' must be a string, not a list\n"
          "seq.yaml:26:25: error: items of property 'successCodes' must be strings, not a list\n"
          "seq.yaml:27:23: error: cannot set read-only variable '_SMSTSLogPath'\n"
          "seq.yaml:30:19: error: invalid variable name 'bad name': names are 1 to 256 letters, "
          "digits, '_' or '-', starting with a letter or '_'\n"
          "seq.yaml:30:38: error: property 'value' must be a string, not a map\n"
          "seq.yaml:31:5: error: step 'Run2' (RunCommandLine) is missing required property "
          "'commandLine'\n"
          "seq.yaml:33:11: error: 'with' must be a map of properties, not a list\n"
          "seq.yaml:36:45: error: property 'successCodes' must be a list of strings or a string, "
          "not a map\n"
          "seq.yaml:36:69: warning: reference to unknown variable %Var% (it is left as written "
          "unless set at run time)\n");
    CHECK(loaded.sequence.status().message() == "seq.yaml: 17 errors");
  }
}

}  // namespace
}  // namespace tseq
