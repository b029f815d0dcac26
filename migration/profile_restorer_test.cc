#include "migration/profile_restorer.h"

#include <cerrno>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "migration/loadstate_test_support.h"
#include "platform/fault_injecting_rooted_directory.h"

namespace tseq {
namespace {

using loadstate_testing::File;
using loadstate_testing::LoadStateFixture;

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

  TEST_CASE("a file that cannot be committed leaves nothing behind and is reported") {
    LoadStateFixture fixture;
    const std::string store_folder = fixture.WriteStore({File("a.txt", "A"), File("b.txt", "B")});
    auto store = OpenedStore::Open(*fixture.filesystem,
                                   LocateStore(*fixture.filesystem, store_folder), "", 1);
    REQUIRE(store.ok());
    const std::string home_path = fixture.temp.MakeDirectory("home");
    auto home = OpenRootedDirectory(home_path);
    REQUIRE(home.ok());
    FaultInjectingRootedDirectory faulty(**home);
    faulty.FailNthWithErrno(RootedOperation::kCommit, 1, ENOSPC);
    const LocalAccounts accounts = LocalAccounts::Parse(
        "alice:x:2001:2001::/home/alice:/bin/bash\n", "passwd", "", "group", LoginDefinitions{});
    std::unique_ptr<Clock> clock = NewSystemClock();
    std::ostringstream echo;
    UsmtLog log(*clock, 0, echo);
    ProfileRestorer restorer(**store, faulty, accounts, {{2001, 2001}, "alice", "alice"}, log,
                             std::nullopt);
    std::vector<std::string> failures;
    auto summary =
        restorer.Restore(0, "/home/alice", [&](const std::string& object, const Status& status) {
          failures.push_back(object + ": " + status.message());
          return true;
        });
    REQUIRE(summary.ok());
    CHECK(summary->restored == 1);
    CHECK(summary->skipped == 1);
    CHECK(failures == std::vector<std::string>{"/home/alice/a.txt: cannot create '" + home_path +
                                               "/a.txt': No space left on device"});
    CHECK(fixture.List(home_path) == std::vector<std::string>{"b.txt"});

    // Stopping (no /c) returns the failure itself.
    faulty.FailNthWithErrno(RootedOperation::kCommit, 1, ENOSPC);
    REQUIRE((*home)->Remove("b.txt").ok());
    auto stopped =
        restorer.Restore(0, "/home/alice", [](const std::string&, const Status&) { return false; });
    CHECK(stopped.status().message() ==
          "cannot create '" + home_path + "/a.txt': No space left on device");
    CHECK(fixture.List(home_path).empty());
  }
}

}  // namespace
}  // namespace tseq
