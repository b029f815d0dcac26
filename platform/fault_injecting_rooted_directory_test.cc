#include "platform/fault_injecting_rooted_directory.h"

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

std::unique_ptr<RootedDirectory> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<RootedDirectory>> directory = OpenRootedDirectory(path);
  REQUIRE(directory.ok());
  return std::move(directory).value();
}

TEST_SUITE("FaultInjectingRootedDirectory") {
  TEST_CASE("the nth call fails with the OS's message for the errno, and changes nothing") {
    testing::TempDirectory temp;
    const auto real = OpenOrDie(temp.path());
    FaultInjectingRootedDirectory faulty(*real);
    faulty.FailNthWithErrno(RootedOperation::kCreateDirectory, 2, ENOSPC);
    REQUIRE(faulty.CreateDirectory("first", 0755).ok());
    const Status failed = faulty.CreateDirectory("second", 0755);
    CHECK(failed.code() == StatusCode::kIoError);
    CHECK(failed.message() ==
          "cannot create the folder '" + temp.Join("second") + "': No space left on device");
    CHECK(faulty.CreateDirectory("third", 0755).ok());
    CHECK(*real->List("") == std::vector<std::string>{"first", "third"});
    CHECK(faulty.CallCount(RootedOperation::kCreateDirectory) == 3);
  }

  TEST_CASE("errno faults are coded as the real directory codes them") {
    testing::TempDirectory temp;
    const auto real = OpenOrDie(temp.path());
    FaultInjectingRootedDirectory faulty(*real);
    faulty.FailNthWithErrno(RootedOperation::kStat, 1, EACCES);
    faulty.FailNthWithErrno(RootedOperation::kRemove, 1, EEXIST);
    const Status denied = faulty.Stat("").status();
    CHECK(denied.code() == StatusCode::kPermissionDenied);
    CHECK(denied.message() == "cannot stat '" + temp.path() + "': Permission denied");
    CHECK(faulty.Remove("x").code() == StatusCode::kAlreadyExists);
  }

  TEST_CASE("a failed Append is a short write and a failed Commit leaves the file pending") {
    testing::TempDirectory temp;
    const auto real = OpenOrDie(temp.path());
    FaultInjectingRootedDirectory faulty(*real);
    faulty.FailNthWithErrno(RootedOperation::kAppend, 2, EIO);
    faulty.FailNthWithErrno(RootedOperation::kCommit, 1, ENOSPC);
    Result<std::unique_ptr<PendingFile>> file = faulty.CreateFile("file");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("abc").ok());
    const Status append = (*file)->Append("defg");
    CHECK(append.message() == "cannot write '" + temp.Join("file") + "': Input/output error");
    const Status commit = (*file)->Commit({}, ReplacePolicy::kNoReplace);
    CHECK(commit.message() == "cannot create '" + temp.Join("file") + "': No space left on device");
    CHECK(real->Stat("file").status().code() == StatusCode::kNotFound);
    REQUIRE((*file)->Commit({}, ReplacePolicy::kNoReplace).ok());
    CHECK(testing::ReadFileForTest(temp.Join("file")) == "abcde");
  }

  TEST_CASE("FailAlways fails every call until the faults are cleared") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "");
    const auto real = OpenOrDie(temp.path());
    FaultInjectingRootedDirectory faulty(*real);
    faulty.FailAlways(RootedOperation::kReadMetadata, IoError("scripted"));
    CHECK(faulty.ReadMetadata("file").status().message() == "scripted");
    CHECK(faulty.ReadMetadata("file").status().message() == "scripted");
    faulty.ClearFaults();
    CHECK(faulty.ReadMetadata("file").ok());
    CHECK(faulty.CallCount(RootedOperation::kReadMetadata) == 3);
    CHECK(faulty.path() == temp.path());
  }

  TEST_CASE("FailNth with a status fails that call only, for every operation") {
    testing::TempDirectory temp;
    temp.WriteFile("file", "x");
    const auto real = OpenOrDie(temp.path());
    FaultInjectingRootedDirectory faulty(*real);
    const std::vector<RootedOperation> operations = {RootedOperation::kList,
                                                     RootedOperation::kOpenForRead,
                                                     RootedOperation::kMakeDirectories,
                                                     RootedOperation::kCreateFile,
                                                     RootedOperation::kCreateSymlink,
                                                     RootedOperation::kCreateHardLink,
                                                     RootedOperation::kApplyMetadata};
    for (const RootedOperation operation : operations) {
      faulty.FailNth(operation, 1, PermissionDeniedError("scripted"));
    }
    CHECK(faulty.List("").status().message() == "scripted");
    CHECK(faulty.OpenForRead("file").status().message() == "scripted");
    CHECK(faulty.MakeDirectories("d", 0755).status().message() == "scripted");
    CHECK(faulty.CreateFile("new").status().message() == "scripted");
    CHECK(faulty.CreateSymlink("t", "s", {}, ReplacePolicy::kNoReplace).message() == "scripted");
    CHECK(faulty.CreateHardLink("file", "h", ReplacePolicy::kNoReplace).message() == "scripted");
    CHECK(faulty.ApplyMetadata("file", {}).message() == "scripted");
    CHECK(*real->List("") == std::vector<std::string>{"file"});
    CHECK(faulty.List("").ok());
    CHECK(faulty.OpenForRead("file").ok());
    CHECK(faulty.CreateSymlink("t", "s", {}, ReplacePolicy::kNoReplace).ok());
    CHECK(faulty.CreateHardLink("file", "h", ReplacePolicy::kNoReplace).ok());
    CHECK(*real->List("") == std::vector<std::string>{"file", "h", "s"});
  }
}

}  // namespace
}  // namespace tseq
