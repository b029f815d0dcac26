#include "steps/core/core_steps.h"

#include <doctest/doctest.h>

#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"
#include "steps/step_registry.h"
#include "steps/step_test_support.h"

namespace tseq {
namespace {

using testing::RecordingLog;
using testing::Scalar;

// Runs one step of `type` with `with` properties against fakes.
struct StepHarness {
  StepHarness() : root("/machine", filesystem), clock(std::chrono::system_clock::time_point{}) {
    filesystem.AddFile("/machine/etc/hostname", "pc01\n");
    RegisterBuiltinSteps(registry);
  }

  StepResult Run(const std::string& type, std::vector<std::pair<std::string, Value>> with) {
    node.name = "Test step";
    node.type = type;
    node.properties.kind = Value::Kind::kMap;
    node.properties.entries = std::move(with);
    const Step& step = *registry.Find(type);
    const StepProperties properties = StepProperties::Resolve(node, step.schema(), variables);
    StepContext context{node, properties, variables, root, filesystem, processes, clock, log};
    return step.Run(context);
  }

  StepRegistry registry;
  MemoryFilesystem filesystem;
  MachineRoot root;
  FakeProcessRunner processes;
  FakeClock clock;
  VariableStore variables;
  RecordingLog log;
  SequenceNode node;
};

TEST_SUITE("SetVariable") {
  TEST_CASE("sets the variable with its expanded value") {
    StepHarness harness;
    REQUIRE(harness.variables.Set("Base", "/srv").ok());
    const StepResult result =
        harness.Run("SetVariable", {{"name", Scalar("Store")}, {"value", Scalar("%Base%/x")}});
    CHECK(result.succeeded);
    CHECK(harness.variables.Get("Store") == "/srv/x");
    CHECK(harness.log.All() == "info: Set variable Store=/srv/x\n");
  }

  TEST_CASE("a secret value is stored secret and never logged") {
    StepHarness harness;
    const StepResult result = harness.Run(
        "SetVariable",
        {{"name", Scalar("Token")}, {"value", Scalar("hunter2")}, {"secret", Scalar("true")}});
    CHECK(result.succeeded);
    CHECK(harness.variables.IsSecret("Token"));
    CHECK(harness.log.All() == "info: Set variable Token=********\n");
  }

  TEST_CASE("an empty value deletes the variable") {
    StepHarness harness;
    REQUIRE(harness.variables.Set("Old", "1").ok());
    CHECK(harness.Run("SetVariable", {{"name", Scalar("Old")}, {"value", Scalar("")}}).succeeded);
    CHECK_FALSE(harness.variables.Contains("Old"));
  }

  TEST_CASE("a read-only name fails the step with the store's message") {
    StepHarness harness;
    const StepResult result =
        harness.Run("SetVariable", {{"name", Scalar("_SMSTSLogPath")}, {"value", Scalar("x")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "variable '_SMSTSLogPath' is read-only");
  }

  TEST_CASE("the dry run declares the variable and masks nothing itself") {
    StepHarness harness;
    const Step& step = *harness.registry.Find("SetVariable");
    harness.node.properties.kind = Value::Kind::kMap;
    harness.node.properties.entries = {{"name", Scalar("Mode")}, {"value", Scalar("Advanced")}};
    const DryRunEffects effects = step.DescribeDryRun(
        StepProperties::Resolve(harness.node, step.schema(), harness.variables));
    REQUIRE(effects.outputs.size() == 1);
    CHECK(effects.outputs[0].variable == "Mode");
    CHECK(effects.outputs[0].value == "Advanced");
    CHECK_FALSE(effects.reboot_requested);
  }
}

TEST_SUITE("RunCommandLine") {
  TEST_CASE("runs the split command in the machine root and logs the well-known phrases") {
    StepHarness harness;
    harness.processes.When("backup", {.exit_code = 0, .output = "done\n"});
    const StepResult result =
        harness.Run("RunCommandLine", {{"commandLine", Scalar("backup --to 'my dir'")}});
    CHECK(result.succeeded);
    REQUIRE(harness.processes.calls().size() == 1);
    const ProcessRequest call = harness.processes.calls()[0];
    CHECK(call.arguments == std::vector<std::string>{"backup", "--to", "my dir"});
    CHECK(call.working_directory == "/machine");
    CHECK(harness.log.All() ==
          "info: Executing command line: backup --to 'my dir'\n"
          "info: Command output:\ndone\n\n"
          "info: Process completed with exit code 0\n");
  }

  TEST_CASE("an exit code outside the success codes fails the step") {
    StepHarness harness;
    harness.processes.When("false", {.exit_code = 1});
    const StepResult result = harness.Run("RunCommandLine", {{"commandLine", Scalar("false")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.exit_code == 1);
    CHECK(result.message == "the command exited with code 1, which is not a success code (0 3010)");
  }

  TEST_CASE("3010 succeeds and requests a restart") {
    StepHarness harness;
    harness.processes.When("installer", {.exit_code = 3010});
    const StepResult result = harness.Run("RunCommandLine", {{"commandLine", Scalar("installer")}});
    CHECK(result.succeeded);
    CHECK(result.reboot_requested);
  }

  TEST_CASE("custom success codes replace the default") {
    StepHarness harness;
    harness.processes.When("tool", {.exit_code = 3010});
    const StepResult result = harness.Run(
        "RunCommandLine", {{"commandLine", Scalar("tool")}, {"successCodes", Scalar("0 1")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "the command exited with code 3010, which is not a success code (0 1)");
  }

  TEST_CASE("the output variable receives the last 1000 characters") {
    StepHarness harness;
    harness.processes.When("talk", {.exit_code = 0, .output = std::string(1500, 'a') + "END"});
    const StepResult result = harness.Run(
        "RunCommandLine", {{"commandLine", Scalar("talk")}, {"outputVariable", Scalar("Said")}});
    CHECK(result.succeeded);
    const std::string said = harness.variables.Get("Said").value_or("");
    CHECK(said.size() == 1000);
    CHECK(said.substr(997) == "END");
  }

  TEST_CASE("secrets in the command line are masked in the log") {
    StepHarness harness;
    SetOptions secret;
    secret.secrecy = Secrecy::kSecret;
    REQUIRE(harness.variables.Set("Key", "s3cr3t", secret).ok());
    harness.processes.When("tool", {.exit_code = 0});
    CHECK(harness.Run("RunCommandLine", {{"commandLine", Scalar("tool --key %Key%")}}).succeeded);
    CHECK(harness.processes.calls()[0].arguments[2] == "s3cr3t");
    CHECK(harness.log.All().find("s3cr3t") == std::string::npos);
    CHECK(harness.log.All().find("tool --key ********") != std::string::npos);
  }

  TEST_CASE("OSDDoNotLogCommand keeps the command line out of the log") {
    StepHarness harness;
    REQUIRE(harness.variables.Set("OSDDoNotLogCommand", "TRUE").ok());
    harness.processes.When("tool", {.exit_code = 0});
    CHECK(harness.Run("RunCommandLine", {{"commandLine", Scalar("tool --secret-ish")}}).succeeded);
    CHECK(harness.log.lines[0] ==
          "info: Executing command line: (not logged because OSDDoNotLogCommand is true)");
  }

  TEST_CASE("a command that cannot start fails with the runner's reason") {
    StepHarness harness;
    harness.processes.WhenFailsToStart("nosuch", NotFoundError("command not found: nosuch"));
    const StepResult result = harness.Run("RunCommandLine", {{"commandLine", Scalar("nosuch")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "command not found: nosuch");
  }

  TEST_CASE("a timeout fails the step and says how long it waited") {
    StepHarness harness;
    harness.node.timeout = std::chrono::seconds(90);
    harness.processes.When("slow", {.exit_code = 137, .timed_out = true});
    const StepResult result = harness.Run("RunCommandLine", {{"commandLine", Scalar("slow")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "the command did not finish within 1m30s and was stopped");
  }

  TEST_CASE("validation reports an unsplittable command line and bad success codes") {
    StepHarness harness;
    SequenceNode node;
    node.properties.kind = Value::Kind::kMap;
    Value command = Scalar("echo 'oops");
    command.location = {"f.yaml", 4, 18};
    Value codes = Scalar("0 x");
    codes.location = {"f.yaml", 5, 19};
    node.properties.entries = {{"commandLine", command}, {"successCodes", codes}};
    Diagnostics diagnostics;
    harness.registry.Find("RunCommandLine")->Validate(node, diagnostics);
    CHECK(diagnostics.ToString() ==
          "f.yaml:4:18: error: unterminated single quote in command line at character 6\n"
          "f.yaml:5:19: error: success code 'x' is not a whole number\n");
  }
}

TEST_SUITE("RestartComputer") {
  TEST_CASE("requests a restart, in a run and in a dry run") {
    StepHarness harness;
    const StepResult result = harness.Run("RestartComputer", {});
    CHECK(result.succeeded);
    CHECK(result.reboot_requested);
    const Step& step = *harness.registry.Find("RestartComputer");
    CHECK(
        step.DescribeDryRun(StepProperties::Resolve(harness.node, step.schema(), harness.variables))
            .reboot_requested);
  }
}

}  // namespace
}  // namespace tseq

namespace tseq {
namespace {

TEST_SUITE("RunCommandLine") {
  TEST_CASE("a success code beyond the range of an exit code is reported, not converted") {
    StepHarness harness;
    SequenceNode node;
    node.properties.kind = Value::Kind::kMap;
    Value codes = Scalar("0 2147483648");
    codes.location = {"f.yaml", 3, 9};
    node.properties.entries = {{"commandLine", Scalar("true")}, {"successCodes", codes}};
    Diagnostics diagnostics;
    harness.registry.Find("RunCommandLine")->Validate(node, diagnostics);
    CHECK(diagnostics.ToString() ==
          "f.yaml:3:9: error: success code '2147483648' is out of range (0 to 65535)\n");
  }
}

}  // namespace
}  // namespace tseq
