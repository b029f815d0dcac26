#include "engine/package_database.h"

#include <doctest/doctest.h>

#include "engine/condition_test_support.h"
#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

using testing::ConditionFixture;
using testing::PackageCondition;

constexpr std::string_view kStatus =
    "Package: openssh-server\n"
    "Status: install ok installed\n"
    "Priority: optional\n"
    "Architecture: amd64\n"
    "Version: 1:9.2p1-2+deb12u3\n"
    "Conffiles:\n"
    " /etc/ssh/moduli 4dbd4b4b4d1f0e0f\n"
    " /etc/pam.d/sshd 8b4c7a5c0a0f2d1e\n"
    "Description: secure shell (SSH) server\n"
    " Package: not-a-package\n"
    " .\n"
    " This package provides the sshd server.\n"
    "\n"
    "Package: old-tool\n"
    "Status: deinstall ok config-files\n"
    "Architecture: all\n"
    "Version: 2.0\n"
    "\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 2.36-9\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Architecture: i386\n"
    "Version: 2.36-9\n"
    "\n"
    "Package: half\n"
    "Status: install reinstreq half-installed\n"
    "Architecture: amd64\n"
    "\n"
    "Package: held\n"
    "Status: hold ok installed\n"
    "Architecture: arm64\n"
    "Version: 7";  // no final newline

TEST_SUITE("FindPackageRecords") {
  TEST_CASE("finds a package's stanza with its status, version and architecture") {
    const std::vector<PackageRecord> records = FindPackageRecords(kStatus, "openssh-server");
    REQUIRE(records.size() == 1);
    CHECK(records[0].name == "openssh-server");
    CHECK(records[0].status == "install ok installed");
    CHECK(records[0].architecture == "amd64");
    CHECK(records[0].version == "1:9.2p1-2+deb12u3");
    CHECK(records[0].installed());
  }

  TEST_CASE("continuation lines never start a field") {
    CHECK(FindPackageRecords(kStatus, "not-a-package").empty());
  }

  TEST_CASE("a bare name matches every architecture, NAME:ARCH only that one") {
    CHECK(FindPackageRecords(kStatus, "libc6").size() == 2);
    const std::vector<PackageRecord> i386 = FindPackageRecords(kStatus, "libc6:i386");
    REQUIRE(i386.size() == 1);
    CHECK(i386[0].architecture == "i386");
    CHECK(FindPackageRecords(kStatus, "LIBC6:AMD64").size() == 1);
    CHECK(FindPackageRecords(kStatus, "libc6:arm64").empty());
    CHECK(FindPackageRecords(kStatus, "held").at(0).version == "7");
  }

  TEST_CASE("only a status whose last word is 'installed' counts as installed") {
    CHECK(PackageRecord{.status = "install ok installed"}.installed());
    CHECK(PackageRecord{.status = "hold ok installed"}.installed());
    CHECK_FALSE(PackageRecord{.status = "deinstall ok config-files"}.installed());
    CHECK_FALSE(PackageRecord{.status = "install reinstreq half-installed"}.installed());
    CHECK_FALSE(PackageRecord{.status = "purge ok not-installed"}.installed());
    CHECK_FALSE(PackageRecord{.status = ""}.installed());
  }

  TEST_CASE("Windows line endings and an empty database are handled") {
    CHECK(FindPackageRecords("Package: a\r\nStatus: install ok installed\r\n\r\n", "a")
              .at(0)
              .installed());
    CHECK(FindPackageRecords("", "a").empty());
  }
}

TEST_SUITE("EvaluateCondition: package leaves") {
  TEST_CASE("an installed package is installed, with its version in the explanation") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    CHECK(fixture.Explain(PackageCondition("openssh-server")) ==
          "package openssh-server installed is true (version 1:9.2p1-2+deb12u3 amd64)");
    CHECK(fixture.Explain(PackageCondition("openssh-server", false)) ==
          "package openssh-server not installed is false (version 1:9.2p1-2+deb12u3 amd64)");
    CHECK(fixture.Explain(PackageCondition("libc6:i386")) ==
          "package libc6:i386 installed is true (version 2.36-9 i386)");
    CHECK(fixture.Evaluate(PackageCondition("held")).result);
  }

  TEST_CASE("removed, half-installed and unknown packages are not installed") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    CHECK(fixture.Explain(PackageCondition("old-tool")) ==
          "package old-tool installed is false (status 'deinstall ok config-files')");
    CHECK(fixture.Explain(PackageCondition("half")) ==
          "package half installed is false (status 'install reinstreq half-installed')");
    CHECK(fixture.Explain(PackageCondition("openssh-client")) ==
          "package openssh-client installed is false (not in /var/lib/dpkg/status)");
    CHECK(fixture.Explain(PackageCondition("libc6:arm64", false)) ==
          "package libc6:arm64 not installed is true (not in /var/lib/dpkg/status)");
  }

  TEST_CASE("the name is expanded") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    fixture.Set("ForeignArchitecture", "i386");
    CHECK(fixture.Evaluate(PackageCondition("libc6:%ForeignArchitecture%")).result);
  }

  TEST_CASE("a machine without a dpkg database has no package installed") {
    ConditionFixture fixture;
    CHECK(fixture.Explain(PackageCondition("openssh-server")) ==
          "package openssh-server installed is false (no package database /var/lib/dpkg/status)");
    CHECK(fixture.Evaluate(PackageCondition("openssh-server", false)).result);
  }

  TEST_CASE("the database is read again at every evaluation") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/var/lib/dpkg/status", kStatus);
    CHECK_FALSE(fixture.Evaluate(PackageCondition("rsync")).result);
    fixture.AddMachineFile(
        "/var/lib/dpkg/status",
        std::string(kStatus) + "\n\nPackage: rsync\nStatus: install ok installed\n");
    CHECK(fixture.Evaluate(PackageCondition("rsync")).result);
  }
}

TEST_SUITE("PackageDatabaseCache") {
  TEST_CASE("parses the status file once while it is unchanged, again once it changes") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/machine/var/lib/dpkg", 0755).ok());
    REQUIRE(filesystem.WriteFileAtomically("/machine/var/lib/dpkg/status", kStatus, 0644).ok());
    const MachineRoot root("/machine", filesystem);
    PackageDatabaseCache cache;
    Result<std::shared_ptr<const PackageDatabase>> first = cache.Load(root);
    REQUIRE(first.ok());
    CHECK((*first)->Find("rsync").empty());
    Result<std::shared_ptr<const PackageDatabase>> again = cache.Load(root);
    REQUIRE(again.ok());
    CHECK(again->get() == first->get());

    REQUIRE(filesystem
                .WriteFileAtomically(
                    "/machine/var/lib/dpkg/status",
                    std::string(kStatus) + "\nPackage: rsync\nStatus: install ok installed\n", 0644)
                .ok());
    Result<std::shared_ptr<const PackageDatabase>> changed = cache.Load(root);
    REQUIRE(changed.ok());
    CHECK(changed->get() != first->get());
    REQUIRE((*changed)->Find("rsync").size() == 1);
    CHECK((*changed)->Find("RSYNC").front().installed());
  }

  TEST_CASE("a machine without a dpkg database is NotFound, as without the cache") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/machine", 0755).ok());
    const MachineRoot root("/machine", filesystem);
    PackageDatabaseCache cache;
    CHECK(cache.Load(root).status().code() == StatusCode::kNotFound);
  }
}

}  // namespace
}  // namespace tseq
