// Shared by the tests of steps/plugins: a machine root in a temporary folder, a recording log,
// and running one plugin Step through the Step interface as the engine does.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "platform/clock.h"
#include "platform/filesystem.h"
#include "platform/machine_root.h"
#include "platform/process_runner.h"
#include "steps/step.h"
#include "steps/step_test_support.h"
#include "tests/support/temp_directory.h"

namespace tseq::testing {

// A machine root under a temporary folder, on the real filesystem; processes run through
// `processes` (the real runner unless a test passes another).
struct PluginHarness {
  explicit PluginHarness(ProcessRunner* runner = nullptr)
      : filesystem(NewPosixFilesystem()),
        root(temp.MakeDirectory("machine"), *filesystem),
        system_runner(NewSystemProcessRunner()),
        processes(runner != nullptr ? *runner : *system_runner),
        clock(std::chrono::system_clock::time_point{}) {
    node.name = "Test step";
  }

  StepResult Run(const Step& step, std::vector<std::pair<std::string, Value>> with = {}) {
    node.type = step.schema().type;
    node.properties.kind = Value::Kind::kMap;
    node.properties.entries = std::move(with);
    const StepProperties properties = StepProperties::Resolve(node, step.schema(), variables);
    StepContext context{node, properties, variables, root, *filesystem, processes, clock, log};
    return step.Run(context);
  }

  TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem;
  MachineRoot root;
  std::unique_ptr<ProcessRunner> system_runner;
  ProcessRunner& processes;
  FakeClock clock;
  VariableStore variables;
  RecordingLog log;
  SequenceNode node;
};

// Copies the test plugin NAME.so (steps/plugins/testdata) into `directory` as `as`.
inline std::string CopyTestPlugin(const std::string& name, const std::string& directory,
                                  const std::string& as) {
  const std::string target = directory + "/" + as;
  std::filesystem::copy_file(std::string(TSEQ_TEST_PLUGIN_DIR) + "/" + name + ".so", target);
  return target;
}

// Writes an executable file (mode 0755).
inline std::string WriteExecutable(const TempDirectory& temp, const std::string& relative,
                                   const std::string& contents) {
  const std::string path = temp.WriteFile(relative, contents);
  std::filesystem::permissions(path, std::filesystem::perms(0755));
  return path;
}

}  // namespace tseq::testing
