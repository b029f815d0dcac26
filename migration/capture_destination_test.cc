#include "migration/capture_destination.h"

#include <doctest/doctest.h>

#include "archive/directory_store.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

struct DestinationFixture {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();

  std::unique_ptr<CaptureDestination> Create(StoreKind kind) {
    CaptureDestinationOptions options;
    options.kind = kind;
    options.writer.encryption = archive::Encryption::kNone;
    options.writer.threads = 1;
    Result<std::unique_ptr<CaptureDestination>> destination =
        CreateCaptureDestination(*filesystem, temp.Join("store"), options);
    REQUIRE_MESSAGE(destination.ok(), destination.status().message());
    return std::move(destination).value();
  }
  bool Exists(const std::string& relative) const {
    return filesystem->Stat(temp.Join(relative), SymlinkPolicy::kDoNotFollow).ok();
  }
};

archive::CatalogEntry FileEntry(const std::string& path) {
  archive::CatalogEntry entry;
  entry.path = path;
  entry.mode = 0644;
  return entry;
}

TEST_SUITE("CaptureDestination") {
  TEST_CASE("a missing source is the source's failure, and the store goes on") {
    for (const StoreKind kind : {StoreKind::kCompressed, StoreKind::kDirectory}) {
      CAPTURE(StoreKindName(kind));
      DestinationFixture fixture;
      const std::string source = fixture.temp.WriteFile("a.txt", "abc");
      std::unique_ptr<CaptureDestination> destination = fixture.Create(kind);
      REQUIRE(destination->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
      const AddedFile missing =
          destination->AddFile(FileEntry("gone.txt"), fixture.temp.Join("gone.txt"));
      CHECK_FALSE(missing.status.ok());
      CHECK(missing.source_failed);
      const AddedFile added = destination->AddFile(FileEntry("a.txt"), source);
      REQUIRE(added.status.ok());
      CHECK(added.size == 3);
      CHECK(destination->Finish().ok());
    }
  }

  TEST_CASE("an unfinished compressed store leaves no file behind") {
    DestinationFixture fixture;
    {
      std::unique_ptr<CaptureDestination> destination = fixture.Create(StoreKind::kCompressed);
      CHECK(fixture.Exists("store/USMT/USMT.MIG.partial"));
    }
    CHECK_FALSE(fixture.Exists("store/USMT/USMT.MIG.partial"));
    CHECK_FALSE(fixture.Exists("store/USMT/USMT.MIG"));
  }

  TEST_CASE("an existing store is found, and /o removes only its USMT folder") {
    DestinationFixture fixture;
    CHECK_FALSE(FindExistingStore(*fixture.filesystem, fixture.temp.Join("store")).exists);
    fixture.temp.WriteFile("store/USMT/USMT.MIG", "old");
    fixture.temp.WriteFile("store/readme.txt", "keep me");
    const ExistingStore existing =
        FindExistingStore(*fixture.filesystem, fixture.temp.Join("store"));
    CHECK(existing.exists);
    CHECK_FALSE(existing.is_protected);
    REQUIRE(RemoveStoreContents(*fixture.filesystem, fixture.temp.Join("store")).ok());
    CHECK_FALSE(fixture.Exists("store/USMT"));
    CHECK(fixture.Exists("store/readme.txt"));
  }

  TEST_CASE("a hard-link store is found protected") {
    DestinationFixture fixture;
    const std::string source = fixture.temp.WriteFile("store-source/a.txt", "abc");
    std::unique_ptr<CaptureDestination> destination = fixture.Create(StoreKind::kHardLink);
    REQUIRE(destination->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
    REQUIRE(destination->AddFile(FileEntry("a.txt"), source).status.ok());
    REQUIRE(destination->Finish().ok());
    CHECK(FindExistingStore(*fixture.filesystem, fixture.temp.Join("store")).is_protected);
    REQUIRE(archive::RemoveStore(*fixture.filesystem, fixture.temp.Join("store")).ok());
  }
}

}  // namespace
}  // namespace tseq
