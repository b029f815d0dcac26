// loadstate's load-time rules: with /i or /config only what the rules include is restored.
#include <doctest/doctest.h>

#include "migration/loadstate.h"
#include "migration/loadstate_test_support.h"

namespace tseq {
namespace {

using loadstate_testing::Directory;
using loadstate_testing::File;
using loadstate_testing::HardLink;
using loadstate_testing::LoadStateFixture;

constexpr char kDocumentsOff[] = "components:\n  - name: Documents\n    migrate: false\n";

TEST_SUITE("RunLoadState with load-time rules") {
  TEST_CASE("a /config that turns Documents off restores no Documents") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({
        Directory("Documents"),                  // 0
        File("Documents/report.odt", "report"),  // 1
        Directory("Documents/Old"),              // 2
        File("Documents/Old/a.txt", "A"),        // 3
        Directory("Pictures"),                   // 4
        File("Pictures/cat.jpg", "meow"),        // 5
        File(".bashrc", "alias ll='ls -l'\n"),   // 6
    });
    const std::string config = fixture.temp.WriteFile("config.yaml", kDocumentsOff);
    const auto result =
        fixture.Run({store, "/i:miguser.yaml", "/i:migapp.yaml", "/config:" + config});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(result.out == "Restored 1 user: 3 entries written, 0 renamed, 0 unchanged, 0 skipped.\n");
    const std::string home = fixture.Target("/home/alice");
    CHECK(fixture.List(home) == std::vector<std::string>{".bashrc", "Pictures"});
    CHECK(fixture.Read(home + "/Pictures/cat.jpg") == "meow");

    // Without load-time rules everything captured comes back.
    const auto everything = fixture.Run({store});
    CHECK_MESSAGE(everything.code == 0, everything.error);
    CHECK(fixture.Read(home + "/Documents/Old/a.txt") == "A");
  }

  TEST_CASE("the folders that lead to a restored entry are restored whatever the rules say") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({
        Directory(".ssh", 0700),
        File(".ssh/id_ed25519", "key", 0600),
        Directory(".local", 0700),
        Directory(".local/share", 0711),
        Directory(".local/share/fish"),
        File(".local/share/fish/fish_history", "- cmd: ls\n"),
        Directory(".local/share/other"),
        File(".local/share/other/x", "x"),
    });
    const auto result = fixture.Run({store, "/i:migapp.yaml"});
    CHECK_MESSAGE(result.code == 0, result.error);
    const std::string home = fixture.Target("/home/alice");
    CHECK(fixture.Read(home + "/.local/share/fish/fish_history") == "- cmd: ls\n");
    CHECK(fixture.Info(home + "/.local/share").mode == 0711);  // the stored folder, not a default
    CHECK(fixture.List(home + "/.local/share") == std::vector<std::string>{"fish"});
    CHECK(fixture.Read(home + "/.ssh/id_ed25519") == "key");
  }

  TEST_CASE("a hard link whose first name is left out is restored with its content") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({
        Directory("Documents"),                 // 0
        File("Documents/notes.txt", "shared"),  // 1
        Directory("Pictures"),                  // 2
        HardLink("Pictures/notes.txt", 1),      // 3
        HardLink("Pictures/again.txt", 1),      // 4
    });
    const std::string config = fixture.temp.WriteFile("config.yaml", kDocumentsOff);
    const std::vector<std::string> arguments = {store, "/i:miguser.yaml", "/config:" + config};
    const auto result = fixture.Run(arguments);
    CHECK_MESSAGE(result.code == 0, result.error);
    const std::string pictures = fixture.Target("/home/alice/Pictures");
    CHECK_FALSE(fixture.Exists(fixture.Target("/home/alice/Documents")));
    CHECK(fixture.Read(pictures + "/notes.txt") == "shared");
    CHECK(fixture.Info(pictures + "/again.txt").inode ==
          fixture.Info(pictures + "/notes.txt").inode);

    const auto again = fixture.Run(arguments);
    CHECK_MESSAGE(again.code == 0, again.error);
    CHECK(again.out == "Restored 1 user: 0 entries written, 0 renamed, 3 unchanged, 0 skipped.\n");
  }

  TEST_CASE("the user folders are the source's, from the stored user-dirs.dirs") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({
        Directory(".config"),
        File(".config/user-dirs.dirs", "XDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n"),
        Directory("Dokumente"),
        File("Dokumente/brief.odt", "Sehr geehrte"),
        Directory("Documents"),
        File("Documents/other.odt", "not the documents folder"),
    });
    const auto result = fixture.Run({store, "/i:miguser.yaml"});
    CHECK_MESSAGE(result.code == 0, result.error);
    const std::string home = fixture.Target("/home/alice");
    CHECK(fixture.List(home) == std::vector<std::string>{"Dokumente"});
    CHECK(fixture.Read(home + "/Dokumente/brief.odt") == "Sehr geehrte");
  }

  TEST_CASE("a config naming an unknown component stops the run before anything is written") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({File("a.txt", "A")});
    const std::string config = fixture.temp.WriteFile(
        "config.yaml", "components:\n  - name: Docments\n    migrate: false\n");
    const auto result = fixture.Run({store, "/i:miguser.yaml", "/config:" + config});
    CHECK(result.code == 39);
    CHECK(result.error == "loadstate: cannot use the config file '" + config + "': " + config +
                              ":2:11: error: component 'Docments' is not in the loaded rule files "
                              "(did you mean 'Documents'?)\n");
    CHECK_FALSE(fixture.Exists(fixture.Target("/home/alice")));
  }
}

}  // namespace
}  // namespace tseq
