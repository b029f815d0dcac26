#include "engine/unchanging_machine.h"

#include <doctest/doctest.h>

#include "engine/condition_test_support.h"

namespace tseq {
namespace {

using testing::ConditionFixture;
using testing::OsCondition;
using testing::PackageCondition;

constexpr std::string_view kStatus =
    "Package: rsync\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 3.2.7-1\n";

// Evaluates `condition` in the fixture's environment, reading the machine through `reads`.
ConditionOutcome EvaluateWith(ConditionFixture& fixture, UnchangingMachineReads& reads,
                              const Condition& condition) {
  return EvaluateCondition(condition, {fixture.variables, fixture.machine_root,
                                       fixture.process_runner, fixture.clock, nullptr, &reads});
}

TEST_SUITE("UnchangingMachineReads") {
  TEST_CASE("os-release is read once: later changes to the file are not seen") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    UnchangingMachineReads reads(fixture.machine_root);
    REQUIRE(reads.os_release().ok());
    CHECK(reads.os_release()->Id() == "debian");
    CHECK(&reads.os_release() == &reads.os_release());

    fixture.AddMachineFile("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n");
    CHECK(reads.os_release()->Id() == "debian");
    CHECK(ReadOsRelease(fixture.machine_root)->Id() == "ubuntu");
  }

  TEST_CASE("a missing file stays missing, with the error a direct read gives") {
    ConditionFixture fixture;
    UnchangingMachineReads reads(fixture.machine_root);
    CHECK(reads.os_release().status().message() == "no /etc/os-release or /usr/lib/os-release");
    CHECK(reads.package_database().status().code() == StatusCode::kNotFound);
    fixture.AddMachineFile("/etc/os-release", "ID=debian\n");
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    CHECK_FALSE(reads.os_release().ok());
    CHECK_FALSE(reads.package_database().ok());
  }

  TEST_CASE("the package database is parsed once") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    UnchangingMachineReads reads(fixture.machine_root);
    REQUIRE(reads.package_database().ok());
    const PackageDatabase* first = reads.package_database()->get();
    CHECK(first->Find("rsync").size() == 1);
    fixture.AddMachineFile("/var/lib/dpkg/status", "");
    CHECK(reads.package_database()->get() == first);
  }

  TEST_CASE("os and package leaves explain themselves as they do without it") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    UnchangingMachineReads reads(fixture.machine_root);
    for (const Condition& condition :
         {OsCondition("debian", ">=12"), OsCondition("ubuntu", std::nullopt),
          OsCondition("debian", "not a constraint"), PackageCondition("rsync"),
          PackageCondition("rsync", false), PackageCondition("curl")}) {
      const ConditionOutcome direct = fixture.Evaluate(condition);
      const ConditionOutcome through = EvaluateWith(fixture, reads, condition);
      CHECK(through.result == direct.result);
      CHECK(through.explanation == direct.explanation);
    }
    CHECK(EvaluateWith(fixture, reads, PackageCondition("rsync")).explanation ==
          "package rsync installed is true (version 3.2.7-1 amd64)");
  }

  TEST_CASE("a machine without os-release or a dpkg database explains it as a direct read does") {
    ConditionFixture fixture;
    UnchangingMachineReads reads(fixture.machine_root);
    for (const Condition& condition : {OsCondition("debian", std::nullopt),
                                       PackageCondition("rsync"), PackageCondition("x", false)}) {
      const ConditionOutcome direct = fixture.Evaluate(condition);
      const ConditionOutcome through = EvaluateWith(fixture, reads, condition);
      CHECK(through.result == direct.result);
      CHECK(through.explanation == direct.explanation);
    }
  }
}

}  // namespace
}  // namespace tseq
