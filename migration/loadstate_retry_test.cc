// loadstate's /r and /w: reads of the store that fail with an I/O error are made again.
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "migration/loadstate_test_support.h"
#include "migration/store_access.h"
#include "platform/fault_injecting_filesystem.h"

namespace tseq {
namespace {

using loadstate_testing::Directory;
using loadstate_testing::File;
using loadstate_testing::LoadStateFixture;

constexpr char kInputOutputError[] = "Input/output error";

TEST_SUITE("RunLoadState retries") {
  TEST_CASE("/r retries a read of the store that failed with an I/O error, and logs each retry") {
    LoadStateFixture fixture;
    const std::string store =
        fixture.WriteStore({Directory("Documents"), File("Documents/a.txt", "quarterly")});
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    fixture.run_filesystem = &faulty;
    const std::string store_file = store + "/USMT/USMT.MIG";
    faulty.FailNth(FilesystemOperation::kReadAt, 1,
                   IoError("cannot read '" + store_file + "': " + kInputOutputError));
    const auto start = fixture.clock.Now();
    const std::string log = fixture.temp.Join("loadstate.log");
    const auto result = fixture.Run({store, "/r:2", "/w:7", "/l:" + log});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(fixture.Read(fixture.Target("/home/alice/Documents/a.txt")) == "quarterly");
    const std::string text = fixture.Read(log);
    const std::string warning = ", Warning, reading the store failed (cannot read '" + store_file +
                                "': Input/output error): attempt ";
    CHECK(text.find(warning + "2 of 3 in 7 s (/r, /w)\n") != std::string::npos);
    CHECK(text.find(warning + "3 of 3") == std::string::npos);
    CHECK(fixture.clock.Now() - start >= std::chrono::seconds(7));
  }

  TEST_CASE("once the retries are spent, the read error stops the restore") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({File("a.txt", "A")});
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    fixture.run_filesystem = &faulty;
    const std::string store_file = store + "/USMT/USMT.MIG";
    faulty.FailAlways(FilesystemOperation::kReadAt,
                      IoError("cannot read '" + store_file + "': " + kInputOutputError));
    const auto start = fixture.clock.Now();
    const auto result = fixture.Run({store, "/r:1", "/w:3"});
    CHECK(fixture.clock.Now() - start == std::chrono::seconds(3));
    CHECK(result.code == 38);
    CHECK(result.error.find("cannot read '" + store_file + "': Input/output error") !=
          std::string::npos);
    CHECK_FALSE(fixture.Exists(fixture.Target("/home/alice/a.txt")));
  }

  TEST_CASE("an error that would come back every time is not retried") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({File("a.txt", "A")});
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    fixture.run_filesystem = &faulty;
    faulty.FailNth(FilesystemOperation::kOpenForRead, 1,
                   PermissionDeniedError("cannot open '" + store + "/USMT/USMT.MIG': denied"));
    const auto start = fixture.clock.Now();
    const auto result = fixture.Run({store, "/r:3", "/w:60"});
    CHECK(result.code == 27);
    CHECK(fixture.clock.Now() == start);
  }

  TEST_CASE("a directory store's content files are read again after an I/O error") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteDirectoryStore(
        {Directory("Documents"), File("Documents/a.txt", "from the store")},
        archive::DirectoryStoreKind::kCopy);
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    fixture.run_filesystem = &faulty;
    // The catalog is read first (once, not retried); the read after it is the content's.
    REQUIRE(OpenedStore::Open(faulty, LocateStore(faulty, store), "", 1).ok());
    const int catalog_reads = faulty.CallCount(FilesystemOperation::kReadAt);
    faulty.FailNth(FilesystemOperation::kReadAt, catalog_reads + 1,
                   IoError("cannot read: Input/output error"));
    const auto result = fixture.Run({store, "/nocompress", "/r:1", "/w:1"});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(fixture.Read(fixture.Target("/home/alice/Documents/a.txt")) == "from the store");
  }
}

}  // namespace
}  // namespace tseq
