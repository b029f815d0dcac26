// BuildPlan against a machine root in a real directory: conditions read it, nothing writes it.
#include <filesystem>
#include <map>
#include <memory>

#include <doctest/doctest.h>

#include "engine/condition_test_support.h"
#include "engine/plan.h"
#include "sequences/loader.h"
#include "steps/step_registry.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

// Every path under `root` with its type, size, mode, modification time and content.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> entries;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::filesystem::path& path = entry.path();
    const auto status = std::filesystem::symlink_status(path);
    std::string description = std::to_string(static_cast<int>(status.type())) + " " +
                              std::to_string(static_cast<unsigned>(status.permissions()));
    if (std::filesystem::is_symlink(status)) {
      description += " -> " + std::filesystem::read_symlink(path).string();
    } else if (std::filesystem::is_regular_file(status)) {
      description +=
          " " + std::to_string(std::filesystem::last_write_time(path).time_since_epoch().count()) +
          " " + ::tseq::testing::ReadFileForTest(path.string());
    }
    entries[path.string()] = description;
  }
  return entries;
}

TEST_SUITE("BuildPlan on a real machine root") {
  TEST_CASE("planning changes nothing on the machine") {
    ::tseq::testing::TempDirectory temp;
    temp.WriteFile("root/etc/os-release", "ID=debian\nVERSION_ID=12\n");
    temp.WriteFile("root/var/lib/dpkg/status",
                   "Package: openssh-server\nStatus: install ok installed\nVersion: 1\n");
    temp.WriteFile("root/home/ada/notes.txt", "keep me");
    std::filesystem::create_symlink("/home/ada", temp.Join("root/ada"));
    const std::map<std::string, std::string> before = Snapshot(temp.path());

    std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const MachineRoot machine_root(temp.Join("root"), *filesystem);
    std::unique_ptr<ProcessRunner> runner = NewSystemProcessRunner();
    const PlanOptions options{.machine_name = "LAB-PC-042",
                              .log_directory = temp.Join("root/var/log/tseq")};
    const FakeClock clock(testing::Utc(2026, 3, 1));
    const std::string yaml =
        "name: Refresh\nsteps:\n"
        "  - name: Wipe home\n    type: RunCommandLine\n"
        "    with: { commandLine: 'rm -rf home', workingDirectory: / }\n"
        "    condition:\n"
        "      all:\n"
        "        - { folder: /home/ada, exists: true }\n"
        "        - { file: /ada/notes.txt, exists: true, modifiedAfter: '2000-01-01' }\n"
        "        - { os: debian, version: '>= 12' }\n"
        "        - { package: openssh-server, installed: true }\n"
        "        - { command: 'test -f etc/os-release', exitCode: 0 }\n"
        "  - { name: Mark, type: SetVariable, with: { name: Marker, value: '%_SMSTSLogPath%' } }\n"
        "  - { name: Create, type: RunCommandLine, with: { commandLine: 'touch created' } }\n"
        "  - { name: Restart, type: RestartComputer }\n";
    Diagnostics diagnostics;
    StepRegistry registry;
    RegisterBuiltinSteps(registry);
    Result<SequencePointer> sequence = LoadSequence(yaml, "seq.yaml", registry, diagnostics);
    REQUIRE(sequence.ok());
    Result<InstructionTable> table = InstructionTable::Build(*sequence, registry, diagnostics);
    REQUIRE(table.ok());
    const Plan plan = BuildPlan(*table, VariableStore(), options, machine_root, *runner, clock);

    for (const PlanEntry& entry : plan.entries) CHECK(entry.decision == PlanDecision::kRun);
    CHECK(plan.entries[0].condition_trace.size() == 6);
    CHECK(plan.entries[3].reboot_after);
    CHECK(plan.final_variables.Get("Marker") == temp.Join("root/var/log/tseq") + "/SMSTSLog");
    CHECK(Snapshot(temp.path()) == before);
  }
}

}  // namespace
}  // namespace tseq
