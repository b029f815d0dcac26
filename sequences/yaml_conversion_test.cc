#include "sequences/yaml_conversion.h"

#include <string>

#include <doctest/doctest.h>

namespace tseq {
namespace {

struct Parsed {
  std::optional<Value> value;
  std::string diagnostics;
};

Parsed Parse(std::string_view text) {
  Diagnostics diagnostics;
  std::optional<Value> value = ParseYaml(text, "f.yaml", diagnostics);
  return {std::move(value), diagnostics.ToString()};
}

TEST_SUITE("ParseYaml") {
  TEST_CASE("maps, lists and scalars keep their order and 1-based locations") {
    const Parsed parsed = Parse("b: 1\na:\n  - x\n  - 'y'\n  - { k: v }\n");
    REQUIRE(parsed.value.has_value());
    CHECK(parsed.diagnostics == "");
    const Value& root = *parsed.value;
    CHECK(root.is_map());
    CHECK(root.location.ToString() == "f.yaml:1:1");
    REQUIRE(root.entries.size() == 2);
    CHECK(root.entries[0].first == "b");
    CHECK(root.entries[1].first == "a");
    const Value& b = *root.Find("b");
    CHECK(b.scalar == "1");
    CHECK_FALSE(b.quoted);
    CHECK(b.location.ToString() == "f.yaml:1:4");
    CHECK(b.key_location.ToString() == "f.yaml:1:1");
    const Value& a = *root.Find("a");
    CHECK(a.is_list());
    CHECK(a.location.ToString() == "f.yaml:3:3");
    CHECK(a.key_location.ToString() == "f.yaml:2:1");
    REQUIRE(a.items.size() == 3);
    CHECK(a.items[0].scalar == "x");
    CHECK(a.items[1].scalar == "y");
    CHECK(a.items[1].quoted);
    CHECK(a.items[1].location.ToString() == "f.yaml:4:5");
    CHECK(a.items[2].Find("k")->scalar == "v");
  }

  TEST_CASE("quoted, block and explicitly tagged scalars are marked quoted") {
    const Parsed parsed = Parse("a: \"true\"\nb: |\n  text\nc: !!str 5\nd: true\n");
    REQUIRE(parsed.value.has_value());
    CHECK(parsed.value->Find("a")->quoted);
    CHECK(parsed.value->Find("b")->quoted);
    CHECK(parsed.value->Find("b")->scalar == "text\n");
    CHECK(parsed.value->Find("c")->quoted);
    CHECK_FALSE(parsed.value->Find("d")->quoted);
  }

  TEST_CASE("an empty value is null and located at its key, an explicit null where written") {
    const Parsed parsed = Parse("a:\nb: ~\nc: null\nd: ''\n");
    REQUIRE(parsed.value.has_value());
    CHECK(parsed.value->Find("a")->is_null());
    CHECK(parsed.value->Find("a")->location.ToString() == "f.yaml:1:1");
    CHECK(parsed.value->Find("b")->is_null());
    CHECK(parsed.value->Find("b")->location.ToString() == "f.yaml:2:4");
    CHECK(parsed.value->Find("c")->is_null());
    CHECK(parsed.value->Find("d")->is_scalar());
    CHECK(parsed.value->Find("d")->scalar.empty());
  }

  TEST_CASE("an empty file and a file of comments are a null document") {
    for (const char* text : {"", "# nothing\n", "---\n"}) {
      CAPTURE(text);
      const Parsed parsed = Parse(text);
      REQUIRE(parsed.value.has_value());
      CHECK(parsed.value->is_null());
      CHECK(parsed.diagnostics == "");
    }
  }

  TEST_CASE("every duplicate key is reported and the first value kept") {
    const Parsed parsed = Parse("a: 1\nb: 2\na: 3\nm: { x: 1, x: 2 }\n");
    REQUIRE(parsed.value.has_value());
    CHECK(parsed.diagnostics ==
          "f.yaml:3:1: error: duplicate key 'a'\n"
          "f.yaml:4:12: error: duplicate key 'x'\n");
    CHECK(parsed.value->Find("a")->scalar == "1");
    CHECK(parsed.value->entries.size() == 3);
  }

  TEST_CASE("keys are compared exactly, so keys differing in case are not duplicates") {
    const Parsed parsed = Parse("Name: 1\nname: 2\n");
    CHECK(parsed.diagnostics == "");
  }

  TEST_CASE("a key that is a list or a map is reported") {
    const Parsed parsed = Parse("? [a]\n: 1\nb: 2\n");
    REQUIRE(parsed.value.has_value());
    CHECK(parsed.diagnostics == "f.yaml:1:3: error: a key must be a string, not a list\n");
    CHECK(parsed.value->entries.size() == 1);
  }

  TEST_CASE("a syntax error is reported at yaml-cpp's position, 1-based") {
    Parsed parsed = Parse("a: 1\nb: [1, 2\n");
    CHECK_FALSE(parsed.value.has_value());
    CHECK(parsed.diagnostics ==
          "f.yaml:3:1: error: YAML syntax error: end of sequence flow not found\n");
    parsed = Parse("a:\n\tb: 1\n");
    CHECK_FALSE(parsed.value.has_value());
    CHECK(parsed.diagnostics == "f.yaml:2:3: error: YAML syntax error: illegal map value\n");
    parsed = Parse("a: *unknown\n");
    CHECK_FALSE(parsed.value.has_value());
    CHECK(parsed.diagnostics ==
          "f.yaml:1:4: error: YAML syntax error: the referenced anchor is not defined\n");
  }

  TEST_CASE("a second document is an error") {
    const Parsed parsed = Parse("a: 1\n---\nb: 2\n");
    CHECK_FALSE(parsed.value.has_value());
    CHECK(parsed.diagnostics ==
          "f.yaml:2:1: error: a sequence file holds one YAML document, but a second one starts "
          "here\n");
  }

  TEST_CASE("an alias is a copy of its anchor, located at the alias") {
    const Parsed parsed = Parse("a: &x { k: [1, 2] }\nb: *x\n");
    REQUIRE(parsed.value.has_value());
    const Value& b = *parsed.value->Find("b");
    CHECK(b.location.ToString() == "f.yaml:2:4");
    CHECK(b.key_location.ToString() == "f.yaml:2:1");
    REQUIRE(b.Find("k") != nullptr);
    CHECK(b.Find("k")->items.size() == 2);
  }

  TEST_CASE("nested aliases cannot expand past the node limit") {
    std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level <= 6; ++level) {
      const std::string previous = "*a" + std::to_string(level - 1);
      text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
      for (int i = 0; i < 10; ++i) text += (i == 0 ? "" : ", ") + previous;
      text += "]\n";
    }
    const Parsed parsed = Parse(text);
    CHECK_FALSE(parsed.value.has_value());
    CHECK(parsed.diagnostics ==
          "f.yaml: error: the document has more than 2000000 nodes (aliases count as copies)\n");
  }
}

}  // namespace
}  // namespace tseq
