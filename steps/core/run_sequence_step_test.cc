#include <doctest/doctest.h>

#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"
#include "steps/core/core_steps.h"
#include "steps/step_registry.h"
#include "steps/step_test_support.h"

namespace tseq {
namespace {

using testing::RecordingLog;
using testing::Scalar;

SequenceNode NodeWithPath(Value path) {
  SequenceNode node;
  node.name = "Child";
  node.type = std::string(kRunSequenceStepType);
  node.properties.kind = Value::Kind::kMap;
  path.location = {"main.yaml", 5, 19};
  node.properties.entries = {{"path", std::move(path)}};
  return node;
}

TEST_SUITE("RunSequence") {
  TEST_CASE("is a registered core step type with a required path") {
    StepRegistry registry;
    RegisterBuiltinSteps(registry);
    const StepSchema* schema = registry.FindStepSchema("RunSequence");
    REQUIRE(schema != nullptr);
    CHECK(schema->category == "core");
    REQUIRE(schema->FindProperty("path") != nullptr);
    CHECK(schema->FindProperty("path")->required);
    CHECK(schema->FindProperty("path")->action_variable.empty());
  }

  TEST_CASE("validation wants a literal, non-empty path") {
    const std::unique_ptr<Step> step = NewRunSequenceStep();
    Diagnostics diagnostics;
    step->Validate(NodeWithPath(Scalar("lib/child.yaml")), diagnostics);
    CHECK(diagnostics.all().empty());
    step->Validate(NodeWithPath(Scalar("%Library%/child.yaml")), diagnostics);
    step->Validate(NodeWithPath(Scalar("  ")), diagnostics);
    CHECK(diagnostics.ToString() ==
          "main.yaml:5:19: error: property 'path' must be a literal file path, not "
          "'%Library%/child.yaml': child sequences are loaded before the run starts, when "
          "variables have no values yet\n"
          "main.yaml:5:19: error: property 'path' must not be empty\n");
  }

  TEST_CASE("run outside the engine, it fails instead of silently doing nothing") {
    const std::unique_ptr<Step> step = NewRunSequenceStep();
    const SequenceNode node = NodeWithPath(Scalar("lib/child.yaml"));
    VariableStore variables;
    MemoryFilesystem filesystem;
    MachineRoot root("/", filesystem);
    FakeProcessRunner processes;
    FakeClock clock(std::chrono::system_clock::time_point{});
    RecordingLog log;
    const StepProperties properties = StepProperties::Resolve(node, step->schema(), variables);
    StepContext context{node, properties, variables, root, filesystem, processes, clock, log};
    const StepResult result = step->Run(context);
    CHECK_FALSE(result.succeeded);
    CHECK(result.message ==
          "the child sequence 'lib/child.yaml' was not loaded with its parent, so it cannot run");
    CHECK(step->DescribeDryRun(properties).outputs.empty());
  }
}

}  // namespace
}  // namespace tseq
