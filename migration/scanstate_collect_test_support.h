// CollectFixture: a home in a temp directory, walked and collected into a store there, for the
// tests of CollectProfiles (scanstate_collect_test.cc, capture_link_ahead_test.cc).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include <doctest/doctest.h>
#include <sys/types.h>
#include <unistd.h>

#include "archive/directory_store.h"
#include "migration/scanstate_collect.h"
#include "platform/clock.h"
#include "platform/file_metadata.h"
#include "tests/support/temp_directory.h"

namespace tseq::testing {

struct CollectFixture {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  FakeClock clock{std::chrono::system_clock::time_point()};
  std::ostringstream echo;
  UsmtLog log{clock, 8, echo};  // 8: errors are echoed, for the tests to see
  ProgressLog progress{clock};
  LocalAccounts accounts =
      LocalAccounts::Parse("alice:x:1000:1000::/home/alice:/bin/sh\n", "passwd", "alice:x:1000:\n",
                           "group", LoginDefinitions{});
  Result<MigrationRules> rules = MigrationRules::Shipped();
  size_t link_threads = 0;  // CollectionSettings::link_threads

  std::string Home(const std::string& relative) const { return temp.Join("home/" + relative); }

  WalkedProfile Walk(const ProfileWalker& walker) const {
    REQUIRE(rules.ok());
    const CompiledRules compiled(*rules, UserDirectories());
    Profile profile;
    profile.name = "PC01\\alice";
    profile.user = "alice";
    profile.home = "/home/alice";
    profile.host_home = temp.Join("home");
    Result<ProfileWalk> walk = walker.Walk(profile.host_home, profile.home, compiled,
                                           [](const std::string&, const Status&) { return false; });
    REQUIRE_MESSAGE(walk.ok(), walk.status().message());
    return WalkedProfile{profile, std::move(walk).value()};
  }

  // Documents/a.txt and its hard link b.txt, walked; then a.txt is saved anew by a program (another
  // file under its name) while b.txt stays the old one. Returns a.txt's host path and the walk.
  std::pair<std::string, WalkedProfile> WalkThenSaveAnew(const ProfileWalker& walker) {
    const std::string first = temp.WriteFile("home/Documents/a.txt", "old");
    REQUIRE(::link(first.c_str(), Home("Documents/b.txt").c_str()) == 0);
    WalkedProfile walked = Walk(walker);
    const std::string saved = temp.WriteFile("saved.txt", "new content");
    REQUIRE(::rename(saved.c_str(), first.c_str()) == 0);
    return {first, std::move(walked)};
  }

  ~CollectFixture() {
    // A hard-link store is immutable where the privilege allows: only RemoveStore deletes it.
    if (archive::IsProtectedStore(*filesystem, temp.Join("store"))) {
      CHECK(archive::RemoveStore(*filesystem, temp.Join("store")).ok());
    }
  }

  // Collects `walked` into a store of `kind` at TEMP/store and returns its catalog.
  archive::Catalog Collect(const ProfileWalker& walker, const WalkedProfile& walked,
                           bool continue_on_error, CollectionSummary& summary,
                           StoreKind kind = StoreKind::kDirectory) {
    Result<std::unique_ptr<CaptureDestination>> destination = CreateCaptureDestination(
        *filesystem, temp.Join("store"), CaptureDestinationOptions{.kind = kind});
    REQUIRE(destination.ok());
    CaptureErrors errors(continue_on_error, log, progress);
    summary = CollectProfiles(
        {walked}, walker, **destination,
        CollectionSettings{.machine_name = "PC01", .clock = &clock, .link_threads = link_threads},
        errors, progress, log);
    Result<archive::Catalog> catalog =
        archive::ReadDirectoryStoreCatalog(*filesystem, temp.Join("store"));
    REQUIRE_MESSAGE(catalog.ok(), catalog.status().message());
    return std::move(catalog).value();
  }

  const archive::CatalogEntry& Entry(const archive::Catalog& catalog, const std::string& path) {
    for (const archive::CatalogEntry& entry : catalog.entries) {
      if (entry.path == path) return entry;
    }
    FAIL("no entry " << path);
    return catalog.entries.front();
  }

  std::string Stored(const std::string& path) const {
    return tseq::testing::ReadFileForTest(temp.Join("store/USMT/File/home/alice/" + path));
  }
  std::string StoredPath(const std::string& path) const {
    return temp.Join("store/USMT/File/home/alice/" + path);
  }
};

}  // namespace tseq::testing
