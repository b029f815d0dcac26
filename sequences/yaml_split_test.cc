#include "sequences/yaml_split.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "sequences/yaml_conversion.h"
#include "sequences/yaml_value_builder.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

constexpr size_t kNone = std::string_view::npos;

// Everything a parse produces, as text, so that two parses compare in one CHECK and a difference
// shows where it is.
std::string Describe(const Value& value, int depth = 0) {
  std::string text = std::string(static_cast<size_t>(depth) * 2, ' ') + value.KindName() + " @" +
                     value.location.ToString() + " key@" + value.key_location.ToString();
  if (value.is_scalar()) text += (value.quoted ? " '" : " ") + value.scalar;
  text += "\n";
  for (const Value& item : value.items) text += Describe(item, depth + 1);
  for (const auto& [key, entry] : value.entries) {
    text += std::string(static_cast<size_t>(depth) * 2 + 1, ' ') + key + ":\n";
    text += Describe(entry, depth + 1);
  }
  return text;
}

std::string Describe(const std::optional<Value>& value, const Diagnostics& diagnostics) {
  std::string text = diagnostics.ToString();
  // all() too: gluing must keep the order in which problems are found, not just the sorted one.
  for (const Diagnostic& diagnostic : diagnostics.all()) text += diagnostic.ToString() + "|";
  return text + "\n" + (value ? Describe(*value) : "no value\n");
}

std::string OnePiece(std::string_view text) {
  Diagnostics diagnostics;
  const std::optional<Value> value = ParseYamlInOnePiece(text, "f.yaml", diagnostics);
  return Describe(value, diagnostics);
}

// The two-part parse at `split`, or "" when it gave up (then it must have reported nothing).
std::string InTwo(std::string_view text, size_t split) {
  Diagnostics diagnostics;
  const std::optional<Value> value = ParseYamlInTwo(text, split, "f.yaml", diagnostics);
  if (!value) {
    CHECK(diagnostics.all().empty());
    return "";
  }
  return Describe(value, diagnostics);
}

// Splits `text` at the start of every line; each split that glues must give what one parse
// gives. Returns how many glued.
int CheckEverySplit(std::string_view text) {
  const std::string expected = OnePiece(text);
  int glued = 0;
  for (size_t split = 1; split < text.size(); ++split) {
    if (text[split - 1] != '\n') continue;
    const std::string actual = InTwo(text, split);
    if (actual.empty()) continue;
    ++glued;
    CAPTURE(text);
    CAPTURE(split);
    CHECK(actual == expected);
  }
  return glued;
}

// A sequence of `steps` steps in groups of ten, with the steps list last.
std::string LargeSequence(int steps) {
  std::string text = "name: Large\nvariables:\n  A: 1\nsteps:\n";
  for (int step = 0; step < steps; ++step) {
    if (step % 10 == 0) {
      text += "  - group: Group " + std::to_string(step / 10) + "\n    steps:\n";
    }
    text += "      - name: Step " + std::to_string(step) +
            "\n        type: SetVariable\n        condition: { variable: A, equals: \"1\" }\n" +
            "        with:\n          name: V" + std::to_string(step) + "\n          value: |\n" +
            "            text\n";
  }
  return text;
}

// FindYamlSplit as its contract states it, line by line from the first: the reference the one-pass
// scan is checked against.
size_t ReferenceSplit(std::string_view text) {
  if (text.size() < 4 || text.substr(0, 4).find('\0') != kNone || text[0] == '\xFE' ||
      text[0] == '\xFF') {
    return kNone;
  }
  struct Line {
    size_t start;
    size_t indent;
    bool item;
  };
  std::vector<Line> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    if (line.starts_with("%")) return kNone;
    if ((line.starts_with("---") || line.starts_with("...")) && !lines.empty()) return kNone;
    const size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::string_view rest = line.substr(indent);
    if (!rest.empty() && rest != "\r" && rest[0] != '#') {
      lines.push_back({start, indent,
                       rest[0] == '-' && (rest.size() == 1 || rest[1] == ' ' || rest[1] == '\r')});
    }
    start = end + 1;
  }
  size_t best = kNone;
  for (size_t index = 0; index < lines.size(); ++index) {
    const Line& line = lines[index];
    const bool outermost =
        std::all_of(lines.begin() + static_cast<long>(index) + 1, lines.end(),
                    [&](const Line& later) { return later.indent >= line.indent; });
    const size_t middle = text.size() / 2;
    const auto distance = [middle](size_t at) { return at > middle ? at - middle : middle - at; };
    if (line.item && outermost && distance(line.start) <= text.size() / 4 &&
        (best == kNone || distance(line.start) <= distance(best))) {
      best = line.start;
    }
  }
  return best;
}

TEST_SUITE("FindYamlSplit") {
  TEST_CASE("agrees with the line-by-line reference on texts made of tricky lines") {
    const std::vector<std::string> pieces = {"steps:\n",
                                             "  - a\n",
                                             "  - b\r\n",
                                             "-\n",
                                             "- x\n",
                                             "    - deep\n",
                                             "  # c\n",
                                             "\n",
                                             "\r\n",
                                             "---\n",
                                             "... x\n",
                                             "%TAG\n",
                                             "  -x\n",
                                             "k: v\n",
                                             "  -",
                                             "   \n",
                                             "- y",
                                             "#\n",
                                             "          - ten\n",
                                             "                - sixteen\n",
                                             "        \n",
                                             "         # nine\n",
                                             "        - eight\r\n",
                                             "                x: 16\n"};
    // A fixed linear congruential sequence: the texts are the same on every run.
    unsigned state = 12345;
    const auto next = [&state](unsigned bound) {
      state = state * 1103515245U + 12345U;
      return (state >> 16) % bound;
    };
    int splits = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      const unsigned count = 1 + next(14);
      for (unsigned piece = 0; piece < count; ++piece) {
        text += pieces[next(static_cast<unsigned>(pieces.size()))];
      }
      const size_t expected = ReferenceSplit(text);
      if (expected != kNone) ++splits;
      INFO("text: " << text);
      REQUIRE(FindYamlSplit(text) == expected);
    }
    CHECK(splits > 300);  // the comparison covered texts that split, too
  }

  TEST_CASE("picks the item line of the outermost list nearest the middle") {
    const std::string text = LargeSequence(200);
    const size_t split = FindYamlSplit(text);
    REQUIRE(split != kNone);
    CHECK(text.substr(split, 10) == "  - group:");
    const size_t middle = text.size() / 2;
    const size_t distance = split > middle ? split - middle : middle - split;
    CHECK(distance < text.size() / 20);  // groups are 5 % of the text each
  }

  TEST_CASE("skips item lines followed by lines indented less") {
    const std::string text = "a:\n  - x\n  - y\n  - z\nb:\n  - w\n";
    // Every item line is followed by `b:` or is the last line's list: only `  - w` qualifies,
    // and it is outside the middle half.
    CHECK(FindYamlSplit(text) == kNone);
    const std::string items = "list:\n  - x\n  # a comment\n\n  - y\n  - z\n";
    CHECK(FindYamlSplit(items) == items.find("  - y"));
  }

  TEST_CASE("does not split texts with directives, document markers, or UTF-16") {
    const std::string body = "steps:\n  - a\n  - b\n  - c\n  - d\n";
    CHECK(FindYamlSplit(body) != kNone);
    CHECK(FindYamlSplit("---\n" + body) != kNone);
    CHECK(FindYamlSplit("# comment\n--- # start\n" + body) != kNone);
    CHECK(FindYamlSplit("%YAML 1.2\n---\n" + body) == kNone);
    CHECK(FindYamlSplit("x: 1\n...\n" + body) == kNone);
    CHECK(FindYamlSplit("x: 1\n---\n" + body) == kNone);
    CHECK(FindYamlSplit(std::string("\xFF\xFE", 2) + body) == kNone);
    CHECK(FindYamlSplit(std::string("s\0t\0", 4) + body) == kNone);
    CHECK(FindYamlSplit("a: 1\nb: 2\nc: 3\n") == kNone);
    CHECK(FindYamlSplit("") == kNone);
  }
}

TEST_SUITE("ParseYamlInTwo") {
  TEST_CASE("glues a large sequence into what one parse gives") {
    const std::string text = LargeSequence(300);
    const size_t split = FindYamlSplit(text);
    REQUIRE(split != kNone);
    const std::string glued = InTwo(text, split);
    CHECK_FALSE(glued.empty());
    CHECK(glued == OnePiece(text));
  }

  TEST_CASE("ParseYaml splits large texts and gives what one parse gives") {
    std::string text = LargeSequence(3000);
    REQUIRE(text.size() >= kYamlSplitMinimumSize);
    // Key errors on both sides of the middle and in the collections still open there.
    text.replace(text.find("name: Large"), 11, "name: Large\nname: Again");
    text.replace(text.find("name: Step 2900\n"), 16, "name: Step 2900\n        name: Twice\n");
    const size_t split = FindYamlSplit(text);
    REQUIRE(split != kNone);
    CHECK_FALSE(InTwo(text, split).empty());  // so ParseYaml glues too
    Diagnostics diagnostics;
    const std::optional<Value> value = ParseYaml(text, "f.yaml", diagnostics);
    CHECK(Describe(value, diagnostics) == OnePiece(text));
    const size_t twice = text.find("name: Twice");
    REQUIRE(twice > split);
    const auto twice_line =
        1 + std::count(text.begin(), text.begin() + static_cast<long>(twice), '\n');
    CHECK(diagnostics.ToString() ==
          "f.yaml:2:1: error: duplicate key 'name'\nf.yaml:" + std::to_string(twice_line) +
              ":9: error: duplicate key 'name'\n");
  }

  TEST_CASE("every split of tricky YAML that glues gives what one parse gives") {
    // Each text has places where gluing is right and places where it must give up.
    const std::vector<std::string> texts = {
        "steps:\n  - a\n  - b\n  - c\n",
        "steps:\n- a\n- b\n- c\nafter: 1\n",
        "steps:\n  - |\n    text\n  - - x\n    - y\n  -\n  - >\n    folded\n\n  - end\n",
        "steps:\n  - \"multi\n  - line\"\n  - 'single\n  - quoted'\n  - plain\n    more\n  - z\n",
        "steps:\n  - { a: 1,\n  - b: 2 }\n  - [ x,\n  - y ]\n  - last\n",
        "steps:\n  - &a { k: [1, 2] }\n  - *a\n  - &b x\n  - *b\n  - *a\n",
        "steps:\n  - a: 1\n    a: 2\n  - b: 1\n    b: 2\nsteps: again\n",
        "top: 1\ntop:\n  - a\n  - b\n  - c\n",
        "steps:\r\n  - a: 1\r\n  - b: 2\r\n  - c: 3\r\n",
        "steps:\n  - a\n...\n  - b\n",
        "steps:\n  - a\n---\n  - b\n",
        "steps:\n  - key:\n  - ~\n  - null\n  - value:\n      # comment\n  - x\n",
        "? - a\n  - b\n: v\nsteps:\n  - c\n  - d\n",
        "steps:\n  - a\n\t- b\n  - c\n",
        "- - - a\n    - b\n  - - c\n- d\n- e\n",
        "steps: !!seq\n  - !!str a\n  - !custom b\n  - c\n",
        "steps:\n  - a\n  - b: [1, 2\n",
        "steps:\n  - a\n  - *undefined\n  - b\n",
        "steps:\n  - |1\n   x\n  - >-\n\n  - b\n  - c\n",
        "steps:\n  - a\n# column 0\n  - b\n    continued\n  - c\n",
        "steps:\n  - &x\n  - !!str\n  - b\n  - *x\n",
        "steps:\n  -\n    a: 1\n  -\n  - b\n",
        "steps:\n  - a: &m\n  - b\n  - c\n",
    };
    int glued = 0;
    for (const std::string& text : texts) glued += CheckEverySplit(text);
    CHECK(glued > 20);  // the test is not vacuous
  }

  TEST_CASE("every split of every fuzz input that glues gives what one parse gives") {
    int glued = 0;
    int files = 0;
    for (const char* folder : {"corpus/sequence_loader_fuzzer", "corpus/condition_fuzzer",
                               "crashes/sequence_loader_fuzzer", "crashes/condition_fuzzer"}) {
      const std::filesystem::path path =
          std::filesystem::path(TSEQ_SOURCE_DIR) / "tests/fuzz" / folder;
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (!entry.is_regular_file()) continue;
        ++files;
        glued += CheckEverySplit(testing::ReadFileForTest(entry.path().string()));
      }
    }
    CHECK(files > 50);
    CHECK(glued > 100);
  }

  TEST_CASE("gives up, reporting nothing, where gluing would be wrong") {
    const std::string text = "steps:\n  - \"a\n  - b\"\n  - c\n";
    CHECK(InTwo(text, text.find("  - b")).empty());  // inside a quoted scalar
    const std::string after = "steps:\n  - a\n  - b\nname: x\n";
    CHECK(InTwo(after, after.find("  - b")).empty());  // the list does not run to the end
    const std::string nested = "steps:\n  - a:\n      - x\n      - y\n  - b\n";
    CHECK(InTwo(nested, nested.find("      - y")).empty());  // the inner list ends before the end
    CHECK_FALSE(InTwo(nested, nested.find("  - b")).empty());
    CHECK(InTwo(text, 3).empty());                   // not a line start
    CHECK(InTwo(text, text.find("steps")).empty());  // nothing before
  }
}

}  // namespace
}  // namespace tseq
