#include "migration/capture_link_ahead.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migration/scanstate_collect_test_support.h"

namespace tseq {
namespace {

using testing::CollectFixture;

struct LinkStatus {
  uint64_t inode = 0;
  uint64_t links = 0;
};

LinkStatus StatusOf(const std::string& path) {
  struct stat status {};
  REQUIRE(::lstat(path.c_str(), &status) == 0);
  return {static_cast<uint64_t>(status.st_ino), static_cast<uint64_t>(status.st_nlink)};
}

// Documents/folder-F/file-N.txt for F < folders, N < files_per_folder: more files than LinkAhead's
// window and chunks hold, in several folders. Returns their paths relative to the home, in walk
// order.
std::vector<std::string> WriteManyFiles(CollectFixture& fixture, int folders,
                                        int files_per_folder) {
  std::vector<std::string> paths;
  for (int folder = 0; folder < folders; ++folder) {
    for (int file = 0; file < files_per_folder; ++file) {
      char name[64];
      std::snprintf(name, sizeof(name), "Documents/folder-%02d/file-%04d.txt", folder, file);
      fixture.temp.WriteFile("home/" + std::string(name), name);
      paths.emplace_back(name);
    }
  }
  return paths;
}

TEST_SUITE("LinkAhead") {
  TEST_CASE("only regular files that are not later names of one walked are linked ahead") {
    CaptureItem item;
    item.entry.type = archive::EntryType::kFile;
    CHECK(LinkAhead::Links(item));
    item.hard_link_of = 0;
    CHECK_FALSE(LinkAhead::Links(item));
    item.hard_link_of.reset();
    item.entry.type = archive::EntryType::kDirectory;
    CHECK_FALSE(LinkAhead::Links(item));
  }

  TEST_CASE("files linked ahead are recorded in walk order, each the file walked") {
    CollectFixture fixture;
    const std::vector<std::string> paths = WriteManyFiles(fixture, 5, 500);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    fixture.link_threads = 3;
    CollectionSummary summary;
    const archive::Catalog catalog =
        fixture.Collect(walker, walked, false, summary, StoreKind::kHardLink);
    REQUIRE_MESSAGE(summary.code == UsmtReturnCode::kSuccess, summary.message);
    CHECK(summary.files == paths.size());
    REQUIRE(catalog.entries.size() == walked.walk.items.size());
    for (size_t index = 0; index < catalog.entries.size(); ++index) {
      CHECK(catalog.entries[index].path == walked.walk.items[index].entry.path);
    }
    std::vector<std::string> files;
    for (const archive::CatalogEntry& entry : catalog.entries) {
      if (entry.type == archive::EntryType::kFile) files.push_back(entry.path);
    }
    CHECK(files == paths);
    for (const std::string& path : paths) {
      CAPTURE(path);
      CHECK(StatusOf(fixture.StoredPath(path)).inode == StatusOf(fixture.Home(path)).inode);
      CHECK(fixture.Entry(catalog, path).size == path.size());
    }
  }

  TEST_CASE("without workers each file is linked when it is taken") {
    CollectFixture fixture;
    const std::vector<std::string> paths = WriteManyFiles(fixture, 1, 3);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    Result<std::unique_ptr<CaptureDestination>> destination =
        CreateCaptureDestination(*fixture.filesystem, fixture.temp.Join("store"),
                                 CaptureDestinationOptions{.kind = StoreKind::kHardLink});
    REQUIRE_MESSAGE(destination.ok(), destination.status().message());
    const Result<uint32_t> root =
        (*destination)->AddRoot({.name = "PC01\\alice", .directory = "home/alice"});
    REQUIRE(root.ok());
    LinkAhead link_ahead(walked.walk.items, *root, **destination, walker, 0);
    size_t taken = 0;
    for (size_t index = 0; index < walked.walk.items.size(); ++index) {
      if (!LinkAhead::Links(walked.walk.items[index])) continue;
      const std::string& path = paths[taken++];
      CAPTURE(path);
      // Nothing is linked before it is taken.
      CHECK(StatusOf(fixture.Home(path)).links == 1);
      const LinkedFile linked = link_ahead.Take(index);
      REQUIRE(linked.link.ok());
      CHECK(*linked.link == fixture.StoredPath(path));
      REQUIRE(linked.description.ok());
      REQUIRE(linked.description->has_value());
      CHECK((*linked.description)->path == path);
      CHECK(StatusOf(fixture.Home(path)).links == 2);
    }
    CHECK(taken == paths.size());
  }

  TEST_CASE("a capture that stops early removes the links made ahead of it") {
    CollectFixture fixture;
    const std::vector<std::string> paths = WriteManyFiles(fixture, 2, 600);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const ProfileWalker walker(*fixture.filesystem, *reader, fixture.accounts,
                               {.defer_file_metadata = true}, fixture.log);
    const WalkedProfile walked = fixture.Walk(walker);
    // The first file goes after the walk: without /c the capture stops there, while the
    // workers have linked the files after it.
    REQUIRE(::unlink(fixture.Home(paths.front()).c_str()) == 0);
    fixture.link_threads = 2;
    Result<std::unique_ptr<CaptureDestination>> destination =
        CreateCaptureDestination(*fixture.filesystem, fixture.temp.Join("store"),
                                 CaptureDestinationOptions{.kind = StoreKind::kHardLink});
    REQUIRE_MESSAGE(destination.ok(), destination.status().message());
    CaptureErrors errors(false, fixture.log, fixture.progress);
    const CollectionSummary summary = CollectProfiles(
        {walked}, walker, **destination,
        CollectionSettings{.machine_name = "PC01", .clock = &fixture.clock, .link_threads = 2},
        errors, fixture.progress, fixture.log);
    CHECK(summary.code == UsmtReturnCode::kMigrationStoppedNonFatal);
    CHECK(summary.message == "processing stopped due to an I/O error: cannot open '" +
                                 fixture.Home(paths.front()) +
                                 "': No such file or directory (give /c to skip such errors)");
    for (size_t index = 1; index < paths.size(); ++index) {
      CAPTURE(paths[index]);
      CHECK(StatusOf(fixture.Home(paths[index])).links == 1);
    }
  }
}

}  // namespace
}  // namespace tseq
