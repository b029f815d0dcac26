#include "migration/rule_pattern.h"

#include <doctest/doctest.h>

#include "base/strings.h"

namespace tseq {
namespace {

RulePattern Parse(std::string_view text) {
  Result<RulePattern> pattern = ParseRulePattern(text);
  REQUIRE_MESSAGE(pattern.ok(), pattern.status().message());
  return std::move(pattern).value();
}

std::string Error(std::string_view text) {
  Result<RulePattern> pattern = ParseRulePattern(text);
  REQUIRE_FALSE(pattern.ok());
  CHECK(pattern.status().code() == StatusCode::kInvalidArgument);
  return pattern.status().message();
}

// The folder steps as text: "**" for any depth.
std::string Folders(const std::vector<FolderStep>& steps) {
  std::vector<std::string> names;
  for (const FolderStep& step : steps) {
    names.push_back(step.any_depth ? "**" : step.name.ToString());
  }
  return Join(names, "/");
}

std::vector<ResolvedPattern> Resolve(std::string_view text,
                                     const UserDirectories& directories = {}) {
  return ResolvePattern(Parse(text), directories);
}

// One resolved pattern. REQUIRES: the pattern resolves to exactly one.
ResolvedPattern ResolveOne(std::string_view text, const UserDirectories& directories = {}) {
  std::vector<ResolvedPattern> resolved = Resolve(text, directories);
  REQUIRE(resolved.size() == 1);
  return resolved.front();
}

std::vector<std::string_view> Parts(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start < path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool MatchesFile(const ResolvedPattern& pattern, std::string_view path) {
  std::vector<std::string_view> parts = Parts(path);
  const std::string_view name = parts.back();
  parts.pop_back();
  return pattern.MatchesFile(parts, name);
}

bool MatchesDirectory(const ResolvedPattern& pattern, std::string_view path) {
  return pattern.MatchesDirectory(Parts(path));
}

TEST_SUITE("NamePattern") {
  TEST_CASE("stars stand for any run of characters and everything else is literal") {
    const NamePattern pdf({"", ".pdf"});
    CHECK(pdf.Matches("report.pdf"));
    CHECK(pdf.Matches(".pdf"));
    CHECK_FALSE(pdf.Matches("report.PDF"));
    CHECK_FALSE(pdf.Matches("report.pdf.bak"));

    const NamePattern krc({"k", "rc"});
    CHECK(krc.Matches("kwinrc"));
    CHECK(krc.Matches("krc"));
    CHECK_FALSE(krc.Matches("kr"));  // the pieces may not overlap
    CHECK_FALSE(krc.Matches("kwinrc.bak"));

    const NamePattern middle({"a", "b", "c", ""});
    CHECK(middle.Matches("abc"));
    CHECK(middle.Matches("a-b-c-"));
    CHECK(middle.Matches("axbbyc"));
    CHECK_FALSE(middle.Matches("acb"));

    CHECK(NamePattern::Literal("a?b").Matches("a?b"));
    CHECK_FALSE(NamePattern::Literal("a?b").Matches("axb"));
    CHECK(NamePattern::Everything().Matches(""));
    CHECK(NamePattern::Everything().matches_everything());
    CHECK_FALSE(NamePattern().Matches("x"));
  }

  TEST_CASE("prints escapes for literal stars and brackets") {
    CHECK(NamePattern({"a*[", "]^"}).ToString() == "a^*^[*^]^^");
  }
}

TEST_SUITE("ParseRulePattern") {
  TEST_CASE("reads a folder and a leaf") {
    const RulePattern pattern = Parse("  ~/Documents/* [*.pdf]  ");
    CHECK(pattern.text == "~/Documents/* [*.pdf]");
    CHECK_FALSE(pattern.base.has_value());
    CHECK(Folders(pattern.folder) == "Documents/**");
    REQUIRE(pattern.leaf.has_value());
    CHECK(pattern.leaf->ToString() == "*.pdf");
  }

  TEST_CASE("reads every form of path") {
    CHECK(Folders(Parse("~ [.bashrc]").folder).empty());
    CHECK(Folders(Parse("~/ [.bashrc]").folder).empty());
    CHECK(Folders(Parse("~[.bashrc]").folder).empty());
    CHECK(Folders(Parse("~/Documents/ [*]").folder) == "Documents");
    CHECK_FALSE(Parse("~/.bashrc").leaf.has_value());
    CHECK(Folders(Parse("~/.bashrc").folder) == ".bashrc");
    CHECK(Folders(Parse("~").folder).empty());
    // `*` alone is one folder in the middle, any depth at the end; `**` is any depth anywhere.
    CHECK(Folders(Parse("~/a/*/b/* [*]").folder) == "a/*/b/**");
    CHECK(Folders(Parse("~/**/b/** [*]").folder) == "**/b/**");
    CHECK(Folders(Parse("~/**/**/b [*]").folder) == "**/b");
    CHECK(Folders(Parse("~/.config/k*rc").folder) == ".config/k*rc");
    CHECK(Folders(Parse("~/My Documents/Old Stuff/* [a b.txt]").folder) ==
          "My Documents/Old Stuff/**");
    CHECK(Parse("~/x [a b.txt]").leaf->ToString() == "a b.txt");
    CHECK(Parse("~/x [**]").leaf->matches_everything());
  }

  TEST_CASE("starts at a user directory") {
    const RulePattern pattern = Parse("$XDG_DOCUMENTS_DIR/* [*]");
    CHECK(pattern.base == UserDirectory::kDocuments);
    CHECK(Folders(pattern.folder) == "**");
    CHECK(Parse("$XDG_VIDEOS_DIR").base == UserDirectory::kVideos);
    CHECK(Parse("$XDG_DOWNLOAD_DIR [*]").base == UserDirectory::kDownload);
  }

  TEST_CASE("escapes brackets, stars and carets with ^") {
    const RulePattern pattern = Parse("~/a^[1^]/b^*c [x^]^^.txt]");
    REQUIRE(pattern.folder.size() == 2);
    CHECK(pattern.folder[0].name.is_literal());
    CHECK(pattern.folder[0].name.literal() == "a[1]");
    CHECK(pattern.folder[1].name.literal() == "b*c");
    CHECK(pattern.leaf->literal() == "x]^.txt");
  }

  TEST_CASE("rejects bad patterns with a message naming the problem") {
    CHECK(Error("") == "empty pattern");
    CHECK(Error("   ") == "empty pattern");
    CHECK(Error("/etc [passwd]") ==
          "invalid pattern '/etc [passwd]': a pattern starts with '~' (the profile's home) or a "
          "user folder such as $XDG_DOCUMENTS_DIR, not '/etc'");
    CHECK(Error("~alice/x") ==
          "invalid pattern '~alice/x': a pattern starts with '~' (the profile's home) or a user "
          "folder such as $XDG_DOCUMENTS_DIR, not '~alice/x'");
    CHECK(Error("Documents/* [*]") ==
          "invalid pattern 'Documents/* [*]': a pattern starts with '~' (the profile's home) or "
          "a user folder such as $XDG_DOCUMENTS_DIR, not 'Documents/*'");
    CHECK(Error("$XDG_DOCUMENT_DIR/* [*]") ==
          "invalid pattern '$XDG_DOCUMENT_DIR/* [*]': unknown user folder '$XDG_DOCUMENT_DIR' "
          "(did you mean $XDG_DOCUMENTS_DIR?)");
    CHECK(Error("$HOME/x") == "invalid pattern '$HOME/x': unknown user folder '$HOME'");
    CHECK(Error("$XDG_MUSIC_DIRx") ==
          "invalid pattern '$XDG_MUSIC_DIRx': unknown user folder '$XDG_MUSIC_DIRx' (did you "
          "mean $XDG_MUSIC_DIR?)");
    CHECK(Error("~/Documents [*.pdf") ==
          "invalid pattern '~/Documents [*.pdf': missing ']' after the file name");
    CHECK(Error("~/a[1] [x]") ==
          "invalid pattern '~/a[1] [x]': unexpected '[' (write '^[' for a '[' in a name)");
    CHECK(Error("~/a] [x]") ==
          "invalid pattern '~/a] [x]': unexpected ']' (write '^]' for a ']' in a name)");
    CHECK(Error("~/a [x]]") ==
          "invalid pattern '~/a [x]]': unexpected ']' (write '^]' for a ']' in a name)");
    CHECK(Error("~/a [x] y") == "invalid pattern '~/a [x] y': text after ']': ' y'");
    CHECK(Error("~/a []") == "invalid pattern '~/a []': empty file name in '[]'");
    CHECK(Error("~/a [b/c]") ==
          "invalid pattern '~/a [b/c]': a file name in [...] cannot contain '/'");
    CHECK(Error("~/a//b [*]") == "invalid pattern '~/a//b [*]': empty folder name ('//')");
    CHECK(Error("~/a/../b") == "invalid pattern '~/a/../b': '..' is not allowed in a pattern");
    CHECK(Error("~/./b") == "invalid pattern '~/./b': '.' is not allowed in a pattern");
    CHECK(Error("~/a^b") ==
          "invalid pattern '~/a^b': '^' must be followed by '[', ']', '*' or '^'");
    CHECK(Error("~/a [b^]") == "invalid pattern '~/a [b^]': missing ']' after the file name");
    CHECK(Error("~/a [b^") == "invalid pattern '~/a [b^': missing ']' after the file name");
    CHECK(Error("~/a^") == "invalid pattern '~/a^': '^' must be followed by '[', ']', '*' or '^'");
  }
}

TEST_SUITE("ResolvePattern") {
  TEST_CASE("a leaf gives one pattern; no leaf gives the file and the folder's tree") {
    CHECK(Resolve("~/Documents/* [*]").size() == 1);

    const std::vector<ResolvedPattern> ssh = Resolve("~/.ssh");
    REQUIRE(ssh.size() == 2);
    CHECK(Folders(ssh[0].folder).empty());
    CHECK(ssh[0].leaf.ToString() == ".ssh");
    CHECK(Folders(ssh[1].folder) == ".ssh/**");
    CHECK(ssh[1].leaf.matches_everything());

    const ResolvedPattern tree = ResolveOne("~/Documents/*");
    CHECK(Folders(tree.folder) == "Documents/**");
    CHECK(tree.leaf.matches_everything());
    CHECK(Folders(ResolveOne("~").folder) == "**");

    const std::vector<ResolvedPattern> kde = Resolve("~/.config/k*rc");
    REQUIRE(kde.size() == 2);
    CHECK(Folders(kde[0].folder) == ".config");
    CHECK(kde[0].leaf.ToString() == "k*rc");
    CHECK(Folders(kde[1].folder) == ".config/k*rc/**");
  }

  TEST_CASE("a user directory becomes the profile's folders for it") {
    CHECK(Folders(ResolveOne("$XDG_DOCUMENTS_DIR/* [*]").folder) == "Documents/**");
    UserDirectories directories;
    directories.Set(UserDirectory::kDocuments, {"Work", "Dokumente"});
    CHECK(Folders(ResolveOne("$XDG_DOCUMENTS_DIR/* [*]", directories).folder) ==
          "Work/Dokumente/**");
    const std::vector<ResolvedPattern> leafless = Resolve("$XDG_DOCUMENTS_DIR", directories);
    REQUIRE(leafless.size() == 2);
    CHECK(Folders(leafless[0].folder) == "Work");
    CHECK(leafless[0].leaf.ToString() == "Dokumente");

    directories.Set(UserDirectory::kDocuments, {});
    CHECK(Resolve("$XDG_DOCUMENTS_DIR/* [*]", directories).empty());
    CHECK(Resolve("$XDG_DOCUMENTS_DIR", directories).empty());
  }

  TEST_CASE("measures specificity folder by folder, then depth, then leaf") {
    const auto measure = [](std::string_view text) { return ResolveOne(text).specificity; };
    CHECK(measure("~/Documents/Private/* [*]") == Specificity{2, 0, false, 0});
    CHECK(measure("~/.config/k*rc/* [*]") == Specificity{1, 1, false, 0});
    CHECK(measure("~/a/*/b [x.txt]") == Specificity{2, 0, true, 2});
    CHECK(measure("~ [*.pdf]") == Specificity{0, 0, true, 1});
    CHECK(measure("$XDG_DOCUMENTS_DIR/* [*]") == Specificity{1, 0, false, 0});
    // Folders first: a named folder beats a file type.
    CHECK(measure("~/Data/* [*]") > measure("~/* [*.mp3]"));
    CHECK(measure("~/.config/k*rc/* [*]") > measure("~/.config/* [*]"));
    CHECK(measure("~/Documents [*]") > measure("~/Documents/* [*]"));
    CHECK(measure("~/Documents/* [*.tmp]") > measure("~/Documents/* [*]"));
    CHECK(measure("~/Documents/* [a.tmp]") > measure("~/Documents/* [*.tmp]"));
  }
}

TEST_SUITE("ResolvedPattern") {
  TEST_CASE("matches files by folder and leaf") {
    const ResolvedPattern recursive = ResolveOne("~/Documents/* [*]");
    CHECK(MatchesFile(recursive, "Documents/a.txt"));
    CHECK(MatchesFile(recursive, "Documents/x/y/z.txt"));
    CHECK_FALSE(MatchesFile(recursive, "documents/a.txt"));
    CHECK_FALSE(MatchesFile(recursive, "Other/Documents/a.txt"));
    CHECK_FALSE(MatchesFile(recursive, "Documents"));

    const ResolvedPattern flat = ResolveOne("~/Documents [*]");
    CHECK(MatchesFile(flat, "Documents/a.txt"));
    CHECK_FALSE(MatchesFile(flat, "Documents/x/a.txt"));

    const ResolvedPattern anywhere = ResolveOne("~/* [*.pdf]");
    CHECK(MatchesFile(anywhere, "a.pdf"));
    CHECK(MatchesFile(anywhere, "x/y/a.pdf"));
    CHECK_FALSE(MatchesFile(anywhere, "x/y/a.pdf.gz"));

    const ResolvedPattern one_level = ResolveOne("~/.mozilla/firefox/*/minidumps/* [*]");
    CHECK(MatchesFile(one_level, ".mozilla/firefox/abc.default/minidumps/1.dmp"));
    CHECK(MatchesFile(one_level, ".mozilla/firefox/abc.default/minidumps/old/1.dmp"));
    CHECK_FALSE(MatchesFile(one_level, ".mozilla/firefox/minidumps/1.dmp"));
    CHECK_FALSE(MatchesFile(one_level, ".mozilla/firefox/a/b/minidumps/1.dmp"));

    const ResolvedPattern any_depth = ResolveOne("~/**/node_modules/* [*]");
    CHECK(MatchesFile(any_depth, "node_modules/x.js"));
    CHECK(MatchesFile(any_depth, "src/app/node_modules/left-pad/index.js"));
    CHECK_FALSE(MatchesFile(any_depth, "src/app/x.js"));

    const ResolvedPattern hidden = ResolveOne("~/**/.*/* [*]");
    CHECK(MatchesFile(hidden, ".config/a"));
    CHECK(MatchesFile(hidden, "src/.git/HEAD"));
    CHECK_FALSE(MatchesFile(hidden, "src/git/HEAD"));
    CHECK_FALSE(MatchesFile(hidden, ".profile"));
  }

  TEST_CASE("matches a directory as an object only with a leaf of *") {
    const ResolvedPattern recursive = ResolveOne("~/Documents/* [*]");
    CHECK(MatchesDirectory(recursive, "Documents"));
    CHECK(MatchesDirectory(recursive, "Documents/empty/deeper"));
    CHECK_FALSE(MatchesDirectory(recursive, ""));
    const ResolvedPattern flat = ResolveOne("~/Documents [*]");
    CHECK(MatchesDirectory(flat, "Documents"));
    CHECK_FALSE(MatchesDirectory(flat, "Documents/sub"));
    CHECK_FALSE(MatchesDirectory(ResolveOne("~/Documents/* [*.pdf]"), "Documents/sub"));
    CHECK_FALSE(MatchesDirectory(Resolve("~/.ssh")[0], ".ssh"));
    CHECK(MatchesDirectory(Resolve("~/.ssh")[1], ".ssh"));
  }

  TEST_CASE("tells whether something below a directory may match") {
    const ResolvedPattern firefox = ResolveOne("~/.mozilla/firefox/* [*]");
    CHECK(firefox.MayMatchBelow({}));
    CHECK(firefox.MayMatchBelow(Parts(".mozilla")));
    CHECK(firefox.MayMatchBelow(Parts(".mozilla/firefox")));
    CHECK(firefox.MayMatchBelow(Parts(".mozilla/firefox/a/b")));
    CHECK_FALSE(firefox.MayMatchBelow(Parts(".mozilla/extensions")));
    CHECK_FALSE(firefox.MayMatchBelow(Parts(".cache")));

    const ResolvedPattern flat = ResolveOne("~/Documents [*]");
    CHECK(flat.MayMatchBelow(Parts("Documents")));
    CHECK_FALSE(flat.MayMatchBelow(Parts("Documents/sub")));

    const ResolvedPattern middle = ResolveOne("~/a/*/c [x]");
    CHECK(middle.MayMatchBelow(Parts("a/b")));
    CHECK(middle.MayMatchBelow(Parts("a/b/c")));
    CHECK_FALSE(middle.MayMatchBelow(Parts("a/b/d")));

    CHECK(ResolveOne("~/**/node_modules/* [*]").MayMatchBelow(Parts("x/y/z")));
  }

  TEST_CASE("tells whether everything below a directory matches") {
    const ResolvedPattern cache = ResolveOne("~/.cache/* [*]");
    CHECK(cache.MatchesEverythingBelow(Parts(".cache")));
    CHECK(cache.MatchesEverythingBelow(Parts(".cache/mozilla/firefox")));
    CHECK_FALSE(cache.MatchesEverythingBelow({}));
    CHECK_FALSE(cache.MatchesEverythingBelow(Parts(".config")));
    CHECK_FALSE(ResolveOne("~/.cache [*]").MatchesEverythingBelow(Parts(".cache")));
    CHECK_FALSE(ResolveOne("~/.cache/* [*.db]").MatchesEverythingBelow(Parts(".cache")));

    const ResolvedPattern hidden = ResolveOne("~/**/.*/* [*]");
    CHECK(hidden.MatchesEverythingBelow(Parts(".local")));
    CHECK(hidden.MatchesEverythingBelow(Parts("src/.git/objects")));
    CHECK_FALSE(hidden.MatchesEverythingBelow(Parts("src/git")));
    CHECK(ResolveOne("~/* [*]").MatchesEverythingBelow({}));
  }
}

}  // namespace
}  // namespace tseq
