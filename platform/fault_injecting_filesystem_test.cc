#include "platform/fault_injecting_filesystem.h"

#include <doctest/doctest.h>

#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

TEST_SUITE("FaultInjectingFilesystem") {
  TEST_CASE("passes calls through when no fault is set") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    REQUIRE(faulty.CreateDirectories("/d", 0755).ok());
    REQUIRE(faulty.WriteFileAtomically("/d/f", "x", 0644).ok());
    REQUIRE(faulty.Rename("/d/f", "/d/g").ok());
    CHECK(*faulty.ReadFile("/d/g") == "x");
    CHECK(faulty.Stat("/d/g", SymlinkPolicy::kFollow)->size == 1);
    CHECK(faulty.ListDirectory("/d")->size() == 1);
    memory.AddSymlink("/l", "/d/g");
    CHECK(*faulty.ReadSymlink("/l") == "/d/g");
    REQUIRE(faulty.Remove("/d/g").ok());
    CHECK(memory.ListDirectory("/d")->empty());
  }

  TEST_CASE("fails exactly the nth call, changing nothing, then passes again") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    faulty.FailNth(FilesystemOperation::kWriteFileAtomically, 3, IoError("no space left"));
    CHECK(faulty.WriteFileAtomically("/1", "a", 0644).ok());
    CHECK(faulty.WriteFileAtomically("/2", "b", 0644).ok());
    const Status third = faulty.WriteFileAtomically("/3", "c", 0644);
    CHECK(third.code() == StatusCode::kIoError);
    CHECK(third.message() == "no space left");
    CHECK(faulty.WriteFileAtomically("/4", "d", 0644).ok());
    CHECK(*memory.ListDirectory("/") == std::vector<std::string>{"1", "2", "4"});
    CHECK(faulty.CallCount(FilesystemOperation::kWriteFileAtomically) == 4);
  }

  TEST_CASE("counts from the moment the fault is set") {
    MemoryFilesystem memory;
    memory.AddFile("/f", "x");
    FaultInjectingFilesystem faulty(memory);
    CHECK(faulty.ReadFile("/f").ok());
    faulty.FailNth(FilesystemOperation::kReadFile, 1, CorruptionError("bit flip"));
    const Result<std::string> failed = faulty.ReadFile("/f");
    CHECK(failed.status().code() == StatusCode::kCorruption);
    CHECK(failed.status().message() == "bit flip");
    CHECK(faulty.ReadFile("/f").ok());
    CHECK(faulty.CallCount(FilesystemOperation::kReadFile) == 3);
  }

  TEST_CASE("FailAlways fails every call of one operation only") {
    MemoryFilesystem memory;
    memory.AddFile("/f", "x");
    FaultInjectingFilesystem faulty(memory);
    faulty.FailAlways(FilesystemOperation::kRename, PermissionDeniedError("read-only"));
    for (int i = 0; i < 3; ++i) {
      CHECK(faulty.Rename("/f", "/g").message() == "read-only");
    }
    CHECK(faulty.Stat("/f", SymlinkPolicy::kFollow).ok());
    CHECK(faulty.Remove("/f").ok());
    CHECK(faulty.CallCount(FilesystemOperation::kRename) == 3);
    CHECK(faulty.CallCount(FilesystemOperation::kRemove) == 1);
    CHECK(faulty.CallCount(FilesystemOperation::kCreateDirectories) == 0);
  }

  TEST_CASE("ClearFaults removes pending faults but keeps the counts") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    faulty.FailAlways(FilesystemOperation::kCreateDirectories, IoError("x"));
    faulty.FailNth(FilesystemOperation::kListDirectory, 1, IoError("y"));
    CHECK_FALSE(faulty.CreateDirectories("/d", 0755).ok());
    faulty.ClearFaults();
    CHECK(faulty.CreateDirectories("/d", 0755).ok());
    CHECK(faulty.ListDirectory("/").ok());
    CHECK(faulty.CallCount(FilesystemOperation::kCreateDirectories) == 2);
  }

  TEST_CASE("every operation can fail") {
    MemoryFilesystem memory;
    memory.AddFile("/f", "x");
    memory.AddSymlink("/l", "/f");
    FaultInjectingFilesystem faulty(memory);
    const Status fault = IoError("injected");
    for (const FilesystemOperation operation :
         {FilesystemOperation::kStat, FilesystemOperation::kReadFile,
          FilesystemOperation::kReadSymlink, FilesystemOperation::kListDirectory,
          FilesystemOperation::kCreateDirectories, FilesystemOperation::kWriteFileAtomically,
          FilesystemOperation::kRemove, FilesystemOperation::kRename}) {
      faulty.FailNth(operation, 1, fault);
    }
    CHECK(faulty.Stat("/f", SymlinkPolicy::kFollow).status().message() == "injected");
    CHECK(faulty.ReadFile("/f").status().message() == "injected");
    CHECK(faulty.ReadSymlink("/l").status().message() == "injected");
    CHECK(faulty.ListDirectory("/").status().message() == "injected");
    CHECK(faulty.CreateDirectories("/d", 0755).message() == "injected");
    CHECK(faulty.WriteFileAtomically("/f", "y", 0644).message() == "injected");
    CHECK(faulty.Remove("/f").message() == "injected");
    CHECK(faulty.Rename("/f", "/g").message() == "injected");
    CHECK(*memory.ReadFile("/f") == "x");
  }
}

}  // namespace
}  // namespace tseq
