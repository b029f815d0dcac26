// usmtutils /extract through RunUsmtUtils: selection, metadata, links, conflicts, salvage and
// the refusal to write through symlinks.
#include <doctest/doctest.h>

#include "archive/directory_store.h"
#include "migration/migration_test_support.h"
#include "migration/profile_record.h"
#include "migration/store_extraction.h"
#include "platform/fault_injecting_filesystem.h"
#include "platform/fault_injecting_rooted_directory.h"

namespace tseq {
namespace {

using migration_testing::Directory;
using migration_testing::File;
using migration_testing::Fixture;
using migration_testing::HardLink;
using migration_testing::RunResult;
using migration_testing::Symlink;

using tseq::testing::ReadFileForTest;

std::vector<std::string> Extract(const std::string& store, const std::string& destination,
                                 std::vector<std::string> more = {}) {
  std::vector<std::string> arguments = {"/extract", store, destination};
  arguments.insert(arguments.end(), more.begin(), more.end());
  return arguments;
}

int64_t ModifiedSeconds(const FileInfo& info) {
  return std::chrono::duration_cast<std::chrono::seconds>(info.modified.time_since_epoch()).count();
}

TEST_SUITE("usmtutils /extract") {
  TEST_CASE("extracts every entry as DEST/NAME with its mode and time") {
    Fixture fixture;
    const std::string store =
        fixture.WriteStore("store",
                           {Directory("docs", 0750), File("docs/a.txt", "alpha", 0640),
                            File("docs/run.sh", "#!/bin/sh\n", 06755), File("docs/empty", ""),
                            Symlink("docs/link", "../elsewhere")},
                           "");
    const std::string out = fixture.temp.Join("out");
    const RunResult result = fixture.Run(Extract(store, out));
    CHECK(result.code == 0);
    CHECK(result.error == "");
    CHECK(result.out == "Extracted:          5\nNot extracted:      0\nNot selected:       0\n");
    const std::string docs = out + "/home/alice/docs";
    CHECK(ReadFileForTest(docs + "/a.txt") == "alpha");
    CHECK(ReadFileForTest(docs + "/empty") == "");
    CHECK(fixture.Info(docs + "/a.txt").mode == 0640);
    // Set-ID bits are dropped: the extracting user owns the file.
    CHECK(fixture.Info(docs + "/run.sh").mode == 0755);
    CHECK(fixture.Info(docs).mode == 0750);
    CHECK(fixture.Info(out + "/home").mode == 0700);
    CHECK(ModifiedSeconds(fixture.Info(docs + "/a.txt")) == 1780000000);
    CHECK(ModifiedSeconds(fixture.Info(docs)) == 1780000000);
    CHECK(fixture.Info(docs + "/link").type == FileType::kSymlink);
    CHECK(*fixture.filesystem->ReadSymlink(docs + "/link") == "../elsewhere");
    CHECK(ModifiedSeconds(fixture.Info(docs + "/link")) == 1780000000);
    // No temporary files are left behind.
    CHECK(*fixture.filesystem->ListDirectory(docs) ==
          std::vector<std::string>{"a.txt", "empty", "link", "run.sh"});
  }

  TEST_CASE("/i and /e select by base name or by NAME; include wins over exclude") {
    Fixture fixture;
    const std::string store = fixture.WriteStore(
        "store",
        {Directory("docs"), File("docs/myProject.exe", "1"), File("docs/tool.exe", "2"),
         File("docs/notes.TXT", "3"), File("music/song.mp3", "4")},
        "");
    struct Case {
      std::vector<std::string> options;
      std::vector<std::string> present;
    };
    const std::vector<Case> cases = {
        {{"/e:*.exe"}, {"docs/notes.TXT", "music/song.mp3"}},
        {{"/i:*.txt;*.mp3"}, {"docs/notes.TXT", "music/song.mp3"}},
        {{"/i:myProject.*", "/e:*.exe"}, {"docs/myProject.exe"}},
        {{"/i:home/alice/music/*"}, {"music/song.mp3"}},
        {{"/e:home/*/docs/*,*.mp3"}, {}},
    };
    int run = 0;
    for (const Case& test : cases) {
      CAPTURE(test.options[0]);
      const std::string out = fixture.temp.Join("out" + std::to_string(++run));
      REQUIRE(fixture.Run(Extract(store, out, test.options)).code == 0);
      for (const char* name :
           {"docs/myProject.exe", "docs/tool.exe", "docs/notes.TXT", "music/song.mp3"}) {
        CAPTURE(name);
        const bool wanted =
            std::find(test.present.begin(), test.present.end(), name) != test.present.end();
        CHECK(fixture.Exists(out + "/home/alice/" + name) == wanted);
      }
    }
  }

  TEST_CASE("existing files are kept without /o (exit 41) and replaced with it") {
    Fixture fixture;
    const std::string store =
        fixture.WriteStore("store", {File("a.txt", "new a"), File("b.txt", "new b")}, "");
    const std::string out = fixture.temp.Join("out");
    fixture.temp.WriteFile("out/home/alice/a.txt", "old a");
    RunResult result = fixture.Run(Extract(store, out));
    CHECK(result.code == 41);
    CHECK(result.error == "usmtutils: not extracted: home/alice/a.txt: '" + out +
                              "/home/alice/a.txt' exists (give /o to replace it)\n");
    CHECK(result.out == "Extracted:          1\nNot extracted:      1\nNot selected:       0\n");
    CHECK(ReadFileForTest(out + "/home/alice/a.txt") == "old a");
    CHECK(ReadFileForTest(out + "/home/alice/b.txt") == "new b");
    result = fixture.Run(Extract(store, out, {"/o"}));
    CHECK(result.code == 0);
    CHECK(ReadFileForTest(out + "/home/alice/a.txt") == "new a");
  }

  TEST_CASE("a hostile store cannot write through a symlink it planted, or one in DEST") {
    Fixture fixture;
    const std::string outside = fixture.temp.MakeDirectory("outside");
    const std::string store = fixture.WriteStore(
        "store", {Symlink("a", outside), File("a/passwd", "pwned"), File("ok.txt", "fine")}, "");
    const std::string out = fixture.temp.Join("out");
    for (const std::vector<std::string>& more : std::vector<std::vector<std::string>>{{}, {"/o"}}) {
      const RunResult result = fixture.Run(Extract(store, out, more));
      CHECK(result.code == 41);
      CHECK(result.error.find("usmtutils: not extracted: home/alice/a/passwd: cannot create the "
                              "folder '" +
                              out + "/home/alice/a': '" + out + "/home/alice/a' is a symlink\n") !=
            std::string::npos);
      CHECK_FALSE(fixture.Exists(outside + "/passwd"));
      CHECK(ReadFileForTest(out + "/home/alice/ok.txt") == "fine");
    }
    // A symlink already in DEST where the store has a folder.
    const std::string store2 = fixture.WriteStore("store2", {File("docs/x", "x")}, "");
    const std::string out2 = fixture.temp.MakeDirectory("out2/home/alice");
    REQUIRE(fixture.filesystem->CreateSymlink(outside, out2 + "/docs").ok());
    CHECK(fixture.Run(Extract(store2, fixture.temp.Join("out2"), {"/o"})).code == 41);
    CHECK_FALSE(fixture.Exists(outside + "/x"));
    CHECK(fixture.Info(out2 + "/docs").type == FileType::kSymlink);
  }

  TEST_CASE("hard links are extracted as links, or as copies when their file is not") {
    Fixture fixture;
    const std::string store = fixture.WriteStore(
        "store", {File("a.txt", "shared"), HardLink("b.txt", 0), File("c.txt", "c")}, "");
    const std::string out = fixture.temp.Join("out");
    REQUIRE(fixture.Run(Extract(store, out)).code == 0);
    CHECK(fixture.Info(out + "/home/alice/a.txt").inode ==
          fixture.Info(out + "/home/alice/b.txt").inode);
    CHECK(fixture.Info(out + "/home/alice/a.txt").link_count == 2);
    const std::string only_link = fixture.temp.Join("only-link");
    REQUIRE(fixture.Run(Extract(store, only_link, {"/i:b.txt"})).code == 0);
    CHECK(ReadFileForTest(only_link + "/home/alice/b.txt") == "shared");
    CHECK_FALSE(fixture.Exists(only_link + "/home/alice/a.txt"));
  }

  TEST_CASE("salvage: files in a corrupted block are skipped and reported, the others extracted") {
    Fixture fixture;
    const std::string big = archive::testing::SampleContent(2 * archive::kMinimumBlockSize, 9);
    archive::StoreWriterOptions options = archive::testing::FastOptions();
    options.compression = archive::Compression::kNone;
    const std::string store =
        fixture.WriteStore("store", {File("first.bin", big), File("last.txt", "last")},
                           migration_testing::kTestKey, options);
    const std::string path = store + "/USMT/USMT.MIG";
    std::string bytes = ReadFileForTest(path);
    const size_t offset = archive::kHeaderSize + 300;  // block 0: first.bin only
    REQUIRE(offset < bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x04);
    std::FILE* file = std::fopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
    const std::string out = fixture.temp.Join("out");
    const RunResult result = fixture.Run(
        Extract(store, out, {"/decrypt", "/key:" + std::string(migration_testing::kTestKey)}));
    CHECK(result.code == 42);
    CHECK(result.error.starts_with("usmtutils: not extracted: home/alice/first.bin: " + path +
                                   ": block 0 at offset 128 failed authentication"));
    CHECK(ReadFileForTest(out + "/home/alice/last.txt") == "last");
    // Never a partial or unauthenticated file, nor a temporary one.
    CHECK(*fixture.filesystem->ListDirectory(out + "/home/alice") ==
          std::vector<std::string>{"last.txt"});
  }

  TEST_CASE("a wrong key exits 37 before anything is written") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", {File("a.txt", "a")});
    const std::string out = fixture.temp.Join("out");
    const RunResult result = fixture.Run(Extract(store, out, {"/decrypt", "/key:nope"}));
    CHECK(result.code == 37);
    CHECK_FALSE(fixture.Exists(out));
  }

  TEST_CASE("a destination that is a file exits 41") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", {File("a.txt", "a")}, "");
    const std::string out = fixture.temp.WriteFile("out", "not a folder");
    const RunResult result = fixture.Run(Extract(store, out));
    CHECK(result.code == 41);
    CHECK(result.error == "usmtutils: cannot extract to '" + out + "': the destination '" + out +
                              "' is not a folder\n");
  }

  TEST_CASE("a failure to write the output stops the run with 61 and leaves no partial file") {
    Fixture fixture;
    const std::string store =
        fixture.WriteStore("store", {File("a.txt", "alpha"), File("b.txt", "bravo")}, "");
    const std::string out = fixture.temp.Join("out");
    // The destination's real handle outlives the run; the run owns the one wrapping it.
    std::unique_ptr<RootedDirectory> real;
    fixture.open_destination =
        [&](const std::string& path) -> Result<std::unique_ptr<RootedDirectory>> {
      TSEQ_ASSIGN_OR_RETURN(
          real, OpenRootedDirectory(path, PathResolution::kAutomatic, FolderSync::kDeferred));
      auto faulty = std::make_unique<FaultInjectingRootedDirectory>(*real);
      faulty->FailAlways(RootedOperation::kAppend,
                         IoError("cannot write: No space left on device"));
      return std::unique_ptr<RootedDirectory>(std::move(faulty));
    };
    const RunResult result = fixture.Run(Extract(store, out));
    CHECK(result.code == 61);
    CHECK(result.error ==
          "usmtutils: not extracted: home/alice/a.txt: cannot write: No space left on device\n"
          "usmtutils: extraction stopped after the error above\n");
    CHECK(fixture.filesystem->ListDirectory(out + "/home/alice")->empty());
  }

  TEST_CASE("a directory store is extracted from its content files") {
    Fixture fixture;
    fixture.temp.WriteFile("home/alice/docs/a.txt", "alpha");
    const std::string store = fixture.temp.Join("dirstore");
    auto writer = archive::DirectoryStoreWriter::Create(*fixture.filesystem, store,
                                                        archive::DirectoryStoreKind::kCopy, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
    REQUIRE((*writer)->AddEntry(archive::testing::DirectoryEntry("docs")).ok());
    REQUIRE((*writer)
                ->AddFile(archive::testing::FileEntry("docs/a.txt", 0604),
                          fixture.temp.Join("home/alice/docs/a.txt"))
                .ok());
    REQUIRE((*writer)->Finish().ok());
    const std::string out = fixture.temp.Join("out");
    RunResult result = fixture.Run(Extract(store, out));
    CHECK(result.code == 0);
    CHECK(ReadFileForTest(out + "/home/alice/docs/a.txt") == "alpha");
    CHECK(fixture.Info(out + "/home/alice/docs/a.txt").mode == 0604);

    const std::string content = store + "/USMT/File/home/alice/docs/a.txt";
    REQUIRE(fixture.filesystem->Remove(content).ok());
    result = fixture.Run(Extract(store, fixture.temp.Join("out2")));
    CHECK(result.code == 42);
    CHECK(result.error == "usmtutils: not extracted: home/alice/docs/a.txt: " + content +
                              ": missing from the store\n");
    CHECK(fixture.Info(fixture.temp.Join("out2/home/alice/docs")).type == FileType::kDirectory);
  }
}

TEST_SUITE("usmtutils /extract of a profile") {
  TEST_CASE("the home folder it creates gets the mode and time the capture recorded") {
    Fixture fixture;
    fixture.temp.WriteFile("source/a.txt", "alpha");
    Profile profile;
    profile.name = "PC01\\alice";
    profile.domain = "PC01";
    profile.user = "alice";
    profile.home = "/home/alice";
    profile.local = true;
    profile.home_mode = 0750;
    profile.home_modified =
        std::chrono::system_clock::time_point(std::chrono::seconds(1780000000)) +
        std::chrono::nanoseconds(123456789);
    const std::string store = fixture.temp.Join("dirstore");
    auto writer = archive::DirectoryStoreWriter::Create(*fixture.filesystem, store,
                                                        archive::DirectoryStoreKind::kCopy, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot(ProfileToCatalogRoot(profile, "PC01")).ok());
    REQUIRE(
        (*writer)
            ->AddFile(archive::testing::FileEntry("a.txt", 0604), fixture.temp.Join("source/a.txt"))
            .ok());
    REQUIRE((*writer)->Finish().ok());
    const std::string out = fixture.temp.Join("out");
    const RunResult result = fixture.Run(Extract(store, out));
    CHECK(result.code == 0);
    CHECK(ReadFileForTest(out + "/home/alice/a.txt") == "alpha");
    const FileInfo home = fixture.Info(out + "/home/alice");
    CHECK(home.mode == 0750);
    CHECK(home.modified == *profile.home_modified);
    CHECK(fixture.Info(out + "/home").mode == 0700);  // not the profile's: left as created
  }
}

TEST_SUITE("extraction patterns") {
  TEST_CASE("SplitPatterns splits at commas and semicolons and drops empty ones") {
    CHECK(SplitPatterns({"*.txt, *.pdf", "a;;b", ""}) ==
          std::vector<std::string>{"*.txt", "*.pdf", "a", "b"});
  }

  TEST_CASE("a pattern without a slash matches the base name, ignoring case") {
    CHECK(PatternMatches("*.TXT", "home/alice/docs/a.txt"));
    CHECK_FALSE(PatternMatches("docs", "home/alice/docs/a.txt"));
    CHECK(PatternMatches("home/*/docs/*", "home/alice/docs/a.txt"));
    CHECK_FALSE(PatternMatches("docs/*", "home/alice/docs/a.txt"));
  }
}

}  // namespace
}  // namespace tseq
