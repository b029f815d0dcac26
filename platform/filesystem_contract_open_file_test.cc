// The Filesystem contract for opening a regular file with its description (OpenRegularFile) and
// for linking an open file (LinkOpenFile), checked against both the real filesystem (in a
// temporary directory) and MemoryFilesystem.
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "platform/filesystem.h"
#include "platform/filesystem_contract_test_support.h"
#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using filesystem_contract::Subject;
using filesystem_contract::Write;

std::string ReadAll(const ReadableFile& file) {
  std::string buffer(100, '\0');
  const Result<size_t> count = file.ReadAt(0, buffer.data(), buffer.size());
  REQUIRE(count.ok());
  buffer.resize(*count);
  return buffer;
}

OpenedFile Open(const Subject& subject, const std::string& relative) {
  Result<OpenedFile> opened = subject.filesystem.OpenRegularFile(subject.Path(relative));
  REQUIRE_MESSAGE(opened.ok(), opened.status().message());
  return std::move(opened).value();
}

// A file no filesystem opened.
class LooseFile : public ReadableFile {
 public:
  Result<size_t> ReadAt(uint64_t, char*, size_t) const override { return size_t{0}; }
  Result<uint64_t> Size() const override { return uint64_t{0}; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_ = "/loose";
};

void CheckOpenRegularFile(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  Write(subject, "file", "hello", 0640);
  const std::string path = subject.Path("file");
  const OpenedFile opened = Open(subject, "file");
  const FileInfo examined = *filesystem.Stat(path, SymlinkPolicy::kDoNotFollow);
  CHECK(opened.file->path() == path);
  CHECK(opened.info.type == FileType::kRegular);
  CHECK(opened.info.size == 5);
  CHECK(opened.info.mode == 0640);
  CHECK(opened.info.modified == examined.modified);
  CHECK(opened.info.device == examined.device);
  CHECK(opened.info.inode == examined.inode);
  CHECK(opened.info.link_count == 1);
  CHECK(ReadAll(*opened.file) == "hello");

  // The description and the content stay the open file's when its name is replaced.
  Write(subject, "file", "replaced");
  CHECK(ReadAll(*opened.file) == "hello");
  CHECK(filesystem.Stat(path, SymlinkPolicy::kDoNotFollow)->inode != opened.info.inode);

  // Symlinks in parent components are followed; one at the path itself never is.
  REQUIRE(filesystem.CreateDirectories(subject.Path("dir"), 0755).ok());
  Write(subject, "dir/inner", "inner");
  REQUIRE(filesystem.CreateSymlink("dir", subject.Path("dirlink")).ok());
  CHECK(ReadAll(*Open(subject, "dirlink/inner").file) == "inner");
  REQUIRE(filesystem.CreateSymlink("file", subject.Path("link")).ok());
  REQUIRE(filesystem.CreateSymlink("none", subject.Path("dangling")).ok());
  for (const char* relative : {"link", "dangling"}) {
    const Status symlink = filesystem.OpenRegularFile(subject.Path(relative)).status();
    CHECK(symlink.code() == StatusCode::kInvalidArgument);
    CHECK(symlink.message() == "cannot open '" + subject.Path(relative) + "': it is a symlink");
  }
  const Status directory = filesystem.OpenRegularFile(subject.Path("dir")).status();
  CHECK(directory.code() == StatusCode::kInvalidArgument);
  CHECK(directory.message() == "cannot open '" + subject.Path("dir") + "': it is a directory");
  const Status missing = filesystem.OpenRegularFile(subject.Path("missing")).status();
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() ==
        "cannot open '" + subject.Path("missing") + "': No such file or directory");
}

void CheckLinkOpenFile(const Subject& subject) {
  Filesystem& filesystem = subject.filesystem;
  Write(subject, "original", "data");
  REQUIRE(filesystem.CreateHardLink(subject.Path("original"), subject.Path("keep")).ok());
  const OpenedFile opened = Open(subject, "original");
  // The path now names another file: the link is still to the one that was opened.
  Write(subject, "original", "other");
  REQUIRE(filesystem.LinkOpenFile(*opened.file, subject.Path("linked")).ok());
  CHECK(*filesystem.ReadFile(subject.Path("linked")) == "data");
  const FileInfo linked = *filesystem.Stat(subject.Path("linked"), SymlinkPolicy::kDoNotFollow);
  CHECK(linked.inode == opened.info.inode);
  CHECK(linked.link_count == 2);

  const std::string what =
      "cannot link '" + subject.Path("keep") + "' to '" + subject.Path("original") + "'";
  const Status taken = filesystem.LinkOpenFile(*opened.file, subject.Path("keep"));
  CHECK(taken.code() == StatusCode::kAlreadyExists);
  CHECK(taken.message() == what + ": File exists");

  // A file with no name left cannot get one back.
  const OpenedFile removed = Open(subject, "keep");
  REQUIRE(filesystem.Remove(subject.Path("keep")).ok());
  REQUIRE(filesystem.Remove(subject.Path("linked")).ok());
  const Status gone = filesystem.LinkOpenFile(*removed.file, subject.Path("back"));
  CHECK(gone.code() == StatusCode::kNotFound);
  CHECK(gone.message() == "cannot link '" + subject.Path("back") + "' to '" + subject.Path("keep") +
                              "': No such file or directory");
  CHECK_FALSE(filesystem.Stat(subject.Path("back"), SymlinkPolicy::kDoNotFollow).ok());

  const Status foreign = filesystem.LinkOpenFile(LooseFile(), subject.Path("loose"));
  CHECK(foreign.code() == StatusCode::kInvalidArgument);
  CHECK(foreign.message() == "cannot link '" + subject.Path("loose") +
                                 "' to '/loose': the file was not opened by this filesystem");
}

void CheckAll(const Subject& subject) {
  SUBCASE("open a regular file") { CheckOpenRegularFile(subject); }
  SUBCASE("link an open file") { CheckLinkOpenFile(subject); }
}

TEST_SUITE("Filesystem contract") {
  TEST_CASE("the POSIX filesystem keeps the open-file contract") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    CheckAll(Subject{*filesystem, temp.path()});
  }

  TEST_CASE("MemoryFilesystem keeps the open-file contract") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/base", 0755).ok());
    CheckAll(Subject{filesystem, "/base"});
  }

  TEST_CASE("a file of another MemoryFilesystem is foreign") {
    MemoryFilesystem first;
    MemoryFilesystem second;
    first.AddFile("/f", "x");
    const Result<OpenedFile> opened = first.OpenRegularFile("/f");
    REQUIRE(opened.ok());
    CHECK(second.LinkOpenFile(*opened->file, "/g").message() ==
          "cannot link '/g' to '/f': the file was not opened by this filesystem");
  }
}

}  // namespace
}  // namespace tseq
