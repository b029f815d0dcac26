#include "platform/machine_root.h"

#include <filesystem>
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <unistd.h>

#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

std::string ResolveOk(const MachineRoot& root, std::string_view path,
                      SymlinkPolicy policy = SymlinkPolicy::kFollow) {
  const Result<std::string> result = root.Resolve(path, policy);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return *result;
}

TEST_SUITE("NormalizeAbsolutePath") {
  TEST_CASE("collapses slashes, drops dots and trailing slashes") {
    CHECK(NormalizeAbsolutePath("/") == "/");
    CHECK(NormalizeAbsolutePath("") == "/");
    CHECK(NormalizeAbsolutePath("//etc///ssh/") == "/etc/ssh");
    CHECK(NormalizeAbsolutePath("/etc/./ssh/.") == "/etc/ssh");
  }

  TEST_CASE("resolves dot-dot without climbing above the root") {
    CHECK(NormalizeAbsolutePath("/a/b/../c") == "/a/c");
    CHECK(NormalizeAbsolutePath("/a/..") == "/");
    CHECK(NormalizeAbsolutePath("/../../etc") == "/etc");
    CHECK(NormalizeAbsolutePath("/a/../../b/..") == "/");
  }

  TEST_CASE("treats a relative path as relative to the root") {
    CHECK(NormalizeAbsolutePath("etc/passwd") == "/etc/passwd");
    CHECK(NormalizeAbsolutePath("..") == "/");
    CHECK(NormalizeAbsolutePath(".") == "/");
  }

  TEST_CASE("keeps names that merely contain dots") {
    CHECK(NormalizeAbsolutePath("/a/...b/..c/.d") == "/a/...b/..c/.d");
  }
}

TEST_SUITE("MachineRoot") {
  TEST_CASE("normalises the root directory") {
    const MemoryFilesystem filesystem;
    CHECK(MachineRoot("/srv/machine/", filesystem).directory() == "/srv/machine");
    CHECK(MachineRoot("/srv//x/../machine", filesystem).directory() == "/srv/machine");
    CHECK(MachineRoot("/", filesystem).directory() == "/");
    CHECK(MachineRoot("/", filesystem).is_host_root());
    CHECK_FALSE(MachineRoot("/srv", filesystem).is_host_root());
    CHECK(&MachineRoot("/srv", filesystem).filesystem() == &filesystem);
  }

  TEST_CASE("makes a relative root absolute from the working directory") {
    const MemoryFilesystem filesystem;
    const std::string current = std::filesystem::current_path().string();
    CHECK(MachineRoot("machines/a", filesystem).directory() ==
          NormalizeAbsolutePath(current + "/machines/a"));
  }

  TEST_CASE("HostPathLexical prefixes the root without resolving anything") {
    const MemoryFilesystem filesystem;
    const MachineRoot root("/srv/m", filesystem);
    CHECK(root.HostPathLexical("/etc/passwd") == "/srv/m/etc/passwd");
    CHECK(root.HostPathLexical("/") == "/srv/m");
    CHECK(root.HostPathLexical("") == "/srv/m");
    CHECK(root.HostPathLexical("../../../etc//x/") == "/srv/m/etc/x");
    CHECK(root.HostPathLexical("USMTDemo") == "/srv/m/USMTDemo");
    const MachineRoot host("/", filesystem);
    CHECK(host.HostPathLexical("/etc/../etc/x") == "/etc/x");
    CHECK(host.HostPathLexical("/") == "/");
  }

  TEST_CASE("Resolve maps plain paths inside the root") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/etc/passwd") == "/srv/m/etc/passwd");
    CHECK(ResolveOk(root, "/") == "/srv/m");
    CHECK(ResolveOk(root, "etc") == "/srv/m/etc");
    CHECK(ResolveOk(root, "/etc/./passwd") == "/srv/m/etc/passwd");
  }

  TEST_CASE("Resolve maps missing components lexically") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/etc/passwd", "");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/USMTDemo/store/../USMT.MIG") == "/srv/m/USMTDemo/USMT.MIG");
    CHECK(ResolveOk(root, "/nope/../../../x") == "/srv/m/x");
    // A component below a regular file cannot exist either.
    CHECK(ResolveOk(root, "/etc/passwd/x") == "/srv/m/etc/passwd/x");
  }

  TEST_CASE("Resolve keeps an absolute symlink inside the root") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/etc/passwd", "machine's");
    filesystem.AddFile("/etc/passwd", "host's");
    filesystem.AddSymlink("/srv/m/home/eve/passwd", "/etc/passwd");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/home/eve/passwd") == "/srv/m/etc/passwd");
    CHECK(ResolveOk(root, "/home/eve/passwd", SymlinkPolicy::kDoNotFollow) ==
          "/srv/m/home/eve/passwd");
  }

  TEST_CASE("Resolve never lets dot-dot climb above the root") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/etc/shadow", "");
    filesystem.AddSymlink("/srv/m/home/eve/up", "../../../../../../etc");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "../../../../etc") == "/srv/m/etc");
    CHECK(ResolveOk(root, "/home/eve/up/shadow") == "/srv/m/etc/shadow");
    CHECK(ResolveOk(root, "/home/eve/up") == "/srv/m/etc");
  }

  TEST_CASE("Resolve follows symlinks in the middle of a path whatever the policy") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/data/home/alice/.bashrc", "");
    filesystem.AddSymlink("/srv/m/home", "data/home");
    filesystem.AddSymlink("/srv/m/data/home/alice/rc", ".bashrc");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/home/alice/.bashrc", SymlinkPolicy::kDoNotFollow) ==
          "/srv/m/data/home/alice/.bashrc");
    CHECK(ResolveOk(root, "/home/alice/rc", SymlinkPolicy::kDoNotFollow) ==
          "/srv/m/data/home/alice/rc");
    CHECK(ResolveOk(root, "/home/alice/rc") == "/srv/m/data/home/alice/.bashrc");
  }

  TEST_CASE("Resolve applies dot-dot after a symlink to the symlink's target") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/b/c/file", "");
    filesystem.AddFile("/srv/m/a/other", "");
    filesystem.AddSymlink("/srv/m/a/link", "/b/c");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/a/link/..") == "/srv/m/b");
    CHECK(ResolveOk(root, "/a/link/../c/file") == "/srv/m/b/c/file");
  }

  TEST_CASE("Resolve maps a dangling symlink's target lexically") {
    MemoryFilesystem filesystem;
    filesystem.AddSymlink("/srv/m/etc/localtime", "/usr/share/zoneinfo/UTC");
    filesystem.AddSymlink("/srv/m/empty", "");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/etc/localtime") == "/srv/m/usr/share/zoneinfo/UTC");
    CHECK(ResolveOk(root, "/empty/x") == "/srv/m/empty/x");
  }

  TEST_CASE("Resolve follows 40 symlinks and reports a loop beyond that") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/srv/m/target", "");
    for (int i = 0; i <= 40; ++i) {
      filesystem.AddSymlink("/srv/m/link" + std::to_string(i),
                            i == 40 ? "/target" : "link" + std::to_string(i + 1));
    }
    filesystem.AddSymlink("/srv/m/loop/a", "b");
    filesystem.AddSymlink("/srv/m/loop/b", "/loop/a");
    const MachineRoot root("/srv/m", filesystem);
    CHECK(ResolveOk(root, "/link1") == "/srv/m/target");
    const Result<std::string> too_far = root.Resolve("/link0", SymlinkPolicy::kFollow);
    CHECK(too_far.status().code() == StatusCode::kInvalidArgument);
    CHECK(too_far.status().message() == "too many levels of symbolic links resolving '/link0'");
    const Result<std::string> loop = root.Resolve("/loop/a/x", SymlinkPolicy::kDoNotFollow);
    CHECK(loop.status().message() == "too many levels of symbolic links resolving '/loop/a/x'");
    // Not followed, the final component is never looked at.
    CHECK(ResolveOk(root, "/loop/a", SymlinkPolicy::kDoNotFollow) == "/srv/m/loop/a");
  }

  TEST_CASE("Resolve rejects an empty path") {
    const MemoryFilesystem filesystem;
    const Result<std::string> result = MachineRoot("/srv/m", filesystem).Resolve("", {});
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
    CHECK(result.status().message() == "cannot resolve an empty machine path");
  }

  TEST_CASE("Resolve with the host root is the identity after resolution") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/usr/bin/vim.basic", "");
    filesystem.AddSymlink("/etc/alternatives/vi", "/usr/bin/vim.basic");
    filesystem.AddSymlink("/usr/bin/vi", "/etc/alternatives/vi");
    const MachineRoot root("/", filesystem);
    CHECK(ResolveOk(root, "/usr/bin/vi") == "/usr/bin/vim.basic");
    CHECK(ResolveOk(root, "/usr/bin/vi", SymlinkPolicy::kDoNotFollow) == "/usr/bin/vi");
    CHECK(ResolveOk(root, "/../usr/./bin/") == "/usr/bin");
    CHECK(ResolveOk(root, "/") == "/");
    CHECK(ResolveOk(root, "/missing/x") == "/missing/x");
  }

  TEST_CASE("Resolve keeps hostile symlinks inside a real directory") {
    testing::TempDirectory temp;
    const std::string machine = temp.MakeDirectory("machine");
    temp.WriteFile("machine/etc/passwd", "alice:x:1000:1000::/home/alice:/bin/sh\n");
    temp.MakeDirectory("machine/home/alice");
    REQUIRE(::symlink("/etc/passwd", temp.Join("machine/home/alice/evil").c_str()) == 0);
    REQUIRE(::symlink("../../../../../../../etc", temp.Join("machine/home/alice/climb").c_str()) ==
            0);
    REQUIRE(::symlink("/", temp.Join("machine/home/alice/root").c_str()) == 0);
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const MachineRoot root(machine, *filesystem);

    const std::string evil = ResolveOk(root, "/home/alice/evil");
    CHECK(evil == machine + "/etc/passwd");
    CHECK(*filesystem->ReadFile(evil) == "alice:x:1000:1000::/home/alice:/bin/sh\n");
    CHECK(ResolveOk(root, "/home/alice/climb/passwd") == machine + "/etc/passwd");
    CHECK(ResolveOk(root, "/home/alice/root/etc/passwd") == machine + "/etc/passwd");
    CHECK(ResolveOk(root, "/home/alice/root") == machine);
    CHECK(ResolveOk(root, "/../../../../etc/passwd") == machine + "/etc/passwd");
  }

  TEST_CASE("Resolve with the host root follows real symlinks") {
    testing::TempDirectory temp;
    temp.WriteFile("real/file", "x");
    REQUIRE(::symlink("real", temp.Join("link").c_str()) == 0);
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const MachineRoot root("/", *filesystem);
    // The temporary directory itself may sit behind a symlink (/tmp); resolve it first.
    const std::string base = std::filesystem::canonical(temp.path()).string();
    CHECK(ResolveOk(root, base + "/link/file") == base + "/real/file");
    CHECK(ResolveOk(root, base + "/link", SymlinkPolicy::kDoNotFollow) == base + "/link");
  }
}

}  // namespace
}  // namespace tseq
