#include "platform/memory_filesystem.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

namespace tseq {
namespace {

using Names = std::vector<std::string>;

TEST_SUITE("MemoryFilesystem") {
  TEST_CASE("starts with an empty root directory") {
    const MemoryFilesystem filesystem;
    const Result<FileInfo> root = filesystem.Stat("/", SymlinkPolicy::kFollow);
    REQUIRE(root.ok());
    CHECK(root->type == FileType::kDirectory);
    CHECK(filesystem.ListDirectory("/")->empty());
  }

  TEST_CASE("AddFile creates the parents and the file with its mode") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/etc/ssh/sshd_config", "Port 22\n", 0600);
    CHECK(*filesystem.ReadFile("/etc/ssh/sshd_config") == "Port 22\n");
    CHECK(filesystem.Stat("/etc/ssh/sshd_config", SymlinkPolicy::kFollow)->mode == 0600);
    CHECK(filesystem.Stat("/etc/ssh", SymlinkPolicy::kFollow)->type == FileType::kDirectory);
    CHECK(filesystem.Stat("/etc", SymlinkPolicy::kFollow)->mode == 0755);
    CHECK(*filesystem.ListDirectory("/") == Names{"etc"});
  }

  TEST_CASE("AddFile creates parents through a symlinked directory") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/data/real", 0755).ok());
    filesystem.AddSymlink("/home", "/data/real");
    filesystem.AddFile("/home/alice/notes.txt", "hi");
    CHECK(*filesystem.ReadFile("/data/real/alice/notes.txt") == "hi");
    CHECK(*filesystem.ListDirectory("/home") == Names{"alice"});
  }

  TEST_CASE("dot and dot-dot components are normalised lexically") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/a/b/c", "x");
    CHECK(*filesystem.ReadFile("/a/./b/../b//c") == "x");
    CHECK(*filesystem.ReadFile("/../../a/b/c") == "x");
    CHECK(*filesystem.ListDirectory("/a/b/..") == Names{"b"});
  }

  TEST_CASE("rejects relative paths") {
    MemoryFilesystem filesystem;
    const Result<std::string> read = filesystem.ReadFile("etc/passwd");
    CHECK(read.status().code() == StatusCode::kInvalidArgument);
    CHECK(read.status().message() == "cannot read 'etc/passwd': not an absolute path");
    CHECK(filesystem.CreateDirectories("x", 0755).message() ==
          "cannot create directory 'x': not an absolute path");
    CHECK(filesystem.WriteFileAtomically("", "x", 0644).message() ==
          "cannot write '': not an absolute path");
  }

  TEST_CASE("follows relative symlinks from the link's directory") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/etc/alternatives/editor-target", "vim");
    filesystem.AddSymlink("/etc/alternatives/editor", "editor-target");
    filesystem.AddSymlink("/usr/bin/editor", "../../etc/alternatives/editor");
    CHECK(*filesystem.ReadFile("/usr/bin/editor") == "vim");
  }

  TEST_CASE("follows symlinks in the middle of a path even without kFollow") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/real/dir/file", "x");
    filesystem.AddSymlink("/link", "/real/dir");
    const Result<FileInfo> info = filesystem.Stat("/link/file", SymlinkPolicy::kDoNotFollow);
    REQUIRE(info.ok());
    CHECK(info->type == FileType::kRegular);
  }

  TEST_CASE("follows 40 symlinks and no more") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/target", "end");
    // link0 -> link1 -> ... -> link40 -> target: reading link1 takes 40 hops, link0 takes 41.
    for (int i = 0; i <= 40; ++i) {
      filesystem.AddSymlink("/link" + std::to_string(i),
                            i == 40 ? "/target" : "/link" + std::to_string(i + 1));
    }
    CHECK(*filesystem.ReadFile("/link1") == "end");
    const Result<std::string> too_far = filesystem.ReadFile("/link0");
    CHECK(too_far.status().code() == StatusCode::kIoError);
    CHECK(too_far.status().message() == "cannot read '/link0': Too many levels of symbolic links");
  }

  TEST_CASE("an empty symlink target resolves to nothing") {
    MemoryFilesystem filesystem;
    filesystem.AddSymlink("/empty", "");
    CHECK(filesystem.ReadFile("/empty").status().message() ==
          "cannot read '/empty': No such file or directory");
  }

  TEST_CASE("SetModified sets the time Stat reports and others stay at the epoch") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/f", "x");
    filesystem.AddFile("/g", "y");
    const auto when = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365));
    filesystem.SetModified("/f", when);
    CHECK(filesystem.Stat("/f", SymlinkPolicy::kFollow)->modified == when);
    CHECK(filesystem.Stat("/g", SymlinkPolicy::kFollow)->modified ==
          std::chrono::system_clock::time_point());
  }

  TEST_CASE("writing over a symlink replaces the link, not its target") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/target", "old");
    filesystem.AddSymlink("/link", "/target");
    REQUIRE(filesystem.WriteFileAtomically("/link", "new", 0644).ok());
    CHECK(filesystem.Stat("/link", SymlinkPolicy::kDoNotFollow)->type == FileType::kRegular);
    CHECK(*filesystem.ReadFile("/target") == "old");
  }

  TEST_CASE("removing a symlink leaves its target") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/dir/file", "x");
    filesystem.AddSymlink("/link", "/dir");
    REQUIRE(filesystem.Remove("/link").ok());
    CHECK(*filesystem.ListDirectory("/dir") == Names{"file"});
    CHECK(*filesystem.ListDirectory("/") == Names{"dir"});
  }

  TEST_CASE("the root cannot be removed or renamed") {
    MemoryFilesystem filesystem;
    CHECK(filesystem.Remove("/").message() == "cannot remove '/': Device or resource busy");
    CHECK(filesystem.Rename("/", "/x").message() ==
          "cannot rename '/' to '/x': Device or resource busy");
  }

  TEST_CASE("renaming a directory over a non-empty one fails and changes nothing") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/from/a", "1");
    filesystem.AddFile("/to/b", "2");
    CHECK(filesystem.Rename("/from", "/to").message() ==
          "cannot rename '/from' to '/to': Directory not empty");
    CHECK(*filesystem.ListDirectory("/from") == Names{"a"});
    CHECK(*filesystem.ListDirectory("/to") == Names{"b"});
  }

  TEST_CASE("renaming a directory over an empty one replaces it") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/from/a", "1");
    REQUIRE(filesystem.CreateDirectories("/to", 0700).ok());
    REQUIRE(filesystem.Rename("/from", "/to").ok());
    CHECK(*filesystem.ReadFile("/to/a") == "1");
    CHECK(filesystem.Stat("/to", SymlinkPolicy::kFollow)->mode == 0755);
  }

  TEST_CASE("renaming between file and directory kinds fails like rename(2)") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/file", "1");
    REQUIRE(filesystem.CreateDirectories("/dir", 0755).ok());
    CHECK(filesystem.Rename("/dir", "/file").message() ==
          "cannot rename '/dir' to '/file': Not a directory");
    CHECK(filesystem.Rename("/file", "/dir").message() ==
          "cannot rename '/file' to '/dir': Is a directory");
    CHECK(filesystem.Rename("/file", "/file").ok());
  }

  TEST_CASE("SetOwner sets the owner and group Stat reports; others stay root") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/home/alice/notes", "x");
    filesystem.AddSymlink("/link", "/home/alice/notes");
    filesystem.SetOwner("/home/alice/notes", 1000, 100);
    const Result<FileInfo> info = filesystem.Stat("/link", SymlinkPolicy::kFollow);
    CHECK(info->owner == 1000);
    CHECK(info->group == 100);
    CHECK(filesystem.Stat("/link", SymlinkPolicy::kDoNotFollow)->owner == 0);
    CHECK(filesystem.Stat("/home/alice", SymlinkPolicy::kFollow)->group == 0);
  }

  TEST_CASE("numbers inodes in creation order on device 1") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/a", "x");
    REQUIRE(filesystem.WriteFileAtomically("/b", "y", 0644).ok());
    const FileInfo root = *filesystem.Stat("/", SymlinkPolicy::kFollow);
    const FileInfo a = *filesystem.Stat("/a", SymlinkPolicy::kFollow);
    const FileInfo b = *filesystem.Stat("/b", SymlinkPolicy::kFollow);
    CHECK(root.inode == 1);
    CHECK(a.inode == 2);
    CHECK(b.inode == 3);
    CHECK(root.device == 1);
    CHECK(b.device == 1);
    // Replacing a file atomically gives the name a new inode, as rename(2) does.
    REQUIRE(filesystem.WriteFileAtomically("/a", "z", 0644).ok());
    CHECK(filesystem.Stat("/a", SymlinkPolicy::kFollow)->inode == 4);
  }

  TEST_CASE("a directory's link count is two plus its subdirectories") {
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/d/one/deeper", 0755).ok());
    REQUIRE(filesystem.CreateDirectories("/d/two", 0755).ok());
    filesystem.AddFile("/d/file", "x");
    CHECK(filesystem.Stat("/d", SymlinkPolicy::kFollow)->link_count == 4);
    CHECK(filesystem.Stat("/d/two", SymlinkPolicy::kFollow)->link_count == 2);
    CHECK(filesystem.Stat("/", SymlinkPolicy::kFollow)->link_count == 3);
  }

  TEST_CASE("replacing one name of a hard-linked file leaves the other with the old content") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/a", "old");
    REQUIRE(filesystem.CreateHardLink("/a", "/b").ok());
    REQUIRE(filesystem.WriteFileAtomically("/a", "new", 0644).ok());
    CHECK(*filesystem.ReadFile("/b") == "old");
    CHECK(filesystem.Stat("/b", SymlinkPolicy::kFollow)->link_count == 1);
    // Renaming one name of a file onto another does nothing, as rename(2) does.
    REQUIRE(filesystem.CreateHardLink("/b", "/c").ok());
    REQUIRE(filesystem.Rename("/b", "/c").ok());
    CHECK(*filesystem.ListDirectory("/") == Names{"a", "b", "c"});
    CHECK(filesystem.Stat("/c", SymlinkPolicy::kFollow)->link_count == 2);
  }

  TEST_CASE("open files outlive the filesystem") {
    std::unique_ptr<ReadableFile> reader;
    std::unique_ptr<WritableFile> writer;
    {
      MemoryFilesystem filesystem;
      writer = std::move(filesystem.CreateFile("/f", 0644, CreateMode::kCreateNew)).value();
      reader = std::move(filesystem.OpenForRead("/f", SymlinkPolicy::kFollow)).value();
    }
    REQUIRE(writer->Append("late").ok());
    CHECK(*reader->Size() == 4);
  }

  TEST_CASE("entries cannot be created or moved into an immutable directory") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/locked/file", "x");
    filesystem.AddFile("/outside", "y");
    REQUIRE(filesystem.SetImmutable("/locked", true).ok());
    CHECK(filesystem.CreateDirectories("/locked/sub", 0755).message() ==
          "cannot create directory '/locked/sub': Operation not permitted");
    CHECK(filesystem.CreateSymlink("x", "/locked/link").message() ==
          "cannot create symlink '/locked/link': Operation not permitted");
    CHECK(filesystem.Rename("/outside", "/locked/moved").message() ==
          "cannot rename '/outside' to '/locked/moved': Operation not permitted");
    CHECK(*filesystem.ListDirectory("/locked") == Names{"file"});
    // Nor can the directory itself be renamed or removed, though its parent is not immutable.
    CHECK(filesystem.Rename("/locked", "/renamed").message() ==
          "cannot rename '/locked' to '/renamed': Operation not permitted");
    REQUIRE(filesystem.SetImmutable("/locked/file", true).ok());
    REQUIRE(filesystem.SetImmutable("/locked", false).ok());
    CHECK(filesystem.Remove("/locked/file").message() ==
          "cannot remove '/locked/file': Operation not permitted");
    CHECK(filesystem.CreateHardLink("/locked/file", "/link").message() ==
          "cannot link '/link' to '/locked/file': Operation not permitted");
    REQUIRE(filesystem.SetImmutable("/locked/file", false).ok());
    CHECK(filesystem.Remove("/locked/file").ok());
  }

  TEST_CASE("is safe to use from several threads") {
    MemoryFilesystem filesystem;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&filesystem, t] {
        for (int i = 0; i < 100; ++i) {
          const std::string path = "/t" + std::to_string(t) + "/f" + std::to_string(i);
          filesystem.AddFile(path, "x");
          (void)filesystem.ListDirectory("/");
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    CHECK(filesystem.ListDirectory("/")->size() == 4);
    CHECK(filesystem.ListDirectory("/t3")->size() == 100);
  }
}

}  // namespace
}  // namespace tseq
