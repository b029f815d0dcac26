#include <filesystem>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/condition_evaluator.h"
#include "engine/condition_test_support.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using testing::ConditionFixture;
using testing::PathCondition;
using testing::Utc;

constexpr auto kFile = ConditionKind::kFile;
constexpr auto kFolder = ConditionKind::kFolder;

Condition Modified(Condition condition, std::optional<std::string> after,
                   std::optional<std::string> before) {
  condition.modified_after = std::move(after);
  condition.modified_before = std::move(before);
  return condition;
}

// A machine root in a real temporary directory, with the real filesystem.
struct DiskMachine {
  ::tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  MachineRoot machine_root{temp.Join("root"), *filesystem};
  VariableStore variables;
  FakeProcessRunner process_runner;
  FakeClock clock{Utc(2026, 3, 1)};

  DiskMachine() { temp.MakeDirectory("root"); }
  std::string Explain(const Condition& condition) {
    return EvaluateCondition(condition, {variables, machine_root, process_runner, clock})
        .explanation;
  }
};

TEST_SUITE("EvaluateCondition: file and folder leaves") {
  TEST_CASE("exists checks the type of what the path names") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", "ID=debian\n");
    fixture.AddMachineFile("/home/ada/.profile", "");
    CHECK(fixture.Explain(PathCondition(kFile, "/etc/os-release")) ==
          "file /etc/os-release exists is true");
    CHECK(fixture.Explain(PathCondition(kFolder, "/home")) == "folder /home exists is true");
    CHECK(fixture.Explain(PathCondition(kFolder, "/etc/os-release")) ==
          "folder /etc/os-release exists is false (not a folder)");
    CHECK(fixture.Explain(PathCondition(kFile, "/home")) ==
          "file /home exists is false (is a folder)");
    CHECK(fixture.Explain(PathCondition(kFile, "/etc/missing")) ==
          "file /etc/missing exists is false (not found)");
    CHECK(fixture.Explain(PathCondition(kFolder, "/srv", false)) ==
          "folder /srv does not exist is true (not found)");
    CHECK(fixture.Explain(PathCondition(kFile, "/etc/os-release", false)) ==
          "file /etc/os-release does not exist is false");
    // A folder leaf on a file is "does not exist" for exists: false.
    CHECK(fixture.Evaluate(PathCondition(kFolder, "/etc/os-release", false)).result);
  }

  TEST_CASE("the path is expanded and looked up inside the machine root") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/var/lib/tseq/UserState/USMT.MIG", "");
    fixture.filesystem.AddFile("/host-only.txt", "");
    fixture.Set("OSDStateStorePath", "/var/lib/tseq/UserState");
    CHECK(fixture.Explain(PathCondition(kFile, "%OSDStateStorePath%/USMT.MIG")) ==
          "file /var/lib/tseq/UserState/USMT.MIG exists is true");
    CHECK(fixture.Explain(PathCondition(kFile, "/host-only.txt")) ==
          "file /host-only.txt exists is false (not found)");
    CHECK(fixture.Explain(PathCondition(kFile, "/../../host-only.txt")) ==
          "file /../../host-only.txt exists is false (not found)");
  }

  TEST_CASE("symlinks are followed inside the root, never out to the host") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/usr/lib/os-release", "ID=debian\n");
    fixture.filesystem.AddSymlink("/machine/etc/os-release", "../usr/lib/os-release");
    fixture.filesystem.AddSymlink("/machine/etc/absolute", "/usr/lib/os-release");
    fixture.filesystem.AddFile("/outside/secret.txt", "");
    fixture.filesystem.AddSymlink("/machine/escape", "/outside/secret.txt");
    fixture.filesystem.AddSymlink("/machine/climb", "../../../outside/secret.txt");
    fixture.filesystem.AddSymlink("/machine/loop", "/loop");
    CHECK(fixture.Evaluate(PathCondition(kFile, "/etc/os-release")).result);
    CHECK(fixture.Evaluate(PathCondition(kFile, "/etc/absolute")).result);
    CHECK(fixture.Explain(PathCondition(kFile, "/escape")) ==
          "file /escape exists is false (not found)");
    CHECK(fixture.Explain(PathCondition(kFile, "/climb")) ==
          "file /climb exists is false (not found)");
    const ConditionOutcome loop = fixture.Evaluate(PathCondition(kFile, "/loop", false));
    CHECK_FALSE(loop.result);
    CHECK(loop.explanation ==
          "file /loop does not exist is false (too many levels of symbolic links resolving "
          "'/loop')");
  }

  TEST_CASE("modifiedAfter and modifiedBefore compare strictly") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/data/report.txt", "x");
    fixture.filesystem.SetModified("/machine/data/report.txt", Utc(2026, 2, 1, 8));
    const Condition file = PathCondition(kFile, "/data/report.txt");
    CHECK(fixture.Explain(Modified(file, "2026-01-31", std::nullopt)) ==
          "file /data/report.txt exists modified after '2026-01-31' is true "
          "(modified 2026-02-01T08:00:00Z)");
    CHECK_FALSE(fixture.Evaluate(Modified(file, "2026-02-01T08:00:00Z", std::nullopt)).result);
    CHECK(fixture.Evaluate(Modified(file, "2026-02-01T08:59:59+01:00", std::nullopt)).result);
    CHECK(fixture.Evaluate(Modified(file, std::nullopt, "2026-02-01T08:00:01")).result);
    CHECK_FALSE(fixture.Evaluate(Modified(file, std::nullopt, "2026-02-01T08:00")).result);
    CHECK(fixture.Explain(Modified(file, "2026-01-01", "2026-01-31")) ==
          "file /data/report.txt exists modified after '2026-01-01' modified before '2026-01-31' "
          "is false (modified 2026-02-01T08:00:00Z)");
    CHECK(fixture.Evaluate(Modified(file, "2026-01-01", "2026-03-01")).result);
    fixture.Set("Cutoff", "2026-02-02");
    CHECK(fixture.Explain(Modified(file, std::nullopt, "%Cutoff%")) ==
          "file /data/report.txt exists modified before '2026-02-02' is true "
          "(modified 2026-02-01T08:00:00Z)");
  }

  TEST_CASE("timestamps apply to folders and a missing path is simply not found") {
    ConditionFixture fixture;
    REQUIRE(fixture.filesystem.CreateDirectories("/machine/srv/share", 0755).ok());
    fixture.filesystem.SetModified("/machine/srv/share", Utc(2025, 12, 24));
    CHECK(
        fixture.Evaluate(Modified(PathCondition(kFolder, "/srv/share"), "2025-12-01", {})).result);
    CHECK(fixture.Explain(Modified(PathCondition(kFolder, "/srv/none"), "2025-12-01", {})) ==
          "folder /srv/none exists modified after '2025-12-01' is false (not found)");
  }

  TEST_CASE("a bad timestamp makes the leaf false and says why") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/data/report.txt", "x");
    const std::string expected_form =
        "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally followed by Z, +HH:MM or "
        "-HH:MM)";
    CHECK(fixture.Explain(Modified(PathCondition(kFile, "/data/report.txt"), "2026-13-01", {})) ==
          "file /data/report.txt exists modified after '2026-13-01' is false (modifiedAfter: "
          "invalid timestamp '2026-13-01' " +
              expected_form + ")");
    fixture.Set("When", "yesterday");
    const ConditionOutcome outcome =
        fixture.Evaluate(Modified(PathCondition(kFile, "/data/report.txt", false), {}, "%When%"));
    CHECK_FALSE(outcome.result);  // false even though exists: false is asked
    CHECK(outcome.explanation ==
          "file /data/report.txt does not exist modified before 'yesterday' is false "
          "(modifiedBefore: invalid timestamp 'yesterday' " +
              expected_form + ")");
  }

  TEST_CASE("on a real directory root, files, folders, symlinks and times are the machine's") {
    DiskMachine machine;
    machine.temp.WriteFile("root/etc/hostname", "lab\n");
    machine.temp.MakeDirectory("root/home/ada");
    machine.temp.WriteFile("outside.txt", "host file");
    std::filesystem::create_symlink("/etc/hostname", machine.temp.Join("root/etc/name-link"));
    std::filesystem::create_symlink(machine.temp.Join("outside.txt"),
                                    machine.temp.Join("root/out"));
    std::filesystem::create_symlink("../../outside.txt", machine.temp.Join("root/up"));
    CHECK(machine.Explain(PathCondition(kFile, "/etc/hostname")) ==
          "file /etc/hostname exists is true");
    CHECK(machine.Explain(PathCondition(kFolder, "/home/ada")) ==
          "folder /home/ada exists is true");
    CHECK(machine.Explain(PathCondition(kFile, "/etc/name-link")) ==
          "file /etc/name-link exists is true");
    CHECK(machine.Explain(PathCondition(kFile, "/out")) == "file /out exists is false (not found)");
    CHECK(machine.Explain(PathCondition(kFile, "/up")) == "file /up exists is false (not found)");

    const struct timespec times[2] = {{1769932800, 0}, {1769932800, 0}};  // 2026-02-01T08:00:00Z
    REQUIRE(utimensat(AT_FDCWD, machine.temp.Join("root/etc/hostname").c_str(), times, 0) == 0);
    CHECK(machine.Explain(Modified(PathCondition(kFile, "/etc/hostname"), "2026-02-01", {})) ==
          "file /etc/hostname exists modified after '2026-02-01' is true "
          "(modified 2026-02-01T08:00:00Z)");
    CHECK(machine.Explain(Modified(PathCondition(kFile, "/etc/name-link"), {}, "2026-02-01")) ==
          "file /etc/name-link exists modified before '2026-02-01' is false "
          "(modified 2026-02-01T08:00:00Z)");
  }
}

}  // namespace
}  // namespace tseq
