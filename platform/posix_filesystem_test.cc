// Behaviour of the real filesystem beyond the shared contract (filesystem_contract_test.cc).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using Names = std::vector<std::string>;

// Runs `check` as an unprivileged user: root may read anything, so permission errors only show
// for others. Returns whether `check` returned true.
bool CheckAsUnprivilegedUser(const std::function<bool()>& check) {
  if (::geteuid() != 0) return check();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const uid_t nobody = 65534;
    if (::setgid(nobody) != 0 || ::setuid(nobody) != 0) ::_exit(2);
    ::_exit(check() ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST_SUITE("PosixFilesystem") {
  TEST_CASE("Stat reports the modification time") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("f", "x");
    const auto before = std::chrono::system_clock::now() - std::chrono::seconds(5);
    const Result<FileInfo> info = NewPosixFilesystem()->Stat(path, SymlinkPolicy::kFollow);
    REQUIRE(info.ok());
    CHECK(info->modified > before);
    CHECK(info->modified < std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  TEST_CASE("Stat reports devices and sockets as other") {
    testing::TempDirectory temp;
    REQUIRE(::mkfifo(temp.Join("fifo").c_str(), 0600) == 0);
    const Result<FileInfo> info =
        NewPosixFilesystem()->Stat(temp.Join("fifo"), SymlinkPolicy::kFollow);
    REQUIRE(info.ok());
    CHECK(info->type == FileType::kOther);
  }

  TEST_CASE("ReadFile reads files larger than one buffer") {
    testing::TempDirectory temp;
    std::string big(300 * 1024, 'x');
    for (size_t i = 0; i < big.size(); i += 1000) big[i] = static_cast<char>('a' + i % 26);
    const std::string path = temp.WriteFile("big", big);
    CHECK(*NewPosixFilesystem()->ReadFile(path) == big);
  }

  TEST_CASE("ReadSymlink returns long targets whole") {
    testing::TempDirectory temp;
    const std::string target = "/" + std::string(1000, 'a') + "/b";
    REQUIRE(::symlink(target.c_str(), temp.Join("long").c_str()) == 0);
    CHECK(*NewPosixFilesystem()->ReadSymlink(temp.Join("long")) == target);
  }

  TEST_CASE("an unreadable file is PermissionDenied with the OS's reason") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("secret", "x");
    REQUIRE(::chmod(path.c_str(), 0) == 0);
    REQUIRE(::chmod(temp.path().c_str(), 0755) == 0);
    CHECK(CheckAsUnprivilegedUser([&path] {
      const Result<std::string> result = NewPosixFilesystem()->ReadFile(path);
      return result.status().code() == StatusCode::kPermissionDenied &&
             result.status().message() == "cannot read '" + path + "': Permission denied";
    }));
  }

  TEST_CASE("a write into a read-only directory fails and leaves nothing behind") {
    testing::TempDirectory temp;
    const std::string directory = temp.MakeDirectory("locked");
    REQUIRE(::chmod(directory.c_str(), 0555) == 0);
    REQUIRE(::chmod(temp.path().c_str(), 0755) == 0);
    const std::string path = directory + "/state.json";
    CHECK(CheckAsUnprivilegedUser([&path] {
      const Status status = NewPosixFilesystem()->WriteFileAtomically(path, "x", 0644);
      return status.code() == StatusCode::kPermissionDenied &&
             status.message() == "cannot write '" + path + "': Permission denied";
    }));
    CHECK(NewPosixFilesystem()->ListDirectory(directory)->empty());
  }

  TEST_CASE("WriteFileAtomically works with a bare file name") {
    testing::TempDirectory temp;
    const std::string previous = std::filesystem::current_path();
    REQUIRE(::chdir(temp.path().c_str()) == 0);
    const Status status = NewPosixFilesystem()->WriteFileAtomically("plain.txt", "data", 0600);
    REQUIRE(::chdir(previous.c_str()) == 0);
    REQUIRE(status.ok());
    CHECK(testing::ReadFileForTest(temp.Join("plain.txt")) == "data");
  }

  TEST_CASE("WriteFileAtomically replaces a symlink rather than writing through it") {
    testing::TempDirectory temp;
    const std::string target = temp.WriteFile("target", "keep");
    REQUIRE(::symlink(target.c_str(), temp.Join("link").c_str()) == 0);
    REQUIRE(NewPosixFilesystem()->WriteFileAtomically(temp.Join("link"), "new", 0644).ok());
    CHECK(testing::ReadFileForTest(target) == "keep");
    CHECK(NewPosixFilesystem()->Stat(temp.Join("link"), SymlinkPolicy::kDoNotFollow)->type ==
          FileType::kRegular);
  }

  TEST_CASE("Remove deletes a symlink, not its target") {
    testing::TempDirectory temp;
    const std::string directory = temp.MakeDirectory("dir");
    REQUIRE(::symlink(directory.c_str(), temp.Join("link").c_str()) == 0);
    REQUIRE(NewPosixFilesystem()->Remove(temp.Join("link")).ok());
    CHECK(*NewPosixFilesystem()->ListDirectory(temp.path()) == Names{"dir"});
  }

  TEST_CASE("ListDirectory reads a folder whose entries take many reads") {
    testing::TempDirectory temp;
    Names expected;
    for (int i = 0; i < 3000; ++i) {
      const std::string name = "entry-with-a-long-name-to-fill-the-buffer-" + std::to_string(i);
      temp.WriteFile("big/" + name, "");
      expected.push_back(name);
    }
    std::sort(expected.begin(), expected.end());
    CHECK(*NewPosixFilesystem()->ListDirectory(temp.Join("big")) == expected);
  }

  TEST_CASE("CreateDirectories names the level it could not create") {
    testing::TempDirectory temp;
    const std::string locked = temp.MakeDirectory("locked");
    REQUIRE(::chmod(locked.c_str(), 0555) == 0);
    REQUIRE(::chmod(temp.path().c_str(), 0755) == 0);
    CHECK(CheckAsUnprivilegedUser([&] {
      const Status status = NewPosixFilesystem()->CreateDirectories(locked + "/a/b", 0755);
      return status.code() == StatusCode::kPermissionDenied &&
             status.message() == "cannot create directory '" + locked + "/a': Permission denied";
    }));
    // A dangling symlink in the way exists, but is no folder.
    REQUIRE(::symlink("nowhere", temp.Join("dangling").c_str()) == 0);
    CHECK(NewPosixFilesystem()->CreateDirectories(temp.Join("dangling/sub"), 0755).message() ==
          "cannot create directory '" + temp.Join("dangling") + "': File exists");
  }

  TEST_CASE("CreateDirectories works with relative paths") {
    testing::TempDirectory temp;
    const std::string previous = std::filesystem::current_path();
    REQUIRE(::chdir(temp.path().c_str()) == 0);
    const Status status = NewPosixFilesystem()->CreateDirectories("a/b", 0750);
    REQUIRE(::chdir(previous.c_str()) == 0);
    REQUIRE(status.ok());
    CHECK(NewPosixFilesystem()->Stat(temp.Join("a/b"), SymlinkPolicy::kFollow)->mode == 0750);
  }
}

}  // namespace
}  // namespace tseq
