#include "platform/fault_injecting_filesystem.h"

#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

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

  TEST_CASE("passes file operations through when no fault is set") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    std::unique_ptr<WritableFile> file =
        std::move(faulty.CreateFile("/f", 0600, CreateMode::kCreateNew)).value();
    CHECK(file->path() == "/f");
    REQUIRE(file->Append("hello").ok());
    REQUIRE(file->Sync().ok());
    REQUIRE(file->Close().ok());
    const std::unique_ptr<ReadableFile> reader =
        std::move(faulty.OpenForRead("/f", SymlinkPolicy::kFollow)).value();
    char buffer[8] = {};
    CHECK(*reader->ReadAt(1, buffer, sizeof(buffer)) == 4);
    CHECK(std::string(buffer, 4) == "ello");
    CHECK(*reader->Size() == 5);
    CHECK(reader->path() == "/f");
    REQUIRE(faulty.CreateHardLink("/f", "/g").ok());
    REQUIRE(faulty.CreateSymlink("/f", "/l").ok());
    REQUIRE(faulty.SyncDirectory("/").ok());
    REQUIRE(faulty.SetImmutable("/g", true).ok());
    CHECK(*faulty.IsImmutable("/f") == true);
    CHECK(memory.Stat("/f", SymlinkPolicy::kFollow)->link_count == 2);
    CHECK(faulty.CallCount(FilesystemOperation::kAppend) == 1);
    CHECK(faulty.CallCount(FilesystemOperation::kReadAt) == 1);
    CHECK(faulty.CallCount(FilesystemOperation::kClose) == 1);
  }

  TEST_CASE("an Append fault is a short write of the first half of the data") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    faulty.FailNth(FilesystemOperation::kAppend, 2, IoError("No space left on device"));
    std::unique_ptr<WritableFile> file =
        std::move(faulty.CreateFile("/f", 0644, CreateMode::kCreateNew)).value();
    REQUIRE(file->Append("abcd").ok());
    const Status failed = file->Append("12345");
    CHECK(failed.code() == StatusCode::kIoError);
    CHECK(failed.message() == "No space left on device");
    CHECK(*memory.ReadFile("/f") == "abcd12");
    REQUIRE(file->Append("!").ok());
    CHECK(*memory.ReadFile("/f") == "abcd12!");
  }

  TEST_CASE("calls on handles are counted across all the files of the filesystem") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    std::unique_ptr<WritableFile> first =
        std::move(faulty.CreateFile("/a", 0644, CreateMode::kCreateNew)).value();
    std::unique_ptr<WritableFile> second =
        std::move(faulty.CreateFile("/b", 0644, CreateMode::kCreateNew)).value();
    faulty.FailNth(FilesystemOperation::kAppend, 3, IoError("full"));
    CHECK(first->Append("1").ok());
    CHECK(second->Append("2").ok());
    CHECK(first->Append("xy").message() == "full");
    CHECK(second->Append("3").ok());
    CHECK(*memory.ReadFile("/a") == "1x");
    CHECK(*memory.ReadFile("/b") == "23");
    CHECK(faulty.CallCount(FilesystemOperation::kAppend) == 4);

    memory.AddFile("/r", "data");
    const std::unique_ptr<ReadableFile> reader_one =
        std::move(faulty.OpenForRead("/r", SymlinkPolicy::kFollow)).value();
    const std::unique_ptr<ReadableFile> reader_two =
        std::move(faulty.OpenForRead("/r", SymlinkPolicy::kFollow)).value();
    faulty.FailNth(FilesystemOperation::kReadAt, 2, CorruptionError("bad sector"));
    char buffer[4];
    CHECK(reader_one->ReadAt(0, buffer, 4).ok());
    CHECK(reader_two->ReadAt(0, buffer, 4).status().message() == "bad sector");
    CHECK(reader_one->ReadAt(0, buffer, 4).ok());
    CHECK(faulty.CallCount(FilesystemOperation::kReadAt) == 3);
  }

  TEST_CASE("Sync and Close faults fail the handle call; Close still closes") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty(memory);
    std::unique_ptr<WritableFile> file =
        std::move(faulty.CreateFile("/f", 0644, CreateMode::kCreateNew)).value();
    faulty.FailNth(FilesystemOperation::kSync, 1, IoError("sync failed"));
    faulty.FailNth(FilesystemOperation::kClose, 1, IoError("close failed"));
    REQUIRE(file->Append("x").ok());
    CHECK(file->Sync().message() == "sync failed");
    CHECK(file->Sync().ok());
    CHECK(file->Close().message() == "close failed");
    CHECK(file->Close().message() == "cannot close '/f': the file is closed");
  }

  TEST_CASE("every file operation can fail, changing nothing") {
    MemoryFilesystem memory;
    memory.AddFile("/f", "x");
    FaultInjectingFilesystem faulty(memory);
    const Status fault = PermissionDeniedError("injected");
    for (const FilesystemOperation operation :
         {FilesystemOperation::kOpenForRead, FilesystemOperation::kCreateFile,
          FilesystemOperation::kCreateHardLink, FilesystemOperation::kCreateSymlink,
          FilesystemOperation::kSyncDirectory, FilesystemOperation::kSetImmutable,
          FilesystemOperation::kIsImmutable}) {
      faulty.FailNth(operation, 1, fault);
    }
    CHECK(faulty.OpenForRead("/f", SymlinkPolicy::kFollow).status().message() == "injected");
    CHECK(faulty.CreateFile("/f", 0644, CreateMode::kTruncate).status().message() == "injected");
    CHECK(faulty.CreateHardLink("/f", "/g").message() == "injected");
    CHECK(faulty.CreateSymlink("/f", "/l").message() == "injected");
    CHECK(faulty.SyncDirectory("/").message() == "injected");
    CHECK(faulty.SetImmutable("/f", true).message() == "injected");
    CHECK(faulty.IsImmutable("/f").status().message() == "injected");
    CHECK(*memory.ReadFile("/f") == "x");
    CHECK(*memory.ListDirectory("/") == std::vector<std::string>{"f"});
    CHECK(*memory.IsImmutable("/f") == false);
  }

  TEST_CASE("regular files opened with their description are wrapped; linking unwraps them") {
    MemoryFilesystem memory;
    memory.AddFile("/f", "abc");
    FaultInjectingFilesystem faulty(memory);
    Result<OpenedFile> opened = faulty.OpenRegularFile("/f");
    REQUIRE(opened.ok());
    CHECK(opened->info.size == 3);
    CHECK(opened->file->descriptor() == -1);
    char buffer[3];
    faulty.FailNth(FilesystemOperation::kReadAt, 1, IoError("read failed"));
    CHECK(opened->file->ReadAt(0, buffer, 3).status().message() == "read failed");
    CHECK(*opened->file->ReadAt(0, buffer, 3) == 3);
    REQUIRE(faulty.LinkOpenFile(*opened->file, "/g").ok());
    CHECK(*memory.ReadFile("/g") == "abc");

    faulty.FailNth(FilesystemOperation::kOpenRegularFile, 1, IoError("injected"));
    faulty.FailNth(FilesystemOperation::kLinkOpenFile, 1, IoError("injected"));
    CHECK(faulty.OpenRegularFile("/f").status().message() == "injected");
    CHECK(faulty.LinkOpenFile(*opened->file, "/h").message() == "injected");
    CHECK_FALSE(memory.Stat("/h", SymlinkPolicy::kDoNotFollow).ok());
    CHECK(faulty.CallCount(FilesystemOperation::kOpenRegularFile) == 2);
    CHECK(faulty.CallCount(FilesystemOperation::kLinkOpenFile) == 2);
    CHECK(faulty.CallCount(FilesystemOperation::kOpenForRead) == 0);
  }

  TEST_CASE("a simulated mount gives its device to everything below it, the innermost winning") {
    MemoryFilesystem memory;
    memory.AddFile("/home/a", "a");
    memory.AddFile("/home/usb/b", "b");
    memory.AddFile("/home/usb/inner/c", "c");
    memory.AddFile("/home/usbstick", "not below /home/usb");
    FaultInjectingFilesystem faulty(memory);
    faulty.SimulateMount("/home/usb", 7);
    faulty.SimulateMount("/home/usb/inner", 8);
    const auto device = [&](const std::string& path) {
      return faulty.Stat(path, SymlinkPolicy::kDoNotFollow)->device;
    };
    CHECK(device("/home/a") == 1);
    CHECK(device("/home/usb") == 7);
    CHECK(device("/home/usb/b") == 7);
    CHECK(device("/home/usb/inner/c") == 8);
    CHECK(device("/home/usbstick") == 1);
    CHECK(faulty.OpenRegularFile("/home/usb/b")->info.device == 7);
  }

  TEST_CASE("a scan counts as a listing and a Stat of each entry, and a simulated mount applies") {
    MemoryFilesystem memory;
    memory.AddFile("/home/a", "a");
    memory.AddFile("/home/usb/b", "b");
    memory.AddFile("/home/usb/c", "c");
    FaultInjectingFilesystem faulty(memory);
    faulty.SimulateMount("/home/usb", 7);
    Result<DirectoryScan> home = faulty.ScanDirectory("/home");
    REQUIRE(home.ok());
    REQUIRE(home->entries.size() == 2);
    CHECK(home->info.device == 1);
    CHECK(home->entries[0].info->device == 1);
    CHECK(home->entries[1].info->device == 7);  // the mount point itself
    CHECK(faulty.CallCount(FilesystemOperation::kListDirectory) == 1);
    CHECK(faulty.CallCount(FilesystemOperation::kStat) == 2);

    faulty.FailNth(FilesystemOperation::kStat, 2, IoError("cannot stat '/home/usb/c': gone"));
    const Result<DirectoryScan> usb = faulty.ScanDirectory("/home/usb");
    REQUIRE(usb.ok());
    CHECK(usb->info.device == 7);
    CHECK(usb->entries[0].info->device == 7);
    CHECK(usb->entries[1].info.status().message() == "cannot stat '/home/usb/c': gone");

    faulty.FailNth(FilesystemOperation::kListDirectory, 1, IoError("cannot list '/home'"));
    CHECK(faulty.ScanDirectory("/home").status().message() == "cannot list '/home'");
    CHECK(faulty.ScanDirectory("/home").ok());
  }

  TEST_CASE("a wrapped real file gives the real descriptor") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("f", "abc");
    const std::unique_ptr<Filesystem> posix = NewPosixFilesystem();
    FaultInjectingFilesystem faulty(*posix);
    Result<OpenedFile> opened = faulty.OpenRegularFile(path);
    REQUIRE(opened.ok());
    CHECK(opened->file->descriptor() >= 0);
    REQUIRE(faulty.LinkOpenFile(*opened->file, temp.Join("g")).ok());
    CHECK(testing::ReadFileForTest(temp.Join("g")) == "abc");
  }

  TEST_CASE("files may outlive the filesystem that opened them") {
    MemoryFilesystem memory;
    std::unique_ptr<WritableFile> file;
    {
      FaultInjectingFilesystem faulty(memory);
      file = std::move(faulty.CreateFile("/f", 0644, CreateMode::kCreateNew)).value();
      faulty.FailAlways(FilesystemOperation::kAppend, IoError("full"));
    }
    CHECK(file->Append("ab").message() == "full");
    CHECK(*memory.ReadFile("/f") == "a");
  }
}

}  // namespace
}  // namespace tseq
