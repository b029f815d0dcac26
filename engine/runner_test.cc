#include "engine/runner.h"

#include <doctest/doctest.h>

#include "engine/plan.h"
#include "engine/sequence_file.h"
#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"
#include "sequences/loader.h"

namespace tseq {
namespace {

class RecordingEngineLog : public EngineLog {
 public:
  void Write(LogType type, std::string_view component, std::string_view message,
             LogSource /*source*/) override {
    lines.push_back(std::to_string(static_cast<int>(type)) + " " + std::string(component) + ": " +
                    std::string(message));
  }
  bool Contains(std::string_view text) const {
    for (const std::string& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> lines;
};

// A machine in memory with fake processes: `run ID` commands succeed, `fail ID` exit 1.
struct RunHarness {
  explicit RunHarness(const std::string& yaml) : root("/machine", filesystem) {
    filesystem.AddFile("/machine/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    RegisterBuiltinSteps(registry);
    processes.When("fail", {.exit_code = 1});
    Diagnostics diagnostics;
    Result<SequencePointer> sequence = LoadSequence(yaml, "test.yaml", registry, diagnostics);
    INFO(diagnostics.ToString());
    REQUIRE(sequence.ok());
    Result<InstructionTable> built = InstructionTable::Build(*sequence, registry, diagnostics);
    REQUIRE(built.ok());
    table = std::make_unique<InstructionTable>(std::move(built).value());
    Result<StateStore> opened = StateStore::Open(filesystem, "/state");
    REQUIRE(opened.ok());
    state = std::make_unique<StateStore>(std::move(opened).value());
    REQUIRE(LoadInitialVariables(table->sequence(), {}, filesystem, variables).ok());
    InitializeBuiltinVariables(*table, {.machine_name = "PC01", .log_directory = "/logs"},
                               variables);
  }

  RunResult Run(int start = 0) {
    RunnerServices services{root, filesystem, processes, clock, log, *state, nullptr};
    Runner runner(*table, services, {.sequence_file = "test.yaml", .log_directory = "/logs"});
    return runner.Run(variables, start);
  }

  // The ids of the commands that ran, in order ("run S1" -> "S1").
  std::vector<std::string> Ran() const {
    std::vector<std::string> ids;
    for (const ProcessRequest& call : processes.calls()) ids.push_back(call.arguments.at(1));
    return ids;
  }

  MemoryFilesystem filesystem;
  MachineRoot root;
  FakeProcessRunner processes;
  FakeClock clock{std::chrono::system_clock::time_point{}};
  RecordingEngineLog log;
  StepRegistry registry;
  std::unique_ptr<InstructionTable> table;
  std::unique_ptr<StateStore> state;
  VariableStore variables;
};

std::string Step(const std::string& name, const std::string& command,
                 const std::string& extra = "") {
  return "      - name: " + name + "\n        type: RunCommandLine\n" + extra +
         "        with: { commandLine: '" + command + "' }\n";
}

TEST_SUITE("Runner") {
  TEST_CASE("SPEC example: G1(continueOnError){S1(coe),S2,S3}, G2{S4,S5,S6}") {
    const std::string yaml =
        "name: propagation\nsteps:\n"
        "  - group: G1\n    continueOnError: true\n    steps:\n" +
        Step("S1", "fail S1", "        continueOnError: true\n") + Step("S2", "fail S2") +
        Step("S3", "run S3") + "  - group: G2\n    steps:\n" + Step("S4", "fail S4") +
        Step("S5", "run S5") + Step("S6", "run S6");
    RunHarness harness(yaml);
    CHECK(harness.Run() == RunResult::kFailed);
    CHECK(harness.Ran() == std::vector<std::string>{"S1", "S2", "S4"});
    CHECK(harness.log.Contains(
        "The execution of the group (G1) has failed and the execution has been aborted. An "
        "action failed."));
    CHECK(harness.log.Contains("The group (G1) is set to continue on error"));
    CHECK(
        harness.log.Contains("Failed to run the last action: S4. Execution of task sequence "
                             "failed."));
    CHECK(harness.variables.Get("_SMSTSLastActionName") == "S4");
    CHECK(harness.variables.Get("_SMSTSLastActionSucceeded") == "false");
    CHECK(harness.variables.Get("_SMSTSLastActionRetCode") == "1");
  }

  TEST_CASE("a failure in a nested group climbs until a group continues on error") {
    const std::string yaml =
        "name: nested\nsteps:\n"
        "  - group: Outer\n    continueOnError: true\n    steps:\n"
        "      - group: Inner\n        steps:\n"
        "          - { name: A, type: RunCommandLine, with: { commandLine: 'fail A' } }\n"
        "          - { name: B, type: RunCommandLine, with: { commandLine: 'run B' } }\n" +
        Step("C", "run C") +
        "  - { name: D, type: RunCommandLine, with: { commandLine: 'run D' } }\n";
    RunHarness harness(yaml);
    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"A", "D"});
  }

  TEST_CASE("a failed top-level step without continueOnError fails the sequence at once") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - { name: A, type: RunCommandLine, with: { commandLine: 'fail A' } }\n"
        "  - { name: B, type: RunCommandLine, with: { commandLine: 'run B' } }\n");
    CHECK(harness.Run() == RunResult::kFailed);
    CHECK(harness.Ran() == std::vector<std::string>{"A"});
  }

  TEST_CASE("disabled and skipped steps leave the _SMSTSLastAction variables alone") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - { name: A, type: RunCommandLine, with: { commandLine: 'run A' } }\n"
        "  - { name: B, type: RunCommandLine, enabled: false, with: { commandLine: 'fail B' } }\n"
        "  - name: C\n    type: RunCommandLine\n"
        "    condition: { variable: Missing, exists: true }\n"
        "    with: { commandLine: 'fail C' }\n");
    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"A"});
    CHECK(harness.variables.Get("_SMSTSLastActionName") == "A");
    CHECK(harness.variables.Get("_SMSTSLastActionSucceeded") == "true");
    CHECK(harness.log.Contains("The action (B) has been skipped because it is disabled"));
    CHECK(harness.log.Contains(
        "The action (C) has been skipped because the condition was evaluated to be false"));
  }

  TEST_CASE("the runner evaluates a group's condition once: its steps run after one changes it") {
    RunHarness harness(
        "name: s\nvariables: { Flag: 'on' }\nsteps:\n"
        "  - group: G\n    condition: { variable: Flag, equals: 'on' }\n    steps:\n"
        "      - { name: Off, type: SetVariable, with: { name: Flag, value: 'off' } }\n"
        "      - { name: After, type: RunCommandLine, with: { commandLine: 'run After' } }\n");
    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"After"});
  }

  TEST_CASE("a false group condition skips every step in it") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - group: G\n    condition: { os: ubuntu }\n    steps:\n" +
        Step("A", "run A") +
        "  - { name: B, type: RunCommandLine, with: { commandLine: 'run B' } }\n");
    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"B"});
    CHECK(harness.log.Contains(
        "The group (G) has been skipped because the condition was evaluated to be false"));
  }

  TEST_CASE("retry runs a failing step again after the delay") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - name: Flaky\n    type: RunCommandLine\n    retry: { count: 2, delay: 30s }\n"
        "    with: { commandLine: 'fail F' }\n");
    const auto before = harness.clock.Now();
    CHECK(harness.Run() == RunResult::kFailed);
    CHECK(harness.Ran().size() == 3);
    CHECK(harness.clock.Now() - before == std::chrono::seconds(60));
    CHECK(harness.log.Contains("Retrying in 30s (attempt 2 of 3)"));
  }

  TEST_CASE("a restart saves the state at the next instruction and resume finishes the run") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - { name: A, type: RunCommandLine, with: { commandLine: 'run A' } }\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - { name: B, type: RunCommandLine, with: { commandLine: 'run B' } }\n");
    CHECK(harness.Run() == RunResult::kRebootRequired);
    CHECK(harness.Ran() == std::vector<std::string>{"A"});
    CHECK(harness.log.Contains("The action (Restart) initiated a reboot request"));
    CHECK(harness.log.Contains("Execution engine result code: Reboot (2)"));
    Result<SavedState> saved = harness.state->Load();
    REQUIRE(saved.ok());
    CHECK(saved->pointer == 2);
    harness.variables = saved->variables;
    CHECK(harness.Run(saved->pointer) == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"A", "B"});
  }

  TEST_CASE("exit code 3010 and SMSTSRebootRequested request a restart; retry re-runs the step") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - { name: A, type: RunCommandLine, with: { commandLine: 'installer A' } }\n"
        "  - { name: B, type: SetVariable, with: { name: SMSTSRetryRequested, value: 'true' } }\n");
    harness.processes.When("installer", {.exit_code = 3010});
    CHECK(harness.Run() == RunResult::kRebootRequired);
    CHECK(harness.state->Load()->pointer == 1);
    CHECK(harness.Run(1) == RunResult::kRebootRequired);
    CHECK(harness.state->Load()->pointer == 1);
    CHECK_FALSE(harness.variables.Contains("SMSTSRetryRequested"));
  }

  TEST_CASE("the state saved before each instruction holds the pointer of that instruction") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - { name: A, type: RunCommandLine, with: { commandLine: 'run A' } }\n"
        "  - { name: B, type: RunCommandLine, with: { commandLine: 'fail B' } }\n");
    CHECK(harness.Run() == RunResult::kFailed);
    // The last save happened before B ran: a crash during B would re-run B.
    CHECK(harness.state->Load()->pointer == 1);
    CHECK(harness.state->Load()->variables.Get("_SMSTSCurrentActionName") == "B");
  }

  TEST_CASE("action variables are visible during the step and removed afterwards") {
    RunHarness harness(
        "name: s\nsteps:\n"
        "  - { name: A, type: RunCommandLine, with: { commandLine: 'run A', workingDirectory: /etc "
        "} }\n");
    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.log.Contains("Set a local default variable WorkingDirectory"));
    CHECK_FALSE(harness.variables.Contains("WorkingDirectory"));
    CHECK(harness.processes.calls()[0].working_directory == "/machine/etc");
  }
}

}  // namespace
}  // namespace tseq
