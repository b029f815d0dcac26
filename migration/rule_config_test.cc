#include "migration/rule_config.h"

#include <doctest/doctest.h>

#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

std::string Errors(std::string_view text) {
  Diagnostics diagnostics;
  const std::optional<MigrationConfig> config =
      ParseMigrationConfig(text, "config.yaml", diagnostics);
  CHECK_FALSE(config.has_value());
  return diagnostics.ToString();
}

TEST_SUITE("ParseMigrationConfig") {
  TEST_CASE("reads the components and their switches") {
    Diagnostics diagnostics;
    const std::optional<MigrationConfig> config = ParseMigrationConfig(R"(components:
  # a comment, as /genconfig writes
  - name: "Documents"
    migrate: true
  - { name: Firefox, migrate: no }
)",
                                                                       "config.yaml", diagnostics);
    REQUIRE_MESSAGE(config.has_value(), diagnostics.ToString());
    CHECK(config->file_name == "config.yaml");
    REQUIRE(config->components.size() == 2);
    CHECK(config->components[0].name == "Documents");
    CHECK(config->components[0].migrate);
    CHECK(config->components[0].location.ToString() == "config.yaml:3:11");
    CHECK(config->components[1].name == "Firefox");
    CHECK_FALSE(config->components[1].migrate);

    const std::optional<MigrationConfig> empty =
        ParseMigrationConfig("components:\n", "config.yaml", diagnostics);
    REQUIRE(empty.has_value());
    CHECK(empty->components.empty());
  }

  TEST_CASE("reports every problem with its file, line and column") {
    CHECK(Errors(R"(components:
  - name: Documents
    migrate: perhaps
  - name: Firefox
  - migrate: false
  - name: Mail
    migrate: false
    migarte: true
  - name: mail
    migrate: true
  - Chromium
policies: {}
)") == "config.yaml:3:14: error: 'migrate' must be true or false, not 'perhaps'\n"
       "config.yaml:4:11: error: component 'Firefox' is missing required key 'migrate'\n"
       "config.yaml:5:5: error: component is missing required key 'name'\n"
       "config.yaml:8:5: error: unknown key 'migarte' in component 'Mail' (did you mean "
       "'migrate'?)\n"
       "config.yaml:9:11: error: component 'mail' is already listed at "
       "config.yaml:6:11\n"
       "config.yaml:11:5: error: a component must be a map with 'name' and 'migrate', not a "
       "string\n"
       "config.yaml:12:1: error: unknown key 'policies' in config file\n");
    CHECK(Errors("[]") ==
          "config.yaml:1:1: error: a config file must be a map with 'components', not a list\n");
    CHECK(Errors("component: []") ==
          "config.yaml:1:1: error: unknown key 'component' in config file (did you mean "
          "'components'?)\n"
          "config.yaml:1:1: error: config file is missing required key 'components'\n");
    CHECK(Errors("components: [\n") ==
          "config.yaml:2:1: error: YAML syntax error: end of sequence flow not found\n");
  }
}

TEST_SUITE("ReadMigrationConfig") {
  TEST_CASE("reads a file and returns every diagnostic as the message") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/c/good.yaml", "components:\n  - {name: A, migrate: false}\n");
    filesystem.AddFile("/c/bad.yaml", "components:\n  - {name: A}\n  - {name: B}\n");
    Result<MigrationConfig> config = ReadMigrationConfig(filesystem, "/c/good.yaml");
    REQUIRE(config.ok());
    CHECK_FALSE(config->components.at(0).migrate);

    config = ReadMigrationConfig(filesystem, "/c/bad.yaml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == StatusCode::kInvalidArgument);
    CHECK(config.status().message() ==
          "/c/bad.yaml:2:12: error: component 'A' is missing required key 'migrate'\n"
          "/c/bad.yaml:3:12: error: component 'B' is missing required key 'migrate'");

    config = ReadMigrationConfig(filesystem, "/c/missing.yaml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == StatusCode::kNotFound);
  }
}

}  // namespace
}  // namespace tseq
