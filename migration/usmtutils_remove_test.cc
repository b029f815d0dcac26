// usmtutils /rd: removing stores, hard-link stores included, and what it refuses.
#include <doctest/doctest.h>

#include "archive/directory_store.h"
#include "migration/migration_test_support.h"
#include "platform/fault_injecting_filesystem.h"

namespace tseq {
namespace {

using migration_testing::File;
using migration_testing::Fixture;
using migration_testing::RunResult;

using tseq::testing::ReadFileForTest;

// A hard-link store of alice's two files, protected as scanstate /hardlink leaves it.
std::string WriteHardLinkStore(Fixture& fixture) {
  fixture.temp.WriteFile("home/alice/docs/a.txt", "alpha");
  fixture.temp.WriteFile("home/alice/docs/b.txt", "bravo");
  const std::string store = fixture.temp.Join("hardlink-store");
  auto writer = archive::DirectoryStoreWriter::Create(*fixture.filesystem, store,
                                                      archive::DirectoryStoreKind::kHardLink, {});
  REQUIRE(writer.ok());
  REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
  REQUIRE((*writer)->AddEntry(archive::testing::DirectoryEntry("docs")).ok());
  for (const char* name : {"docs/a.txt", "docs/b.txt"}) {
    REQUIRE((*writer)
                ->AddFile(archive::testing::FileEntry(name),
                          fixture.temp.Join(std::string("home/alice/") + name))
                .ok());
  }
  REQUIRE((*writer)->Finish().ok());
  REQUIRE(archive::IsProtectedStore(*fixture.filesystem, store));
  return store;
}

TEST_SUITE("usmtutils /rd") {
  TEST_CASE("removes a hard-link store and leaves the linked originals intact") {
    Fixture fixture;
    const std::string store = WriteHardLinkStore(fixture);
    const std::string original = fixture.temp.Join("home/alice/docs/a.txt");
    CHECK(fixture.Info(original).link_count == 2);
    const RunResult result = fixture.Run({"/rd", store, "/y"});
    CHECK(result.code == 0);
    CHECK(result.error == "");
    CHECK(result.out == "Removed the state store at '" + store + "'.\n");
    CHECK_FALSE(fixture.Exists(store));
    CHECK(ReadFileForTest(original) == "alpha");
    CHECK(ReadFileForTest(fixture.temp.Join("home/alice/docs/b.txt")) == "bravo");
    CHECK(fixture.Info(original).link_count == 1);
  }

  TEST_CASE("takes the store folder or its USMT.MIG, in either option form") {
    Fixture fixture;
    const std::string first = fixture.WriteStore("first", {File("a", "a")}, "");
    CHECK(fixture.Run({"/rd", first + "/USMT/USMT.MIG", "/y"}).code == 0);
    CHECK_FALSE(fixture.Exists(first));
    const std::string second = fixture.WriteStore("second", {File("a", "a")}, "");
    CHECK(fixture.Run({"--remove-store", second, "--yes"}).code == 0);
    CHECK_FALSE(fixture.Exists(second));
  }

  TEST_CASE("asks on a terminal, and keeps the store unless the answer is yes") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", {File("a", "a")}, "");
    fixture.terminal = true;
    fixture.answers = {"n"};
    RunResult result = fixture.Run({"/rd", store});
    CHECK(result.code == 2);
    CHECK(result.out == "Remove the state store at '" + store + "'? [y/N] ");
    CHECK(result.error == "usmtutils: the store at '" + store + "' was kept\n");
    CHECK(fixture.Exists(store));
    result = fixture.Run({"/rd", store});  // end of input
    CHECK(result.code == 2);
    fixture.answers = {" Yes "};
    CHECK(fixture.Run({"/rd", store}).code == 0);
    CHECK_FALSE(fixture.Exists(store));
  }

  TEST_CASE("needs /y when not run from a terminal") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", {File("a", "a")}, "");
    const RunResult result = fixture.Run({"/rd", store});
    CHECK(result.code == 11);
    CHECK(result.error == "usmtutils: /rd needs /y when not run from a terminal\n");
    CHECK(fixture.Exists(store));
  }

  TEST_CASE("refuses what is not a store folder with 27, leaving it alone") {
    Fixture fixture;
    const std::string folder = fixture.temp.MakeDirectory("not-a-store");
    fixture.temp.WriteFile("not-a-store/keep.txt", "keep");
    RunResult result = fixture.Run({"/rd", folder, "/y"});
    CHECK(result.code == 27);
    CHECK(result.error == "usmtutils: '" + folder +
                              "' is not a tseq state store (no tseq-protected-store, "
                              "USMT/catalog.mig, USMT/File or USMT/USMT.MIG); usmtutils /rd "
                              "removes only stores\n");
    CHECK(ReadFileForTest(folder + "/keep.txt") == "keep");
    result = fixture.Run({"/rd", fixture.temp.Join("missing"), "/y"});
    CHECK(result.code == 27);
    CHECK(result.error == "usmtutils: no store at '" + fixture.temp.Join("missing") + "'\n");
    const std::string store = fixture.WriteStore("store", {File("a", "a")}, "");
    const std::string link = fixture.temp.Join("link");
    REQUIRE(fixture.filesystem->CreateSymlink(store, link).ok());
    result = fixture.Run({"/rd", link, "/y"});
    CHECK(result.code == 27);
    CHECK(result.error == "usmtutils: '" + link + "' is a symlink: give the store folder itself\n");
    CHECK(fixture.Exists(store));
  }

  TEST_CASE("34 when the protection cannot be lifted, 35 when the removal fails") {
    Fixture fixture;
    const std::string store = WriteHardLinkStore(fixture);
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    const auto run = [&](const std::vector<std::string>& arguments) {
      std::ostringstream out;
      std::ostringstream error;
      const int code = RunUsmtUtils(arguments, faulty, out, error, {.threads = 1});
      return RunResult{code, out.str(), error.str()};
    };
    faulty.FailAlways(FilesystemOperation::kSetImmutable,
                      PermissionDeniedError("cannot set the immutable attribute of '" + store +
                                            "': Operation not permitted"));
    RunResult result = run({"/rd", store, "/y"});
    CHECK(result.code == 34);
    CHECK(result.error == "usmtutils: cannot set the immutable attribute of '" + store +
                              "': Operation not permitted (lifting a hard-link store's "
                              "protection needs root: CAP_LINUX_IMMUTABLE)\n");
    faulty.ClearFaults();
    faulty.FailAlways(FilesystemOperation::kRemove, IoError("cannot remove: Input/output error"));
    result = run({"/rd", store, "/y"});
    CHECK(result.code == 35);
    CHECK(result.error == "usmtutils: cannot remove: Input/output error\n");
    faulty.ClearFaults();
    CHECK(run({"/rd", store, "/y"}).code == 0);
    CHECK(fixture.Info(fixture.temp.Join("home/alice/docs/a.txt")).link_count == 1);
  }
}

}  // namespace
}  // namespace tseq
