#include "sequences/loader.h"

#include <string>

#include <doctest/doctest.h>

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

constexpr std::string_view kFullSequence = R"(name: Refresh - keep user state
description: Keeps user state on the local disk
variables:
  OSDStateStorePath: /var/lib/tseq/UserState
  AdminPassword: { value: "s3cret", secret: true }
  Plain: { value: 12 }
  OSDMigrateLocalAccountPassword: hidden
steps:
  - name: Request store
    type: RequestStateStore
  - name: Capture User State
    type: CaptureUserState
    description: captures
    enabled: no
    continueOnError: "true"
    timeout: 1h30m
    retry: { count: 2, delay: 10s }
    with: { hardlinks: yes, mode: Move, retries: 3, rules: { a: 1 } }
  - group: Restore
    continueOnError: on
    condition:
      all:
        - { variable: OSDStateStorePath, exists: true }
        - any:
            - { folder: /home, exists: false }
            - { file: "%OSDStateStorePath%/x", modifiedAfter: 2026-01-31 }
    steps:
      - { name: Restore User State, type: RestoreUserState }
      - name: Run
        type: RunCommandLine
        with:
          commandLine: echo %OSDStateStorePath% %_SMSTSLogPath%
          successCodes: [0, 1]
)";

TEST_SUITE("LoadSequence") {
  TEST_CASE("a valid sequence loads into the model with no diagnostics") {
    const Loaded loaded = Load(kFullSequence);
    REQUIRE(loaded.sequence.ok());
    CHECK(loaded.diagnostics == "");
    const Sequence& sequence = **loaded.sequence;
    CHECK(sequence.name == "Refresh - keep user state");
    CHECK(sequence.description == "Keeps user state on the local disk");
    CHECK(sequence.source_file == "seq.yaml");

    REQUIRE(sequence.variables.size() == 4);
    CHECK(sequence.variables[0].name == "OSDStateStorePath");
    CHECK(sequence.variables[0].value == "/var/lib/tseq/UserState");
    CHECK_FALSE(sequence.variables[0].secret);
    CHECK(sequence.variables[0].location.ToString() == "seq.yaml:4:3");
    CHECK(sequence.variables[1].name == "AdminPassword");
    CHECK(sequence.variables[1].value == "s3cret");
    CHECK(sequence.variables[1].secret);
    CHECK(sequence.variables[2].value == "12");
    CHECK_FALSE(sequence.variables[2].secret);
    CHECK(sequence.variables[3].secret);  // a well-known secret name

    REQUIRE(sequence.steps.size() == 3);
    const SequenceNode& request = sequence.steps[0];
    CHECK(request.kind == NodeKind::kStep);
    CHECK(request.name == "Request store");
    CHECK(request.type == "RequestStateStore");
    CHECK(request.enabled);
    CHECK_FALSE(request.continue_on_error);
    CHECK(request.properties.is_null());
    CHECK_FALSE(request.timeout.has_value());
    CHECK_FALSE(request.retry.has_value());
    CHECK_FALSE(request.condition.has_value());
    CHECK(request.location.ToString() == "seq.yaml:9:5");

    const SequenceNode& capture = sequence.steps[1];
    CHECK(capture.description == "captures");
    CHECK_FALSE(capture.enabled);
    CHECK(capture.continue_on_error);
    CHECK(capture.timeout == std::chrono::minutes(90));
    REQUIRE(capture.retry.has_value());
    CHECK(capture.retry->count == 2);
    CHECK(capture.retry->delay == std::chrono::seconds(10));
    REQUIRE(capture.properties.is_map());
    CHECK(capture.properties.Find("mode")->scalar == "Move");
    CHECK(capture.properties.Find("mode")->location.ToString() == "seq.yaml:18:35");
    CHECK(capture.properties.Find("rules")->is_map());

    const SequenceNode& restore = sequence.steps[2];
    CHECK(restore.is_group());
    CHECK(restore.name == "Restore");
    CHECK(restore.continue_on_error);
    CHECK(restore.location.ToString() == "seq.yaml:19:5");
    REQUIRE(restore.condition.has_value());
    const Condition& all = *restore.condition;
    CHECK(all.kind == ConditionKind::kAll);
    CHECK(all.location.ToString() == "seq.yaml:22:7");
    REQUIRE(all.children.size() == 2);
    CHECK(all.children[0].kind == ConditionKind::kVariable);
    CHECK(all.children[0].op == VariableOperator::kExists);
    CHECK(all.children[0].expected);
    CHECK(all.children[0].location.ToString() == "seq.yaml:23:11");
    const Condition& any = all.children[1];
    CHECK(any.kind == ConditionKind::kAny);
    REQUIRE(any.children.size() == 2);
    CHECK(any.children[0].kind == ConditionKind::kFolder);
    CHECK(any.children[0].path == "/home");
    CHECK_FALSE(any.children[0].expected);
    CHECK(any.children[1].kind == ConditionKind::kFile);
    CHECK(any.children[1].expected);
    CHECK(any.children[1].modified_after == "2026-01-31");
    CHECK_FALSE(any.children[1].modified_before.has_value());

    REQUIRE(restore.children.size() == 2);
    CHECK(restore.children[0].type == "RestoreUserState");
    CHECK(restore.children[0].location.ToString() == "seq.yaml:28:9");
    const SequenceNode& run = restore.children[1];
    CHECK(run.properties.Find("commandLine")->scalar == "echo %OSDStateStorePath% %_SMSTSLogPath%");
    CHECK(run.properties.Find("successCodes")->items.size() == 2);
  }

  TEST_CASE("the status of a file with errors counts them and names the file") {
    Loaded loaded = Load("name: x\n");
    CHECK(loaded.sequence.status().code() == StatusCode::kInvalidArgument);
    CHECK(loaded.sequence.status().message() == "seq.yaml: 1 error");
    loaded = Load("name: [x]\nstepz: []\n");
    CHECK(loaded.sequence.status().message() == "seq.yaml: 3 errors");
  }

  TEST_CASE("errors already in the diagnostics are not counted again") {
    testing::TestStepCatalog catalog;
    Diagnostics diagnostics;
    diagnostics.AddError({"other.yaml", 1, 1}, "earlier problem");
    const Result<SequencePointer> sequence =
        LoadSequence("name: x\nsteps: []\n", "seq.yaml", catalog, diagnostics);
    CHECK(sequence.ok());
  }

  TEST_CASE("warnings do not stop a sequence from loading") {
    const Loaded loaded = Load(
        "name: x\n"
        "steps:\n"
        "  - group: Empty\n"
        "    steps: []\n"
        "  - name: Echo %Nope%\n"
        "    type: RunCommandLine\n"
        "    with: { commandLine: 'echo %Missing% 100%% %OSDStateStorePath%' }\n");
    REQUIRE(loaded.sequence.ok());
    CHECK(loaded.diagnostics ==
          "seq.yaml:4:12: warning: group 'Empty' has no steps\n"
          "seq.yaml:5:11: warning: reference to unknown variable %Nope% (it is left as written "
          "unless set at run time)\n"
          "seq.yaml:7:26: warning: reference to unknown variable %Missing% (it is left as written "
          "unless set at run time)\n"
          "seq.yaml:7:26: warning: reference to unknown variable %OSDStateStorePath% (it is left "
          "as written unless set at run time)\n");
  }

  TEST_CASE("references to variables the sequence or its steps define are not reported") {
    const Loaded loaded = Load(
        "name: Deploy %_SMSTSMachineName%\n"
        "variables:\n"
        "  Defined: a\n"
        "steps:\n"
        "  - name: Store\n"
        "    type: RequestStateStore\n"
        "  - name: Set\n"
        "    type: SetVariable\n"
        "    with: { name: FromStep, value: '%defined% %SMSTSRebootRequested%' }\n"
        "  - name: Run\n"
        "    type: RunCommandLine\n"
        "    with:\n"
        "      commandLine: echo %OSDStateStorePath% %FromStep% %Output% %OSDMigrateUseHardlinks%\n"
        "      outputVariable: Output\n"
        "    condition: { variable: X, equals: '%fromstep%' }\n");
    REQUIRE(loaded.sequence.ok());
    CHECK(loaded.diagnostics == "");
  }

  TEST_CASE("the outputs of step types the sequence does not use are unknown") {
    const Loaded loaded = Load(
        "name: x\n"
        "steps:\n"
        "  - name: Run\n"
        "    type: RunCommandLine\n"
        "    with: { commandLine: 'ls %OSDStateStorePath%' }\n");
    CHECK(loaded.diagnostics ==
          "seq.yaml:5:26: warning: reference to unknown variable %OSDStateStorePath% (it is left "
          "as written unless set at run time)\n");
  }

  TEST_CASE("an empty step list is a warning") {
    const Loaded loaded = Load("name: x\nsteps: []\n");
    REQUIRE(loaded.sequence.ok());
    CHECK(loaded.diagnostics == "seq.yaml:2:8: warning: sequence 'x' has no steps\n");
  }

  TEST_CASE("a null description and null variables are empty") {
    const Loaded loaded = Load("name: x\ndescription:\nvariables:\nsteps: []\n");
    REQUIRE(loaded.sequence.ok());
    CHECK((*loaded.sequence)->description.empty());
    CHECK((*loaded.sequence)->variables.empty());
  }

  TEST_CASE("an empty with: is a step without properties") {
    const Loaded loaded = Load("name: x\nsteps:\n  - { name: a, type: RestoreUserState, with: }\n");
    REQUIRE(loaded.sequence.ok());
    CHECK((*loaded.sequence)->steps[0].properties.is_null());
  }

  TEST_CASE("anchors and aliases repeat a step") {
    const Loaded loaded = Load(
        "name: x\n"
        "steps:\n"
        "  - &restore { name: Restore, type: RestoreUserState }\n"
        "  - *restore\n");
    REQUIRE(loaded.sequence.ok());
    REQUIRE((*loaded.sequence)->steps.size() == 2);
    CHECK((*loaded.sequence)->steps[1].name == "Restore");
    CHECK((*loaded.sequence)->steps[1].location.ToString() == "seq.yaml:4:5");
  }
}

}  // namespace
}  // namespace tseq
