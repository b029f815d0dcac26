// The shipped miguser.yaml, migapp.yaml and migdocs.yaml on a realistic home, walked the way
// scanstate walks it: list a directory only when MayIncludeBelow says something below it can
// be included.
#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include "migration/migration_rules.h"
#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

constexpr const char* kHome = "/home/alice";

// Files of the fixture home, relative to it.
constexpr const char* kFiles[] = {
    // User folders.
    "Documents/report.odt",
    "Documents/Taxes/2024/return.pdf",
    "Documents/.~lock.report.odt#",
    "Documents/notes/todo.md",
    "Desktop/shortcut.desktop",
    "Pictures/2024/beach.jpg",
    "Music/album/01.flac",
    "Videos/clip.mp4",
    "Downloads/setup.iso",
    "Downloads/big.iso.part",
    "Templates/letter.ott",
    "Public/shared.txt",
    // Documents elsewhere in the profile.
    "projects/thesis/thesis.tex",
    "projects/thesis/figure.png",
    "projects/app/README.md",
    "projects/app/node_modules/pkg/README.md",
    "projects/app/.git/description",
    "snap/firefox/common/.mozilla/firefox/x.default/places.sqlite",
    "snap/foo/1/notes.txt",
    "old-cv.DOCX",
    ".hidden.pdf",
    // Shells, git, ssh, gnupg.
    ".bashrc",
    ".bash_history",
    ".profile",
    ".zshrc",
    ".config/fish/config.fish",
    ".gitconfig",
    ".git-credentials",
    ".ssh/id_ed25519",
    ".ssh/id_ed25519.pub",
    ".ssh/config",
    ".ssh/known_hosts",
    ".ssh/master.sock",
    ".gnupg/pubring.kbx",
    ".gnupg/private-keys-v1.d/A.key",
    ".gnupg/S.gpg-agent",
    ".gnupg/trustdb.gpg",
    // Browsers and mail.
    ".mozilla/firefox/profiles.ini",
    ".mozilla/firefox/x.default/places.sqlite",
    ".mozilla/firefox/x.default/lock",
    ".mozilla/firefox/x.default/minidumps/1.dmp",
    ".mozilla/firefox/Crash Reports/events/1",
    ".config/chromium/Default/Bookmarks",
    ".config/chromium/Default/Cache/Cache_Data/data_0",
    ".config/chromium/Default/GPUCache/x",
    ".config/chromium/SingletonLock",
    ".config/google-chrome/Default/Preferences",
    ".thunderbird/y.default/prefs.js",
    ".thunderbird/y.default/Mail/Local Folders/Inbox",
    // Desktops.
    ".config/dconf/user",
    ".config/gtk-3.0/bookmarks",
    ".local/share/keyrings/login.keyring",
    ".config/kwinrc",
    ".config/kdeglobals",
    ".config/plasma-org.kde.plasma.desktop-appletsrc",
    ".config/user-dirs.dirs",
    ".local/share/applications/my.desktop",
    // Never captured: caches, trash, thumbnails, other application data.
    ".cache/mozilla/firefox/x.default/cache2/entries/AB",
    ".cache/thumbnails/large/x.png",
    ".cache/fontconfig/a.cache-7",
    ".local/share/Trash/files/old.pdf",
    ".local/share/Trash/info/old.pdf.trashinfo",
    ".thumbnails/normal/y.png",
    ".local/share/Steam/steamapps/common/game.pak",
    ".local/share/recently-used.xbel",
    ".config/Code/User/settings.json",
    ".var/app/org.gimp.GIMP/config/gimprc",
};

struct Walk {
  std::set<std::string> captured;      // files, relative
  std::set<std::string> listed;        // directories listed, relative ("" the home)
  std::set<std::string> kept_folders;  // directories decided included as objects
};

void WalkDirectory(const Filesystem& filesystem, const CompiledRules& rules,
                   const std::string& relative, Walk& walk) {
  walk.listed.insert(relative);
  const std::string path = relative.empty() ? kHome : std::string(kHome) + "/" + relative;
  Result<std::vector<std::string>> names = filesystem.ListDirectory(path);
  REQUIRE(names.ok());
  for (const std::string& name : *names) {
    const std::string child = relative.empty() ? name : relative + "/" + name;
    Result<FileInfo> info = filesystem.Stat(path + "/" + name, SymlinkPolicy::kDoNotFollow);
    REQUIRE(info.ok());
    const bool directory = info->type == FileType::kDirectory;
    if (rules.Decide(child, directory).included()) {
      (directory ? walk.kept_folders : walk.captured).insert(child);
    }
    if (directory && rules.MayIncludeBelow(child)) WalkDirectory(filesystem, rules, child, walk);
  }
}

Walk WalkHome(const MigrationRules& rules, const UserDirectories& directories = {}) {
  MemoryFilesystem filesystem;
  for (const char* file : kFiles) filesystem.AddFile(std::string(kHome) + "/" + file, "x");
  const CompiledRules compiled(rules, directories);
  Walk walk;
  WalkDirectory(filesystem, compiled, "", walk);
  return walk;
}

MigrationRules Shipped() {
  Result<MigrationRules> rules = MigrationRules::Shipped();
  REQUIRE_MESSAGE(rules.ok(), rules.status().message());
  return std::move(rules).value();
}

std::vector<std::string> Sorted(const std::set<std::string>& set) {
  return {set.begin(), set.end()};
}

TEST_SUITE("Shipped rules") {
  TEST_CASE("capture documents, settings and keys but no caches, trash or locks") {
    const Walk walk = WalkHome(Shipped());
    CHECK(Sorted(walk.captured) == std::vector<std::string>{
                                       ".bash_history",
                                       ".bashrc",
                                       ".config/chromium/Default/Bookmarks",
                                       ".config/dconf/user",
                                       ".config/fish/config.fish",
                                       ".config/google-chrome/Default/Preferences",
                                       ".config/gtk-3.0/bookmarks",
                                       ".config/kdeglobals",
                                       ".config/kwinrc",
                                       ".config/plasma-org.kde.plasma.desktop-appletsrc",
                                       ".config/user-dirs.dirs",
                                       ".gitconfig",
                                       ".gnupg/private-keys-v1.d/A.key",
                                       ".gnupg/pubring.kbx",
                                       ".gnupg/trustdb.gpg",
                                       ".local/share/applications/my.desktop",
                                       ".local/share/keyrings/login.keyring",
                                       ".mozilla/firefox/profiles.ini",
                                       ".mozilla/firefox/x.default/places.sqlite",
                                       ".profile",
                                       ".ssh/config",
                                       ".ssh/id_ed25519",
                                       ".ssh/id_ed25519.pub",
                                       ".ssh/known_hosts",
                                       ".thunderbird/y.default/Mail/Local Folders/Inbox",
                                       ".thunderbird/y.default/prefs.js",
                                       ".zshrc",
                                       "Desktop/shortcut.desktop",
                                       "Documents/Taxes/2024/return.pdf",
                                       "Documents/notes/todo.md",
                                       "Documents/report.odt",
                                       "Downloads/setup.iso",
                                       "Music/album/01.flac",
                                       "Pictures/2024/beach.jpg",
                                       "Public/shared.txt",
                                       "Templates/letter.ott",
                                       "Videos/clip.mp4",
                                       "old-cv.DOCX",
                                       "projects/app/README.md",
                                       "projects/thesis/thesis.tex",
                                       "snap/firefox/common/.mozilla/firefox/x.default/"
                                       "places.sqlite",
                                   });
  }

  TEST_CASE("never list caches, the trash or application data nothing includes") {
    const Walk walk = WalkHome(Shipped());
    for (const char* skipped : {".cache", ".local/share/Trash", ".thumbnails", ".local/share/Steam",
                                ".var/app/org.gimp.GIMP", "projects/app/.git",
                                "projects/app/node_modules", ".config/Code"}) {
      CAPTURE(skipped);
      CHECK(walk.listed.count(skipped) == 0);
    }
    CHECK(walk.listed.count(".local/share/keyrings") == 1);
    CHECK(walk.listed.count("projects/thesis") == 1);
  }

  TEST_CASE("keep user folders and their subfolders as objects") {
    const Walk walk = WalkHome(Shipped());
    CHECK(walk.kept_folders.count("Documents") == 1);
    CHECK(walk.kept_folders.count("Documents/Taxes/2024") == 1);
    CHECK(walk.kept_folders.count(".ssh") == 1);
    CHECK(walk.kept_folders.count(".cache") == 0);
    CHECK(walk.kept_folders.count("projects") == 0);
  }

  TEST_CASE("name the deciding rule for the log") {
    const CompiledRules rules(Shipped(), UserDirectories());
    const auto explain = [&rules](std::string_view path) {
      const RuleDecision decision = rules.Decide(path, false);
      return decision.rule == nullptr ? std::string("not included") : decision.rule->ToString();
    };
    CHECK(explain("Documents/report.odt") ==
          "include '$XDG_DOCUMENTS_DIR/* [*]' of component 'Documents' (miguser.yaml:17:9)");
    CHECK(explain(".cache/thumbnails/large/x.png") ==
          "unconditionalExclude '~/.cache/* [*]' of component 'Caches and trash (miguser.yaml)' "
          "(miguser.yaml:51:9)");
    CHECK(explain(".mozilla/firefox/x.default/lock") ==
          "exclude '~/.mozilla/firefox/* [lock]' of component 'Firefox' (migapp.yaml:74:9)");
    CHECK(explain(".config/Code/User/settings.json") == "not included");
  }

  TEST_CASE("follow localized user folders") {
    MigrationRules rules = Shipped();
    UserDirectories directories;
    directories.Set(UserDirectory::kMusic, {"Musik"});
    const Walk walk = WalkHome(rules, directories);
    CHECK(walk.captured.count("Music/album/01.flac") == 0);
    CHECK(walk.captured.count("Documents/report.odt") == 1);
  }

  TEST_CASE("a config leaves components out") {
    MigrationRules rules = Shipped();
    Diagnostics diagnostics;
    const std::optional<MigrationConfig> config = ParseMigrationConfig(
        "components:\n  - {name: SSH, migrate: false}\n  - {name: Documents by type, migrate: "
        "false}\n",
        "config.yaml", diagnostics);
    REQUIRE(config.has_value());
    REQUIRE(rules.ApplyConfig(*config).ok());
    const Walk walk = WalkHome(rules);
    CHECK(walk.captured.count(".ssh/id_ed25519") == 0);
    CHECK(walk.captured.count("projects/thesis/thesis.tex") == 0);
    CHECK(walk.captured.count("Documents/report.odt") == 1);
    CHECK(walk.captured.count(".gnupg/pubring.kbx") == 1);
    CHECK(walk.listed.count("projects") == 0);
  }
}

}  // namespace
}  // namespace tseq
