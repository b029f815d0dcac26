// The Filesystem contract for examining a path below a folder without following a symlink in it
// (StatBeneath), checked against the real filesystem (in a temporary directory), MemoryFilesystem
// (the default implementation) and a FaultInjectingFilesystem over each.
#include <memory>
#include <string>

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

void CheckBeneathMatchesStat(const Subject& subject) {
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("home/a/b"), 0755).ok());
  Write(subject, "home/a/b/file", "content", 0640);
  REQUIRE(subject.filesystem.CreateSymlink("file", subject.Path("home/a/b/link")).ok());

  for (const std::string relative : {"a/b/file", "a/b/link", "a/b", "a"}) {
    CAPTURE(relative);
    const Result<FileInfo> beneath = subject.filesystem.StatBeneath(subject.Path("home"), relative);
    REQUIRE_MESSAGE(beneath.ok(), beneath.status().message());
    const FileInfo expected =
        *subject.filesystem.Stat(subject.Path("home/" + relative), SymlinkPolicy::kDoNotFollow);
    CHECK(beneath->type == expected.type);
    CHECK(beneath->inode == expected.inode);
    CHECK(beneath->device == expected.device);
    CHECK(beneath->size == expected.size);
    CHECK(beneath->mode == expected.mode);
  }
  CHECK(subject.filesystem.StatBeneath(subject.Path("home"), "a/b/link")->type ==
        FileType::kSymlink);
}

void CheckBeneathRefusesSymlinkedFolders(const Subject& subject) {
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("outside"), 0755).ok());
  Write(subject, "outside/secret", "secret");
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("home"), 0755).ok());
  REQUIRE(subject.filesystem.CreateSymlink(subject.Path("outside"), subject.Path("home/a")).ok());
  // The folder given is trusted: a symlink in it is followed.
  REQUIRE(subject.filesystem.CreateSymlink(subject.Path("outside"), subject.Path("trusted")).ok());

  const Status symlink = subject.filesystem.StatBeneath(subject.Path("home"), "a/secret").status();
  CHECK(symlink.code() == StatusCode::kInvalidArgument);
  CHECK(symlink.message() == "cannot examine '" + subject.Path("home/a/secret") + "': '" +
                                 subject.Path("home/a") + "' is a symlink");
  CHECK(subject.filesystem.StatBeneath(subject.Path("trusted"), "secret").ok());
}

void CheckBeneathErrors(const Subject& subject) {
  REQUIRE(subject.filesystem.CreateDirectories(subject.Path("home"), 0755).ok());
  Write(subject, "home/file", "x");

  const Status missing = subject.filesystem.StatBeneath(subject.Path("home"), "gone/x").status();
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "cannot stat '" + subject.Path("home/gone/x") + "': No such file or directory");
  const Status not_directory =
      subject.filesystem.StatBeneath(subject.Path("home"), "file/x").status();
  CHECK(not_directory.code() == StatusCode::kIoError);
  CHECK(not_directory.message() ==
        "cannot stat '" + subject.Path("home/file/x") + "': Not a directory");
}

void CheckAll(const Subject& subject) {
  SUBCASE("it examines what Stat examines, a symlink itself included") {
    CheckBeneathMatchesStat(subject);
  }
  SUBCASE("a symlink in place of a folder below the given one is refused") {
    CheckBeneathRefusesSymlinkedFolders(subject);
  }
  SUBCASE("missing paths and files in place of folders give Stat's errors") {
    CheckBeneathErrors(subject);
  }
}

TEST_SUITE("Filesystem contract") {
  TEST_CASE("the POSIX filesystem keeps the StatBeneath contract") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    CheckAll(Subject{*filesystem, temp.path()});
  }

  TEST_CASE("MemoryFilesystem keeps the StatBeneath contract") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/base", 0755).ok());
    CheckAll(Subject{filesystem, "/base"});
  }

  TEST_CASE("a FaultInjectingFilesystem keeps the StatBeneath contract of what it wraps") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> real = NewPosixFilesystem();
    FaultInjectingFilesystem faulty(*real);
    CheckAll(Subject{faulty, temp.path()});
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty_memory(memory);
    memory.AddFile("/home/a/file", "x");
    faulty_memory.FailNth(FilesystemOperation::kStat, 1, IoError("cannot stat: injected"));
    CHECK(faulty_memory.StatBeneath("/home", "a/file").status().message() ==
          "cannot stat: injected");
    CHECK(faulty_memory.StatBeneath("/home", "a/file").ok());
  }
}

}  // namespace
}  // namespace tseq
