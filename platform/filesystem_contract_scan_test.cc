// The Filesystem contract for scanning a directory (ScanDirectory): its listing, its description
// and its entries' as ListDirectory and Stat give them, checked against the real filesystem (in a
// temporary directory), MemoryFilesystem (the default implementation) and a
// FaultInjectingFilesystem over each.
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "platform/fault_injecting_filesystem.h"
#include "platform/filesystem.h"
#include "platform/filesystem_contract_test_support.h"
#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using filesystem_contract::Subject;
using filesystem_contract::Write;

DirectoryScan Scan(const Subject& subject, const std::string& relative) {
  Result<DirectoryScan> scan = subject.filesystem.ScanDirectory(subject.Path(relative));
  REQUIRE_MESSAGE(scan.ok(), scan.status().message());
  return std::move(scan).value();
}

void CheckScanMatchesListAndStat(const Subject& subject) {
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("d"), 0755).ok());
  Write(subject, "d/b.txt", "bb");
  Write(subject, "d/a.txt", "a", 0600);
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("d/sub"), 0750).ok());
  REQUIRE(subject.filesystem.CreateSymlink("a.txt", subject.Path("d/link")).ok());
  REQUIRE(subject.filesystem.CreateHardLink(subject.Path("d/a.txt"), subject.Path("d/c.txt")).ok());

  const DirectoryScan scan = Scan(subject, "d");
  std::vector<std::string> names;
  for (const ScannedEntry& entry : scan.entries) names.push_back(entry.name);
  CHECK(names == std::vector<std::string>{"a.txt", "b.txt", "c.txt", "link", "sub"});
  CHECK(names == subject.filesystem.ListDirectory(subject.Path("d")).value());
  for (const ScannedEntry& entry : scan.entries) {
    CAPTURE(entry.name);
    REQUIRE(entry.info.ok());
    const FileInfo expected =
        *subject.filesystem.Stat(subject.Path("d/" + entry.name), SymlinkPolicy::kDoNotFollow);
    CHECK(entry.info->type == expected.type);
    CHECK(entry.info->size == expected.size);
    CHECK(entry.info->mode == expected.mode);
    CHECK(entry.info->inode == expected.inode);
    CHECK(entry.info->device == expected.device);
    CHECK(entry.info->link_count == expected.link_count);
    CHECK(entry.info->modified == expected.modified);
  }
  CHECK(scan.entries[0].info->inode == scan.entries[2].info->inode);  // hard links
  CHECK(scan.entries[3].info->type == FileType::kSymlink);            // never followed
  CHECK(scan.entries[4].info->mode == 0750);

  const FileInfo directory = *subject.filesystem.Stat(subject.Path("d"), SymlinkPolicy::kFollow);
  CHECK(scan.info.type == FileType::kDirectory);
  CHECK(scan.info.inode == directory.inode);
  CHECK(scan.info.mode == directory.mode);
  if (scan.directory != nullptr) {
    CHECK(scan.directory->path() == subject.Path("d"));
    char byte = 0;
    CHECK_FALSE(scan.directory->ReadAt(0, &byte, 1).ok());
  }
}

void CheckScanEmptyDirectory(const Subject& subject) {
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("empty"), 0755).ok());
  CHECK(Scan(subject, "empty").entries.empty());
}

void CheckScanRefusals(const Subject& subject) {
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("real"), 0755).ok());
  REQUIRE(subject.filesystem.CreateSymlink("real", subject.Path("link")).ok());
  Write(subject, "file", "x");

  const Status symlink = subject.filesystem.ScanDirectory(subject.Path("link")).status();
  CHECK(symlink.code() == StatusCode::kInvalidArgument);
  CHECK(symlink.message() ==
        "cannot list directory '" + subject.Path("link") + "': it is a symlink");
  const Status file = subject.filesystem.ScanDirectory(subject.Path("file")).status();
  CHECK(file.code() == StatusCode::kIoError);
  CHECK(file.message() == "cannot list directory '" + subject.Path("file") + "': Not a directory");
  const Status missing = subject.filesystem.ScanDirectory(subject.Path("missing")).status();
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "cannot list directory '" + subject.Path("missing") + "': No such file or directory");
}

void CheckAll(const Subject& subject) {
  SUBCASE("a scan gives what listing and examining give") { CheckScanMatchesListAndStat(subject); }
  SUBCASE("an empty folder has no entries") { CheckScanEmptyDirectory(subject); }
  SUBCASE("symlinks, files and missing paths are not scanned") { CheckScanRefusals(subject); }
}

TEST_SUITE("Filesystem contract") {
  TEST_CASE("the POSIX filesystem keeps the scan contract") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    CheckAll(Subject{*filesystem, temp.path()});
  }

  TEST_CASE("MemoryFilesystem keeps the scan contract") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/base", 0755).ok());
    CheckAll(Subject{filesystem, "/base"});
  }

  TEST_CASE("a FaultInjectingFilesystem keeps the scan contract of what it wraps") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> real = NewPosixFilesystem();
    FaultInjectingFilesystem faulty(*real);
    CheckAll(Subject{faulty, temp.path()});
  }

  TEST_CASE("the POSIX filesystem's scan gives the open directory, for its metadata") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    REQUIRE(filesystem->CreateDirectories(temp.Join("d"), 0755).ok());
    const Result<DirectoryScan> scan = filesystem->ScanDirectory(temp.Join("d"));
    REQUIRE(scan.ok());
    REQUIRE(scan->directory != nullptr);
    CHECK(scan->directory->descriptor() >= 0);
    CHECK(scan->directory->ReadAt(0, nullptr, 0).status().message() ==
          "cannot read '" + temp.Join("d") + "': Is a directory");
  }

  TEST_CASE("an entry removed before it is examined keeps its error in the scan") {
    // The default implementation examines each entry after the listing: a MemoryFilesystem whose
    // Stat fails for one entry stands for a file removed in between.
    MemoryFilesystem memory;
    memory.AddFile("/d/a.txt", "a");
    memory.AddFile("/d/b.txt", "b");
    FaultInjectingFilesystem faulty(memory);
    faulty.FailNth(FilesystemOperation::kStat, 1,
                   NotFoundError("cannot stat '/d/a.txt': No such file or directory"));
    const Result<DirectoryScan> scan = faulty.ScanDirectory("/d");
    REQUIRE(scan.ok());
    REQUIRE(scan->entries.size() == 2);
    CHECK(scan->entries[0].info.status().message() ==
          "cannot stat '/d/a.txt': No such file or directory");
    CHECK(scan->entries[1].info.ok());
  }
}

}  // namespace
}  // namespace tseq
