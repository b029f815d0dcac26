// RunSequence through the engine: binding, running, failure propagation, restarts and the plan of
// a sequence that runs child sequences.
#include <doctest/doctest.h>

#include "engine/plan.h"
#include "engine/plan_report.h"
#include "engine/runner.h"
#include "engine/sequence_file.h"
#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"
#include "sequences/loader.h"

namespace tseq {
namespace {

class RecordingEngineLog : public EngineLog {
 public:
  void Write(LogType /*type*/, std::string_view /*component*/, std::string_view message,
             LogSource /*source*/) override {
    lines.emplace_back(message);
  }
  bool Contains(std::string_view text) const {
    for (const std::string& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> lines;
};

// A machine in memory whose sequence files live in /seq; `run ID` succeeds, `fail ID` exits 1.
struct TreeHarness {
  TreeHarness() : root("/machine", filesystem) {
    filesystem.AddFile("/machine/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    RegisterBuiltinSteps(registry);
    processes.When("fail", {.exit_code = 1});
  }

  void Load(const InitialVariables& sources = {}) {
    Diagnostics diagnostics;
    Result<InstructionTable> built =
        LoadSequenceFile(filesystem, "/seq/main.yaml", registry, diagnostics);
    INFO(diagnostics.ToString());
    REQUIRE(built.ok());
    table = std::make_unique<InstructionTable>(std::move(built).value());
    Result<StateStore> opened = StateStore::Open(filesystem, "/state");
    REQUIRE(opened.ok());
    state = std::make_unique<StateStore>(std::move(opened).value());
    REQUIRE(LoadInitialVariables(table->sequence(), sources, filesystem, variables).ok());
    InitializeBuiltinVariables(*table, {.machine_name = "PC01", .log_directory = "/logs"},
                               variables);
  }

  RunResult Run(int start = 0) {
    RunnerServices services{root, filesystem, processes, clock, log, *state, nullptr};
    Runner runner(*table, services, {.sequence_file = "/seq/main.yaml", .log_directory = "/logs"});
    return runner.Run(variables, start);
  }

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

std::string Command(const std::string& name, const std::string& command,
                    const std::string& extra = "") {
  return "  - { name: " + name + ", type: RunCommandLine, " + extra + "with: { commandLine: '" +
         command + "' } }\n";
}

std::string Call(const std::string& name, const std::string& path, const std::string& extra = "") {
  return "  - { name: " + name + ", type: RunSequence, " + extra + "with: { path: " + path +
         " } }\n";
}

TEST_SUITE("RunSequence in the engine") {
  TEST_CASE("the child's steps are flattened under the RunSequence instruction") {
    TreeHarness harness;
    harness.filesystem.AddFile("/seq/main.yaml", "name: Main\nsteps:\n" + Command("A", "run A") +
                                                     Call("Child", "lib/child.yaml") +
                                                     Command("D", "run D"));
    harness.filesystem.AddFile("/seq/lib/child.yaml",
                               "name: Inner\nsteps:\n  - group: G\n    steps:\n  " +
                                   Command("B", "run B") + Command("C", "run C"));
    harness.Load();
    const InstructionTable& table = *harness.table;
    REQUIRE(table.size() == 6);
    CHECK(table[1].kind == InstructionKind::kSequence);
    CHECK(table[1].has_children());
    CHECK(table[1].step == nullptr);
    CHECK(table[1].child->name == "Inner");
    CHECK(table[1].end == 5);
    CHECK(table[2].kind == InstructionKind::kGroup);
    CHECK(table[2].parent == 1);
    CHECK(table[2].depth == 1);
    CHECK(table.Path(3) == "Child / G / B");
    CHECK(table[3].depth == 2);
    CHECK(table[3].node->location.file == "/seq/lib/child.yaml");
    CHECK(table[4].parent == 1);
    CHECK(table[5].parent == -1);
    CHECK(harness.variables.Get("_SMSTSInstructionTableSize") == "6");

    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"A", "B", "C", "D"});
    CHECK(
        harness.log.Contains("Start executing an instruction. Instruction name: 'Child'. "
                             "Pointer: 1. Type: 'RunSequence'. Disabled: 0"));
    CHECK(
        harness.log.Contains("The child sequence 'Inner' (/seq/lib/child.yaml) of the action "
                             "(Child) has been successfully started"));
  }

  TEST_CASE("binding a RunSequence step without its child is an error") {
    TreeHarness harness;
    Diagnostics diagnostics;
    Result<SequencePointer> sequence = LoadSequence("name: M\nsteps:\n" + Call("Child", "c.yaml"),
                                                    "m.yaml", harness.registry, diagnostics);
    REQUIRE(sequence.ok());
    Result<InstructionTable> table =
        InstructionTable::Build(*sequence, harness.registry, diagnostics);
    REQUIRE_FALSE(table.ok());
    CHECK(diagnostics.ToString() ==
          "m.yaml:3:5: error: RunSequence step 'Child': its child sequence was not loaded\n");
  }

  TEST_CASE("continueOnError, condition and enabled on RunSequence act as on a group") {
    TreeHarness harness;
    harness.filesystem.AddFile("/seq/child.yaml", "name: Child\nsteps:\n" + Command("B", "fail B") +
                                                      Command("C", "run C"));
    SUBCASE("a failure inside the child climbs to the RunSequence step that continues") {
      harness.filesystem.AddFile("/seq/main.yaml",
                                 "name: M\nsteps:\n" +
                                     Call("Child", "child.yaml", "continueOnError: true, ") +
                                     Command("D", "run D"));
      harness.Load();
      CHECK(harness.Run() == RunResult::kCompleted);
      CHECK(harness.Ran() == std::vector<std::string>{"B", "D"});
      CHECK(
          harness.log.Contains("The execution of the child sequence (Child) has failed and the "
                               "execution has been aborted. An action failed."));
      CHECK(
          harness.log.Contains("The action (Child) is set to continue on error; execution "
                               "continues after the child sequence"));
      CHECK(harness.variables.Get("_SMSTSLastActionName") == "D");
    }
    SUBCASE("without continueOnError the failure fails the sequence") {
      harness.filesystem.AddFile(
          "/seq/main.yaml",
          "name: M\nsteps:\n" + Call("Child", "child.yaml") + Command("D", "run D"));
      harness.Load();
      CHECK(harness.Run() == RunResult::kFailed);
      CHECK(harness.Ran() == std::vector<std::string>{"B"});
    }
    SUBCASE("a false condition skips the whole child") {
      harness.filesystem.AddFile(
          "/seq/main.yaml",
          "name: M\nsteps:\n" +
              Call("Child", "child.yaml", "condition: { variable: Go, exists: true }, ") +
              Command("D", "run D"));
      harness.Load();
      CHECK(harness.Run() == RunResult::kCompleted);
      CHECK(harness.Ran() == std::vector<std::string>{"D"});
      CHECK(harness.log.Contains(
          "The action (Child) has been skipped because the condition was evaluated to be false"));
    }
    SUBCASE("a disabled RunSequence step skips the whole child") {
      harness.filesystem.AddFile(
          "/seq/main.yaml", "name: M\nsteps:\n" + Call("Child", "child.yaml", "enabled: no, ") +
                                Command("D", "run D"));
      harness.Load();
      CHECK(harness.Run() == RunResult::kCompleted);
      CHECK(harness.Ran() == std::vector<std::string>{"D"});
    }
  }

  TEST_CASE("the child's variables are set when it starts, below --var and run-time values") {
    TreeHarness harness;
    harness.filesystem.AddFile(
        "/seq/main.yaml",
        "name: M\nvariables: { Parent: p, Shared: from-parent, Pinned: parent }\nsteps:\n" +
            Command("Before", "run %Shared%") +
            "  - { name: Set, type: SetVariable, with: { name: Runtime, value: parent-step } }\n" +
            Call("Child", "child.yaml"));
    harness.filesystem.AddFile(
        "/seq/child.yaml",
        "name: Child\nvariables:\n  Shared: from-child\n  Pinned: child\n  Runtime: child\n"
        "  Token: { value: s3cret, secret: true }\nsteps:\n" +
            Command("Inside", "run %Shared%-%Pinned%-%Runtime%-%Parent%"));
    harness.filesystem.AddFile("/vars", "Pinned=vars-file\n");
    harness.Load({.command_line = {}, .vars_file = "/vars"});
    CHECK(harness.Run() == RunResult::kCompleted);
    CHECK(harness.Ran() ==
          std::vector<std::string>{"from-parent", "from-child-vars-file-parent-step-p"});
    CHECK(harness.variables.IsSecret("Token"));
    CHECK(harness.log.Contains("Set a global environment variable Shared"));
    CHECK(
        harness.log.Contains("The variable Pinned of the child sequence is not set: the value "
                             "from vars-file takes precedence"));
    CHECK(
        harness.log.Contains("The variable Runtime of the child sequence is not set: the value "
                             "from runtime takes precedence"));
  }

  TEST_CASE("a restart inside the child resumes inside the child") {
    TreeHarness harness;
    harness.filesystem.AddFile("/seq/main.yaml", "name: M\nsteps:\n" + Call("Child", "c.yaml") +
                                                     Command("After", "run After"));
    harness.filesystem.AddFile("/seq/c.yaml", "name: C\nsteps:\n" + Command("B", "run B") +
                                                  "  - { name: Restart, type: RestartComputer }\n" +
                                                  Command("C", "run C"));
    harness.Load();
    CHECK(harness.Run() == RunResult::kRebootRequired);
    Result<SavedState> saved = harness.state->Load();
    REQUIRE(saved.ok());
    CHECK(saved->pointer == 3);
    harness.variables = saved->variables;
    CHECK(harness.Run(saved->pointer) == RunResult::kCompleted);
    CHECK(harness.Ran() == std::vector<std::string>{"B", "C", "After"});
  }

  TEST_CASE("the plan shows the child's instructions nested, with the child's variables") {
    TreeHarness harness;
    harness.filesystem.AddFile(
        "/seq/main.yaml",
        "name: M\nsteps:\n" + Call("Child", "c.yaml") +
            Call("Skipped child", "c.yaml", "condition: { variable: Mode, equals: x }, "));
    harness.filesystem.AddFile(
        "/seq/c.yaml", "name: Inner\nvariables: { Mode: y }\nsteps:\n" + Command("B", "run B"));
    harness.Load();
    const Plan plan = BuildPlan(*harness.table, harness.variables,
                                {.machine_name = "PC01", .log_directory = "/logs"}, harness.root,
                                harness.processes, harness.clock);
    const std::string text = FormatPlanText(*harness.table, plan, {.machine_root = "/machine"});
    INFO(text);
    CHECK(text.find("   0  run          Child  (RunSequence /seq/c.yaml: 'Inner')\n"
                    "                     sets Mode = y\n"
                    "   1  run            B  (RunCommandLine)\n"
                    "   2  skip         Skipped child  (RunSequence /seq/c.yaml: 'Inner')\n") !=
          std::string::npos);
    CHECK(text.find("   3  not reached    B  (RunCommandLine)\n"
                    "                       in the child sequence of skipped step 'Skipped "
                    "child'  [/seq/main.yaml:4:5]\n") != std::string::npos);
    CHECK(text.find("1 of 2 steps would run") != std::string::npos);
    const std::string json = FormatPlanJson(*harness.table, plan, {.machine_root = "/machine"});
    CHECK(json.find("\"kind\": \"sequence\",\n      \"type\": \"RunSequence\",\n      "
                    "\"childFile\": \"/seq/c.yaml\",\n      \"childSequence\": \"Inner\"") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace tseq
