#include "engine/sequence_tree.h"

#include <map>

#include <doctest/doctest.h>

#include "steps/step_registry.h"

namespace tseq {
namespace {

// Sequence files in memory; counts how often each is read.
struct Files {
  Result<std::string> Read(const std::string& path) {
    ++reads[path];
    const auto found = texts.find(path);
    if (found == texts.end()) return NotFoundError("cannot read '" + path + "': no such file");
    return found->second;
  }

  Result<SequenceTree> Load(const std::string& path, Diagnostics& diagnostics) {
    return LoadSequenceTree(
        path, [this](const std::string& file) { return Read(file); }, registry, diagnostics);
  }

  StepRegistry registry;
  std::map<std::string, std::string> texts;
  std::map<std::string, int> reads;

  Files() { RegisterBuiltinSteps(registry); }
};

std::string RunSequence(const std::string& name, const std::string& path) {
  return "  - name: " + name + "\n    type: RunSequence\n    with: { path: '" + path + "' }\n";
}

const std::string kSetStep = "  - { name: Set, type: SetVariable, with: { name: A, value: b } }\n";

TEST_SUITE("ResolveChildSequencePath") {
  TEST_CASE("a relative path is taken from the folder of the file that runs it") {
    CHECK(ResolveChildSequencePath("main.yaml", "child.yaml") == "child.yaml");
    CHECK(ResolveChildSequencePath("seq/main.yaml", "child.yaml") == "seq/child.yaml");
    CHECK(ResolveChildSequencePath("/srv/seq/main.yaml", "../lib/./c.yaml") == "/srv/lib/c.yaml");
    CHECK(ResolveChildSequencePath("seq/main.yaml", "../../up.yaml") == "../up.yaml");
    CHECK(ResolveChildSequencePath("seq/main.yaml", " sub/c.yaml ") == "seq/sub/c.yaml");
  }

  TEST_CASE("an absolute path is kept, normalized") {
    CHECK(ResolveChildSequencePath("seq/main.yaml", "/opt/x/../c.yaml") == "/opt/c.yaml");
  }
}

TEST_SUITE("LoadSequenceTree") {
  TEST_CASE("loads every child, recursively, each file once, with its text") {
    Files files;
    files.texts["/s/main.yaml"] = "name: Main\nsteps:\n" + RunSequence("One", "lib/one.yaml") +
                                  RunSequence("Again", "lib/one.yaml") +
                                  RunSequence("Two", "two.yaml");
    files.texts["/s/lib/one.yaml"] =
        "name: One\nsteps:\n  - group: G\n    steps:\n"
        "      - { name: Deep, type: RunSequence, with: { path: ../two.yaml } }\n";
    files.texts["/s/two.yaml"] = "name: Two\nsteps:\n" + kSetStep;
    Diagnostics diagnostics;
    Result<SequenceTree> tree = files.Load("/s/main.yaml", diagnostics);
    INFO(diagnostics.ToString());
    REQUIRE(tree.ok());
    CHECK(diagnostics.all().empty());
    REQUIRE(tree->files().size() == 3);
    CHECK(tree->files()[0].path == "/s/main.yaml");
    CHECK(tree->files()[1].path == "/s/lib/one.yaml");
    CHECK(tree->files()[2].path == "/s/two.yaml");
    CHECK(tree->files()[2].text == files.texts["/s/two.yaml"]);
    CHECK(tree->files()[2].sequence->source_file == "/s/two.yaml");
    CHECK(files.reads["/s/lib/one.yaml"] == 1);
    CHECK(files.reads["/s/two.yaml"] == 1);

    const Sequence& main = *tree->root();
    CHECK(tree->ChildOf(main.steps[0])->name == "One");
    CHECK(tree->ChildOf(main.steps[1]) == tree->ChildOf(main.steps[0]));
    CHECK(tree->ChildOf(main.steps[2])->name == "Two");
    const Sequence& one = *tree->ChildOf(main.steps[0]);
    CHECK(tree->ChildOf(one.steps[0].children[0]) == tree->ChildOf(main.steps[2]));
    CHECK(tree->ChildOf(one.steps[0]) == nullptr);
  }

  TEST_CASE("a child's errors are reported at the child's own file, line and column") {
    Files files;
    files.texts["main.yaml"] = "name: Main\nsteps:\n" + RunSequence("Child", "child.yaml");
    files.texts["child.yaml"] =
        "name: Child\nsteps:\n  - { name: X, type: RunComandLine }\n"
        "  - { name: Y, type: SetVariable, with: { name: _Bad } }\n";
    Diagnostics diagnostics;
    Result<SequenceTree> tree = files.Load("main.yaml", diagnostics);
    REQUIRE_FALSE(tree.ok());
    CHECK(tree.status().message() == "main.yaml: 2 errors");
    CHECK(diagnostics.ToString() ==
          "child.yaml:3:22: error: unknown step type 'RunComandLine' (did you mean "
          "'RunCommandLine'?)\n"
          "child.yaml:4:49: error: cannot set read-only variable '_Bad'\n");
  }

  TEST_CASE("a missing child is an error at the path of the step that runs it") {
    Files files;
    files.texts["seq/main.yaml"] =
        "name: Main\nsteps:\n" + RunSequence("Gone", "gone.yaml") + kSetStep;
    Diagnostics diagnostics;
    Result<SequenceTree> tree = files.Load("seq/main.yaml", diagnostics);
    REQUIRE_FALSE(tree.ok());
    CHECK(diagnostics.ToString() ==
          "seq/main.yaml:5:19: error: cannot load the child sequence: cannot read "
          "'seq/gone.yaml': no such file\n");
  }

  TEST_CASE("the top-level file's read error is returned as it is") {
    Files files;
    Diagnostics diagnostics;
    Result<SequenceTree> tree = files.Load("nope.yaml", diagnostics);
    REQUIRE_FALSE(tree.ok());
    CHECK(tree.status().code() == StatusCode::kNotFound);
    CHECK(tree.status().message() == "cannot read 'nope.yaml': no such file");
    CHECK(diagnostics.all().empty());
  }

  TEST_CASE("a cycle is an error naming the chain, wherever it closes") {
    Files files;
    files.texts["a.yaml"] = "name: A\nsteps:\n" + RunSequence("To B", "b.yaml");
    files.texts["b.yaml"] = "name: B\nsteps:\n" + RunSequence("To C", "sub/../c.yaml");
    files.texts["c.yaml"] = "name: C\nsteps:\n" + RunSequence("Back to A", "./a.yaml");
    files.texts["self.yaml"] = "name: S\nsteps:\n" + RunSequence("Me", "self.yaml");
    Diagnostics diagnostics;
    CHECK_FALSE(files.Load("a.yaml", diagnostics).ok());
    CHECK_FALSE(files.Load("self.yaml", diagnostics).ok());
    CHECK(diagnostics.ToString() ==
          "c.yaml:5:19: error: RunSequence cycle: a.yaml runs b.yaml runs c.yaml runs a.yaml\n"
          "self.yaml:5:19: error: RunSequence cycle: self.yaml runs self.yaml\n");
  }

  TEST_CASE("two paths to one child (a diamond) are not a cycle") {
    Files files;
    files.texts["a.yaml"] =
        "name: A\nsteps:\n" + RunSequence("B", "b.yaml") + RunSequence("C", "c.yaml");
    files.texts["b.yaml"] = "name: B\nsteps:\n" + RunSequence("D", "d.yaml");
    files.texts["c.yaml"] = "name: C\nsteps:\n" + RunSequence("D", "d.yaml");
    files.texts["d.yaml"] = "name: D\nsteps:\n" + kSetStep;
    Diagnostics diagnostics;
    CHECK(files.Load("a.yaml", diagnostics).ok());
    CHECK(diagnostics.all().empty());
  }

  TEST_CASE("children nested deeper than the limit are an error") {
    Files files;
    for (int level = 1; level <= kMaxSequenceNesting; ++level) {
      files.texts["l" + std::to_string(level) + ".yaml"] =
          "name: L\nsteps:\n" + RunSequence("Next", "l" + std::to_string(level + 1) + ".yaml");
    }
    files.texts["l17.yaml"] = "name: L\nsteps:\n" + kSetStep;
    Diagnostics diagnostics;
    CHECK_FALSE(files.Load("l1.yaml", diagnostics).ok());
    REQUIRE(diagnostics.error_count() == 1);
    CHECK(diagnostics.all()[0].location.ToString() == "l16.yaml:5:19");
    CHECK(diagnostics.all()[0].message.starts_with(
        "child sequences nest more than 16 levels deep: l1.yaml runs l2.yaml runs "));
    CHECK(diagnostics.all()[0].message.ends_with(" runs l16.yaml runs l17.yaml"));
  }

  TEST_CASE("variables defined in one file of the tree are known in the others") {
    Files files;
    files.texts["main.yaml"] =
        "name: Main\nvariables: { Size: big }\nsteps:\n" + RunSequence("Child", "child.yaml") +
        "  - { name: Use, type: RunCommandLine, with: { commandLine: 'echo %Shape% %Nope%' } }\n";
    files.texts["child.yaml"] =
        "name: Child\nsteps:\n"
        "  - { name: Set, type: SetVariable, with: { name: Shape, value: '%Size%' } }\n";
    Diagnostics diagnostics;
    CHECK(files.Load("main.yaml", diagnostics).ok());
    CHECK(diagnostics.ToString() ==
          "main.yaml:7:61: warning: reference to unknown variable %Nope% (it is left as "
          "written unless set at run time)\n");

    Diagnostics alone;
    CHECK(files.Load("child.yaml", alone).ok());
    CHECK(alone.warning_count() == 1);
  }
}

}  // namespace
}  // namespace tseq
