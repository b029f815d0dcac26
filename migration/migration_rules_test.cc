#include "migration/migration_rules.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

RuleFile ParseFile(std::string_view text, const std::string& name = "rules.yaml") {
  Diagnostics diagnostics;
  std::optional<RuleFile> file = ParseRuleFile(text, name, diagnostics);
  REQUIRE_MESSAGE(file.has_value(), diagnostics.ToString());
  return std::move(*file);
}

MigrationRules Rules(std::string_view text) {
  std::vector<RuleFile> files;
  files.push_back(ParseFile(text));
  Result<MigrationRules> rules = MigrationRules::Merge(std::move(files));
  REQUIRE(rules.ok());
  return std::move(rules).value();
}

MigrationConfig Config(std::string_view text) {
  Diagnostics diagnostics;
  std::optional<MigrationConfig> config = ParseMigrationConfig(text, "config.yaml", diagnostics);
  REQUIRE_MESSAGE(config.has_value(), diagnostics.ToString());
  return std::move(*config);
}

TEST_SUITE("MigrationRules") {
  TEST_CASE("merges files and refuses a component defined in two of them") {
    std::vector<RuleFile> files;
    files.push_back(ParseFile("components:\n  - {name: A, include: [~/a]}\n", "one.yaml"));
    files.push_back(ParseFile("components:\n  - {name: B, include: [~/b]}\n", "two.yaml"));
    Result<MigrationRules> rules = MigrationRules::Merge(files);
    REQUIRE(rules.ok());
    CHECK(rules->files().size() == 2);
    REQUIRE(rules->FindComponent("b") != nullptr);
    CHECK(rules->FindComponent("b")->name == "B");
    CHECK(rules->FindComponent("C") == nullptr);

    files.push_back(
        ParseFile("# a\ncomponents:\n  - {name: c, include: [~/c]}\n"
                  "  - {name: a, include: [~/a]}\n",
                  "three.yaml"));
    rules = MigrationRules::Merge(files);
    REQUIRE_FALSE(rules.ok());
    CHECK(rules.status().code() == StatusCode::kInvalidArgument);
    CHECK(rules.status().message() ==
          "component 'a' is defined in both one.yaml:2:12 and three.yaml:4:12");
  }

  TEST_CASE("a config switches the components it names and leaves the others") {
    MigrationRules rules = Rules(R"(components:
  - {name: Documents, include: [~/Documents]}
  - {name: Music, include: [~/Music]}
  - {name: Extra, enabled: false, include: [~/Extra]}
)");
    REQUIRE(rules
                .ApplyConfig(Config("components:\n  - {name: documents, migrate: false}\n"
                                    "  - {name: EXTRA, migrate: true}\n"))
                .ok());
    CHECK_FALSE(rules.FindComponent("Documents")->enabled);
    CHECK(rules.FindComponent("Music")->enabled);
    CHECK(rules.FindComponent("Extra")->enabled);

    const CompiledRules compiled(rules, UserDirectories());
    CHECK(compiled.Decide("Documents/a.txt", false).verdict == RuleVerdict::kNotIncluded);
    CHECK(compiled.Decide("Music/a.mp3", false).included());
    CHECK(compiled.Decide("Extra/a", false).included());
  }

  TEST_CASE("a config naming unknown components changes nothing and says which") {
    MigrationRules rules = Rules("components:\n  - {name: Documents, include: [~/Documents]}\n");
    const Status status = rules.ApplyConfig(Config(R"(components:
  - {name: Documents, migrate: false}
  - {name: Docments, migrate: false}
  - {name: Firefox, migrate: false}
)"));
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message() ==
          "config.yaml:3:12: error: component 'Docments' is not in the loaded rule files (did "
          "you mean 'Documents'?)\n"
          "config.yaml:4:12: error: component 'Firefox' is not in the loaded rule files");
    CHECK(rules.FindComponent("Documents")->enabled);
  }

  TEST_CASE("genconfig lists every component, and feeding it back changes nothing") {
    std::vector<RuleFile> files;
    files.push_back(ParseFile(R"(components:
  - name: Documents
    description: |
      The documents,
      all of them.
    include: [~/Documents]
  - {name: Off, enabled: false, include: [~/off]}
)",
                              "one.yaml"));
    files.push_back(ParseFile(R"(components:
  - {name: 'Say "hi" \ there', include: [~/hi]}
)",
                              "two.yaml"));
    Result<MigrationRules> rules = MigrationRules::Merge(std::move(files));
    REQUIRE(rules.ok());
    const std::string generated = rules->GenerateConfig();
    CHECK(generated ==
          "# The components of the migration rule files, written by /genconfig. Set migrate: "
          "false\n"
          "# on what to leave out and give this file back with /config. A component left out of\n"
          "# this list keeps the default of its rule file.\n"
          "components:\n"
          "  # one.yaml: The documents, all of them.\n"
          "  - name: \"Documents\"\n"
          "    migrate: true\n"
          "  # one.yaml\n"
          "  - name: \"Off\"\n"
          "    migrate: false\n"
          "  # two.yaml\n"
          "  - name: \"Say \\\"hi\\\" \\\\ there\"\n"
          "    migrate: true\n");

    const MigrationConfig config = Config(generated);
    REQUIRE(config.components.size() == 3);
    CHECK(config.components[2].name == "Say \"hi\" \\ there");
    MigrationRules round_trip = *rules;
    REQUIRE(round_trip.ApplyConfig(config).ok());
    CHECK(round_trip.GenerateConfig() == generated);

    // An administrator's edit comes back.
    std::string edited = generated;
    edited.replace(edited.find("migrate: true"), 13, "migrate: false");
    REQUIRE(round_trip.ApplyConfig(Config(edited)).ok());
    CHECK_FALSE(round_trip.FindComponent("Documents")->enabled);
    CHECK(round_trip.FindComponent(R"(Say "hi" \ there)")->enabled);
  }

  TEST_CASE("the shipped rules merge") {
    Result<MigrationRules> rules = MigrationRules::Shipped();
    REQUIRE_MESSAGE(rules.ok(), rules.status().message());
    CHECK(rules->files().size() == 3);
    CHECK(rules->FindComponent("Documents") != nullptr);
    CHECK(rules->FindComponent("SSH") != nullptr);
    CHECK(rules->FindComponent("Documents by type") != nullptr);
  }
}

}  // namespace
}  // namespace tseq
