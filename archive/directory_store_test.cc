#include "archive/directory_store.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include "archive/archive_test_support.h"
#include "platform/fault_injecting_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq::archive {
namespace {

struct Fixture {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  std::string home = temp.MakeDirectory("home/alice");
  std::string store = temp.Join("store");

  Fixture() {
    temp.WriteFile("home/alice/docs/a.txt", "alpha");
    temp.WriteFile("home/alice/docs/b.bin", testing::SampleContent(300000, 1));
  }

  Result<std::unique_ptr<DirectoryStoreWriter>> Capture(DirectoryStoreKind kind) {
    TSEQ_ASSIGN_OR_RETURN(
        auto writer, DirectoryStoreWriter::Create(*filesystem, store, kind, {{"program", "test"}}));
    TSEQ_RETURN_IF_ERROR(
        writer->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).status());
    TSEQ_RETURN_IF_ERROR(writer->AddEntry(testing::DirectoryEntry("docs")).status());
    for (const char* name : {"docs/a.txt", "docs/b.bin"}) {
      TSEQ_RETURN_IF_ERROR(writer->AddFile(testing::FileEntry(name), home + "/" + name).status());
    }
    return writer;
  }

  FileInfo Info(const std::string& path) {
    return filesystem->Stat(path, SymlinkPolicy::kDoNotFollow).value();
  }
};

TEST_SUITE("directory stores") {
  TEST_CASE("a copy store holds private copies and a catalog with the real metadata") {
    Fixture fixture;
    auto writer = fixture.Capture(DirectoryStoreKind::kCopy);
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Finish().ok());
    const std::string copy = fixture.store + "/USMT/File/home/alice/docs/b.bin";
    CHECK(tseq::testing::ReadFileForTest(copy) == testing::SampleContent(300000, 1));
    CHECK(fixture.Info(copy).mode == 0600);
    CHECK(fixture.Info(copy).inode != fixture.Info(fixture.home + "/docs/b.bin").inode);
    auto catalog = ReadDirectoryStoreCatalog(*fixture.filesystem, fixture.store);
    REQUIRE(catalog.ok());
    REQUIRE(catalog->entries.size() == 3);
    CHECK(catalog->entries[1].size == 5);
    CHECK(catalog->entries[1].mode == 0644);
    CHECK(catalog->properties == Attributes{{"program", "test"}, {"layout", "copy"}});
    CHECK(DirectoryStoreContentPath(fixture.store, *catalog, 2) == copy);
    CHECK_FALSE(IsProtectedStore(*fixture.filesystem, fixture.store));
  }

  TEST_CASE("a hard-link store links the originals and is protected until removed") {
    Fixture fixture;
    auto writer = fixture.Capture(DirectoryStoreKind::kHardLink);
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Finish().ok());
    const std::string original = fixture.home + "/docs/a.txt";
    const std::string link = fixture.store + "/USMT/File/home/alice/docs/a.txt";
    CHECK(fixture.Info(link).inode == fixture.Info(original).inode);
    CHECK(fixture.Info(original).link_count == 2);
    CHECK(IsProtectedStore(*fixture.filesystem, fixture.store));
    const Result<bool> immutable = fixture.filesystem->IsImmutable(fixture.store);
    REQUIRE(immutable.ok());
    if (*immutable) {
      // Where the filesystem has the attribute, even a plain unlink inside the store fails.
      CHECK(fixture.filesystem->Remove(link).code() == StatusCode::kPermissionDenied);
      CHECK_FALSE(fixture.filesystem->IsImmutable(original).value());
    }
    REQUIRE(RemoveStore(*fixture.filesystem, fixture.store).ok());
    CHECK_FALSE(fixture.filesystem->Stat(fixture.store, SymlinkPolicy::kDoNotFollow).ok());
    CHECK(tseq::testing::ReadFileForTest(original) == "alpha");
    CHECK(fixture.Info(original).link_count == 1);
  }

  TEST_CASE("without CAP_LINUX_IMMUTABLE a hard-link store is protected by its marker alone") {
    Fixture fixture;
    FaultInjectingFilesystem not_root(*fixture.filesystem);
    not_root.FailAlways(FilesystemOperation::kSetImmutable,
                        PermissionDeniedError("cannot set the immutable attribute of 'x': "
                                              "Operation not permitted"));
    auto writer =
        DirectoryStoreWriter::Create(not_root, fixture.store, DirectoryStoreKind::kHardLink, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
    REQUIRE(
        (*writer)->AddFile(testing::FileEntry("docs/a.txt"), fixture.home + "/docs/a.txt").ok());
    REQUIRE((*writer)->Finish().ok());
    CHECK(IsProtectedStore(not_root, fixture.store));
    CHECK_FALSE(fixture.filesystem->IsImmutable(fixture.store).value());
  }

  TEST_CASE("removing a store never follows a symlink inside it") {
    Fixture fixture;
    auto writer = fixture.Capture(DirectoryStoreKind::kCopy);
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Finish().ok());
    REQUIRE(
        fixture.filesystem->CreateSymlink(fixture.home, fixture.store + "/USMT/home-link").ok());
    REQUIRE(RemoveStore(*fixture.filesystem, fixture.store).ok());
    CHECK(tseq::testing::ReadFileForTest(fixture.home + "/docs/a.txt") == "alpha");
  }

  TEST_CASE("a folder that is not a store is left alone by RemoveStore") {
    Fixture fixture;
    const Status status = RemoveStore(*fixture.filesystem, fixture.home);
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK(status.message() == "'" + fixture.home +
                                  "' is not a tseq state store (no tseq-protected-store, "
                                  "USMT/catalog.mig, USMT/File or USMT/USMT.MIG); usmtutils /rd "
                                  "removes only stores");
    CHECK(tseq::testing::ReadFileForTest(fixture.home + "/docs/a.txt") == "alpha");
  }

  TEST_CASE("a store that was not finished says it is incomplete; an existing one is kept") {
    Fixture fixture;
    {
      auto writer = fixture.Capture(DirectoryStoreKind::kCopy);
      REQUIRE(writer.ok());
    }
    const auto catalog = ReadDirectoryStoreCatalog(*fixture.filesystem, fixture.store);
    CHECK(catalog.status().code() == StatusCode::kFailedPrecondition);
    CHECK(catalog.status().message() == "the store at '" + fixture.store +
                                            "' is incomplete: its capture did not finish (" +
                                            fixture.store + "/USMT/catalog.mig does not exist)");
    // An interrupted store can still be removed (usmtutils /rd).
    CHECK(RemoveStore(*fixture.filesystem, fixture.store).ok());
    REQUIRE(DirectoryStoreWriter::Create(*fixture.filesystem, fixture.store,
                                         DirectoryStoreKind::kCopy, {})
                .ok());
    const auto again = DirectoryStoreWriter::Create(*fixture.filesystem, fixture.store,
                                                    DirectoryStoreKind::kCopy, {});
    CHECK(again.status().code() == StatusCode::kAlreadyExists);
    CHECK(again.status().message() ==
          "a store already exists at '" + fixture.store + "' (remove it, or overwrite it with /o)");
  }

  TEST_CASE("a symlink is never captured as a file") {
    Fixture fixture;
    REQUIRE(fixture.filesystem->CreateSymlink("/etc/passwd", fixture.home + "/evil").ok());
    for (const DirectoryStoreKind kind :
         {DirectoryStoreKind::kCopy, DirectoryStoreKind::kHardLink}) {
      auto writer = DirectoryStoreWriter::Create(
          *fixture.filesystem, fixture.temp.Join(kind == DirectoryStoreKind::kCopy ? "s1" : "s2"),
          kind, {});
      REQUIRE(writer.ok());
      REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
      const auto added = (*writer)->AddFile(testing::FileEntry("evil"), fixture.home + "/evil");
      CHECK_FALSE(added.ok());
    }
  }

  TEST_CASE("an open file is linked itself, even once its path names another file") {
    Fixture fixture;
    const std::string original = fixture.home + "/docs/a.txt";
    Result<OpenedFile> opened = fixture.filesystem->OpenRegularFile(original);
    REQUIRE(opened.ok());
    const std::string kept = fixture.temp.Join("kept");
    REQUIRE(fixture.filesystem->CreateHardLink(original, kept).ok());
    REQUIRE(fixture.filesystem->WriteFileAtomically(original, "a new file", 0644).ok());
    auto writer = DirectoryStoreWriter::Create(*fixture.filesystem, fixture.store,
                                               DirectoryStoreKind::kHardLink, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\alice", .directory = "home/alice"}).ok());
    CatalogEntry entry = testing::FileEntry("docs/a.txt");
    entry.size = opened->info.size;
    const auto added = (*writer)->AddOpenFile(entry, *opened->file);
    REQUIRE(added.ok());
    CHECK((*writer)->catalog().entries[*added].size == 5);
    REQUIRE((*writer)->Finish().ok());
    const std::string link = fixture.store + "/USMT/File/home/alice/docs/a.txt";
    CHECK(tseq::testing::ReadFileForTest(link) == "alpha");
    CHECK(fixture.Info(link).inode == fixture.Info(kept).inode);
    REQUIRE(RemoveStore(*fixture.filesystem, fixture.store).ok());
  }

  TEST_CASE("a copy store copies an open file from its start") {
    Fixture fixture;
    Result<OpenedFile> opened = fixture.filesystem->OpenRegularFile(fixture.home + "/docs/b.bin");
    REQUIRE(opened.ok());
    auto writer = DirectoryStoreWriter::Create(*fixture.filesystem, fixture.store,
                                               DirectoryStoreKind::kCopy, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\alice", .directory = "home/alice"}).ok());
    const auto added = (*writer)->AddOpenFile(testing::FileEntry("docs/b.bin"), *opened->file);
    REQUIRE(added.ok());
    CHECK((*writer)->catalog().entries[*added].size == 300000);
    CHECK(tseq::testing::ReadFileForTest(fixture.store + "/USMT/File/home/alice/docs/b.bin") ==
          testing::SampleContent(300000, 1));
  }

  TEST_CASE("a failed read of an open file leaves no copy and says what failed") {
    Fixture fixture;
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    auto writer =
        DirectoryStoreWriter::Create(faulty, fixture.store, DirectoryStoreKind::kCopy, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\alice", .directory = "home/alice"}).ok());
    faulty.FailNth(FilesystemOperation::kReadAt, 1, IoError("cannot read: Input/output error"));
    const auto added =
        (*writer)->AddFile(testing::FileEntry("docs/a.txt"), fixture.home + "/docs/a.txt");
    CHECK(added.status().message() == "cannot read: Input/output error");
    CHECK(fixture.filesystem->ListDirectory(fixture.store + "/USMT/File/home/alice/docs")->empty());
  }

  TEST_CASE("each folder of the store is made once, and protecting it lists nothing") {
    Fixture fixture;
    fixture.temp.WriteFile("home/alice/docs/deep/er/c.txt", "c");
    FaultInjectingFilesystem counted(*fixture.filesystem);
    auto writer =
        DirectoryStoreWriter::Create(counted, fixture.store, DirectoryStoreKind::kHardLink, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\alice", .directory = "home/alice"}).ok());
    for (const char* name : {"docs/a.txt", "docs/b.bin", "docs/deep/er/c.txt"}) {
      REQUIRE((*writer)->AddFile(testing::FileEntry(name), fixture.home + "/" + name).ok());
    }
    // USMT/File, then home, home/alice, docs, docs/deep and docs/deep/er below it.
    CHECK(counted.CallCount(FilesystemOperation::kCreateDirectories) == 6);
    CHECK(counted.CallCount(FilesystemOperation::kOpenRegularFile) == 3);
    CHECK(counted.CallCount(FilesystemOperation::kLinkOpenFile) == 3);
    CHECK(counted.CallCount(FilesystemOperation::kStat) == 1);  // is there a store already?
    REQUIRE((*writer)->Finish().ok());
    CHECK(counted.CallCount(FilesystemOperation::kListDirectory) == 0);
    const Result<bool> immutable =
        fixture.filesystem->IsImmutable(fixture.store + "/USMT/File/home/alice/docs/deep/er");
    REQUIRE(immutable.ok());
    CHECK(*immutable == *fixture.filesystem->IsImmutable(fixture.store));
    if (*immutable) {
      // USMT, USMT/File, the 5 folders below it, the marker and the store folder. (Without the
      // privilege, the first refusal ends the protection: the marker alone protects.)
      CHECK(counted.CallCount(FilesystemOperation::kSetImmutable) == 9);
    }
    REQUIRE(RemoveStore(*fixture.filesystem, fixture.store).ok());
  }

  TEST_CASE("hard links across filesystems are refused with both paths named") {
    Fixture fixture;
    // /dev/shm is a separate tmpfs on most Linux systems; the check runs where it is.
    const auto shm = fixture.filesystem->Stat("/dev/shm", SymlinkPolicy::kFollow);
    if (!shm.ok() || shm->device == fixture.Info(fixture.temp.path()).device ||
        access("/dev/shm", W_OK) != 0) {
      MESSAGE("no second filesystem to link across; skipped");
      return;
    }
    const std::string source = "/dev/shm/tseq-directory-store-test-" + std::to_string(getpid());
    REQUIRE(fixture.filesystem->WriteFileAtomically(source, "x", 0644).ok());
    auto writer = DirectoryStoreWriter::Create(*fixture.filesystem, fixture.store,
                                               DirectoryStoreKind::kHardLink, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
    const auto added = (*writer)->AddFile(testing::FileEntry("x"), source);
    (void)fixture.filesystem->Remove(source);
    CHECK(added.status().code() == StatusCode::kFailedPrecondition);
    CHECK(added.status().message() == "cannot link '" + fixture.store +
                                          "/USMT/File/home/alice/x' to '" + source +
                                          "': not on the same filesystem");
  }
}

}  // namespace
}  // namespace tseq::archive
