// RunCommandLine's runAs property, against the fake runner's users (platform tests cover the
// real switch of user).
#include <doctest/doctest.h>

#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"
#include "steps/core/core_steps.h"
#include "steps/step_test_support.h"

namespace tseq {
namespace {

using testing::RecordingLog;
using testing::Scalar;

struct RunAsHarness {
  RunAsHarness() : root("/machine", filesystem), clock(std::chrono::system_clock::time_point{}) {
    REQUIRE(filesystem.CreateDirectories("/machine", 0755).ok());
    processes.AddUser("alice");
  }

  StepResult Run(std::vector<std::pair<std::string, Value>> with) {
    node.name = "Command";
    node.type = "RunCommandLine";
    node.properties.kind = Value::Kind::kMap;
    node.properties.entries = std::move(with);
    const StepProperties properties = StepProperties::Resolve(node, step->schema(), variables);
    StepContext context{node, properties, variables, root, filesystem, processes, clock, log};
    return step->Run(context);
  }

  std::unique_ptr<Step> step = NewRunCommandLineStep();
  MemoryFilesystem filesystem;
  MachineRoot root;
  FakeProcessRunner processes;
  FakeClock clock;
  VariableStore variables;
  RecordingLog log;
  SequenceNode node;
};

TEST_SUITE("RunCommandLine runAs") {
  TEST_CASE("passes the user to the runner and says so in the log") {
    RunAsHarness harness;
    const StepResult result =
        harness.Run({{"commandLine", Scalar("id -u")}, {"runAs", Scalar(" alice ")}});
    CHECK(result.succeeded);
    REQUIRE(harness.processes.calls().size() == 1);
    CHECK(harness.processes.calls()[0].run_as == "alice");
    CHECK(harness.log.All().find("info: The command runs as user 'alice'\n") != std::string::npos);
  }

  TEST_CASE("without runAs the command runs as tseq's user") {
    RunAsHarness harness;
    CHECK(harness.Run({{"commandLine", Scalar("id -u")}}).succeeded);
    CHECK(harness.processes.calls()[0].run_as.empty());
    CHECK(harness.log.All().find("runs as user") == std::string::npos);
  }

  TEST_CASE("an unknown user fails the step with the runner's message") {
    RunAsHarness harness;
    const StepResult result =
        harness.Run({{"commandLine", Scalar("id -u")}, {"runAs", Scalar("ghost")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "runAs: no user 'ghost' on this system");
  }

  TEST_CASE("another user while tseq is not root fails the step") {
    RunAsHarness harness;
    harness.processes.SetCaller("bob");
    const StepResult result =
        harness.Run({{"commandLine", Scalar("id -u")}, {"runAs", Scalar("alice")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "runAs 'alice' needs tseq to run as root");
  }

  TEST_CASE("SMSTSRunCommandLineUserName set beforehand overrides the property") {
    RunAsHarness harness;
    REQUIRE(harness.variables.Set("SMSTSRunCommandLineUserName", "root").ok());
    CHECK(harness.Run({{"commandLine", Scalar("id -u")}, {"runAs", Scalar("alice")}}).succeeded);
    CHECK(harness.processes.calls()[0].run_as == "root");
  }
}

}  // namespace
}  // namespace tseq
