#include "platform/snapshot_filesystem.h"

#include <doctest/doctest.h>

#include "platform/fault_injecting_filesystem.h"
#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

TEST_SUITE("SnapshotFilesystem") {
  TEST_CASE("answers a Stat it has seen from memory, a missing file included") {
    MemoryFilesystem memory;
    REQUIRE(memory.CreateDirectories("/machine/etc", 0755).ok());
    REQUIRE(memory.WriteFileAtomically("/machine/etc/hostname", "pc01\n", 0644).ok());
    const SnapshotFilesystem snapshot(memory);
    Result<FileInfo> first = snapshot.Stat("/machine/etc/hostname", SymlinkPolicy::kFollow);
    REQUIRE(first.ok());
    CHECK(first->size == 5);
    CHECK(snapshot.Stat("/machine/etc/missing", SymlinkPolicy::kFollow).status().code() ==
          StatusCode::kNotFound);

    // The machine changes behind the snapshot: what it has seen stays as it was.
    REQUIRE(memory.WriteFileAtomically("/machine/etc/hostname", "pc0002\n", 0644).ok());
    REQUIRE(memory.WriteFileAtomically("/machine/etc/missing", "now here", 0644).ok());
    CHECK(snapshot.Stat("/machine/etc/hostname", SymlinkPolicy::kFollow)->size == 5);
    CHECK(snapshot.Stat("/machine/etc/missing", SymlinkPolicy::kFollow).status().code() ==
          StatusCode::kNotFound);
    // Contents are always read afresh, and each symlink policy is asked separately.
    CHECK(*snapshot.ReadFile("/machine/etc/hostname") == "pc0002\n");
    CHECK(snapshot.Stat("/machine/etc/missing", SymlinkPolicy::kDoNotFollow)->size == 8);
  }

  TEST_CASE("asks the wrapped filesystem about each path once") {
    MemoryFilesystem memory;
    REQUIRE(memory.CreateDirectories("/machine/bin", 0755).ok());
    REQUIRE(memory.CreateSymlink("/usr/bin", "/machine/bin/link").ok());
    FaultInjectingFilesystem faults(memory);
    const SnapshotFilesystem snapshot(faults);
    REQUIRE(snapshot.Stat("/machine/bin", SymlinkPolicy::kDoNotFollow).ok());
    REQUIRE(*snapshot.ReadSymlink("/machine/bin/link") == "/usr/bin");
    // Failing every later call of the wrapped filesystem shows the answers come from memory.
    faults.FailAlways(FilesystemOperation::kStat, IoError("disk gone"));
    faults.FailAlways(FilesystemOperation::kReadSymlink, IoError("disk gone"));
    CHECK(snapshot.Stat("/machine/bin", SymlinkPolicy::kDoNotFollow).ok());
    CHECK(*snapshot.ReadSymlink("/machine/bin/link") == "/usr/bin");
    CHECK(snapshot.Stat("/machine/other", SymlinkPolicy::kDoNotFollow).status().message() ==
          "disk gone");
  }

  TEST_CASE("refuses every change, naming the path") {
    MemoryFilesystem memory;
    SnapshotFilesystem snapshot(memory);
    CHECK(snapshot.WriteFileAtomically("/machine/x", "y", 0644).message() ==
          "cannot write '/machine/x': the machine is read-only while planning");
    CHECK(snapshot.CreateDirectories("/machine/d", 0755).message() ==
          "cannot create '/machine/d': the machine is read-only while planning");
    CHECK(snapshot.Remove("/machine/x").code() == StatusCode::kFailedPrecondition);
    CHECK(snapshot.Rename("/machine/x", "/machine/y").code() == StatusCode::kFailedPrecondition);
    CHECK(snapshot.CreateFile("/machine/f", 0600, CreateMode::kCreateNew).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(snapshot.CreateSymlink("t", "/machine/l").code() == StatusCode::kFailedPrecondition);
    CHECK(snapshot.CreateHardLink("/a", "/machine/h").code() == StatusCode::kFailedPrecondition);
    memory.AddFile("/machine/file", "content");
    const Result<OpenedFile> opened = snapshot.OpenRegularFile("/machine/file");
    REQUIRE(opened.ok());
    CHECK(opened->info.size == 7);
    CHECK(snapshot.LinkOpenFile(*opened->file, "/machine/h").message() ==
          "cannot create '/machine/h': the machine is read-only while planning");
    CHECK(snapshot.SyncDirectory("/machine").code() == StatusCode::kFailedPrecondition);
    CHECK(snapshot.SetImmutable("/machine", true).code() == StatusCode::kFailedPrecondition);
    CHECK(memory.Stat("/machine/x", SymlinkPolicy::kDoNotFollow).status().code() ==
          StatusCode::kNotFound);
  }
}

}  // namespace
}  // namespace tseq
