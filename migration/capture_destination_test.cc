#include "migration/capture_destination.h"

#include <doctest/doctest.h>

#include "archive/directory_store.h"
#include "platform/fault_injecting_filesystem.h"
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

  TEST_CASE("an unfinished compressed store takes away the folders it made, only those") {
    DestinationFixture fixture;
    {
      const std::unique_ptr<CaptureDestination> destination =
          fixture.Create(StoreKind::kCompressed);
    }
    CHECK_FALSE(fixture.Exists("store"));
    fixture.temp.WriteFile("store/USMT/notes.txt", "someone's");
    {
      const std::unique_ptr<CaptureDestination> destination =
          fixture.Create(StoreKind::kCompressed);
    }
    CHECK(fixture.Exists("store/USMT/notes.txt"));
    CHECK_FALSE(fixture.Exists("store/USMT/USMT.MIG.partial"));
  }

  TEST_CASE("an open file is captured up to the size it had once open") {
    for (const StoreKind kind :
         {StoreKind::kCompressed, StoreKind::kDirectory, StoreKind::kHardLink}) {
      CAPTURE(StoreKindName(kind));
      DestinationFixture fixture;
      const std::string source = fixture.temp.WriteFile("store-source/a.txt", "abc");
      Result<OpenedFile> opened = fixture.filesystem->OpenRegularFile(source);
      REQUIRE(opened.ok());
      // The file grows after it was opened (a log being written, say).
      REQUIRE(fixture.filesystem->CreateFile(source, 0644, CreateMode::kTruncate)
                  .value()
                  ->Append("abcdef")
                  .ok());
      std::unique_ptr<CaptureDestination> destination = fixture.Create(kind);
      REQUIRE(destination->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
      const AddedFile added = destination->AddOpenFile(FileEntry("a.txt"), *opened->file, 3);
      REQUIRE_MESSAGE(added.status.ok(), added.status.message());
      CHECK(added.size == 3);
      REQUIRE(destination->Finish().ok());
      if (kind == StoreKind::kHardLink) {
        REQUIRE(archive::RemoveStore(*fixture.filesystem, fixture.temp.Join("store")).ok());
      }
    }
  }

  TEST_CASE("a source that cannot be read is the source's failure in every store") {
    for (const StoreKind kind : {StoreKind::kCompressed, StoreKind::kDirectory}) {
      CAPTURE(StoreKindName(kind));
      DestinationFixture fixture;
      const std::string source = fixture.temp.WriteFile("a.txt", "abc");
      FaultInjectingFilesystem faulty(*fixture.filesystem);
      Result<OpenedFile> opened = faulty.OpenRegularFile(source);
      REQUIRE(opened.ok());
      std::unique_ptr<CaptureDestination> destination = fixture.Create(kind);
      REQUIRE(destination->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
      faulty.FailNth(FilesystemOperation::kReadAt, 1, IoError("cannot read: Input/output error"));
      const AddedFile failed = destination->AddOpenFile(FileEntry("a.txt"), *opened->file, 3);
      CHECK(failed.status.message() == "cannot read: Input/output error");
      CHECK(failed.source_failed);
      const AddedFile added = destination->AddOpenFile(FileEntry("a.txt"), *opened->file, 3);
      REQUIRE(added.status.ok());
      CHECK(destination->Finish().ok());
    }
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
