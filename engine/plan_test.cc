#include "engine/plan.h"

#include <memory>

#include <doctest/doctest.h>

#include "engine/condition_test_support.h"
#include "sequences/loader.h"
#include "steps/step_registry.h"

namespace tseq {
namespace {

using testing::Utc;

// A step type whose declared output is a read-only variable, as a buggy plugin might declare.
class ReadOnlyOutputStep : public Step {
 public:
  ReadOnlyOutputStep() {
    schema_.type = "ReadOnlyOutput";
    schema_.category = "test";
    schema_.description = "Declares an output it may not set.";
    schema_.outputs = {{.variable = "_SMSTSBogus", .description = "read-only"},
                       {.variable = "PluginToken", .description = "secret", .secret = true}};
  }
  const StepSchema& schema() const override { return schema_; }
  StepResult Run(StepContext& /*context*/) const override { return {}; }

 private:
  StepSchema schema_;
};

// Loads YAML, binds it with the built-in steps and plans it on a machine (in memory by default).
class PlanHarness {
 public:
  PlanHarness() {
    RegisterBuiltinSteps(registry_);
    REQUIRE(registry_.Register(std::make_unique<ReadOnlyOutputStep>()).ok());
  }

  Plan Build(const std::string& yaml, const MachineRoot& root) {
    Diagnostics diagnostics;
    Result<SequencePointer> sequence = LoadSequence(yaml, "seq.yaml", registry_, diagnostics);
    INFO(diagnostics.ToString());
    REQUIRE(sequence.ok());
    Result<InstructionTable> table = InstructionTable::Build(*sequence, registry_, diagnostics);
    REQUIRE(table.ok());
    table_ = std::move(*table);
    VariableStore variables;
    for (const VariableDefinition& definition : table_->sequence().variables) {
      REQUIRE(variables
                  .Set(definition.name, definition.value,
                       {.source = VariableSource::kSequence,
                        .secrecy = definition.secret ? Secrecy::kSecret : Secrecy::kUnchanged})
                  .ok());
    }
    return BuildPlan(*table_, std::move(variables), options, root, process_runner, clock);
  }
  Plan Build(const std::string& yaml) { return Build(yaml, machine_root); }

  const InstructionTable& table() const { return *table_; }

  MemoryFilesystem filesystem;
  MachineRoot machine_root{"/machine", filesystem};
  FakeProcessRunner process_runner;
  FakeClock clock{Utc(2026, 3, 1)};
  PlanOptions options{.machine_name = "LAB-PC-042", .log_directory = "/var/log/tseq"};

 private:
  StepRegistry registry_;
  std::optional<InstructionTable> table_;
};

// "run", "skip", ... per instruction, for whole-plan comparisons.
std::vector<std::string> Decisions(const Plan& plan) {
  std::vector<std::string> decisions;
  for (const PlanEntry& entry : plan.entries) decisions.push_back(PlanDecisionName(entry.decision));
  return decisions;
}

std::string Get(const Plan& plan, const std::string& name) {
  return plan.final_variables.Get(name).value_or("<unset>");
}

TEST_SUITE("InitializeBuiltinVariables") {
  TEST_CASE("sets the engine's identity variables for the table") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Refresh\nsteps:\n  - { name: A, type: RunCommandLine, with: { commandLine: 'true' } "
        "}\n");
    CHECK(Get(plan, "_SMSTSPackageName") == "Refresh");
    CHECK(Get(plan, "_SMSTSInstructionTableSize") == "1");
    CHECK(Get(plan, "_SMSTSMachineName") == "LAB-PC-042");
    CHECK(Get(plan, "_SMSTSInWinPE") == "false");
    CHECK(Get(plan, "_SMSTSLogPath") == "/var/log/tseq/SMSTSLog");

    VariableStore variables;
    InitializeBuiltinVariables(harness.table(), {.log_directory = "/logs/", .offline = true},
                               variables);
    CHECK(variables.Get("_SMSTSInWinPE") == "true");
    CHECK(variables.Get("_SMSTSLogPath") == "/logs/SMSTSLog");
    CHECK_FALSE(variables.Contains("_SMSTSMachineName"));
    InitializeBuiltinVariables(harness.table(), {}, variables);
    CHECK_FALSE(variables.Contains("_SMSTSLogPath"));
  }
}

TEST_SUITE("BuildPlan") {
  TEST_CASE("without condition traces a plan decides and explains exactly as with them") {
    const std::string yaml =
        "name: Traces\n"
        "variables:\n"
        "  Mode: Simple\n"
        "steps:\n"
        "  - name: Skipped\n"
        "    type: SetVariable\n"
        "    with: { name: A, value: '1' }\n"
        "    condition:\n"
        "      any:\n"
        "        - { variable: Mode, equals: Advanced }\n"
        "        - { file: /etc/missing.conf }\n"
        "  - group: Group\n"
        "    condition: { all: [ { variable: Mode, equals: Simple }, { variable: B, exists: true "
        "} ] }\n"
        "    steps:\n"
        "      - name: Inside\n"
        "        type: SetVariable\n"
        "        with: { name: C, value: '3' }\n"
        "  - name: Runs\n"
        "    type: SetVariable\n"
        "    with: { name: D, value: '4' }\n"
        "    condition: { none: [ { variable: Mode, equals: Advanced } ] }\n";
    PlanHarness traced;
    const Plan with_traces = traced.Build(yaml);
    PlanHarness untraced;
    untraced.options.condition_trace = false;
    const Plan without_traces = untraced.Build(yaml);
    REQUIRE(with_traces.entries.size() == 4);
    REQUIRE(without_traces.entries.size() == 4);
    CHECK(with_traces.entries[0].condition_trace.size() == 3);
    CHECK(with_traces.entries[1].condition_trace.size() == 3);
    for (size_t index = 0; index < with_traces.entries.size(); ++index) {
      const PlanEntry& expected = with_traces.entries[index];
      const PlanEntry& entry = without_traces.entries[index];
      CHECK(entry.condition_trace.empty());
      CHECK(entry.decision == expected.decision);
      CHECK(entry.reason == expected.reason);
      CHECK(entry.reason_location.ToString() == expected.reason_location.ToString());
    }
    CHECK(without_traces.entries[0].reason == "none of the 2 conditions is true");
    CHECK(without_traces.entries[1].reason == "variable B exists is false (not set)");
    CHECK(Decisions(without_traces) == Decisions(with_traces));
  }

  TEST_CASE("conditions see earlier outputs and the engine's variables; skips keep LastAction") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Plan test\n"
        "variables:\n"
        "  Mode: Simple\n"
        "steps:\n"
        "  - name: Set store path\n"
        "    type: SetVariable\n"
        "    with: { name: OSDStateStorePath, value: /var/lib/tseq/UserState }\n"
        "  - name: Advanced only\n"
        "    type: RunCommandLine\n"
        "    with: { commandLine: echo advanced }\n"
        "    condition: { variable: Mode, equals: Advanced }\n"
        "  - name: Disabled step\n"
        "    type: SetVariable\n"
        "    enabled: false\n"
        "    with: { name: Mode, value: Advanced }\n"
        "  - name: After store path\n"
        "    type: RunCommandLine\n"
        "    with: { commandLine: 'echo %OSDStateStorePath%', outputVariable: EchoOutput }\n"
        "    condition:\n"
        "      all:\n"
        "        - { variable: OSDStateStorePath, equals: /var/lib/tseq/UserState }\n"
        "        - { variable: _SMSTSLastActionName, equals: Set store path }\n"
        "        - { variable: _SMSTSCurrentActionName, equals: After store path }\n"
        "        - { variable: _SMSTSNextInstructionPointer, equals: 3 }\n"
        "        - { variable: Mode, equals: Simple }\n");
    CHECK(Decisions(plan) == std::vector<std::string>{"run", "skip", "disabled", "run"});
    CHECK(plan.steps_run == 2);
    CHECK(plan.reboots == 0);
    for (size_t pointer = 0; pointer < 4; ++pointer) {
      CHECK(plan.entries[pointer].pointer == static_cast<int>(pointer));
    }

    const PlanEntry& set = plan.entries[0];
    CHECK(set.reason.empty());
    CHECK(set.condition_trace.empty());
    REQUIRE(set.outputs.size() == 1);
    CHECK(set.outputs[0].variable == "OSDStateStorePath");
    CHECK(set.outputs[0].value == "/var/lib/tseq/UserState");
    CHECK_FALSE(set.outputs[0].secret);

    const PlanEntry& skipped = plan.entries[1];
    CHECK(skipped.reason == "variable Mode equals 'Advanced' is false (value is 'Simple')");
    CHECK(skipped.reason_location.ToString() == "seq.yaml:11:16");
    REQUIRE(skipped.condition_trace.size() == 1);
    CHECK(skipped.condition_trace[0].text == skipped.reason);
    CHECK(skipped.outputs.empty());

    CHECK(plan.entries[2].reason == "disabled (enabled: false)");
    CHECK(plan.entries[2].reason_location.line == 12);
    CHECK(plan.entries[2].outputs.empty());

    const PlanEntry& after = plan.entries[3];
    CHECK(after.condition_trace.size() == 6);
    CHECK(after.condition_trace[0].text == "all of 5 conditions is true");
    REQUIRE(after.outputs.size() == 1);
    CHECK(after.outputs[0].variable == "EchoOutput");
    CHECK(after.outputs[0].value == "<output of the command>");

    CHECK(Get(plan, "Mode") == "Simple");
    CHECK(Get(plan, "EchoOutput") == "<output of the command>");
    CHECK(Get(plan, "_SMSTSLastActionName") == "After store path");
    CHECK(Get(plan, "_SMSTSLastActionSucceeded") == "true");
    CHECK(Get(plan, "_SMSTSLastActionRetCode") == "0");
    CHECK(Get(plan, "_SMSTSCurrentActionName") == "After store path");
    CHECK(Get(plan, "_SMSTSNextInstructionPointer") == "3");
  }

  TEST_CASE("skipped and disabled steps leave the LastAction variables unset") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Nothing runs\nsteps:\n"
        "  - { name: Off, type: RestartComputer, enabled: false }\n"
        "  - name: Never\n    type: RestartComputer\n"
        "    condition: { file: /etc/never, exists: true }\n");
    CHECK(Decisions(plan) == std::vector<std::string>{"disabled", "skip"});
    CHECK(plan.entries[1].reason == "file /etc/never exists is false (not found)");
    CHECK(plan.steps_run == 0);
    CHECK(plan.reboots == 0);
    CHECK_FALSE(plan.entries[1].reboot_after);
    CHECK_FALSE(plan.final_variables.Contains("_SMSTSLastActionName"));
    CHECK_FALSE(plan.final_variables.Contains("_SMSTSLastActionSucceeded"));
    CHECK_FALSE(plan.final_variables.Contains("_SMSTSLastActionRetCode"));
    CHECK(Get(plan, "_SMSTSCurrentActionName") == "Never");
  }

  TEST_CASE("disabled and skipped groups are jumped over and their contents not reached") {
    PlanHarness harness;
    harness.filesystem.AddFile("/machine/etc/os-release", "ID=debian\nVERSION_ID=12\n");
    const Plan plan = harness.Build(
        "name: Groups\nsteps:\n"
        "  - group: Capture\n    enabled: false\n    steps:\n"
        "      - { name: Capture files, type: RunCommandLine, with: { commandLine: 'true' } }\n"
        "      - group: Inner\n        steps:\n"
        "          - { name: Inner step, type: RunCommandLine, with: { commandLine: 'true' } }\n"
        "  - group: Restore\n"
        "    condition:\n"
        "      any:\n"
        "        - { folder: /home, exists: true }\n"
        "        - { os: ubuntu }\n"
        "    steps:\n"
        "      - { name: Restore files, type: SetVariable, with: { name: Restored, value: 'yes' } "
        "}\n"
        "  - group: Always\n    condition: { os: debian, version: '>= 12' }\n    steps:\n"
        "      - name: Nested skip\n        type: RunCommandLine\n"
        "        with: { commandLine: 'true' }\n"
        "        condition: { package: openssh-server, installed: true }\n"
        "      - { name: Runs, type: SetVariable, with: { name: Done, value: 'yes' } }\n"
        "  - { name: Last, type: RunCommandLine, with: { commandLine: 'true' } }\n");
    CHECK(Decisions(plan) == std::vector<std::string>{"disabled", "not reached", "not reached",
                                                      "not reached", "skip", "not reached", "run",
                                                      "skip", "run", "run"});
    CHECK(plan.entries[0].reason == "disabled (enabled: false)");
    for (const size_t pointer : {1u, 2u, 3u}) {
      CHECK(plan.entries[pointer].reason == "in disabled group 'Capture'");
      CHECK(plan.entries[pointer].reason_location.line == 3);
    }
    CHECK(plan.entries[4].reason == "none of the 2 conditions is true");
    CHECK(plan.entries[4].reason_location.line == 12);  // the `any:` key
    CHECK(plan.entries[4].condition_trace.size() == 3);
    CHECK(plan.entries[5].reason == "in skipped group 'Restore'");
    CHECK(plan.entries[6].reason.empty());
    CHECK(plan.entries[6].condition_trace.at(0).text ==
          "os debian version >= 12 is true (debian 12)");
    CHECK(plan.entries[7].reason ==
          "package openssh-server installed is false (no package database /var/lib/dpkg/status)");
    CHECK(plan.steps_run == 2);
    CHECK_FALSE(plan.final_variables.Contains("Restored"));
    CHECK(Get(plan, "Done") == "yes");
    CHECK(Get(plan, "_SMSTSLastActionName") == "Last");
  }

  TEST_CASE("a group's condition is evaluated once, before its steps change the variable") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Once\nvariables: { Flag: 'on' }\nsteps:\n"
        "  - group: G\n    condition: { variable: Flag, equals: 'on' }\n    steps:\n"
        "      - { name: Off, type: SetVariable, with: { name: Flag, value: 'off' } }\n"
        "      - { name: After, type: RunCommandLine, with: { commandLine: 'true' } }\n"
        "      - name: Checks\n        type: RunCommandLine\n"
        "        with: { commandLine: 'true' }\n"
        "        condition: { variable: Flag, equals: 'on' }\n");
    CHECK(Decisions(plan) == std::vector<std::string>{"run", "run", "run", "skip"});
    CHECK(plan.entries[3].reason == "variable Flag equals 'on' is false (value is 'off')");
  }

  TEST_CASE("restarts end a boot segment and the plan walks on as resume would") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Reboots\nsteps:\n"
        "  - { name: Before, type: SetVariable, with: { name: Phase, value: one } }\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - { name: Request, type: SetVariable, with: { name: SMSTSRebootRequested, value: HD } "
        "}\n"
        "  - name: After\n    type: SetVariable\n    with: { name: Phase, value: two }\n"
        "    condition: { variable: SMSTSRebootRequested, exists: false }\n"
        "  - name: Skipped restart\n    type: RestartComputer\n"
        "    condition: { variable: Phase, equals: one }\n");
    CHECK(Decisions(plan) == std::vector<std::string>{"run", "run", "run", "run", "skip"});
    CHECK_FALSE(plan.entries[0].reboot_after);
    CHECK(plan.entries[1].reboot_after);
    CHECK(plan.entries[2].reboot_after);
    REQUIRE(plan.entries[2].outputs.size() == 1);
    CHECK(plan.entries[2].outputs[0].variable == "SMSTSRebootRequested");
    CHECK_FALSE(plan.entries[3].reboot_after);
    CHECK_FALSE(plan.entries[4].reboot_after);
    CHECK(plan.reboots == 2);
    CHECK(plan.steps_run == 4);
    CHECK_FALSE(plan.final_variables.Contains("SMSTSRebootRequested"));
    CHECK(Get(plan, "Phase") == "two");
  }

  TEST_CASE("a retry request with a restart is cleared and reported") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Retry\nsteps:\n"
        "  - { name: Ask retry, type: SetVariable, with: { name: SMSTSRetryRequested, value: "
        "'true' } }\n"
        "  - { name: Restart, type: RestartComputer }\n");
    CHECK(plan.entries[0].warnings.empty());
    CHECK_FALSE(plan.entries[0].reboot_after);
    CHECK(plan.entries[1].reboot_after);
    CHECK(plan.entries[1].warnings ==
          std::vector<std::string>{
              "SMSTSRetryRequested is set: the run restarts and runs this step again"});
    CHECK_FALSE(plan.final_variables.Contains("SMSTSRetryRequested"));
  }

  TEST_CASE("secret outputs and outputs holding secrets are masked") {
    PlanHarness harness;
    const Plan plan = harness.Build(
        "name: Secrets\n"
        "variables:\n"
        "  AdminSecret: { value: s3cret, secret: true }\n"
        "steps:\n"
        "  - { name: Key, type: SetVariable, with: { name: StoreKey, value: k3y-value, secret: "
        "true } }\n"
        "  - { name: Derived, type: SetVariable, with: { name: Connection, value: "
        "'user:%AdminSecret%@smp' } }\n"
        "  - { name: Known, type: SetVariable, with: { name: OSDStateEncryptDecryptKey, value: abc "
        "} }\n"
        "  - { name: Reuse, type: SetVariable, with: { name: Copy, value: 'key=%StoreKey%' } }\n"
        "  - name: Compare\n    type: RunCommandLine\n    with: { commandLine: 'true' }\n"
        "    condition: { variable: StoreKey, equals: k3y-value }\n");
    REQUIRE(plan.entries[0].outputs.size() == 1);
    CHECK(plan.entries[0].outputs[0].value == "********");
    CHECK(plan.entries[0].outputs[0].secret);
    CHECK(plan.entries[1].outputs[0].value == "user:********@smp");
    CHECK_FALSE(plan.entries[1].outputs[0].secret);
    CHECK(plan.entries[2].outputs[0].value == "********");
    CHECK(plan.entries[2].outputs[0].secret);
    CHECK(plan.entries[3].outputs[0].value == "key=********");
    CHECK(plan.entries[4].decision == PlanDecision::kRun);
    CHECK(plan.entries[4].condition_trace.at(0).text ==
          "variable StoreKey equals '********' is true (value is '********')");
    CHECK(plan.final_variables.IsSecret("StoreKey"));
    CHECK(Get(plan, "StoreKey") == "k3y-value");
  }

  TEST_CASE("an output the step may not set is reported; the others still apply") {
    PlanHarness harness;
    const Plan plan =
        harness.Build("name: Plugin\nsteps:\n  - { name: P, type: ReadOnlyOutput }\n");
    const PlanEntry& entry = plan.entries[0];
    CHECK(entry.decision == PlanDecision::kRun);
    CHECK(entry.warnings == std::vector<std::string>{"variable '_SMSTSBogus' is read-only"});
    REQUIRE(entry.outputs.size() == 2);
    CHECK(entry.outputs[0].value == "<set by ReadOnlyOutput>");
    CHECK(entry.outputs[1].variable == "PluginToken");
    CHECK(entry.outputs[1].value == "********");
    CHECK_FALSE(plan.final_variables.Contains("_SMSTSBogus"));
    CHECK(plan.final_variables.IsSecret("PluginToken"));
  }

  TEST_CASE("command leaves run through the runner; steps do not") {
    PlanHarness harness;
    ProcessOutcome missing;
    missing.exit_code = 1;
    harness.process_runner.When("test", missing);
    const Plan plan = harness.Build(
        "name: Commands\nsteps:\n"
        "  - name: Wipe\n    type: RunCommandLine\n    with: { commandLine: 'rm -rf /data' }\n"
        "    condition: { command: 'test -d /data', exitCode: 0 }\n"
        "  - { name: Echo, type: RunCommandLine, with: { commandLine: 'echo hi' } }\n");
    CHECK(Decisions(plan) == std::vector<std::string>{"skip", "run"});
    CHECK(plan.entries[0].reason == "command 'test -d /data' exit code 0 is false (exit code 1)");
    const std::vector<ProcessRequest> calls = harness.process_runner.calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].arguments == std::vector<std::string>{"test", "-d", "/data"});
  }
}

}  // namespace
}  // namespace tseq
