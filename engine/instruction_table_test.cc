#include "engine/instruction_table.h"

#include <doctest/doctest.h>

#include "sequences/loader.h"

namespace tseq {
namespace {

SequencePointer Load(const std::string& yaml, const StepRegistry& registry) {
  Diagnostics diagnostics;
  Result<SequencePointer> sequence = LoadSequence(yaml, "seq.yaml", registry, diagnostics);
  INFO(diagnostics.ToString());
  REQUIRE(sequence.ok());
  return *sequence;
}

std::string Step(const std::string& name, int indent) {
  return std::string(static_cast<size_t>(indent), ' ') + "- { name: " + name +
         ", type: RunCommandLine, with: { commandLine: 'true' } }\n";
}

TEST_SUITE("InstructionTable") {
  TEST_CASE("flattens groups in document order with depth, parent, end and path") {
    StepRegistry registry;
    RegisterBuiltinSteps(registry);
    // Enough siblings inside nested groups that the table grows while a group is being
    // flattened: paths must not be read from an element that has since moved.
    std::string yaml = "name: Table\nsteps:\n" + Step("First", 2) +
                       "  - group: Outer group with a long name to defeat small strings\n"
                       "    steps:\n";
    for (int i = 0; i < 20; ++i) yaml += Step("Outer step " + std::to_string(i), 6);
    yaml += "      - group: Inner group with a long name to defeat small strings\n        steps:\n";
    for (int i = 0; i < 40; ++i) yaml += Step("Inner step " + std::to_string(i), 10);
    yaml += Step("Last", 2);
    Diagnostics diagnostics;
    Result<InstructionTable> table =
        InstructionTable::Build(Load(yaml, registry), registry, diagnostics);
    REQUIRE(table.ok());
    CHECK(table->size() == 1 + 1 + 20 + 1 + 40 + 1);
    CHECK(table->sequence().name == "Table");

    const Instruction& first = (*table)[0];
    CHECK(table->Path(0) == "First");
    CHECK(first.depth == 0);
    CHECK(first.parent == -1);
    CHECK(first.end == 1);
    REQUIRE(first.step != nullptr);
    CHECK(first.step->schema().type == "RunCommandLine");

    const Instruction& outer = (*table)[1];
    CHECK(outer.node->is_group());
    CHECK(outer.step == nullptr);
    CHECK(outer.end == 63);
    const std::string outer_path = "Outer group with a long name to defeat small strings";
    CHECK(table->Path(1) == outer_path);
    CHECK(table->Path(21) == outer_path + " / Outer step 19");
    CHECK((*table)[21].parent == 1);

    const Instruction& inner = (*table)[22];
    const std::string inner_path =
        outer_path + " / Inner group with a long name to defeat small strings";
    CHECK(table->Path(22) == inner_path);
    CHECK(inner.depth == 1);
    CHECK(inner.end == 63);
    CHECK(table->Path(62) == inner_path + " / Inner step 39");
    CHECK((*table)[62].depth == 2);
    CHECK((*table)[62].parent == 22);

    CHECK(table->Path(63) == "Last");
    CHECK((*table)[63].parent == -1);
    CHECK((*table)[63].end == 64);
  }

  TEST_CASE("binding against a registry without the step's type is an error") {
    StepRegistry full;
    RegisterBuiltinSteps(full);
    const SequencePointer sequence = Load(
        "name: Bind\nsteps:\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - { name: Set, type: SetVariable, with: { name: A, value: b } }\n",
        full);
    const StepRegistry empty;
    Diagnostics diagnostics;
    Result<InstructionTable> table = InstructionTable::Build(sequence, empty, diagnostics);
    REQUIRE_FALSE(table.ok());
    CHECK(table.status().message() == "seq.yaml: 2 error(s) in step properties");
    CHECK(diagnostics.ToString() ==
          "seq.yaml:3:5: error: unknown step type 'RestartComputer'\n"
          "seq.yaml:4:5: error: unknown step type 'SetVariable'\n");
  }
}

}  // namespace
}  // namespace tseq
