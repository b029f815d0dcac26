#include "migration/rule_file.h"

#include <doctest/doctest.h>

#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

RuleFile Parse(std::string_view text) {
  Diagnostics diagnostics;
  std::optional<RuleFile> file = ParseRuleFile(text, "rules.yaml", diagnostics);
  REQUIRE_MESSAGE(file.has_value(), diagnostics.ToString());
  CHECK(diagnostics.all().empty());
  return std::move(*file);
}

std::string Errors(std::string_view text) {
  Diagnostics diagnostics;
  const std::optional<RuleFile> file = ParseRuleFile(text, "rules.yaml", diagnostics);
  CHECK_FALSE(file.has_value());
  return diagnostics.ToString();
}

TEST_SUITE("ParseRuleFile") {
  TEST_CASE("reads components with their rules in file order") {
    const RuleFile file = Parse(R"(description: Test rules
components:
  - name: Documents
    description: The documents
    include:
      - $XDG_DOCUMENTS_DIR/* [*]
      - "~/Notes [*.txt]"
    exclude:
      - $XDG_DOCUMENTS_DIR/* [*.tmp]
    unconditionalExclude: ['~/.cache/* [*]']
  - name: Off
    enabled: false
    include: [~/.off]
    exclude:
)");
    CHECK(file.file_name == "rules.yaml");
    CHECK(file.description == "Test rules");
    REQUIRE(file.components.size() == 2);
    const RuleComponent& documents = file.components[0];
    CHECK(documents.name == "Documents");
    CHECK(documents.description == "The documents");
    CHECK(documents.enabled);
    CHECK(documents.location.ToString() == "rules.yaml:3:11");
    REQUIRE(documents.rules.size() == 4);
    CHECK(documents.rules[0].kind == RuleKind::kInclude);
    CHECK(documents.rules[0].pattern.text == "$XDG_DOCUMENTS_DIR/* [*]");
    CHECK(documents.rules[0].location.ToString() == "rules.yaml:6:9");
    CHECK(documents.rules[1].pattern.text == "~/Notes [*.txt]");
    CHECK(documents.rules[2].kind == RuleKind::kExclude);
    CHECK(documents.rules[3].kind == RuleKind::kUnconditionalExclude);
    CHECK(documents.rules[3].pattern.text == "~/.cache/* [*]");
    CHECK(documents.rules[3].location.ToString() == "rules.yaml:10:28");
    CHECK_FALSE(file.components[1].enabled);
    CHECK(file.components[1].rules.size() == 1);
  }

  TEST_CASE("reports every problem with its file, line and column") {
    CHECK(Errors(R"(components:
  - name: Documents
    includes: [~/Documents]
    enabled: maybe
    exclude: ~/x
  - nme: NoName
  - name: [x]
  - name: " padded "
  - just text
  - name: Patterns
    include:
      - ~/Documents [*.pdf
      - /etc/passwd
      - ~
      - { a: b }
      - $XDG_DOCUMENT_DIR/* [*]
  - name: documents
    include: [~/x]
componentz: []
)") == "rules.yaml:3:5: error: unknown key 'includes' in component 'Documents' (did you mean "
       "'include'?)\n"
       "rules.yaml:4:14: error: 'enabled' must be true or false, not 'maybe'\n"
       "rules.yaml:5:14: error: 'exclude' must be a list of patterns, not a string\n"
       "rules.yaml:6:5: error: component is missing required key 'name'\n"
       "rules.yaml:6:5: error: unknown key 'nme' in component (did you mean 'name'?)\n"
       "rules.yaml:7:11: error: 'name' must be a string, not a list\n"
       "rules.yaml:8:11: error: invalid component name ' padded ': names are non-empty text "
       "without control characters or surrounding spaces\n"
       "rules.yaml:9:5: error: a component must be a map with 'name' and its rules, not a "
       "string\n"
       "rules.yaml:12:9: error: invalid pattern '~/Documents [*.pdf': missing ']' after the "
       "file name\n"
       "rules.yaml:13:9: error: invalid pattern '/etc/passwd': a pattern starts with '~' (the "
       "profile's home) or a user folder such as $XDG_DOCUMENTS_DIR, not '/etc/passwd'\n"
       "rules.yaml:14:9: error: a pattern must be a string, not nothing (quote a pattern that "
       "is just \"~\")\n"
       "rules.yaml:15:9: error: a pattern must be a string, not a map\n"
       "rules.yaml:16:9: error: invalid pattern '$XDG_DOCUMENT_DIR/* [*]': unknown user folder "
       "'$XDG_DOCUMENT_DIR' (did you mean $XDG_DOCUMENTS_DIR?)\n"
       "rules.yaml:19:1: error: unknown key 'componentz' in rule file (did you mean "
       "'components'?)\n");
  }

  TEST_CASE("rejects a name defined twice in one file, ignoring case") {
    CHECK(Errors(R"(components:
  - name: Documents
    include: [~/a]
  - name: DOCUMENTS
    include: [~/b]
)") == "rules.yaml:4:11: error: component 'DOCUMENTS' is already defined at rules.yaml:2:11\n");
  }

  TEST_CASE("reports YAML syntax errors and the wrong shape of file") {
    CHECK(Errors("components: [\n") ==
          "rules.yaml:2:1: error: YAML syntax error: end of sequence flow not found\n");
    CHECK(Errors("") ==
          "rules.yaml: error: a rule file must be a map with 'components', not "
          "nothing\n");
    CHECK(Errors("- a\n") ==
          "rules.yaml:1:1: error: a rule file must be a map with 'components', not a list\n");
    CHECK(Errors("description: x\n") ==
          "rules.yaml:1:1: error: rule file is missing required key 'components'\n");
    CHECK(Errors("components: {a: b}\n") ==
          "rules.yaml:1:13: error: 'components' must be a list of components, not a map\n");
    CHECK(Errors("components: []\ncomponents: []\n") ==
          "rules.yaml:2:1: error: key 'components' is repeated\n");
    CHECK(Errors("components: []\n---\ncomponents: []\n") ==
          "rules.yaml:3:1: error: the file holds one YAML document, but a second one starts "
          "here\n");
  }

  TEST_CASE("limits the patterns that aliases can multiply") {
    std::string text = "x: &p [";
    for (int index = 0; index < 1000; ++index) text += "'~/a',";
    text += "]\ncomponents:\n";
    for (int index = 0; index < 101; ++index) {
      text += "  - {name: c" + std::to_string(index) + ", include: *p}\n";
    }
    const std::string errors = Errors(text);
    CHECK(errors.find("error: the file has more than 100000 patterns (aliases count as copies)") !=
          std::string::npos);
  }
}

TEST_SUITE("ReadRuleFile") {
  TEST_CASE("reads a file and returns every diagnostic as the message") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/rules/good.yaml", "components:\n  - name: A\n    include: [~/a]\n");
    filesystem.AddFile("/rules/bad.yaml", "components:\n  - name: A\n    include: [/a, /b]\n");
    Result<RuleFile> file = ReadRuleFile(filesystem, "/rules/good.yaml");
    REQUIRE(file.ok());
    CHECK(file->file_name == "/rules/good.yaml");
    CHECK(file->components.at(0).name == "A");

    file = ReadRuleFile(filesystem, "/rules/bad.yaml");
    REQUIRE_FALSE(file.ok());
    CHECK(file.status().code() == StatusCode::kInvalidArgument);
    CHECK(file.status().message() ==
          "/rules/bad.yaml:3:15: error: invalid pattern '/a': a pattern starts with '~' (the "
          "profile's home) or a user folder such as $XDG_DOCUMENTS_DIR, not '/a'\n"
          "/rules/bad.yaml:3:19: error: invalid pattern '/b': a pattern starts with '~' (the "
          "profile's home) or a user folder such as $XDG_DOCUMENTS_DIR, not '/b'");

    file = ReadRuleFile(filesystem, "/rules/missing.yaml");
    REQUIRE_FALSE(file.ok());
    CHECK(file.status().code() == StatusCode::kNotFound);
  }
}

TEST_SUITE("ShippedRuleFiles") {
  TEST_CASE("are built in and parse without a problem") {
    REQUIRE(ShippedRuleFiles().size() == 3);
    CHECK(ShippedRuleFiles()[0].name == "miguser.yaml");
    CHECK(ShippedRuleFiles()[1].name == "migapp.yaml");
    CHECK(ShippedRuleFiles()[2].name == "migdocs.yaml");
    Result<std::vector<RuleFile>> files = ParseShippedRuleFiles();
    REQUIRE_MESSAGE(files.ok(), files.status().message());
    REQUIRE(files->size() == 3);
    for (const RuleFile& file : *files) {
      CAPTURE(file.file_name);
      CHECK_FALSE(file.description.empty());
      CHECK(file.components.size() >= 2);
      for (const RuleComponent& component : file.components) {
        CAPTURE(component.name);
        CHECK_FALSE(component.description.empty());
        CHECK_FALSE(component.rules.empty());
      }
    }
  }

  TEST_CASE("are the files of migration/rules byte for byte") {
    for (const ShippedRuleFile& shipped : ShippedRuleFiles()) {
      CAPTURE(shipped.name);
      const std::string path =
          std::string(TSEQ_SOURCE_DIR) + "/migration/rules/" + std::string(shipped.name);
      const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
      Result<std::string> text = filesystem->ReadFile(path);
      REQUIRE(text.ok());
      CHECK(*text == shipped.text);
    }
    CHECK(FindShippedRuleFile("migapp.yaml") == ShippedRuleFiles()[1].text);
    CHECK_FALSE(FindShippedRuleFile("MigApp.xml").has_value());
  }
}

}  // namespace
}  // namespace tseq
