// CompiledRules: USMT's precedence, case by case (docs/migration-rules.md has the same examples),
// the deciding rule, directories and pruning.
#include <doctest/doctest.h>

#include "migration/migration_rules.h"

namespace tseq {
namespace {

// Rules compiled from one rule file's text, kept alive with the decisions that point into them.
class Compiled {
 public:
  explicit Compiled(std::string_view text, const UserDirectories& directories = {})
      : compiled_(Load(text), directories) {}

  // "included by RULE", "excluded by RULE" or "not included".
  std::string Decide(std::string_view path, bool is_directory = false) const {
    const RuleDecision decision = compiled_.Decide(path, is_directory);
    switch (decision.verdict) {
      case RuleVerdict::kIncluded:
        return "included by " + decision.rule->ToString();
      case RuleVerdict::kExcluded:
        return "excluded by " + decision.rule->ToString();
      case RuleVerdict::kNotIncluded:
        CHECK(decision.rule == nullptr);
        return "not included";
    }
    return "";
  }
  bool Included(std::string_view path) const { return compiled_.Decide(path, false).included(); }
  bool MayIncludeBelow(std::string_view path) const { return compiled_.MayIncludeBelow(path); }
  const CompiledRules& rules() const { return compiled_; }

 private:
  static MigrationRules Load(std::string_view text) {
    Diagnostics diagnostics;
    std::optional<RuleFile> file = ParseRuleFile(text, "rules.yaml", diagnostics);
    REQUIRE_MESSAGE(file.has_value(), diagnostics.ToString());
    std::vector<RuleFile> files;
    files.push_back(std::move(*file));
    Result<MigrationRules> rules = MigrationRules::Merge(std::move(files));
    REQUIRE(rules.ok());
    return std::move(rules).value();
  }

  CompiledRules compiled_;
};

TEST_SUITE("CompiledRules precedence") {
  TEST_CASE("a path no include matches is not captured") {
    const Compiled rules("components:\n  - {name: Docs, include: ['~/Documents/* [*]']}\n");
    CHECK(rules.Decide("Music/song.mp3") == "not included");
    CHECK(rules.Decide("notes.txt") == "not included");
    CHECK(rules.Decide("Documents/a.txt") ==
          "included by include '~/Documents/* [*]' of component 'Docs' (rules.yaml:2:28)");
  }

  TEST_CASE("unconditionalExclude wins over any include, however specific, in any component") {
    const Compiled rules(R"(components:
  - name: Keep
    include:
      - ~/.cache/important/keep.txt
  - name: Never
    unconditionalExclude: ['~/.cache/* [*]']
)");
    CHECK(rules.Decide(".cache/important/keep.txt") ==
          "excluded by unconditionalExclude '~/.cache/* [*]' of component 'Never' "
          "(rules.yaml:6:28)");
  }

  TEST_CASE("a more specific folder beats a file type (USMT: directory beats extension)") {
    const Compiled rules(R"(components:
  - name: Data
    include: ['~/Data/* [*]']
    exclude: ['~/* [*.mp3]']
)");
    CHECK(rules.Included("Data/song.mp3"));
    CHECK(rules.Decide("Music/song.mp3") == "not included");
  }

  TEST_CASE("more literal folders beat fewer, in either direction") {
    const Compiled rules(R"(components:
  - name: Docs
    include:
      - ~/Documents/* [*]
      - ~/Documents/Private/Shared/* [*]
    exclude:
      - ~/Documents/Private/* [*]
)");
    CHECK(rules.Included("Documents/a.txt"));
    CHECK(rules.Decide("Documents/Private/diary.txt") ==
          "excluded by exclude '~/Documents/Private/* [*]' of component 'Docs' (rules.yaml:7:9)");
    CHECK(rules.Decide("Documents/Private/Shared/plan.txt") ==
          "included by include '~/Documents/Private/Shared/* [*]' of component 'Docs' "
          "(rules.yaml:5:9)");
  }

  TEST_CASE("a folder name with a wildcard beats a wildcard folder") {
    const Compiled rules(R"(components:
  - name: Config
    include: ['~/.config/* [*]']
    exclude: ['~/.config/k*/* [*]']
)");
    CHECK(rules.Included(".config/gtk-3.0/bookmarks"));
    CHECK_FALSE(rules.Included(".config/kdeconnect/id"));
  }

  TEST_CASE("a fixed depth beats any depth") {
    const Compiled rules(R"(components:
  - name: Top
    include: ['~/Documents [*]']
    exclude: ['~/Documents/* [*]']
)");
    CHECK(rules.Included("Documents/a.txt"));
    CHECK_FALSE(rules.Included("Documents/sub/a.txt"));
  }

  TEST_CASE("a file name beats a file type, which beats every file (USMT's value examples)") {
    const Compiled all_but_one(R"(components:
  - name: Settings
    include: ['~/.app/* [*]']
    exclude: ['~/.app [DefaultColor]']
)");
    CHECK(all_but_one.Included(".app/Font"));
    CHECK(all_but_one.Included(".app/sub/DefaultColor"));
    CHECK_FALSE(all_but_one.Included(".app/DefaultColor"));

    const Compiled only_one(R"(components:
  - name: Settings
    include: ['~/.app [DefaultColor]']
    exclude: ['~/.app/* [*]']
)");
    CHECK(only_one.Included(".app/DefaultColor"));
    CHECK_FALSE(only_one.Included(".app/Font"));

    const Compiled types(R"(components:
  - name: Docs
    include: ['~/Documents/* [*]', '~/Documents/* [keep.tmp]']
    exclude: ['~/Documents/* [*.tmp]']
)");
    CHECK(types.Included("Documents/a.odt"));
    CHECK_FALSE(types.Included("Documents/x/a.tmp"));
    CHECK(types.Included("Documents/x/keep.tmp"));
  }

  TEST_CASE("on a tie the exclude wins") {
    const Compiled rules(R"(components:
  - name: Same
    include: ['~/Documents/* [*]', '~ [*.t*]']
    exclude: ['~/Documents/* [*]', '~ [*.txt]']
)");
    CHECK(rules.Decide("Documents/a.txt") ==
          "excluded by exclude '~/Documents/* [*]' of component 'Same' (rules.yaml:4:15)");
    CHECK(rules.Decide("a.txt") ==
          "excluded by exclude '~ [*.txt]' of component 'Same' (rules.yaml:4:36)");
    CHECK(rules.Included("a.tmp"));
  }

  TEST_CASE("rules act only within their component") {
    const Compiled rules(R"(components:
  - name: Without temporary files
    include: ['~/Documents/* [*]']
    exclude: ['~/Documents/* [*.tmp]']
  - name: Temporary files
    include: ['~/Documents/* [*.tmp]']
  - name: Only an exclude
    exclude: ['~/Documents/* [*]']
)");
    CHECK(rules.Decide("Documents/a.tmp") ==
          "included by include '~/Documents/* [*.tmp]' of component 'Temporary files' "
          "(rules.yaml:6:15)");
    CHECK(rules.Decide("Documents/a.odt") ==
          "included by include '~/Documents/* [*]' of component 'Without temporary files' "
          "(rules.yaml:3:15)");
  }

  TEST_CASE("an exclude that beats an include is reported when no other component includes") {
    const Compiled rules(R"(components:
  - name: A
    include: ['~/Documents/* [*]']
    exclude: ['~/Documents/* [*.tmp]']
  - name: B
    include: ['~/* [*.tmp]']
    exclude: ['~/Documents/* [*]']
)");
    CHECK(rules.Decide("Documents/a.tmp") ==
          "excluded by exclude '~/Documents/* [*.tmp]' of component 'A' (rules.yaml:4:15)");
  }

  TEST_CASE("the order of rules and components does not matter") {
    const Compiled forward(R"(components:
  - {name: A, include: ['~/D/* [*]'], exclude: ['~/D/* [*.tmp]', '~/D/X/* [*]']}
  - {name: B, include: ['~/D/X/* [*.odt]'], unconditionalExclude: ['~/D/* [*.bak]']}
)");
    const Compiled backward(R"(components:
  - {name: B, unconditionalExclude: ['~/D/* [*.bak]'], include: ['~/D/X/* [*.odt]']}
  - {name: A, exclude: ['~/D/X/* [*]', '~/D/* [*.tmp]'], include: ['~/D/* [*]']}
)");
    for (const char* path :
         {"D/a.txt", "D/a.tmp", "D/a.bak", "D/X/a.odt", "D/X/a.txt", "D/X/a.bak", "E/a.txt"}) {
      CAPTURE(path);
      CHECK(forward.Included(path) == backward.Included(path));
    }
    CHECK(forward.Included("D/X/a.odt"));
    CHECK_FALSE(forward.Included("D/X/a.txt"));
  }

  TEST_CASE("a disabled component's rules do nothing, its unconditionalExclude included") {
    const Compiled rules(R"(components:
  - {name: Docs, include: ['~/Documents/* [*]']}
  - {name: Off, enabled: false, include: ['~/Music/* [*]'],
     unconditionalExclude: ['~/Documents/* [*]']}
)");
    CHECK(rules.Included("Documents/a.txt"));
    CHECK_FALSE(rules.Included("Music/a.mp3"));
  }

  TEST_CASE("paths are case-sensitive") {
    const Compiled rules("components:\n  - {name: Docs, include: ['~/Documents/* [*.pdf]']}\n");
    CHECK(rules.Included("Documents/a.pdf"));
    CHECK_FALSE(rules.Included("Documents/a.PDF"));
    CHECK_FALSE(rules.Included("documents/a.pdf"));
  }

  TEST_CASE("user directories resolve per profile, and a disabled one matches nothing") {
    const std::string text =
        "components:\n  - {name: Docs, include: ['$XDG_DOCUMENTS_DIR/* [*]']}\n";
    UserDirectories german;
    german.Set(UserDirectory::kDocuments, {"Dokumente"});
    const Compiled rules(text, german);
    CHECK(rules.Included("Dokumente/Brief.odt"));
    CHECK_FALSE(rules.Included("Documents/letter.odt"));
    UserDirectories disabled;
    disabled.Set(UserDirectory::kDocuments, {});
    const Compiled none(text, disabled);
    CHECK_FALSE(none.Included("Documents/letter.odt"));
    CHECK_FALSE(none.Included("letter.odt"));
    CHECK(none.rules().pattern_count() == 0);
  }
}

TEST_SUITE("CompiledRules paths") {
  TEST_CASE("directories are objects only for patterns that take every file") {
    const Compiled rules(R"(components:
  - name: Docs
    include: ['~/Documents/* [*]', '~/Flat [*]', '~/Typed/* [*.pdf]', '~/.ssh']
    exclude: ['~/Documents/Skip/* [*]']
)");
    CHECK(rules.Decide("Documents", true) ==
          "included by include '~/Documents/* [*]' of component 'Docs' (rules.yaml:3:15)");
    CHECK(rules.Decide("Documents/empty", true).starts_with("included"));
    CHECK(rules.Decide("Documents/Skip", true).starts_with("excluded"));
    CHECK(rules.Decide("Flat", true).starts_with("included"));
    CHECK(rules.Decide("Flat/sub", true) == "not included");
    CHECK(rules.Decide("Typed", true) == "not included");
    CHECK(rules.Decide(".ssh", true).starts_with("included"));
    CHECK(rules.Decide(".ssh", false).starts_with("included"));  // a file called .ssh
    CHECK(rules.Decide("", true) == "not included");
    CHECK(rules.Decide("", false) == "not included");
  }

  TEST_CASE("tolerates doubled and trailing slashes and deep paths") {
    const Compiled rules("components:\n  - {name: Docs, include: ['~/Documents/* [*]']}\n");
    CHECK(rules.Included("Documents//a/b.txt"));
    CHECK(rules.Decide("Documents/a/", true).starts_with("included"));
    std::string deep = "Documents";
    for (int level = 0; level < 100; ++level) deep += "/d" + std::to_string(level);
    CHECK(rules.Included(deep + "/file.txt"));
    CHECK_FALSE(rules.Included("Other" + deep.substr(9) + "/file.txt"));
  }
}

TEST_SUITE("CompiledRules pruning") {
  TEST_CASE("a tree an unconditionalExclude covers is skipped") {
    const Compiled rules(R"(components:
  - {name: All, include: ['~/* [*]', '~/.cache/keep/* [*]']}
  - {name: Never, unconditionalExclude: ['~/.cache/* [*]', '~/.cache [*.db]']}
)");
    CHECK(rules.MayIncludeBelow(""));
    CHECK_FALSE(rules.MayIncludeBelow(".cache"));
    CHECK_FALSE(rules.MayIncludeBelow(".cache/keep"));
    CHECK(rules.MayIncludeBelow(".config"));
  }

  TEST_CASE("a tree no include reaches is skipped") {
    const Compiled rules(R"(components:
  - {name: Firefox, include: ['~/.mozilla/firefox']}
  - {name: Docs, include: ['~/Documents [*]']}
)");
    CHECK(rules.MayIncludeBelow(""));
    CHECK(rules.MayIncludeBelow(".mozilla"));
    CHECK(rules.MayIncludeBelow(".mozilla/firefox/x.default"));
    CHECK_FALSE(rules.MayIncludeBelow(".mozilla/extensions"));
    CHECK_FALSE(rules.MayIncludeBelow("Music"));
    CHECK(rules.MayIncludeBelow("Documents"));
    CHECK_FALSE(rules.MayIncludeBelow("Documents/sub"));
  }

  TEST_CASE("a tree a component's exclude covers is skipped unless an include beats it") {
    const Compiled rules(R"(components:
  - name: Documents by type
    include: ['~/* [*.pdf]', '~/.local/share/docs/* [*.pdf]']
    exclude: ['~/**/.*/* [*]']
)");
    CHECK(rules.MayIncludeBelow("projects"));
    CHECK_FALSE(rules.MayIncludeBelow(".var"));
    CHECK_FALSE(rules.MayIncludeBelow("projects/app/.git"));
    CHECK(rules.MayIncludeBelow(".local"));
    CHECK(rules.MayIncludeBelow(".local/share/docs"));
    CHECK_FALSE(rules.MayIncludeBelow(".local/share/Steam"));
    CHECK(rules.Included(".local/share/docs/a.pdf"));
    CHECK_FALSE(rules.Included(".local/share/Steam/a.pdf"));
  }

  TEST_CASE("another component keeps a tree alive that one component excludes") {
    const Compiled rules(R"(components:
  - {name: Docs, include: ['~/* [*.pdf]'], exclude: ['~/.*/* [*]']}
  - {name: Fonts, include: ['~/.local/share/fonts']}
  - {name: Off, enabled: false, include: ['~/.var/* [*]']}
)");
    CHECK(rules.MayIncludeBelow(".local"));
    CHECK_FALSE(rules.MayIncludeBelow(".var"));
    CHECK_FALSE(rules.MayIncludeBelow(".local/state"));
  }
}

}  // namespace
}  // namespace tseq
