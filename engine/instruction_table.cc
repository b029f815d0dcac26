#include "engine/instruction_table.h"

#include <utility>

namespace tseq {
namespace {

void Flatten(const std::vector<SequenceNode>& nodes, int depth, int parent,
             const std::string& parent_path, const StepRegistry& registry,
             std::vector<Instruction>& instructions, Diagnostics& diagnostics) {
  for (const SequenceNode& node : nodes) {
    const int index = static_cast<int>(instructions.size());
    Instruction instruction;
    instruction.node = &node;
    instruction.depth = depth;
    instruction.parent = parent;
    instruction.path = parent_path.empty() ? node.name : parent_path + " / " + node.name;
    if (!node.is_group()) {
      instruction.step = registry.Find(node.type);
      // The loader checked types and ran each step's Validate() against the same registry;
      // reaching here means the caller loaded with another catalog.
      if (instruction.step == nullptr) {
        diagnostics.AddError(node.location, "unknown step type '" + node.type + "'");
      }
    }
    // Kept by value: `instructions` grows (and may move its elements) while the children are
    // flattened, so a reference to this instruction's path would dangle.
    const std::string path = instruction.path;
    instructions.push_back(std::move(instruction));
    if (node.is_group()) {
      Flatten(node.children, depth + 1, index, path, registry, instructions, diagnostics);
    }
    instructions[static_cast<size_t>(index)].end = static_cast<int>(instructions.size());
  }
}

}  // namespace

Result<InstructionTable> InstructionTable::Build(SequencePointer sequence,
                                                 const StepRegistry& registry,
                                                 Diagnostics& diagnostics) {
  InstructionTable table;
  table.sequence_ = std::move(sequence);
  const int errors_before = diagnostics.error_count();
  Flatten(table.sequence_->steps, 0, -1, "", registry, table.instructions_, diagnostics);
  if (diagnostics.error_count() > errors_before) {
    return InvalidArgumentError(table.sequence_->source_file + ": " +
                                std::to_string(diagnostics.error_count() - errors_before) +
                                " error(s) in step properties");
  }
  return table;
}

}  // namespace tseq
