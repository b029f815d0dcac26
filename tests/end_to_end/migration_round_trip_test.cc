// End-to-end tests of scanstate and loadstate together: the real programs capture a multi-user
// machine root into each kind of store and restore it onto another machine root, and the restored
// homes are compared with the originals object by object.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/directory_store.h"
#include "platform/filesystem.h"
#include "platform/process_runner.h"
#include "tests/end_to_end/migration_tree.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

namespace fs = std::filesystem;
using round_trip::AccountNames;
using round_trip::DescribeTree;
using round_trip::SourceMachine;
using Tree = std::map<std::string, std::string>;

struct Invocation {
  int exit_code = -1;
  std::string output;
};

Invocation Run(const char* program, const std::vector<std::string>& arguments) {
  ProcessRequest request;
  request.arguments = {program};
  request.arguments.insert(request.arguments.end(), arguments.begin(), arguments.end());
  request.timeout = std::chrono::seconds(120);
  Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
  REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
  return {outcome->exit_code, outcome->output};
}

// A hard-link store's folders are immutable where the filesystem allows it: the temporary folder
// can only be removed once the store is.
struct StoreRemover {
  std::string store;
  ~StoreRemover() {
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    if (archive::IsProtectedStore(*filesystem, store)) {
      (void)archive::RemoveStore(*filesystem, store);
    }
  }
};

std::string ReadIfExists(const std::string& path) {
  std::error_code error;
  return fs::exists(path, error) ? testing::ReadFileForTest(path) : "";
}

void CheckSameTree(const Tree& actual, const Tree& expected, const std::string& home) {
  for (const auto& entry : expected) {
    INFO(home, "/", entry.first);  // INFO cannot name a structured binding (clang)
    const auto found = actual.find(entry.first);
    if (found == actual.end()) {
      CHECK_MESSAGE(false, "not restored");
    } else {
      CHECK(found->second == entry.second);
    }
  }
  for (const auto& entry : actual) {
    INFO(home, "/", entry.first);
    CHECK_MESSAGE(expected.contains(entry.first), "restored but not in the source");
  }
}

uid_t OwnerOf(const std::string& path) {
  struct stat status {};
  REQUIRE(::lstat(path.c_str(), &status) == 0);
  return status.st_uid;
}

gid_t GroupOf(const std::string& path) {
  struct stat status {};
  REQUIRE(::lstat(path.c_str(), &status) == 0);
  return status.st_gid;
}

// One machine pair with its capture and restore command lines.
struct RoundTrip {
  testing::TempDirectory temp;
  SourceMachine source = round_trip::MakeSourceMachine(temp);
  std::string target = round_trip::MakeTargetMachine(temp);
  std::string store = temp.Join("store");
  StoreRemover remover{store};
  std::vector<std::string> homes;
  std::map<std::string, Tree> expected;  // per home, what must come back

  RoundTrip() {
    homes = {"alice", "bob"};
    if (source.as_root) {
      homes.push_back("carol@contoso.com");
    } else {
      MESSAGE("not root: owners, the directory-service home and ACLs are not checked");
    }
    if (!source.user_xattrs) MESSAGE("no user.* attributes on this filesystem: not checked");
    if (source.as_root && !source.acls) MESSAGE("no POSIX ACLs on this filesystem: not checked");
    const AccountNames names = AccountNames::Read(source.root);
    for (const std::string& home : homes) {
      const Tree original = DescribeTree(Home(source.root, home), names, source.as_root);
      expected[home] = round_trip::Without(original, {".cache", ".local"});
      // What must not come back is there to be left out.
      CHECK(original.contains(".cache") == (home != "carol@contoso.com"));
    }
    REQUIRE(expected["alice"].contains(".local") == false);
    REQUIRE(expected["alice"].size() > 15);
  }

  static std::string Home(const std::string& root, const std::string& user) {
    return root + "/home/" + user;
  }

  Invocation Capture(std::vector<std::string> options) {
    options.insert(options.begin(), store);
    options.push_back("/root:" + source.root);
    options.push_back("/progress:" + temp.Join("scan.progress"));
    return Run(SCANSTATE_BINARY, options);
  }

  Invocation Restore(std::vector<std::string> options) {
    options.insert(options.begin(), store);
    options.push_back("/root:" + target);
    options.push_back("/progress:" + temp.Join("load.progress"));
    options.push_back("/l:" + temp.Join("load.log"));
    return Run(LOADSTATE_BINARY, options);
  }

  std::map<std::string, Tree> Restored() const {
    const AccountNames names = AccountNames::Read(target);
    std::map<std::string, Tree> trees;
    for (const std::string& home : homes) {
      trees[home] = DescribeTree(Home(target, home), names, source.as_root);
    }
    return trees;
  }

  void CheckRestored() {
    const std::map<std::string, Tree> restored = Restored();
    for (const std::string& home : homes) CheckSameTree(restored.at(home), expected[home], home);
    CHECK_FALSE(fs::exists(Home(target, "svc")));
    if (!source.as_root) return;
    const std::string documents = Home(target, "alice") + "/Documents";
    CHECK(OwnerOf(documents + "/report.odt") == 2001);
    CHECK(GroupOf(documents + "/report.odt") == 2001);
    CHECK(OwnerOf(documents + "/from-bob.txt") == 2002);
    CHECK(GroupOf(documents + "/Shared") == 3500);
    CHECK(OwnerOf(Home(target, "bob") + "/.bashrc") == 2002);
    CHECK(OwnerOf(Home(target, "carol@contoso.com") + "/Documents/contract.docx") == 5000);
  }

  // Restores with `options` twice: the first run gives back every tree, the second changes
  // nothing.
  void RestoreTwice(const std::vector<std::string>& options) {
    const Invocation first = Restore(options);
    INFO(first.output);
    INFO(ReadIfExists(temp.Join("load.log")));
    REQUIRE(first.exit_code == 0);
    CheckRestored();
    const std::map<std::string, Tree> before = Restored();
    const Invocation second = Restore(options);
    INFO(second.output);
    REQUIRE(second.exit_code == 0);
    CHECK(second.output.find(" 0 entries written, 0 renamed, ") != std::string::npos);
    CHECK(Restored() == before);
  }
};

TEST_SUITE("scanstate and loadstate round trip") {
  TEST_CASE("an encrypted compressed store gives back every tree under the target's uids" *
            doctest::timeout(240)) {
    RoundTrip trip;
    const std::string key = trip.temp.WriteFile("keyfile", "correct horse battery staple\n");
    const Invocation captured = trip.Capture({"/encrypt", "/keyfile:" + key});
    INFO(captured.output);
    REQUIRE(captured.exit_code == 0);
    CHECK(fs::is_regular_file(trip.store + "/USMT/USMT.MIG"));
    const std::string progress = testing::ReadFileForTest(trip.temp.Join("scan.progress"));
    CHECK(progress.find("detectedUser, PC01\\alice, includedInMigration, Yes") !=
          std::string::npos);
    CHECK(progress.find("svc") == std::string::npos);
    trip.RestoreTwice({"/decrypt", "/keyfile:" + key});
  }

  TEST_CASE("a /nocompress store gives back every tree under the target's uids" *
            doctest::timeout(240)) {
    RoundTrip trip;
    const Invocation captured = trip.Capture({"/nocompress"});
    INFO(captured.output);
    REQUIRE(captured.exit_code == 0);
    CHECK(fs::is_regular_file(trip.store + "/USMT/catalog.mig"));
    trip.RestoreTwice({"/nocompress"});
  }

  TEST_CASE("a /hardlink /nocompress store gives back every tree under the target's uids" *
            doctest::timeout(240)) {
    RoundTrip trip;
    const Invocation captured = trip.Capture({"/hardlink", "/nocompress"});
    INFO(captured.output);
    REQUIRE(captured.exit_code == 0);
    trip.RestoreTwice({"/hardlink", "/nocompress"});
    // The restored file is the original itself, not a copy.
    struct stat original {};
    struct stat restored {};
    REQUIRE(::stat((trip.source.root + "/home/alice/.bashrc").c_str(), &original) == 0);
    REQUIRE(::stat((trip.target + "/home/alice/.bashrc").c_str(), &restored) == 0);
    CHECK(original.st_ino == restored.st_ino);
  }

  TEST_CASE("/ue:*\\bob leaves bob out at capture and at restore, and the progress log says so" *
            doctest::timeout(240)) {
    RoundTrip trip;
    const Invocation captured = trip.Capture({"/nocompress", "/ue:*\\bob"});
    INFO(captured.output);
    REQUIRE(captured.exit_code == 0);
    CHECK(testing::ReadFileForTest(trip.temp.Join("scan.progress"))
              .find("detectedUser, PC01\\bob, includedInMigration, No") != std::string::npos);
    REQUIRE(trip.Restore({"/nocompress"}).exit_code == 0);
    CHECK_FALSE(fs::exists(trip.target + "/home/bob"));
    CHECK(fs::exists(trip.target + "/home/alice/.bashrc"));

    RoundTrip everyone;
    REQUIRE(everyone.Capture({"/nocompress"}).exit_code == 0);
    const Invocation restored = everyone.Restore({"/nocompress", "/ue:*\\bob"});
    INFO(restored.output);
    REQUIRE(restored.exit_code == 0);
    CHECK_FALSE(fs::exists(everyone.target + "/home/bob"));
    CheckSameTree(everyone.Restored().at("alice"), everyone.expected["alice"], "alice");
    CHECK(testing::ReadFileForTest(everyone.temp.Join("load.progress"))
              .find("detectedUser, PC01\\bob, includedInMigration, No") != std::string::npos);
  }

  TEST_CASE("a home that holds the store is captured, without the store" * doctest::timeout(240)) {
    RoundTrip trip;
    trip.store = trip.source.root + "/home/alice/Backups/store";
    trip.remover.store = trip.store;
    const Invocation captured = trip.Capture({"/nocompress"});
    INFO(captured.output);
    REQUIRE(captured.exit_code == 0);
    REQUIRE(trip.Restore({"/nocompress"}).exit_code == 0);
    CHECK(fs::exists(trip.target + "/home/alice/Documents/report.odt"));
    CHECK_FALSE(fs::exists(trip.target + "/home/alice/Backups"));
  }

  TEST_CASE("a loadstate /config that turns Documents off restores no Documents" *
            doctest::timeout(240)) {
    RoundTrip trip;
    REQUIRE(trip.Capture({"/nocompress"}).exit_code == 0);
    const std::string config = trip.temp.WriteFile(
        "config.yaml", "components:\n  - name: Documents\n    migrate: false\n");
    const Invocation restored =
        trip.Restore({"/nocompress", "/i:miguser.yaml", "/i:migapp.yaml", "/config:" + config});
    INFO(restored.output);
    REQUIRE(restored.exit_code == 0);
    CHECK_FALSE(fs::exists(trip.target + "/home/alice/Documents"));
    CHECK_FALSE(fs::exists(trip.target + "/home/bob/Documents"));
    CHECK(fs::exists(trip.target + "/home/alice/Pictures/cat.jpg"));
    CHECK(fs::exists(trip.target + "/home/alice/.ssh/id_ed25519"));
  }
}

}  // namespace
}  // namespace tseq
