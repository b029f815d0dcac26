// Behaviour of the real filesystem's files beyond the shared contract
// (filesystem_contract_files_test.cc).
#include "platform/posix_files.h"

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

// The descriptors of this process that refer to `path`.
std::vector<int> DescriptorsFor(const std::string& path) {
  std::vector<int> descriptors;
  DIR* directory = ::opendir("/proc/self/fd");
  REQUIRE(directory != nullptr);
  while (const dirent* entry = ::readdir(directory)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    char target[4096];
    const ssize_t length =
        ::readlink(("/proc/self/fd/" + name).c_str(), target, sizeof(target) - 1);
    if (length > 0 && std::string(target, static_cast<size_t>(length)) == path) {
      descriptors.push_back(std::stoi(name));
    }
  }
  ::closedir(directory);
  return descriptors;
}

TEST_SUITE("PosixFilesystem files") {
  TEST_CASE("Stat reports owner, group, inode and nanoseconds") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("f", "x");
    const timespec times[2] = {{.tv_sec = 0, .tv_nsec = UTIME_OMIT},
                               {.tv_sec = 1700000000, .tv_nsec = 123456789}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);

    const Result<FileInfo> info = NewPosixFilesystem()->Stat(path, SymlinkPolicy::kFollow);
    REQUIRE(info.ok());
    CHECK(info->owner == ::geteuid());
    CHECK(info->group == status.st_gid);
    CHECK(info->inode == status.st_ino);
    CHECK(info->device == status.st_dev);
    CHECK(info->link_count == 1);
    CHECK(info->modified ==
          std::chrono::system_clock::time_point(std::chrono::seconds(1700000000) +
                                                std::chrono::nanoseconds(123456789)));
  }

  TEST_CASE("a link across filesystems is refused with a precondition message") {
    const Status status = HardLinkAcrossFilesystemsError("/mnt/a/file", "/srv/b/file");
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK(status.message() ==
          "cannot link '/srv/b/file' to '/mnt/a/file': not on the same filesystem");
  }

  TEST_CASE("files hold close-on-exec descriptors and release them when destroyed") {
    testing::TempDirectory temp;
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const std::string path = temp.Join("f");
    {
      std::unique_ptr<WritableFile> writer =
          std::move(filesystem->CreateFile(path, 0644, CreateMode::kCreateNew)).value();
      const std::unique_ptr<ReadableFile> reader =
          std::move(filesystem->OpenForRead(path, SymlinkPolicy::kFollow)).value();
      const std::vector<int> open = DescriptorsFor(path);
      REQUIRE(open.size() == 2);
      for (const int descriptor : open) {
        CHECK((::fcntl(descriptor, F_GETFD) & FD_CLOEXEC) != 0);
      }
      REQUIRE(writer->Close().ok());
      CHECK(DescriptorsFor(path).size() == 1);
    }
    CHECK(DescriptorsFor(path).empty());
    // Refused opens leave nothing open either.
    REQUIRE(::symlink("f", temp.Join("link").c_str()) == 0);
    CHECK_FALSE(filesystem->OpenForRead(temp.Join("link"), SymlinkPolicy::kDoNotFollow).ok());
    CHECK_FALSE(filesystem->OpenForRead(temp.path(), SymlinkPolicy::kFollow).ok());
    CHECK(DescriptorsFor(temp.path()).empty());
    CHECK(DescriptorsFor(path).empty());
  }

  TEST_CASE("ReadAt at offsets no file can reach reads nothing") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("f", "data");
    const std::unique_ptr<ReadableFile> reader =
        std::move(PosixOpenForRead(path, SymlinkPolicy::kFollow)).value();
    char buffer[4];
    CHECK(*reader->ReadAt(std::numeric_limits<uint64_t>::max() - 1, buffer, 4) == 0);
    CHECK(*reader->ReadAt(uint64_t{1} << 63, buffer, 4) == 0);
  }

  TEST_CASE("OpenRegularFile refuses a FIFO without waiting for a writer, and a socket") {
    testing::TempDirectory temp;
    const std::string fifo = temp.Join("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const Status refused = PosixOpenRegularFile(fifo).status();
    CHECK(refused.code() == StatusCode::kInvalidArgument);
    CHECK(refused.message() == "cannot open '" + fifo + "': not a regular file");
    CHECK(DescriptorsFor(fifo).empty());
    const std::string socket_path = temp.Join("socket");
    const int socket = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(socket >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(socket_path.size() < sizeof(address.sun_path));
    socket_path.copy(address.sun_path, socket_path.size());
    const int bound = ::bind(socket, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    ::close(socket);
    REQUIRE(bound == 0);
    CHECK(PosixOpenRegularFile(socket_path).status().message() ==
          "cannot open '" + socket_path + "': not a regular file");
  }

  TEST_CASE("an opened regular file gives its descriptor, which linking uses") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("f", "x");
    Result<OpenedFile> opened = PosixOpenRegularFile(path);
    REQUIRE(opened.ok());
    CHECK(DescriptorsFor(path) == std::vector<int>{opened->file->descriptor()});
    CHECK((::fcntl(opened->file->descriptor(), F_GETFD) & FD_CLOEXEC) != 0);
    // Even with its path naming another file, the link is to the open file.
    REQUIRE(::link(path.c_str(), temp.Join("keep").c_str()) == 0);
    REQUIRE(::rename(temp.WriteFile("g", "y").c_str(), path.c_str()) == 0);
    REQUIRE(PosixLinkOpenFile(*opened->file, temp.Join("h")).ok());
    CHECK(testing::ReadFileForTest(temp.Join("h")) == "x");
  }

  TEST_CASE("the immutable attribute of a FIFO is refused without opening it") {
    testing::TempDirectory temp;
    const std::string fifo = temp.Join("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const Status set = PosixSetImmutable(fifo, true);
    CHECK(set.code() == StatusCode::kInvalidArgument);
    CHECK(set.message() ==
          "cannot set the immutable attribute of '" + fifo + "': not a regular file or directory");
    CHECK(PosixIsImmutable(fifo).status().message() ==
          "cannot read the immutable attribute of '" + fifo + "': not a regular file or directory");
  }
}

}  // namespace
}  // namespace tseq
