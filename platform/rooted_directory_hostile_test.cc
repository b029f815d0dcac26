// RootedDirectory against a hostile tree: symlinks planted at every level of a path (to a folder
// outside the root, absolute or relative, to /etc, dangling, looping) and files in the way. No
// operation may follow one, and nothing outside the root may change. Every case runs with
// openat2(2) and with the component walk used on kernels without it.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/rooted_directory.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

// Everything observable about a tree: per path, type, mode, owner, time and content.
std::map<std::string, std::string> Snapshot(const std::string& top) {
  std::map<std::string, std::string> result;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(top)) {
    const std::string path = entry.path().string();
    struct stat status {};
    REQUIRE(::lstat(path.c_str(), &status) == 0);
    std::string description = std::to_string(status.st_mode) + " " + std::to_string(status.st_uid) +
                              " " + std::to_string(status.st_mtim.tv_sec) + "." +
                              std::to_string(status.st_mtim.tv_nsec) + " " +
                              std::to_string(status.st_nlink);
    if (S_ISREG(status.st_mode)) description += " " + testing::ReadFileForTest(path);
    result[path] = description;
  }
  return result;
}

size_t OpenDescriptorCount() {
  size_t count = 0;
  DIR* directory = ::opendir("/proc/self/fd");
  REQUIRE(directory != nullptr);
  while (::readdir(directory) != nullptr) ++count;
  ::closedir(directory);
  return count;
}

Status Write(RootedDirectory& directory, const std::string& relative, ReplacePolicy replace) {
  Result<std::unique_ptr<PendingFile>> file = directory.CreateFile(relative);
  if (!file.ok()) return file.status();
  TSEQ_RETURN_IF_ERROR((*file)->Append("planted?"));
  MetadataUpdate metadata;
  metadata.mode = 0777;
  return (*file)->Commit(metadata, replace);
}

// A root "root/a/b" beside "outside" (a folder with a secret file) and "absent" (never created).
struct HostileTree {
  testing::TempDirectory temp;
  std::string root = temp.MakeDirectory("root");
  std::string outside = temp.MakeDirectory("outside");
  std::string secret = temp.WriteFile("outside/secret", "secret");
  std::string absent = temp.Join("absent");
  std::unique_ptr<RootedDirectory> directory;

  explicit HostileTree(PathResolution resolution) {
    temp.MakeDirectory("root/a/b");
    temp.WriteFile("root/inside", "inside");
    REQUIRE(::chmod(secret.c_str(), 0600) == 0);
    Result<std::unique_ptr<RootedDirectory>> opened = OpenRootedDirectory(root, resolution);
    REQUIRE(opened.ok());
    directory = std::move(opened).value();
  }

  // Replaces root/RELATIVE (an empty folder) with a symlink to `target`.
  void Plant(const std::string& relative, const std::string& target) {
    const std::string path = root + "/" + relative;
    std::filesystem::remove_all(path);
    REQUIRE(::symlink(target.c_str(), path.c_str()) == 0);
  }
};

// Runs every operation on paths through `through` (which a symlink blocks) and checks each is
// FailedPrecondition "...: 'ROOT/BLOCKED' is a symlink".
void CheckEveryOperationRefused(HostileTree& tree, const std::string& through,
                                const std::string& blocked) {
  RootedDirectory& directory = *tree.directory;
  const std::string suffix = "'" + tree.root + "/" + blocked + "' is a symlink";
  const std::string entry = through + "/entry";
  const std::vector<std::pair<std::string, Status>> outcomes = {
      {"Stat", directory.Stat(entry).status()},
      {"ReadMetadata", directory.ReadMetadata(entry).status()},
      {"List", directory.List(entry).status()},
      {"OpenForRead", directory.OpenForRead(entry).status()},
      {"CreateDirectory", directory.CreateDirectory(entry, 0777)},
      {"MakeDirectories", directory.MakeDirectories(entry + "/x", 0777).status()},
      {"Write", Write(directory, entry, ReplacePolicy::kNoReplace)},
      {"Write replacing", Write(directory, entry, ReplacePolicy::kReplace)},
      {"CreateSymlink", directory.CreateSymlink("/etc/passwd", entry, {}, ReplacePolicy::kReplace)},
      {"CreateHardLink to", directory.CreateHardLink("inside", entry, ReplacePolicy::kReplace)},
      {"CreateHardLink from",
       directory.CreateHardLink(through + "/secret", "stolen", ReplacePolicy::kReplace)},
      {"ApplyMetadata", directory.ApplyMetadata(entry, MetadataUpdate{.mode = 0777})},
      {"Remove", directory.Remove(through + "/secret")},
  };
  for (const auto& outcome : outcomes) {
    const std::string& operation = outcome.first;
    CAPTURE(operation);
    CHECK(outcome.second.code() == StatusCode::kFailedPrecondition);
    CHECK(outcome.second.message().ends_with(suffix));
  }
}

void CheckOutsideUnchanged(HostileTree& tree, const std::map<std::string, std::string>& before) {
  CHECK(Snapshot(tree.outside) == before);
  CHECK(::access(tree.absent.c_str(), F_OK) != 0);
}

PathResolution EachResolution() {
  PathResolution resolution = PathResolution::kAutomatic;
  SUBCASE("openat2") { resolution = PathResolution::kAutomatic; }
  SUBCASE("component walk") { resolution = PathResolution::kComponentWalk; }
  return resolution;
}

TEST_SUITE("RootedDirectory against hostile trees") {
  TEST_CASE("a symlink planted at any folder level is never followed, wherever it points") {
    const PathResolution resolution = EachResolution();
    for (const std::string level : {"a", "a/b"}) {
      for (const std::string kind : {"relative", "absolute", "dangling", "loop"}) {
        CAPTURE(level);
        CAPTURE(kind);
        HostileTree tree(resolution);
        const auto before = Snapshot(tree.outside);
        const std::string up = level == "a" ? "../" : "../../";
        const std::string own_name = level.substr(level.find_last_of('/') + 1);
        const std::string target = kind == "relative"   ? up + "outside"
                                   : kind == "absolute" ? tree.outside
                                   : kind == "dangling" ? tree.absent
                                                        : own_name;  // points at itself
        tree.Plant(level, target);
        CheckEveryOperationRefused(tree, level, level);
        CheckEveryOperationRefused(tree, level + "/deeper", level);
        CheckOutsideUnchanged(tree, before);
      }
    }
  }

  TEST_CASE("a symlink at the entry itself is described, replaced or removed, never followed") {
    const PathResolution resolution = EachResolution();
    HostileTree tree(resolution);
    const auto before = Snapshot(tree.outside);
    tree.Plant("a/b", tree.secret);
    RootedDirectory& directory = *tree.directory;
    CHECK(directory.Stat("a/b")->type == FileType::kSymlink);
    CHECK(directory.ReadMetadata("a/b")->symlink_target == tree.secret);
    CHECK(directory.OpenForRead("a/b").status().message() ==
          "cannot open '" + tree.root + "/a/b': it is a symlink");
    CHECK(directory.List("a/b").status().message() ==
          "cannot list '" + tree.root + "/a/b': it is a symlink");
    CHECK(directory.CreateDirectory("a/b", 0777).code() == StatusCode::kAlreadyExists);
    CHECK(directory.MakeDirectories("a/b", 0777).status().message() ==
          "cannot create the folder '" + tree.root + "/a/b': '" + tree.root + "/a/b' is a symlink");
    CHECK(Write(directory, "a/b", ReplacePolicy::kNoReplace).code() == StatusCode::kAlreadyExists);
    CHECK(directory.CreateHardLink("a/b", "copy", ReplacePolicy::kNoReplace).message() ==
          "cannot link to '" + tree.root + "/a/b': it is a symlink");
    // Changing its metadata changes the symlink's own, never the secret's mode or time.
    MetadataUpdate update;
    update.mode = 0777;
    update.modified = FileTime{1000, 1};
    REQUIRE(directory.ApplyMetadata("a/b", update).ok());
    CHECK(directory.Stat("a/b")->type == FileType::kSymlink);
    CHECK(directory.ReadMetadata("a/b")->modified == FileTime{1000, 1});
    CheckOutsideUnchanged(tree, before);
    // Replacing it puts a file in the root and leaves the secret alone.
    REQUIRE(Write(directory, "a/b", ReplacePolicy::kReplace).ok());
    CHECK(directory.Stat("a/b")->type == FileType::kRegular);
    tree.Plant("a/b", tree.secret);
    REQUIRE(directory.CreateSymlink("elsewhere", "a/b", {}, ReplacePolicy::kReplace).ok());
    REQUIRE(directory.Remove("a/b").ok());
    CheckOutsideUnchanged(tree, before);
  }

  TEST_CASE("a file where a folder must be is reported, not written through") {
    const PathResolution resolution = EachResolution();
    HostileTree tree(resolution);
    std::filesystem::remove_all(tree.root + "/a/b");
    tree.temp.WriteFile("root/a/b", "file");
    const Status status = Write(*tree.directory, "a/b/c/file", ReplacePolicy::kReplace);
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK(status.message() ==
          "cannot create '" + tree.root + "/a/b/c/file': '" + tree.root + "/a/b' is not a folder");
    CHECK(tree.directory->MakeDirectories("a/b/c", 0755).status().message() ==
          "cannot create the folder '" + tree.root + "/a/b/c': '" + tree.root +
              "/a/b' is not a folder");
  }

  TEST_CASE("symlinks to /etc are refused without reading through them") {
    const PathResolution resolution = EachResolution();
    HostileTree tree(resolution);
    tree.Plant("a", "/etc");
    RootedDirectory& directory = *tree.directory;
    const std::string suffix = "'" + tree.root + "/a' is a symlink";
    CHECK(directory.Stat("a/passwd").status().message().ends_with(suffix));
    CHECK(directory.ReadMetadata("a/passwd").status().message().ends_with(suffix));
    CHECK(directory.OpenForRead("a/passwd").status().message().ends_with(suffix));
    CHECK(directory.List("a").status().message() ==
          "cannot list '" + tree.root + "/a': it is a symlink");
  }

  TEST_CASE("a hard link to a file outside the root is refused however it is named") {
    const PathResolution resolution = EachResolution();
    HostileTree tree(resolution);
    const auto before = Snapshot(tree.outside);
    tree.Plant("a/b", "../../outside");
    REQUIRE(::symlink(tree.secret.c_str(), (tree.root + "/to-secret").c_str()) == 0);
    RootedDirectory& directory = *tree.directory;
    CHECK(directory.CreateHardLink("../outside/secret", "x", ReplacePolicy::kNoReplace).code() ==
          StatusCode::kInvalidArgument);
    CHECK(directory.CreateHardLink("a/b/secret", "x", ReplacePolicy::kNoReplace).code() ==
          StatusCode::kFailedPrecondition);
    CHECK(directory.CreateHardLink("to-secret", "x", ReplacePolicy::kNoReplace).message() ==
          "cannot link to '" + tree.root + "/to-secret': it is a symlink");
    CHECK(directory.Stat("x").status().code() == StatusCode::kNotFound);
    CheckOutsideUnchanged(tree, before);
  }

  TEST_CASE("the handle stays on its folder when the path is swapped for a symlink") {
    const PathResolution resolution = EachResolution();
    HostileTree tree(resolution);
    const auto before = Snapshot(tree.outside);
    const std::string moved = tree.temp.Join("moved");
    REQUIRE(::rename(tree.root.c_str(), moved.c_str()) == 0);
    REQUIRE(::symlink(tree.outside.c_str(), tree.root.c_str()) == 0);
    REQUIRE(Write(*tree.directory, "written", ReplacePolicy::kNoReplace).ok());
    CHECK(testing::ReadFileForTest(moved + "/written") == "planted?");
    CheckOutsideUnchanged(tree, before);
  }

  TEST_CASE("no descriptor is left open by any operation, refused or not") {
    const PathResolution resolution = EachResolution();
    HostileTree tree(resolution);
    tree.Plant("a/b", "../../outside");
    const size_t descriptors = OpenDescriptorCount();
    CheckEveryOperationRefused(tree, "a/b", "a/b");
    REQUIRE(Write(*tree.directory, "a/file", ReplacePolicy::kNoReplace).ok());
    REQUIRE(tree.directory->List("a").ok());
    REQUIRE(tree.directory->ReadMetadata("a/file").ok());
    CHECK(OpenDescriptorCount() == descriptors);
  }
}

}  // namespace
}  // namespace tseq
