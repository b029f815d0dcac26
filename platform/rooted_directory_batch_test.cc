// RootedDirectory's batched writing: PendingFile::Seal, SyncFilesystem, PendingFile::Publish, and
// FolderSync::kDeferred.
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/fault_injecting_rooted_directory.h"
#include "platform/rooted_directory.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

std::unique_ptr<RootedDirectory> OpenOrDie(const std::string& path,
                                           FolderSync folder_sync = FolderSync::kEachChange) {
  Result<std::unique_ptr<RootedDirectory>> directory =
      OpenRootedDirectory(path, PathResolution::kAutomatic, folder_sync);
  REQUIRE(directory.ok());
  return std::move(directory).value();
}

std::unique_ptr<PendingFile> Sealed(RootedDirectory& directory, const std::string& relative,
                                    const std::string& content, MetadataUpdate metadata = {}) {
  Result<std::unique_ptr<PendingFile>> file = directory.CreateFile(relative);
  REQUIRE(file.ok());
  REQUIRE((*file)->Append(content).ok());
  REQUIRE((*file)->Seal(metadata).ok());
  return std::move(file).value();
}

mode_t ModeOf(const std::string& path) {
  struct stat status {};
  REQUIRE(::lstat(path.c_str(), &status) == 0);
  return status.st_mode & 07777;
}

TEST_SUITE("RootedDirectory batches") {
  TEST_CASE("sealed files appear only when published after a sync, with their metadata") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    MetadataUpdate metadata;
    metadata.mode = 0640;
    metadata.modified = FileTime{1700000000, 5};
    const auto first = Sealed(*directory, "first", "one", metadata);
    const auto second = Sealed(*directory, "second", "two");
    CHECK(directory->Stat("first").status().code() == StatusCode::kNotFound);
    REQUIRE(directory->SyncFilesystem().ok());
    REQUIRE(first->Publish(ReplacePolicy::kNoReplace).ok());
    REQUIRE(second->Publish(ReplacePolicy::kNoReplace).ok());
    CHECK(*directory->List("") == std::vector<std::string>{"first", "second"});
    CHECK(testing::ReadFileForTest(temp.Join("first")) == "one");
    CHECK(ModeOf(temp.Join("first")) == 0640);
    struct stat status {};
    REQUIRE(::lstat(temp.Join("first").c_str(), &status) == 0);
    CHECK(status.st_mtim.tv_sec == 1700000000);
    CHECK(status.st_mtim.tv_nsec == 5);
    CHECK(ModeOf(temp.Join("second")) == 0600);
    const Status again = first->Publish(ReplacePolicy::kNoReplace);
    CHECK(again.message() == "cannot publish '" + temp.Join("first") + "': the file is committed");
  }

  TEST_CASE("publishing without a sync that started after the seal is refused") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    REQUIRE(directory->SyncFilesystem().ok());  // before the seal: it does not count
    const auto file = Sealed(*directory, "file", "data");
    const Status refused = file->Publish(ReplacePolicy::kNoReplace);
    CHECK(refused.code() == StatusCode::kFailedPrecondition);
    CHECK(refused.message() == "cannot publish '" + temp.Join("file") +
                                   "': the file was not synced since it was sealed");
    CHECK(directory->Stat("file").status().code() == StatusCode::kNotFound);
    REQUIRE(directory->SyncFilesystem().ok());
    REQUIRE(file->Publish(ReplacePolicy::kNoReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("file")) == "data");
  }

  TEST_CASE("a sealed file takes no more data, and only a sealed file is published") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    Result<std::unique_ptr<PendingFile>> open = directory->CreateFile("open");
    REQUIRE(open.ok());
    REQUIRE(directory->SyncFilesystem().ok());
    CHECK((*open)->Publish(ReplacePolicy::kNoReplace).message() ==
          "cannot publish '" + temp.Join("open") + "': the file is not sealed");
    const auto sealed = Sealed(*directory, "sealed", "x");
    CHECK(sealed->Append("y").message() ==
          "cannot write '" + temp.Join("sealed") + "': the file is sealed");
    CHECK(sealed->Commit({}, ReplacePolicy::kNoReplace).message() ==
          "cannot commit '" + temp.Join("sealed") + "': the file is sealed");
    CHECK(sealed->Seal({}).message() ==
          "cannot seal '" + temp.Join("sealed") + "': the file is sealed");
  }

  TEST_CASE("a refused Publish leaves the file pending, and a dropped one leaves nothing") {
    testing::TempDirectory temp;
    temp.WriteFile("taken", "old");
    const auto directory = OpenOrDie(temp.path());
    const auto file = Sealed(*directory, "taken", "new");
    REQUIRE(directory->SyncFilesystem().ok());
    const Status kept = file->Publish(ReplacePolicy::kNoReplace);
    CHECK(kept.code() == StatusCode::kAlreadyExists);
    CHECK(kept.message() == "cannot create '" + temp.Join("taken") + "': File exists");
    CHECK(testing::ReadFileForTest(temp.Join("taken")) == "old");
    REQUIRE(file->Publish(ReplacePolicy::kReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("taken")) == "new");
    {
      const auto dropped = Sealed(*directory, "dropped", "gone");
      CHECK(directory->List("")->size() == 2);
    }
    CHECK(*directory->List("") == std::vector<std::string>{"taken"});
  }

  TEST_CASE("with deferred folder syncs, links and symlinks are made just the same") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path(), FolderSync::kDeferred);
    Result<std::unique_ptr<PendingFile>> file = directory->CreateFile("file");
    REQUIRE(file.ok());
    REQUIRE((*file)->Commit({}, ReplacePolicy::kNoReplace).ok());
    REQUIRE(directory->CreateHardLink("file", "link", ReplacePolicy::kNoReplace).ok());
    REQUIRE(directory->CreateSymlink("file", "symlink", {}, ReplacePolicy::kNoReplace).ok());
    CHECK(directory->CreateSymlink("x", "symlink", {}, ReplacePolicy::kNoReplace).code() ==
          StatusCode::kAlreadyExists);
    REQUIRE(directory->SyncFilesystem().ok());
    CHECK(directory->Stat("link")->inode == directory->Stat("file")->inode);
    CHECK(directory->ReadMetadata("symlink")->symlink_target == "file");
    CHECK(*directory->List("") == std::vector<std::string>{"file", "link", "symlink"});
  }

  TEST_CASE("Seal, Publish and SyncFilesystem faults are injected and change nothing") {
    testing::TempDirectory temp;
    const auto real = OpenOrDie(temp.path());
    FaultInjectingRootedDirectory faulty(*real);
    faulty.FailNthWithErrno(RootedOperation::kSeal, 1, EIO);
    faulty.FailNthWithErrno(RootedOperation::kSyncFilesystem, 1, EIO);
    faulty.FailNthWithErrno(RootedOperation::kPublish, 1, ENOSPC);
    Result<std::unique_ptr<PendingFile>> file = faulty.CreateFile("file");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("abc").ok());
    CHECK((*file)->Seal({}).message() ==
          "cannot change the metadata of '" + temp.Join("file") + "': Input/output error");
    REQUIRE((*file)->Seal({}).ok());
    CHECK(faulty.SyncFilesystem().message() ==
          "cannot sync '" + temp.path() + "': Input/output error");
    CHECK((*file)->Publish(ReplacePolicy::kNoReplace).message() ==
          "cannot create '" + temp.Join("file") + "': No space left on device");
    // The failed sync did not count.
    CHECK((*file)->Publish(ReplacePolicy::kNoReplace).message() ==
          "cannot publish '" + temp.Join("file") +
              "': the file was not synced since it was sealed");
    REQUIRE(faulty.SyncFilesystem().ok());
    REQUIRE((*file)->Publish(ReplacePolicy::kNoReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("file")) == "abc");
    CHECK(faulty.CallCount(RootedOperation::kPublish) == 3);
    CHECK(faulty.CallCount(RootedOperation::kSyncFilesystem) == 2);
  }
}

}  // namespace
}  // namespace tseq
