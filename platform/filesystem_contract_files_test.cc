// The Filesystem contract for open files, links, directory sync and the immutable attribute,
// checked against both the real filesystem (in a temporary directory) and MemoryFilesystem. The
// rest of the contract is in filesystem_contract_test.cc.
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "platform/filesystem.h"
#include "platform/filesystem_contract_test_support.h"
#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using filesystem_contract::Subject;
using filesystem_contract::Write;

using Names = std::vector<std::string>;

std::string ReadAt(const ReadableFile& file, uint64_t offset, size_t length) {
  std::string buffer(length, '\0');
  const Result<size_t> count = file.ReadAt(offset, buffer.data(), length);
  REQUIRE(count.ok());
  buffer.resize(*count);
  return buffer;
}

std::unique_ptr<WritableFile> Create(const Subject& subject, const std::string& relative,
                                     mode_t mode, CreateMode create_mode) {
  Result<std::unique_ptr<WritableFile>> file =
      subject.filesystem.CreateFile(subject.Path(relative), mode, create_mode);
  REQUIRE(file.ok());
  return std::move(file).value();
}

void CheckOpenForRead(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  Write(subject, "file", "hello world");
  const std::string path = subject.Path("file");
  Result<std::unique_ptr<ReadableFile>> opened =
      filesystem.OpenForRead(path, SymlinkPolicy::kFollow);
  REQUIRE(opened.ok());
  const ReadableFile& file = **opened;
  CHECK(file.path() == path);
  CHECK(*file.Size() == 11);
  CHECK(ReadAt(file, 0, 5) == "hello");
  CHECK(ReadAt(file, 6, 100) == "world");  // short only at the end
  CHECK(ReadAt(file, 11, 4).empty());
  CHECK(ReadAt(file, 1000, 4).empty());
  CHECK(ReadAt(file, 3, 0).empty());

  // An open file keeps its content when the name is replaced or removed.
  Write(subject, "file", "replaced");
  CHECK(ReadAt(file, 0, 100) == "hello world");
  REQUIRE(filesystem.Remove(path).ok());
  CHECK(ReadAt(file, 6, 5) == "world");

  REQUIRE(filesystem.CreateDirectories(subject.Path("dir"), 0755).ok());
  Write(subject, "dir/inner", "inner");
  REQUIRE(filesystem.CreateSymlink("file2", subject.Path("link")).ok());
  REQUIRE(filesystem.CreateSymlink("dir", subject.Path("dirlink")).ok());
  Write(subject, "file2", "target");
  CHECK(ReadAt(**filesystem.OpenForRead(subject.Path("link"), SymlinkPolicy::kFollow), 0, 9) ==
        "target");
  // Symlinks in parent components are followed even under kDoNotFollow.
  const Result<std::unique_ptr<ReadableFile>> through_parent =
      filesystem.OpenForRead(subject.Path("dirlink/inner"), SymlinkPolicy::kDoNotFollow);
  REQUIRE(through_parent.ok());
  CHECK(ReadAt(**through_parent, 0, 9) == "inner");

  const Result<std::unique_ptr<ReadableFile>> link =
      filesystem.OpenForRead(subject.Path("link"), SymlinkPolicy::kDoNotFollow);
  CHECK(link.status().code() == StatusCode::kInvalidArgument);
  CHECK(link.status().message() == "cannot open '" + subject.Path("link") + "': it is a symlink");
  REQUIRE(filesystem.CreateSymlink("nowhere", subject.Path("dangling")).ok());
  CHECK(filesystem.OpenForRead(subject.Path("dangling"), SymlinkPolicy::kDoNotFollow)
            .status()
            .message() == "cannot open '" + subject.Path("dangling") + "': it is a symlink");
  const Result<std::unique_ptr<ReadableFile>> dangling =
      filesystem.OpenForRead(subject.Path("dangling"), SymlinkPolicy::kFollow);
  CHECK(dangling.status().code() == StatusCode::kNotFound);
  CHECK(dangling.status().message() ==
        "cannot open '" + subject.Path("dangling") + "': No such file or directory");
  const Result<std::unique_ptr<ReadableFile>> directory =
      filesystem.OpenForRead(subject.Path("dirlink"), SymlinkPolicy::kFollow);
  CHECK(directory.status().code() == StatusCode::kInvalidArgument);
  CHECK(directory.status().message() ==
        "cannot open '" + subject.Path("dirlink") + "': it is a directory");
}

void CheckCreateFile(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  const std::string path = subject.Path("new");
  // The mode is exact, whatever the umask.
  const mode_t old_umask = ::umask(077);
  std::unique_ptr<WritableFile> file = Create(subject, "new", 0664, CreateMode::kCreateNew);
  ::umask(old_umask);
  CHECK(file->path() == path);
  CHECK(file->Append("ab").ok());
  CHECK(file->Append("").ok());
  // Appended data is visible before Close, to readers opened before or after.
  const std::unique_ptr<ReadableFile> reader =
      std::move(filesystem.OpenForRead(path, SymlinkPolicy::kFollow)).value();
  CHECK(file->Append("cd").ok());
  CHECK(ReadAt(*reader, 0, 10) == "abcd");
  CHECK(*reader->Size() == 4);
  CHECK(file->Sync().ok());
  CHECK(file->Close().ok());
  CHECK(*filesystem.ReadFile(path) == "abcd");
  const Result<FileInfo> info = filesystem.Stat(path, SymlinkPolicy::kFollow);
  CHECK(info->mode == 0664);
  CHECK(info->link_count == 1);

  const Status closed = file->Close();
  CHECK(closed.code() == StatusCode::kFailedPrecondition);
  CHECK(closed.message() == "cannot close '" + path + "': the file is closed");
  CHECK(file->Append("x").message() == "cannot write '" + path + "': the file is closed");
  CHECK(file->Sync().message() == "cannot sync '" + path + "': the file is closed");

  const Result<std::unique_ptr<WritableFile>> again =
      filesystem.CreateFile(path, 0644, CreateMode::kCreateNew);
  CHECK(again.status().code() == StatusCode::kAlreadyExists);
  CHECK(again.status().message() == "cannot create '" + path + "': File exists");
  REQUIRE(filesystem.CreateSymlink("nowhere", subject.Path("dangling")).ok());
  CHECK(filesystem.CreateFile(subject.Path("dangling"), 0644, CreateMode::kCreateNew)
            .status()
            .code() == StatusCode::kAlreadyExists);
  CHECK(filesystem.Stat(subject.Path("nowhere"), SymlinkPolicy::kDoNotFollow).status().code() ==
        StatusCode::kNotFound);

  // kTruncate empties the file at once and sets the mode.
  Write(subject, "old", "old content", 0600);
  std::unique_ptr<WritableFile> truncating = Create(subject, "old", 0644, CreateMode::kTruncate);
  CHECK(filesystem.ReadFile(subject.Path("old"))->empty());
  CHECK(filesystem.Stat(subject.Path("old"), SymlinkPolicy::kFollow)->mode == 0644);
  CHECK(truncating->Append("new").ok());
  // Dropped without Close: what was written stays.
  truncating.reset();
  CHECK(*filesystem.ReadFile(subject.Path("old")) == "new");

  REQUIRE(filesystem.CreateSymlink("old", subject.Path("link")).ok());
  const Result<std::unique_ptr<WritableFile>> through_link =
      filesystem.CreateFile(subject.Path("link"), 0644, CreateMode::kTruncate);
  CHECK(through_link.status().code() == StatusCode::kInvalidArgument);
  CHECK(through_link.status().message() ==
        "cannot create '" + subject.Path("link") + "': it is a symlink");
  CHECK(*filesystem.ReadFile(subject.Path("old")) == "new");

  REQUIRE(filesystem.CreateDirectories(subject.Path("dir"), 0755).ok());
  const Result<std::unique_ptr<WritableFile>> onto_directory =
      filesystem.CreateFile(subject.Path("dir"), 0644, CreateMode::kTruncate);
  CHECK(onto_directory.status().code() == StatusCode::kIoError);
  CHECK(onto_directory.status().message() ==
        "cannot create '" + subject.Path("dir") + "': Is a directory");
  const Result<std::unique_ptr<WritableFile>> orphan =
      filesystem.CreateFile(subject.Path("none/file"), 0644, CreateMode::kCreateNew);
  CHECK(orphan.status().code() == StatusCode::kNotFound);
  CHECK(orphan.status().message() ==
        "cannot create '" + subject.Path("none/file") + "': No such file or directory");
}

void CheckHardLinks(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  Write(subject, "a", "shared");
  Write(subject, "other", "other");
  const std::string a = subject.Path("a");
  const std::string b = subject.Path("b");
  REQUIRE(filesystem.CreateHardLink(a, b).ok());
  const FileInfo first = *filesystem.Stat(a, SymlinkPolicy::kDoNotFollow);
  const FileInfo second = *filesystem.Stat(b, SymlinkPolicy::kDoNotFollow);
  const FileInfo other = *filesystem.Stat(subject.Path("other"), SymlinkPolicy::kDoNotFollow);
  CHECK(first.inode == second.inode);
  CHECK(first.device == second.device);
  CHECK(first.link_count == 2);
  CHECK(second.link_count == 2);
  CHECK(other.inode != first.inode);
  CHECK(other.device == first.device);
  CHECK(other.link_count == 1);
  CHECK(*filesystem.ReadFile(b) == "shared");

  // Writing through one name changes the content of both.
  std::unique_ptr<WritableFile> writer = Create(subject, "b", 0600, CreateMode::kTruncate);
  REQUIRE(writer->Append("changed").ok());
  REQUIRE(writer->Close().ok());
  CHECK(*filesystem.ReadFile(a) == "changed");
  CHECK(filesystem.Stat(a, SymlinkPolicy::kFollow)->mode == 0600);
  REQUIRE(filesystem.Remove(a).ok());
  CHECK(filesystem.Stat(b, SymlinkPolicy::kFollow)->link_count == 1);
  CHECK(*filesystem.ReadFile(b) == "changed");

  const Status exists = filesystem.CreateHardLink(b, subject.Path("other"));
  CHECK(exists.code() == StatusCode::kAlreadyExists);
  CHECK(exists.message() ==
        "cannot link '" + subject.Path("other") + "' to '" + b + "': File exists");
  const Status missing = filesystem.CreateHardLink(a, subject.Path("c"));
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "cannot link '" + subject.Path("c") + "' to '" + a + "': No such file or directory");
  REQUIRE(filesystem.CreateDirectories(subject.Path("dir"), 0755).ok());
  const Status directory = filesystem.CreateHardLink(subject.Path("dir"), subject.Path("d"));
  CHECK(directory.code() == StatusCode::kPermissionDenied);
  CHECK(directory.message() == "cannot link '" + subject.Path("d") + "' to '" +
                                   subject.Path("dir") + "': Operation not permitted");

  // A symlink is linked itself, not its target.
  REQUIRE(filesystem.CreateSymlink("b", subject.Path("link")).ok());
  REQUIRE(filesystem.CreateHardLink(subject.Path("link"), subject.Path("link2")).ok());
  CHECK(filesystem.Stat(subject.Path("link2"), SymlinkPolicy::kDoNotFollow)->type ==
        FileType::kSymlink);
  CHECK(*filesystem.ReadSymlink(subject.Path("link2")) == "b");
}

void CheckSymlinksAndSync(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateSymlink("../somewhere/else", subject.Path("link")).ok());
  CHECK(*filesystem.ReadSymlink(subject.Path("link")) == "../somewhere/else");
  const Status exists = filesystem.CreateSymlink("x", subject.Path("link"));
  CHECK(exists.code() == StatusCode::kAlreadyExists);
  CHECK(exists.message() == "cannot create symlink '" + subject.Path("link") + "': File exists");
  CHECK(filesystem.CreateSymlink("x", subject.Path("none/link")).message() ==
        "cannot create symlink '" + subject.Path("none/link") + "': No such file or directory");

  CHECK(filesystem.SyncDirectory(subject.base).ok());
  const Status missing = filesystem.SyncDirectory(subject.Path("none"));
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "cannot sync directory '" + subject.Path("none") + "': No such file or directory");
  Write(subject, "file", "");
  CHECK(filesystem.SyncDirectory(subject.Path("file")).message() ==
        "cannot sync directory '" + subject.Path("file") + "': Not a directory");
}

// Clears the attribute when the test ends, however it ends, so the directory can be removed.
struct ImmutableGuard {
  Filesystem& filesystem;
  std::string path;
  ~ImmutableGuard() { (void)filesystem.SetImmutable(path, false); }
};

void CheckImmutable(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateDirectories(subject.Path("locked"), 0755).ok());
  Write(subject, "locked/file", "kept");
  const std::string directory = subject.Path("locked");
  const std::string file = subject.Path("locked/file");
  CHECK(*filesystem.IsImmutable(directory) == false);

  const ImmutableGuard guard{filesystem, directory};
  const Status set = filesystem.SetImmutable(directory, true);
  if (!set.ok() && subject.immutable_may_fail) {
    MESSAGE("the immutable attribute is unavailable here: " << set.message());
    const std::string what = "cannot set the immutable attribute of '" + directory + "': ";
    const bool explained = (set.code() == StatusCode::kFailedPrecondition &&
                            set.message() == what + "not supported by this filesystem") ||
                           (set.code() == StatusCode::kPermissionDenied &&
                            set.message() == what + "Operation not permitted");
    CHECK(explained);
    return;
  }
  REQUIRE(set.ok());
  CHECK(*filesystem.IsImmutable(directory) == true);
  CHECK(*filesystem.IsImmutable(file) == false);

  const Status remove = filesystem.Remove(file);
  CHECK(remove.code() == StatusCode::kPermissionDenied);
  CHECK(remove.message() == "cannot remove '" + file + "': Operation not permitted");
  const std::string inside = subject.Path("locked/new");
  CHECK(filesystem.CreateFile(inside, 0644, CreateMode::kCreateNew).status().message() ==
        "cannot create '" + inside + "': Operation not permitted");
  CHECK(filesystem.WriteFileAtomically(inside, "x", 0644).message() ==
        "cannot write '" + inside + "': Operation not permitted");
  CHECK(filesystem.Rename(file, subject.Path("out")).message() ==
        "cannot rename '" + file + "' to '" + subject.Path("out") + "': Operation not permitted");
  CHECK(filesystem.CreateHardLink(file, inside).message() ==
        "cannot link '" + inside + "' to '" + file + "': Operation not permitted");
  CHECK(*filesystem.ListDirectory(directory) == Names{"file"});
  // The file itself is not immutable: its content may change.
  std::unique_ptr<WritableFile> writer =
      Create(subject, "locked/file", 0644, CreateMode::kTruncate);
  CHECK(writer->Close().ok());

  REQUIRE(filesystem.SetImmutable(directory, false).ok());
  CHECK(*filesystem.IsImmutable(directory) == false);
  CHECK(filesystem.Remove(file).ok());

  // An immutable file refuses removal and writing.
  Write(subject, "frozen", "ice");
  const std::string frozen = subject.Path("frozen");
  const ImmutableGuard file_guard{filesystem, frozen};
  REQUIRE(filesystem.SetImmutable(frozen, true).ok());
  CHECK(*filesystem.IsImmutable(frozen) == true);
  CHECK(filesystem.Remove(frozen).message() ==
        "cannot remove '" + frozen + "': Operation not permitted");
  const Result<std::unique_ptr<WritableFile>> truncate =
      filesystem.CreateFile(frozen, 0644, CreateMode::kTruncate);
  CHECK(truncate.status().code() == StatusCode::kPermissionDenied);
  CHECK(truncate.status().message() == "cannot create '" + frozen + "': Operation not permitted");
  CHECK(*filesystem.ReadFile(frozen) == "ice");
  REQUIRE(filesystem.SetImmutable(frozen, false).ok());
  CHECK(filesystem.Remove(frozen).ok());
}

void CheckImmutableErrors(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  REQUIRE(filesystem.CreateSymlink("target", subject.Path("link")).ok());
  const std::string link = subject.Path("link");
  const Status set = filesystem.SetImmutable(link, true);
  CHECK(set.code() == StatusCode::kInvalidArgument);
  CHECK(set.message() == "cannot set the immutable attribute of '" + link + "': it is a symlink");
  CHECK(filesystem.IsImmutable(link).status().message() ==
        "cannot read the immutable attribute of '" + link + "': it is a symlink");
  const std::string missing = subject.Path("missing");
  CHECK(filesystem.SetImmutable(missing, true).code() == StatusCode::kNotFound);
  CHECK(filesystem.SetImmutable(missing, true).message() ==
        "cannot set the immutable attribute of '" + missing + "': No such file or directory");
  CHECK(filesystem.IsImmutable(missing).status().message() ==
        "cannot read the immutable attribute of '" + missing + "': No such file or directory");
}

void CheckAll(const Subject& subject) {
  SUBCASE("open for read") { CheckOpenForRead(subject); }
  SUBCASE("create file") { CheckCreateFile(subject); }
  SUBCASE("hard links") { CheckHardLinks(subject); }
  SUBCASE("symlinks and directory sync") { CheckSymlinksAndSync(subject); }
  SUBCASE("immutable attribute") { CheckImmutable(subject); }
  SUBCASE("immutable attribute errors") { CheckImmutableErrors(subject); }
}

TEST_SUITE("Filesystem contract") {
  TEST_CASE("the POSIX filesystem keeps the file contract") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    CheckAll(Subject{*filesystem, temp.path(), /*immutable_may_fail=*/true});
  }

  TEST_CASE("MemoryFilesystem keeps the file contract") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/base", 0755).ok());
    CheckAll(Subject{filesystem, "/base", /*immutable_may_fail=*/false});
  }
}

}  // namespace
}  // namespace tseq
