// The Filesystem contract, checked against both the real filesystem (in a temporary directory)
// and MemoryFilesystem, so the fake behaves like the real thing, messages included.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <unistd.h>

#include "platform/filesystem.h"
#include "platform/filesystem_contract_test_support.h"
#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using filesystem_contract::Subject;
using filesystem_contract::Write;

using Names = std::vector<std::string>;

void CheckStatAndRead(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateDirectories(subject.Path("dir"), 0755).ok());
  const std::string binary("a\0b\n\xff", 5);
  Write(subject, "dir/file", binary, 0640);

  const Result<FileInfo> file = filesystem.Stat(subject.Path("dir/file"), SymlinkPolicy::kFollow);
  REQUIRE(file.ok());
  CHECK(file->type == FileType::kRegular);
  CHECK(file->size == 5);
  CHECK(file->mode == 0640);
  const Result<FileInfo> directory = filesystem.Stat(subject.Path("dir"), SymlinkPolicy::kFollow);
  REQUIRE(directory.ok());
  CHECK(directory->type == FileType::kDirectory);
  CHECK(directory->mode == 0755);
  CHECK(file->link_count == 1);
  CHECK(file->device == directory->device);
  CHECK(file->inode != directory->inode);
  CHECK(*filesystem.ReadFile(subject.Path("dir/file")) == binary);

  const std::string missing = subject.Path("dir/missing");
  const Result<FileInfo> absent = filesystem.Stat(missing, SymlinkPolicy::kFollow);
  CHECK(absent.status().code() == StatusCode::kNotFound);
  CHECK(absent.status().message() == "cannot stat '" + missing + "': No such file or directory");
  const Result<std::string> unread = filesystem.ReadFile(missing);
  CHECK(unread.status().code() == StatusCode::kNotFound);
  CHECK(unread.status().message() == "cannot read '" + missing + "': No such file or directory");
  const Result<std::string> directory_read = filesystem.ReadFile(subject.Path("dir"));
  CHECK(directory_read.status().code() == StatusCode::kIoError);
  CHECK(directory_read.status().message() ==
        "cannot read '" + subject.Path("dir") + "': Is a directory");
  const Result<std::string> through_file = filesystem.ReadFile(subject.Path("dir/file/x"));
  CHECK(through_file.status().message() ==
        "cannot read '" + subject.Path("dir/file/x") + "': Not a directory");
}

void CheckSymlinks(const Subject& subject,
                   const std::function<void(std::string, std::string)>& add_symlink) {
  Filesystem& filesystem = subject.filesystem;
  Write(subject, "target", "payload");
  add_symlink(subject.Path("relative"), "target");
  add_symlink(subject.Path("absolute"), subject.Path("target"));
  add_symlink(subject.Path("dangling"), "nowhere");
  add_symlink(subject.Path("loop"), "loop");

  CHECK(*filesystem.ReadFile(subject.Path("relative")) == "payload");
  CHECK(*filesystem.ReadFile(subject.Path("absolute")) == "payload");
  CHECK(*filesystem.ReadSymlink(subject.Path("relative")) == "target");
  CHECK(*filesystem.ReadSymlink(subject.Path("absolute")) == subject.Path("target"));

  const Result<FileInfo> link =
      filesystem.Stat(subject.Path("relative"), SymlinkPolicy::kDoNotFollow);
  REQUIRE(link.ok());
  CHECK(link->type == FileType::kSymlink);
  CHECK(link->size == 6);  // the length of the target text, as lstat reports
  const Result<FileInfo> followed =
      filesystem.Stat(subject.Path("relative"), SymlinkPolicy::kFollow);
  REQUIRE(followed.ok());
  CHECK(followed->type == FileType::kRegular);
  CHECK(followed->size == 7);

  CHECK(filesystem.Stat(subject.Path("dangling"), SymlinkPolicy::kDoNotFollow).ok());
  CHECK(filesystem.Stat(subject.Path("dangling"), SymlinkPolicy::kFollow).status().code() ==
        StatusCode::kNotFound);
  CHECK(filesystem.ReadFile(subject.Path("loop")).status().message() ==
        "cannot read '" + subject.Path("loop") + "': Too many levels of symbolic links");

  const Result<std::string> not_link = filesystem.ReadSymlink(subject.Path("target"));
  CHECK(not_link.status().code() == StatusCode::kInvalidArgument);
  CHECK(not_link.status().message() ==
        "cannot read symlink '" + subject.Path("target") + "': not a symbolic link");
  CHECK(filesystem.ReadSymlink(subject.Path("none")).status().message() ==
        "cannot read symlink '" + subject.Path("none") + "': No such file or directory");
}

void CheckListDirectory(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateDirectories(subject.Path("list/a/deep"), 0755).ok());
  for (const char* name : {"list/b", "list/a-b", "list/B", "list/.hidden", "list/a/c"}) {
    Write(subject, name, "");
  }
  CHECK(*filesystem.ListDirectory(subject.Path("list")) == Names{".hidden", "B", "a", "a-b", "b"});
  CHECK(*filesystem.ListDirectory(subject.Path("list/a")) == Names{"c", "deep"});
  CHECK(filesystem.ListDirectory(subject.Path("list/a/deep"))->empty());
  CHECK(filesystem.ListDirectory(subject.Path("list/b")).status().message() ==
        "cannot list directory '" + subject.Path("list/b") + "': Not a directory");
  const Result<Names> missing = filesystem.ListDirectory(subject.Path("list/none"));
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() ==
        "cannot list directory '" + subject.Path("list/none") + "': No such file or directory");
}

void CheckCreateDirectories(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateDirectories(subject.Path("x/y/z"), 0700).ok());
  CHECK(filesystem.Stat(subject.Path("x/y/z"), SymlinkPolicy::kFollow)->mode == 0700);
  CHECK(filesystem.Stat(subject.Path("x"), SymlinkPolicy::kFollow)->mode == 0700);
  // The mode is exact, whatever the umask.
  REQUIRE(filesystem.CreateDirectories(subject.Path("open"), 0777).ok());
  CHECK(filesystem.Stat(subject.Path("open"), SymlinkPolicy::kFollow)->mode == 0777);
  // Existing directories are fine and keep their mode.
  CHECK(filesystem.CreateDirectories(subject.Path("x/y"), 0755).ok());
  CHECK(filesystem.Stat(subject.Path("x/y"), SymlinkPolicy::kFollow)->mode == 0700);
  CHECK(filesystem.CreateDirectories(subject.Path("x/y/"), 0755).ok());

  Write(subject, "plain", "");
  const Status under_file = filesystem.CreateDirectories(subject.Path("plain/sub"), 0755);
  CHECK(under_file.code() == StatusCode::kIoError);
  CHECK(under_file.message() ==
        "cannot create directory '" + subject.Path("plain/sub") + "': Not a directory");
  CHECK(filesystem.CreateDirectories(subject.Path("plain"), 0755).message() ==
        "cannot create directory '" + subject.Path("plain") + "': File exists");
}

void CheckWriteFileAtomically(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateDirectories(subject.Path("w"), 0755).ok());
  Write(subject, "w/state.json", "old", 0600);
  Write(subject, "w/state.json", "new contents", 0644);
  CHECK(*filesystem.ReadFile(subject.Path("w/state.json")) == "new contents");
  CHECK(filesystem.Stat(subject.Path("w/state.json"), SymlinkPolicy::kFollow)->mode == 0644);
  // No temporary file is left beside it.
  CHECK(*filesystem.ListDirectory(subject.Path("w")) == Names{"state.json"});

  // Another account's file: as root (how the tools run) the new file gets that owner before it
  // takes the name; otherwise the OS refuses and the old file stays.
  const Status owned = filesystem.WriteFileAtomicallyOwnedBy(subject.Path("w/state.json"), "owned",
                                                             0640, 1234, 5678);
  if (owned.ok()) {
    const Result<FileInfo> info =
        filesystem.Stat(subject.Path("w/state.json"), SymlinkPolicy::kFollow);
    REQUIRE(info.ok());
    CHECK(info->owner == 1234u);
    CHECK(info->group == 5678u);
    CHECK(info->mode == 0640);
    CHECK(*filesystem.ReadFile(subject.Path("w/state.json")) == "owned");
  } else {
    CHECK(owned.code() == StatusCode::kPermissionDenied);
    CHECK(owned.message() ==
          "cannot write '" + subject.Path("w/state.json") + "': Operation not permitted");
    CHECK(*filesystem.ReadFile(subject.Path("w/state.json")) == "new contents");
  }
  CHECK(*filesystem.ListDirectory(subject.Path("w")) == Names{"state.json"});

  const std::string orphan = subject.Path("w/none/file");
  const Status missing_parent = filesystem.WriteFileAtomically(orphan, "x", 0644);
  CHECK(missing_parent.code() == StatusCode::kNotFound);
  CHECK(missing_parent.message() == "cannot write '" + orphan + "': No such file or directory");

  REQUIRE(filesystem.CreateDirectories(subject.Path("w/taken"), 0755).ok());
  const Status onto_directory = filesystem.WriteFileAtomically(subject.Path("w/taken"), "x", 0644);
  CHECK(onto_directory.code() == StatusCode::kIoError);
  CHECK(onto_directory.message() ==
        "cannot write '" + subject.Path("w/taken") + "': Is a directory");
  CHECK(*filesystem.ListDirectory(subject.Path("w")) == Names{"state.json", "taken"});
  CHECK(filesystem.ListDirectory(subject.Path("w/taken"))->empty());
}

void CheckRemoveAndRename(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateDirectories(subject.Path("r/full/inner"), 0755).ok());
  REQUIRE(filesystem.CreateDirectories(subject.Path("r/empty"), 0755).ok());
  // "full-x" sorts between "full" and "full/..." bytewise: a trap for prefix scans.
  Write(subject, "r/full-x", "");
  Write(subject, "r/file", "data");

  CHECK(filesystem.Remove(subject.Path("r/file")).ok());
  CHECK(filesystem.Remove(subject.Path("r/empty")).ok());
  CHECK(*filesystem.ListDirectory(subject.Path("r")) == Names{"full", "full-x"});
  const Status not_empty = filesystem.Remove(subject.Path("r/full"));
  CHECK(not_empty.code() == StatusCode::kIoError);
  CHECK(not_empty.message() ==
        "cannot remove '" + subject.Path("r/full") + "': Directory not empty");
  const Status missing = filesystem.Remove(subject.Path("r/file"));
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "cannot remove '" + subject.Path("r/file") + "': No such file or directory");

  Write(subject, "r/full/inner/leaf", "leaf");
  REQUIRE(filesystem.Rename(subject.Path("r/full"), subject.Path("r/moved")).ok());
  CHECK(*filesystem.ReadFile(subject.Path("r/moved/inner/leaf")) == "leaf");
  CHECK(filesystem.Stat(subject.Path("r/full"), SymlinkPolicy::kFollow).status().code() ==
        StatusCode::kNotFound);
  CHECK(*filesystem.ListDirectory(subject.Path("r")) == Names{"full-x", "moved"});

  Write(subject, "r/a", "A");
  Write(subject, "r/b", "B");
  REQUIRE(filesystem.Rename(subject.Path("r/a"), subject.Path("r/b")).ok());
  CHECK(*filesystem.ReadFile(subject.Path("r/b")) == "A");
  const Status absent = filesystem.Rename(subject.Path("r/a"), subject.Path("r/c"));
  CHECK(absent.code() == StatusCode::kNotFound);
  CHECK(absent.message() == "cannot rename '" + subject.Path("r/a") + "' to '" +
                                subject.Path("r/c") + "': No such file or directory");
  CHECK(filesystem.Rename(subject.Path("r/moved"), subject.Path("r/moved/inner/x")).message() ==
        "cannot rename '" + subject.Path("r/moved") + "' to '" + subject.Path("r/moved/inner/x") +
            "': Invalid argument");
}

void CheckAll(const Subject& subject,
              const std::function<void(std::string, std::string)>& add_symlink) {
  SUBCASE("stat and read") { CheckStatAndRead(subject); }
  SUBCASE("symlinks") { CheckSymlinks(subject, add_symlink); }
  SUBCASE("list directory") { CheckListDirectory(subject); }
  SUBCASE("create directories") { CheckCreateDirectories(subject); }
  SUBCASE("write atomically") { CheckWriteFileAtomically(subject); }
  SUBCASE("remove and rename") { CheckRemoveAndRename(subject); }
}

TEST_SUITE("Filesystem contract") {
  TEST_CASE("the POSIX filesystem keeps the contract") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    CheckAll(Subject{*filesystem, temp.path()}, [](std::string path, std::string target) {
      REQUIRE(::symlink(target.c_str(), path.c_str()) == 0);
    });
  }

  TEST_CASE("MemoryFilesystem keeps the contract") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/base", 0755).ok());
    CheckAll(Subject{filesystem, "/base"}, [&filesystem](std::string path, std::string target) {
      filesystem.AddSymlink(path, target);
    });
  }
}

}  // namespace
}  // namespace tseq
