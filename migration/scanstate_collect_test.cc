#include "migration/scanstate_collect.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <unistd.h>

#include "archive/directory_store.h"
#include "platform/clock.h"
#include "platform/file_metadata.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

// The real reader, but reading the open file at `failing` fails (it cannot be examined).
class FailingOpenFileReader : public MetadataReader {
 public:
  explicit FailingOpenFileReader(std::string failing) : failing_(std::move(failing)) {}
  Result<FileMetadata> Read(const std::string& path) const override { return real_->Read(path); }
  Result<FileMetadata> ReadOpenFile(const ReadableFile& file, const FileInfo& info) const override {
    if (file.path() == failing_) {
      return IoError("cannot read the metadata of '" + failing_ + "': Input/output error");
    }
    return real_->ReadOpenFile(file, info);
  }

 private:
  std::string failing_;
  std::unique_ptr<MetadataReader> real_ = NewPosixMetadataReader();
};

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

  // Collects `walked` into a copy store at TEMP/store and returns its catalog.
  archive::Catalog Collect(const ProfileWalker& walker, const WalkedProfile& walked,
                           bool continue_on_error, CollectionSummary& summary) {
    Result<std::unique_ptr<CaptureDestination>> destination = CreateCaptureDestination(
        *filesystem, temp.Join("store"), CaptureDestinationOptions{.kind = StoreKind::kDirectory});
    REQUIRE(destination.ok());
    CaptureErrors errors(continue_on_error, log, progress);
    summary = CollectProfiles({walked}, walker, **destination,
                              CollectionSettings{.machine_name = "PC01", .clock = &clock}, errors,
                              progress, log);
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
};

TEST_SUITE("CollectProfiles") {
  TEST_CASE("a hard link whose first name names another file since the walk keeps its content") {
    CollectFixture fixture;
    const std::string first = fixture.temp.WriteFile("home/Documents/a.txt", "old");
    REQUIRE(::link(first.c_str(), fixture.Home("Documents/b.txt").c_str()) == 0);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    // Saved anew by a program: a.txt is another file, b.txt still the old one.
    const std::string saved = fixture.temp.WriteFile("saved.txt", "new content");
    REQUIRE(::rename(saved.c_str(), first.c_str()) == 0);
    CollectionSummary summary;
    const archive::Catalog catalog = fixture.Collect(walker, walked, false, summary);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == 2);
    CHECK(fixture.Entry(catalog, "Documents/a.txt").type == archive::EntryType::kFile);
    CHECK(fixture.Entry(catalog, "Documents/a.txt").size == 11);
    CHECK(fixture.Entry(catalog, "Documents/b.txt").type == archive::EntryType::kFile);
    CHECK(fixture.Stored("Documents/a.txt") == "new content");
    CHECK(fixture.Stored("Documents/b.txt") == "old");
  }

  TEST_CASE("a file that cannot be examined is skipped under /c; its later name is stored") {
    CollectFixture fixture;
    const std::string first = fixture.temp.WriteFile("home/Documents/a.txt", "content");
    REQUIRE(::link(first.c_str(), fixture.Home("Documents/b.txt").c_str()) == 0);
    const FailingOpenFileReader reader(first);
    const ProfileWalker walker(*fixture.filesystem, reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    CollectionSummary summary;
    const archive::Catalog catalog = fixture.Collect(walker, walked, true, summary);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == 1);
    CHECK(fixture.Entry(catalog, "Documents/b.txt").type == archive::EntryType::kFile);
    CHECK(fixture.Stored("Documents/b.txt") == "content");
    CHECK(fixture.echo.str().find("cannot read the metadata of '" + first +
                                  "': Input/output error (skipped because of /c)") !=
          std::string::npos);
  }

  TEST_CASE("without /c a file that cannot be examined stops the capture with 61") {
    CollectFixture fixture;
    const std::string path = fixture.temp.WriteFile("home/Documents/a.txt", "content");
    const FailingOpenFileReader reader(path);
    const ProfileWalker walker(*fixture.filesystem, reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    CaptureDestinationOptions options;
    options.writer.encryption = archive::Encryption::kNone;
    options.writer.threads = 1;
    Result<std::unique_ptr<CaptureDestination>> destination =
        CreateCaptureDestination(*fixture.filesystem, fixture.temp.Join("store"), options);
    REQUIRE_MESSAGE(destination.ok(), destination.status().message());
    CaptureErrors errors(false, fixture.log, fixture.progress);
    const CollectionSummary summary =
        CollectProfiles({walked}, walker, **destination,
                        CollectionSettings{.machine_name = "PC01", .clock = &fixture.clock}, errors,
                        fixture.progress, fixture.log);
    CHECK(summary.code == UsmtReturnCode::kMigrationStoppedNonFatal);
    CHECK(summary.message ==
          "processing stopped due to an I/O error: cannot read the metadata "
          "of '" +
              path + "': Input/output error (give /c to skip such errors)");
    // Dropping the unfinished destination leaves no store at all.
    destination->reset();
    CHECK_FALSE(
        fixture.filesystem->Stat(fixture.temp.Join("store"), SymlinkPolicy::kDoNotFollow).ok());
  }
}

}  // namespace
}  // namespace tseq
