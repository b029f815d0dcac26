#include "migration/scanstate_collect.h"

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "archive/directory_store.h"
#include "migration/scanstate_collect_test_support.h"
#include "platform/clock.h"
#include "platform/file_metadata.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using testing::CollectFixture;

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

TEST_SUITE("CollectProfiles") {
  TEST_CASE("a hard link whose first name names another file since the walk keeps its content") {
    CollectFixture fixture;
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const auto [first, walked] = fixture.WalkThenSaveAnew(walker);
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

// Runs the test case twice: files linked by the collector itself, and ahead of it (LinkAhead).
size_t LinkThreadsSubcase() {
  size_t threads = 0;
  SUBCASE("each file linked by the collector") { threads = 0; }
  SUBCASE("files linked ahead on two threads") { threads = 2; }
  return threads;
}

TEST_SUITE("CollectProfiles into a hard-link store") {
  uint64_t InodeOf(const std::string& path) {
    struct stat status {};
    REQUIRE(::lstat(path.c_str(), &status) == 0);
    return static_cast<uint64_t>(status.st_ino);
  }

  TEST_CASE("files are linked by their paths, with the metadata a copy store records") {
    CollectFixture fixture;
    fixture.link_threads = LinkThreadsSubcase();
    const std::string path = fixture.temp.WriteFile("home/Documents/a.txt", "content");
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    const bool has_attribute = ::setxattr(path.c_str(), "user.comment", "hi", 2, 0) == 0;
    acl_t acl = acl_from_text("user::rw-,user:0:r--,group::r--,mask::r--,other::---");
    REQUIRE(acl != nullptr);
    const bool has_acl = acl_set_file(path.c_str(), ACL_TYPE_ACCESS, acl) == 0;
    acl_free(acl);
    fixture.temp.WriteFile("home/Documents/plain.txt", "plain");
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    CollectionSummary copied_summary;
    const archive::Catalog copied =
        fixture.Collect(walker, fixture.Walk(walker), false, copied_summary);
    REQUIRE(archive::RemoveStore(*fixture.filesystem, fixture.temp.Join("store")).ok());
    CollectionSummary summary;
    const archive::Catalog linked =
        fixture.Collect(walker, fixture.Walk(walker), false, summary, StoreKind::kHardLink);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == 2);
    CHECK(summary.bytes == 12);
    for (const std::string name : {"Documents/a.txt", "Documents/plain.txt"}) {
      CAPTURE(name);
      const archive::CatalogEntry& expected = fixture.Entry(copied, name);
      const archive::CatalogEntry& entry = fixture.Entry(linked, name);
      CHECK(entry.type == archive::EntryType::kFile);
      CHECK(entry.size == expected.size);
      CHECK(entry.mode == expected.mode);
      CHECK(entry.uid == expected.uid);
      CHECK(entry.mtime_seconds == expected.mtime_seconds);
      CHECK(entry.mtime_nanoseconds == expected.mtime_nanoseconds);
      CHECK(entry.extended_attributes == expected.extended_attributes);
      CHECK(entry.access_acl == expected.access_acl);
      CHECK(InodeOf(fixture.StoredPath(name)) == InodeOf(fixture.Home(name)));
    }
    const archive::CatalogEntry& entry = fixture.Entry(linked, "Documents/a.txt");
    CHECK(entry.mode == 0640);
    if (has_attribute) CHECK(entry.extended_attributes.size() == 1);
    if (has_acl) CHECK(entry.access_acl == "user::rw-,user:0:r--,group::r--,mask::r--,other::---");
    CHECK(fixture.Entry(linked, "Documents/plain.txt").access_acl.empty());
  }

  TEST_CASE("a file replaced since the walk is linked as it is now, and breaks its hard links") {
    CollectFixture fixture;
    fixture.link_threads = LinkThreadsSubcase();
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const auto [first, walked] = fixture.WalkThenSaveAnew(walker);
    CollectionSummary summary;
    const archive::Catalog catalog =
        fixture.Collect(walker, walked, false, summary, StoreKind::kHardLink);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == 2);
    CHECK(fixture.Entry(catalog, "Documents/a.txt").size == 11);
    CHECK(fixture.Entry(catalog, "Documents/b.txt").type == archive::EntryType::kFile);
    CHECK(fixture.Entry(catalog, "Documents/b.txt").size == 3);
    CHECK(fixture.Stored("Documents/a.txt") == "new content");
    CHECK(fixture.Stored("Documents/b.txt") == "old");
    CHECK(InodeOf(fixture.StoredPath("Documents/a.txt")) == InodeOf(first));
  }

  TEST_CASE("a folder swapped for a symlink to outside the home brings nothing from there") {
    CollectFixture fixture;
    fixture.link_threads = LinkThreadsSubcase();
    const std::string path = fixture.temp.WriteFile("home/Documents/secret.txt", "mine");
    const std::string outside = fixture.temp.WriteFile("outside/secret.txt", "not the user's");
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    REQUIRE(::rename(fixture.Home("Documents").c_str(), fixture.temp.Join("moved").c_str()) == 0);
    REQUIRE(::symlink(fixture.temp.Join("outside").c_str(), fixture.Home("Documents").c_str()) ==
            0);
    CollectionSummary summary;
    const archive::Catalog catalog =
        fixture.Collect(walker, walked, true, summary, StoreKind::kHardLink);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == 0);
    for (const archive::CatalogEntry& entry : catalog.entries) {
      CHECK(entry.path != "Documents/secret.txt");
    }
    CHECK_FALSE(fixture.filesystem
                    ->Stat(fixture.StoredPath("Documents/secret.txt"), SymlinkPolicy::kDoNotFollow)
                    .ok());
    struct stat status {};
    REQUIRE(::lstat(outside.c_str(), &status) == 0);
    CHECK(status.st_nlink == 1);  // linked nowhere
    CHECK(fixture.echo.str().find("cannot examine '" + path + "': '" + fixture.Home("Documents") +
                                  "' is a symlink (skipped because of /c)") != std::string::npos);
  }

  TEST_CASE("a file gone since the walk is reported as an open reports it") {
    CollectFixture fixture;
    fixture.link_threads = LinkThreadsSubcase();
    const std::string path = fixture.temp.WriteFile("home/Documents/a.txt", "content");
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    REQUIRE(::unlink(path.c_str()) == 0);
    CollectionSummary summary;
    fixture.Collect(walker, walked, true, summary, StoreKind::kHardLink);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == 0);
    CHECK(fixture.echo.str().find("cannot open '" + path +
                                  "': No such file or directory (skipped because of /c)") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace tseq
