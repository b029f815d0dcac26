// RootedDirectory's ordinary behaviour. Hostile trees are in rooted_directory_hostile_test.cc,
// metadata round trips in rooted_directory_metadata_test.cc.
#include "platform/rooted_directory.h"

#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

std::unique_ptr<RootedDirectory> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<RootedDirectory>> directory = OpenRootedDirectory(path);
  REQUIRE(directory.ok());
  return std::move(directory).value();
}

Status Write(RootedDirectory& directory, const std::string& relative, const std::string& content,
             ReplacePolicy replace = ReplacePolicy::kNoReplace, MetadataUpdate metadata = {}) {
  Result<std::unique_ptr<PendingFile>> file = directory.CreateFile(relative);
  if (!file.ok()) return file.status();
  TSEQ_RETURN_IF_ERROR((*file)->Append(content));
  return (*file)->Commit(metadata, replace);
}

mode_t ModeOf(const std::string& path) {
  struct stat status {};
  REQUIRE(::lstat(path.c_str(), &status) == 0);
  return status.st_mode & 07777;
}

ContentSource Chunks(std::vector<std::string> chunks) {
  return [chunks](const std::function<Status(std::string_view)>& sink) {
    for (const std::string& chunk : chunks) TSEQ_RETURN_IF_ERROR(sink(chunk));
    return Status::Ok();
  };
}

TEST_SUITE("RootedDirectory") {
  TEST_CASE("opening a symlink, a file or a missing path is refused") {
    testing::TempDirectory temp;
    temp.MakeDirectory("real");
    REQUIRE(::symlink("real", temp.Join("link").c_str()) == 0);
    const std::string file = temp.WriteFile("file", "");
    CHECK(OpenRootedDirectory(temp.Join("link")).status().message() ==
          "cannot open '" + temp.Join("link") + "': it is a symlink");
    CHECK(OpenRootedDirectory(temp.Join("link/")).status().message() ==
          "cannot open '" + temp.Join("link") + "': it is a symlink");
    CHECK(OpenRootedDirectory(file).status().message() ==
          "cannot open '" + file + "': it is not a folder");
    CHECK(OpenRootedDirectory(temp.Join("missing")).status().code() == StatusCode::kNotFound);
    CHECK(OpenOrDie(temp.Join("real/"))->path() == temp.Join("real"));
  }

  TEST_CASE("paths that are not plain relative paths are InvalidArgument") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    for (const std::string& bad : std::vector<std::string>{
             "../x", "/etc/passwd", "a//b", "a/./b", "a/", ".", "..", std::string("a\0b", 3)}) {
      const Status status = directory->CreateDirectory(bad, 0755);
      CHECK(status.code() == StatusCode::kInvalidArgument);
      CHECK(status.message() == "cannot create the folder '" + bad + "' under '" + temp.path() +
                                    "': it must be a relative path without empty, '.' or '..' "
                                    "components");
    }
    // "" names the directory itself where reading allows it, never where creating.
    CHECK(directory->Stat("").ok());
    CHECK(directory->CreateFile("").status().code() == StatusCode::kInvalidArgument);
    CHECK(directory->Remove("").code() == StatusCode::kInvalidArgument);
  }

  TEST_CASE("Stat describes a symlink itself and names missing paths in full") {
    testing::TempDirectory temp;
    temp.WriteFile("a/file", "abc");
    REQUIRE(::symlink("file", temp.Join("a/link").c_str()) == 0);
    const auto directory = OpenOrDie(temp.path());
    const Result<FileInfo> file = directory->Stat("a/file");
    REQUIRE(file.ok());
    CHECK(file->type == FileType::kRegular);
    CHECK(file->size == 3);
    CHECK(directory->Stat("a/link")->type == FileType::kSymlink);
    CHECK(directory->Stat("")->type == FileType::kDirectory);
    const Status missing = directory->Stat("a/missing").status();
    CHECK(missing.code() == StatusCode::kNotFound);
    CHECK(missing.message() ==
          "cannot stat '" + temp.Join("a/missing") + "': No such file or directory");
    CHECK(directory->Stat("a/file/x").status().message() ==
          "cannot stat '" + temp.Join("a/file/x") + "': '" + temp.Join("a/file") +
              "' is not a folder");
  }

  TEST_CASE("List gives sorted names and refuses symlinks and files") {
    testing::TempDirectory temp;
    temp.WriteFile("d/b", "");
    temp.WriteFile("d/a", "");
    temp.MakeDirectory("d/c");
    REQUIRE(::symlink("d", temp.Join("link").c_str()) == 0);
    const auto directory = OpenOrDie(temp.path());
    CHECK(*directory->List("d") == std::vector<std::string>{"a", "b", "c"});
    CHECK(*directory->List("") == std::vector<std::string>{"d", "link"});
    CHECK(directory->List("link").status().message() ==
          "cannot list '" + temp.Join("link") + "': it is a symlink");
    CHECK(directory->List("d/a").status().message() ==
          "cannot list '" + temp.Join("d/a") + "': it is not a folder");
  }

  TEST_CASE("CreateDirectory sets exactly the mode and refuses an existing name") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    const mode_t saved_umask = ::umask(0077);
    const Status created = directory->CreateDirectory("d", 0755);
    ::umask(saved_umask);
    REQUIRE(created.ok());
    CHECK(ModeOf(temp.Join("d")) == 0755);
    const Status again = directory->CreateDirectory("d", 0755);
    CHECK(again.code() == StatusCode::kAlreadyExists);
    CHECK(again.message() == "cannot create the folder '" + temp.Join("d") + "': File exists");
    CHECK(directory->CreateDirectory("missing/d", 0755).code() == StatusCode::kNotFound);
  }

  TEST_CASE("MakeDirectories creates the missing levels and reports which") {
    testing::TempDirectory temp;
    temp.MakeDirectory("a");
    const auto directory = OpenOrDie(temp.path());
    const Result<std::vector<std::string>> created = directory->MakeDirectories("a/b/c", 0750);
    REQUIRE(created.ok());
    CHECK(*created == std::vector<std::string>{"a/b", "a/b/c"});
    CHECK(ModeOf(temp.Join("a/b/c")) == 0750);
    CHECK(directory->MakeDirectories("a/b/c", 0700)->empty());
    CHECK(ModeOf(temp.Join("a/b/c")) == 0750);
  }

  TEST_CASE("a file appears under its name only when committed, complete, with mode 0600") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    Result<std::unique_ptr<PendingFile>> file = directory->CreateFile("file");
    REQUIRE(file.ok());
    CHECK((*file)->path() == temp.Join("file"));
    REQUIRE((*file)->Append("hello ").ok());
    REQUIRE((*file)->Append("world").ok());
    CHECK(directory->Stat("file").status().code() == StatusCode::kNotFound);
    REQUIRE((*file)->Commit({}, ReplacePolicy::kNoReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("file")) == "hello world");
    CHECK(ModeOf(temp.Join("file")) == 0600);
    CHECK(*directory->List("") == std::vector<std::string>{"file"});
    const Status after = (*file)->Append("more");
    CHECK(after.code() == StatusCode::kFailedPrecondition);
    CHECK(after.message() == "cannot write '" + temp.Join("file") + "': the file is committed");
  }

  TEST_CASE("a file dropped before Commit leaves nothing behind") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    {
      Result<std::unique_ptr<PendingFile>> file = directory->CreateFile("file");
      REQUIRE(file.ok());
      REQUIRE((*file)->Append("partial").ok());
      CHECK(directory->List("")->size() == 1);  // the temporary file
    }
    CHECK(directory->List("")->empty());
  }

  TEST_CASE("an existing name is kept under kNoReplace and replaced under kReplace") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "old");
    const auto directory = OpenOrDie(temp.path());
    Result<std::unique_ptr<PendingFile>> file = directory->CreateFile("file");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("new").ok());
    const Status kept = (*file)->Commit({}, ReplacePolicy::kNoReplace);
    CHECK(kept.code() == StatusCode::kAlreadyExists);
    CHECK(kept.message() == "cannot create '" + temp.Join("file") + "': File exists");
    CHECK(testing::ReadFileForTest(temp.Join("file")) == "old");
    // Still pending: the same content may be committed again.
    REQUIRE((*file)->Commit({}, ReplacePolicy::kReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("file")) == "new");
    CHECK(directory->List("")->size() == 1);
  }

  TEST_CASE("a folder is never replaced by a file") {
    testing::TempDirectory temp;
    temp.MakeDirectory("folder");
    const auto directory = OpenOrDie(temp.path());
    const Status status = Write(*directory, "folder", "x", ReplacePolicy::kReplace);
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK(status.message() == "cannot create '" + temp.Join("folder") + "': it is a folder");
    CHECK(*directory->List("") == std::vector<std::string>{"folder"});
  }

  TEST_CASE("CreateSymlink stores the target as given, replacing only when asked") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    REQUIRE(directory->CreateSymlink("../anywhere", "link", {}, ReplacePolicy::kNoReplace).ok());
    CHECK(directory->ReadMetadata("link")->symlink_target == "../anywhere");
    CHECK(directory->CreateSymlink("other", "link", {}, ReplacePolicy::kNoReplace).code() ==
          StatusCode::kAlreadyExists);
    REQUIRE(directory->CreateSymlink("other", "link", {}, ReplacePolicy::kReplace).ok());
    CHECK(directory->ReadMetadata("link")->symlink_target == "other");
    CHECK(*directory->List("") == std::vector<std::string>{"link"});
  }

  TEST_CASE("CreateHardLink gives a regular file another name") {
    testing::TempDirectory temp;
    temp.WriteFile("a/file", "data");
    temp.WriteFile("b/taken", "other");
    const auto directory = OpenOrDie(temp.path());
    REQUIRE(directory->CreateHardLink("a/file", "b/link", ReplacePolicy::kNoReplace).ok());
    CHECK(directory->Stat("b/link")->inode == directory->Stat("a/file")->inode);
    CHECK(directory->Stat("a/file")->link_count == 2);
    CHECK(directory->CreateHardLink("a/file", "b/taken", ReplacePolicy::kNoReplace).code() ==
          StatusCode::kAlreadyExists);
    REQUIRE(directory->CreateHardLink("a/file", "b/taken", ReplacePolicy::kReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("b/taken")) == "data");
    REQUIRE(directory->CreateHardLink("a/file", "b/taken", ReplacePolicy::kReplace).ok());
    CHECK(*directory->List("b") == std::vector<std::string>{"link", "taken"});
    CHECK(directory->CreateHardLink("a", "b/dir", ReplacePolicy::kNoReplace).message() ==
          "cannot link to '" + temp.Join("a") + "': it is not a regular file");
  }

  TEST_CASE("Remove deletes files, symlinks and empty folders") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "");
    temp.MakeDirectory("empty");
    temp.WriteFile("full/x", "");
    REQUIRE(::symlink("full", temp.Join("link").c_str()) == 0);
    const auto directory = OpenOrDie(temp.path());
    CHECK(directory->Remove("file").ok());
    CHECK(directory->Remove("empty").ok());
    CHECK(directory->Remove("link").ok());
    CHECK(directory->Remove("full").code() == StatusCode::kIoError);
    CHECK(directory->Remove("file").message() ==
          "cannot remove '" + temp.Join("file") + "': No such file or directory");
    CHECK(*directory->List("") == std::vector<std::string>{"full"});
    CHECK(*directory->List("full") == std::vector<std::string>{"x"});
  }

  TEST_CASE("OpenForRead opens regular files only") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "abc");
    temp.MakeDirectory("folder");
    REQUIRE(::symlink("file", temp.Join("link").c_str()) == 0);
    REQUIRE(::mkfifo(temp.Join("fifo").c_str(), 0600) == 0);
    const auto directory = OpenOrDie(temp.path());
    Result<std::unique_ptr<ReadableFile>> file = directory->OpenForRead("file");
    REQUIRE(file.ok());
    CHECK(*(*file)->Size() == 3);
    CHECK(directory->OpenForRead("link").status().message() ==
          "cannot open '" + temp.Join("link") + "': it is a symlink");
    CHECK(directory->OpenForRead("folder").status().message() ==
          "cannot open '" + temp.Join("folder") + "': it is a folder");
    CHECK(directory->OpenForRead("fifo").status().message() ==
          "cannot open '" + temp.Join("fifo") + "': it is not a regular file");
  }
}

TEST_SUITE("HasSameContent") {
  TEST_CASE("compares in step with the source, whatever the chunking") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "hello world");
    const auto directory = OpenOrDie(temp.path());
    const std::unique_ptr<ReadableFile> file = std::move(directory->OpenForRead("file")).value();
    CHECK(*HasSameContent(*file, Chunks({"hello", " ", "world"})));
    CHECK(*HasSameContent(*file, Chunks({"hello world"})));
    CHECK_FALSE(*HasSameContent(*file, Chunks({"hello", " there"})));
    CHECK_FALSE(*HasSameContent(*file, Chunks({"hello"})));
    CHECK_FALSE(*HasSameContent(*file, Chunks({"hello world", "!"})));
  }

  TEST_CASE("the source's own error comes back as it is") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "abc");
    const auto directory = OpenOrDie(temp.path());
    const std::unique_ptr<ReadableFile> file = std::move(directory->OpenForRead("file")).value();
    const ContentSource failing = [](const std::function<Status(std::string_view)>& sink) {
      TSEQ_RETURN_IF_ERROR(sink("ab"));
      return CorruptionError("block 3 failed its check");
    };
    CHECK(HasSameContent(*file, failing).status().message() == "block 3 failed its check");
  }
}

}  // namespace
}  // namespace tseq
