#include "migration/profile_restorer.h"

#include <cerrno>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "migration/loadstate_test_support.h"
#include "platform/fault_injecting_rooted_directory.h"

namespace tseq {
namespace {

using loadstate_testing::File;
using loadstate_testing::HardLink;
using loadstate_testing::LoadStateFixture;
using loadstate_testing::StoreItem;
using loadstate_testing::Symlink;

// A restorer of alice (uid 2001 on the target) into `home`, with its accounts and log.
struct Restoring {
  Restoring(OpenedStore& store, RootedDirectory& home)
      : accounts(LocalAccounts::Parse("alice:x:2001:2001::/home/alice:/bin/bash\n", "passwd", "",
                                      "group", LoginDefinitions{})),
        clock(NewSystemClock()),
        log(*clock, 0, echo),
        restorer(store, home, accounts, {{2001, 2001}, "alice", "alice"}, log, std::nullopt) {}
  LocalAccounts accounts;
  std::unique_ptr<Clock> clock;
  std::ostringstream echo;
  UsmtLog log;
  ProfileRestorer restorer;
};

RestoreErrorHandler Collect(std::vector<std::string>& failures) {
  return [&failures](const std::string& object, const Status& status) {
    failures.push_back(object + ": " + status.message());
    return true;
  };
}

RestoreErrorHandler Stop() {
  return [](const std::string&, const Status&) { return false; };
}

// A store of alice's `items`, an empty home to restore it into (through `faulty`, which injects
// nothing until told to), and the restorer.
struct RestoreScene {
  explicit RestoreScene(const std::vector<StoreItem>& items) {
    const std::string store_folder = fixture.WriteStore(items);
    auto opened = OpenedStore::Open(*fixture.filesystem,
                                    LocateStore(*fixture.filesystem, store_folder), "", 1);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    home_path = fixture.temp.MakeDirectory("home");
    auto directory = OpenRootedDirectory(home_path);
    REQUIRE(directory.ok());
    home = std::move(directory).value();
    faulty = std::make_unique<FaultInjectingRootedDirectory>(*home);
    restoring = std::make_unique<Restoring>(*store, *faulty);
  }
  Result<ProfileRestoreSummary> Restore(const RestoreErrorHandler& on_error) {
    return restoring->restorer.Restore(0, "/home/alice", on_error);
  }
  LoadStateFixture fixture;
  std::unique_ptr<OpenedStore> store;
  std::string home_path;
  std::unique_ptr<RootedDirectory> home;
  std::unique_ptr<FaultInjectingRootedDirectory> faulty;
  std::unique_ptr<Restoring> restoring;
};

TEST_SUITE("ProfileRestorer") {
  TEST_CASE("collision copies are numbered before the extension of the leaf") {
    CHECK(ProfileRestorer::NumberedName("notes.txt", 1) == "notes (1).txt");
    CHECK(ProfileRestorer::NumberedName("a/b/archive.tar.gz", 2) == "a/b/archive.tar (2).gz");
    CHECK(ProfileRestorer::NumberedName("a.d/README", 1) == "a.d/README (1)");
    CHECK(ProfileRestorer::NumberedName("a/.bashrc", 3) == "a/.bashrc (3)");
  }

  TEST_CASE("set-ID bits are kept only for the restored user's own files") {
    const FileOwner user{2001, 2001};
    CHECK(ProfileRestorer::SafeMode(04755, false, {2001, 2001}, user) == 04755);
    CHECK(ProfileRestorer::SafeMode(04755, false, {0, 2001}, user) == 0755);
    CHECK(ProfileRestorer::SafeMode(02755, false, {2001, 0}, user) == 0755);
    CHECK(ProfileRestorer::SafeMode(02775, true, {2001, 0}, user) == 02775);
    CHECK(ProfileRestorer::SafeMode(06755, false, {0, 0}, user) == 0755);
  }

  TEST_CASE("a file that cannot be named leaves nothing behind and is reported") {
    RestoreScene scene({File("a.txt", "A"), File("b.txt", "B")});
    const std::string& home_path = scene.home_path;
    scene.faulty->FailNthWithErrno(RootedOperation::kPublish, 1, ENOSPC);
    std::vector<std::string> failures;
    auto summary = scene.Restore(Collect(failures));
    REQUIRE(summary.ok());
    CHECK(summary->restored == 1);
    CHECK(summary->skipped == 1);
    CHECK(failures == std::vector<std::string>{"/home/alice/a.txt: cannot create '" + home_path +
                                               "/a.txt': No space left on device"});
    CHECK(scene.fixture.List(home_path) == std::vector<std::string>{"b.txt"});

    // Stopping (no /c) returns the failure itself.
    scene.faulty->FailNthWithErrno(RootedOperation::kPublish, 1, ENOSPC);
    REQUIRE(scene.home->Remove("b.txt").ok());
    auto stopped = scene.Restore(Stop());
    CHECK(stopped.status().message() ==
          "cannot create '" + home_path + "/a.txt': No space left on device");
    CHECK(scene.fixture.List(home_path).empty());
  }

  TEST_CASE("files are named in batches after one sync each, and everything is synced at the end") {
    std::vector<StoreItem> items;
    for (int number = 0; number < 300; ++number) {
      items.push_back(File("f" + std::to_string(1000 + number), std::to_string(number)));
      // To f1000, still waiting in the batch: the link names the batch's two files first.
      if (number == 1) items.push_back(HardLink("link", 0));
    }
    RestoreScene scene(items);
    const std::string& home_path = scene.home_path;
    std::vector<std::string> failures;
    auto summary = scene.Restore(Collect(failures));
    REQUIRE(summary.ok());
    CHECK(failures.empty());
    CHECK(summary->restored == 301);
    CHECK(scene.fixture.List(home_path).size() == 301);
    // The hard link's (2 files), 128 files, 128 more, the last 42, and the final sync.
    CHECK(scene.faulty->CallCount(RootedOperation::kSyncFilesystem) == 5);
    CHECK(scene.faulty->CallCount(RootedOperation::kPublish) == 300);
    struct stat first {};
    struct stat link {};
    REQUIRE(::lstat((home_path + "/f1000").c_str(), &first) == 0);
    REQUIRE(::lstat((home_path + "/link").c_str(), &link) == 0);
    CHECK(first.st_ino == link.st_ino);
  }

  TEST_CASE("a failed sync fails every file of its batch, which never appear") {
    RestoreScene scene({File("a.txt", "A"), File("b.txt", "B"), Symlink("s", "a.txt")});
    const std::string& home_path = scene.home_path;
    scene.faulty->FailNthWithErrno(RootedOperation::kSyncFilesystem, 1, EIO);
    std::vector<std::string> failures;
    auto summary = scene.Restore(Collect(failures));
    REQUIRE(summary.ok());
    const std::string error = ": cannot sync '" + home_path + "': Input/output error";
    CHECK(failures ==
          std::vector<std::string>{"/home/alice/a.txt" + error, "/home/alice/b.txt" + error});
    CHECK(summary->skipped == 2);
    CHECK(summary->restored == 1);
    CHECK(scene.fixture.List(home_path) == std::vector<std::string>{"s"});

    // Without /c the first file's failure stops the restore.
    REQUIRE(scene.home->Remove("s").ok());
    scene.faulty->FailNthWithErrno(RootedOperation::kSyncFilesystem, 1, EIO);
    auto stopped = scene.Restore(Stop());
    CHECK(stopped.status().message() == "cannot sync '" + home_path + "': Input/output error");
    CHECK(scene.fixture.List(home_path) == std::vector<std::string>{"s"});
  }

  TEST_CASE("a collision copy waiting in the batch is seen by the entry that has its name") {
    RestoreScene scene({File("a.txt", "stored"), File("a (1).txt", "stored")});
    const std::string& home_path = scene.home_path;
    scene.fixture.temp.WriteFile("home/a.txt", "different");
    std::vector<std::string> failures;
    auto summary = scene.Restore(Collect(failures));
    REQUIRE(summary.ok());
    CHECK(failures.empty());
    // "a.txt" went to "a (1).txt", which already holds what the second entry stores.
    CHECK(summary->renamed == 1);
    CHECK(summary->unchanged == 1);
    CHECK(scene.fixture.List(home_path) == std::vector<std::string>{"a (1).txt", "a.txt"});
  }
}

}  // namespace
}  // namespace tseq
