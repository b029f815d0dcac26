#include "migration/loadstate.h"

#include <cstdio>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "migration/loadstate_test_support.h"
#include "platform/file_metadata.h"

namespace tseq {
namespace {

using loadstate_testing::Directory;
using loadstate_testing::File;
using loadstate_testing::HardLink;
using loadstate_testing::LoadStateFixture;
using loadstate_testing::OwnedFile;
using loadstate_testing::Symlink;

// Whether the temporary folder's filesystem keeps user extended attributes.
bool SupportsUserXattrs(const std::string& folder) {
  const std::string probe = folder + "/xattr-probe";
  FILE* file = std::fopen(probe.c_str(), "w");
  if (file == nullptr) return false;
  std::fclose(file);
  const bool supported = ::setxattr(probe.c_str(), "user.probe", "1", 1, 0) == 0;
  std::remove(probe.c_str());
  return supported;
}

TEST_SUITE("RunLoadState") {
  TEST_CASE("restores a profile with its content, types, modes, times and owners by name") {
    LoadStateFixture fixture;
    const bool xattrs = SupportsUserXattrs(fixture.temp.path());
    auto documents = Directory("Documents", 0750);
    auto report = File("Documents/report.odt", "quarterly numbers", 0640);
    if (xattrs) report.entry.extended_attributes = {{"user.comment", "draft"}};
    const std::string store = fixture.WriteStore({
        documents,
        report,
        OwnedFile("Documents/shared.txt", "from bob", "bob"),
        OwnedFile("Documents/orphan.txt", "nobody here", "carol"),
        Symlink("Documents/latest", "report.odt"),
        HardLink("Documents/report-link.odt", 1),
        File(".bashrc", "alias ll='ls -l'\n", 0600),
    });
    const auto result = fixture.Run({store});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(result.out == "Restored 1 user: 7 entries written, 0 renamed, 0 unchanged, 0 skipped.\n");

    const std::string home = fixture.Target("/home/alice");
    CHECK(fixture.Read(home + "/Documents/report.odt") == "quarterly numbers");
    CHECK(fixture.Read(home + "/.bashrc") == "alias ll='ls -l'\n");
    const FileInfo folder = fixture.Info(home + "/Documents");
    CHECK(folder.mode == 0750);
    CHECK(folder.owner == 2001);
    const FileInfo file = fixture.Info(home + "/Documents/report.odt");
    CHECK(file.mode == 0640);
    CHECK(file.owner == 2001);  // alice is 1000 on the source, 2001 here
    CHECK(file.group == 2001);
    CHECK(file.modified ==
          std::chrono::system_clock::time_point(std::chrono::seconds(1780000000) +
                                                std::chrono::nanoseconds(123456789)));
    CHECK(folder.modified == file.modified);  // applied after its content was written
    CHECK(fixture.Info(home + "/Documents/shared.txt").owner == 2002);
    // carol is no account of the target: her file goes to the restored user.
    CHECK(fixture.Info(home + "/Documents/orphan.txt").owner == 2001);
    CHECK(fixture.Info(home + "/Documents/latest").type == FileType::kSymlink);
    CHECK(*fixture.filesystem->ReadSymlink(home + "/Documents/latest") == "report.odt");
    const FileInfo link = fixture.Info(home + "/Documents/report-link.odt");
    CHECK(link.inode == file.inode);
    CHECK(link.link_count == 2);
    // No home_mode / home_modified in this store (SourceAlice has none): the created home is
    // private to its user.
    const FileInfo created_home = fixture.Info(home);
    CHECK(created_home.mode == 0700);
    CHECK(created_home.owner == 2001);
    if (xattrs) {
      auto metadata = NewPosixMetadataReader()->Read(home + "/Documents/report.odt");
      REQUIRE(metadata.ok());
      CHECK(metadata->extended_attributes ==
            std::vector<ExtendedAttribute>{{"user.comment", "draft"}});
    }
  }

  TEST_CASE(
      "a home loadstate creates gets the source home's mode and time; an existing one keeps its "
      "own") {
    LoadStateFixture fixture;
    Profile alice = loadstate_testing::SourceAlice();
    alice.home_mode = 0751;
    const auto source_time = std::chrono::system_clock::time_point(
        std::chrono::seconds(1770000000) + std::chrono::nanoseconds(5));
    alice.home_modified = source_time;
    Profile bob = alice;
    bob.name = "PC01\\bob";
    bob.user = "bob";
    bob.home = "/home/bob";
    bob.owner_name = "bob";
    bob.group_name = "bob";
    REQUIRE(fixture.filesystem->CreateDirectories(fixture.Target("/home/bob"), 0710).ok());
    REQUIRE(::chmod(fixture.Target("/home/bob").c_str(), 0710) == 0);
    const std::string store =
        fixture.WriteProfiles({{alice, {Directory("Documents"), File("Documents/a.txt", "A")}},
                               {bob, {File("notes.txt", "B")}}});
    const auto result = fixture.Run({store});
    CHECK_MESSAGE(result.code == 0, result.error);

    const FileInfo created = fixture.Info(fixture.Target("/home/alice"));
    CHECK(created.mode == 0751);
    CHECK(created.owner == 2001);
    CHECK(created.modified == source_time);  // set after everything inside it was written
    const FileInfo existing = fixture.Info(fixture.Target("/home/bob"));
    CHECK(existing.mode == 0710);
    CHECK(existing.modified != source_time);
  }

  TEST_CASE("restoring the same store twice changes nothing and makes no copies") {
    LoadStateFixture fixture;
    const std::string store =
        fixture.WriteStore({Directory("Documents"), File("Documents/a.txt", "A"),
                            Symlink("link", "Documents"), HardLink("Documents/b.txt", 1)});
    REQUIRE(fixture.Run({store}).code == 0);
    const std::string home = fixture.Target("/home/alice");
    const FileInfo before = fixture.Info(home + "/Documents/a.txt");
    const auto second = fixture.Run({store});
    CHECK_MESSAGE(second.code == 0, second.error);
    CHECK(second.out == "Restored 1 user: 0 entries written, 0 renamed, 4 unchanged, 0 skipped.\n");
    CHECK(fixture.List(home + "/Documents") == std::vector<std::string>{"a.txt", "b.txt"});
    CHECK(fixture.Info(home + "/Documents/a.txt").inode == before.inode);
    CHECK(fixture.List(home) == std::vector<std::string>{"Documents", "link"});
  }

  TEST_CASE("a different existing file keeps its name and the stored one becomes name (1).ext") {
    LoadStateFixture fixture;
    fixture.temp.WriteFile("target/home/alice/notes.txt", "written on the new machine");
    fixture.temp.WriteFile("target/home/alice/.profile", "new");
    const std::string store =
        fixture.WriteStore({File("notes.txt", "from the old machine"), File(".profile", "old")});
    const auto first = fixture.Run({store});
    CHECK_MESSAGE(first.code == 0, first.error);
    const std::string home = fixture.Target("/home/alice");
    CHECK(fixture.Read(home + "/notes.txt") == "written on the new machine");
    CHECK(fixture.Read(home + "/notes (1).txt") == "from the old machine");
    CHECK(fixture.Read(home + "/.profile (1)") == "old");
    // The second run finds its copies: no "(2)".
    const auto second = fixture.Run({store});
    CHECK(second.out == "Restored 1 user: 0 entries written, 0 renamed, 2 unchanged, 0 skipped.\n");
    CHECK(fixture.List(home) ==
          std::vector<std::string>{".profile", ".profile (1)", "notes (1).txt", "notes.txt"});
  }

  TEST_CASE("a symlink planted in the target home is never followed") {
    LoadStateFixture fixture;
    const std::string outside = fixture.temp.MakeDirectory("outside");
    fixture.temp.MakeDirectory("target/home/alice");
    REQUIRE(
        fixture.filesystem->CreateSymlink(outside, fixture.Target("/home/alice/Documents")).ok());
    const std::string store = fixture.WriteStore(
        {Directory("Documents"), File("Documents/a.txt", "A"), File("b.txt", "B")});

    const auto stopped = fixture.Run({store});
    CHECK(stopped.code == 72);
    CHECK(stopped.error == "loadstate: cannot restore the folder '" +
                               fixture.Target("/home/alice/Documents") +
                               "': it is a symlink (never followed)\n");
    CHECK(fixture.List(outside).empty());

    const auto continued = fixture.Run({store, "/c"});
    CHECK(continued.code == 3);
    CHECK(continued.out ==
          "Restored 1 user: 1 entries written, 0 renamed, 0 unchanged, 2 skipped.\n");
    CHECK(fixture.List(outside).empty());
    CHECK(fixture.Read(fixture.Target("/home/alice/b.txt")) == "B");
  }

  TEST_CASE("a store entry below a restored symlink is not written through it") {
    LoadStateFixture fixture;
    const std::string outside = fixture.temp.MakeDirectory("etc-outside");
    fixture.temp.WriteFile("etc-outside/passwd", "root:x:0:0::/root:/bin/sh\n");
    const std::string store = fixture.WriteStore(
        {Symlink("Documents", outside), File("Documents/passwd", "evil::0:0::/:/bin/sh\n")});
    const auto result = fixture.Run({store, "/c"});
    CHECK(result.code == 3);
    CHECK(fixture.Read(outside + "/passwd") == "root:x:0:0::/root:/bin/sh\n");
    CHECK(fixture.List(outside) == std::vector<std::string>{"passwd"});
    CHECK(*fixture.filesystem->ReadSymlink(fixture.Target("/home/alice/Documents")) == outside);
  }

  TEST_CASE("a file where a stored folder must be is an error, and its content is skipped") {
    LoadStateFixture fixture;
    fixture.temp.WriteFile("target/home/alice/Music", "not a folder");
    const std::string store =
        fixture.WriteStore({Directory("Music"), File("Music/song.ogg", "la la"), File("x", "X")});
    const auto result = fixture.Run({store, "/c"});
    CHECK(result.code == 3);
    const std::string music = fixture.Target("/home/alice/Music");
    CHECK(result.error == "loadstate: cannot restore the folder '" + music +
                              "': a file has its name (skipped: /c)\n"
                              "loadstate: cannot create the folder '" +
                              music + "': '" + music + "' is not a folder (skipped: /c)\n");
    CHECK(fixture.Read(music) == "not a folder");
    CHECK(fixture.Read(fixture.Target("/home/alice/x")) == "X");
  }

  TEST_CASE("a home that is a symlink is refused") {
    LoadStateFixture fixture;
    const std::string outside = fixture.temp.MakeDirectory("elsewhere");
    REQUIRE(fixture.filesystem->CreateSymlink(outside, fixture.Target("/home/alice")).ok());
    const std::string store = fixture.WriteStore({File("a.txt", "A")});
    const auto result = fixture.Run({store});
    CHECK(result.code == 72);
    CHECK(result.error == "loadstate: cannot restore into '/home/alice': it is a symlink\n");
    CHECK(fixture.List(outside).empty());
  }
}

}  // namespace
}  // namespace tseq
