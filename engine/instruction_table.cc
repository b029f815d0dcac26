#include "engine/instruction_table.h"

#include <utility>

#include "steps/core/core_steps.h"

namespace tseq {
namespace {

class Flattener {
 public:
  Flattener(const SequenceTree& tree, const StepRegistry& registry,
            std::vector<Instruction>& instructions, Diagnostics& diagnostics)
      : tree_(tree), registry_(registry), instructions_(instructions), diagnostics_(diagnostics) {}

  // Returns false once the table is too big, to stop at once.
  bool Flatten(const std::vector<SequenceNode>& nodes, int depth, int parent) {
    for (const SequenceNode& node : nodes) {
      if (instructions_.size() >= static_cast<size_t>(kMaxInstructions)) {
        diagnostics_.AddError(node.location,
                              "the sequence and its child sequences expand to "
                              "more than " +
                                  std::to_string(kMaxInstructions) + " instructions");
        return false;
      }
      const int index = static_cast<int>(instructions_.size());
      Instruction instruction;
      instruction.node = &node;
      instruction.depth = depth;
      instruction.parent = parent;
      const std::vector<SequenceNode>* children = nullptr;
      if (node.is_group()) {
        instruction.kind = InstructionKind::kGroup;
        children = &node.children;
      } else if (node.type == kRunSequenceStepType) {
        instruction.kind = InstructionKind::kSequence;
        instruction.child = tree_.ChildOf(node);
        if (instruction.child == nullptr) {
          diagnostics_.AddError(node.location, "RunSequence step '" + node.name +
                                                   "': its child sequence was not loaded");
        } else {
          children = &instruction.child->steps;
        }
      } else {
        instruction.step = registry_.Find(node.type);
        // The loader checked types and ran each step's Validate() against the same registry;
        // reaching here means the caller loaded with another catalog.
        if (instruction.step == nullptr) {
          diagnostics_.AddError(node.location, "unknown step type '" + node.type + "'");
        }
      }
      instructions_.push_back(std::move(instruction));
      if (children != nullptr && !Flatten(*children, depth + 1, index)) return false;
      instructions_[static_cast<size_t>(index)].end = static_cast<int>(instructions_.size());
    }
    return true;
  }

 private:
  const SequenceTree& tree_;
  const StepRegistry& registry_;
  std::vector<Instruction>& instructions_;
  Diagnostics& diagnostics_;
};

}  // namespace

Result<InstructionTable> InstructionTable::Build(SequenceTree tree, const StepRegistry& registry,
                                                 Diagnostics& diagnostics) {
  InstructionTable table;
  table.tree_ = std::move(tree);
  const int errors_before = diagnostics.error_count();
  Flattener(table.tree_, registry, table.instructions_, diagnostics)
      .Flatten(table.tree_.root()->steps, 0, -1);
  if (diagnostics.error_count() > errors_before) {
    return InvalidArgumentError(table.sequence().source_file + ": " +
                                std::to_string(diagnostics.error_count() - errors_before) +
                                " error(s) in step properties");
  }
  return table;
}

std::string InstructionTable::Path(int index) const {
  std::vector<const std::string*> names;
  for (int at = index; at >= 0; at = (*this)[at].parent) names.push_back(&(*this)[at].node->name);
  std::string path;
  for (auto name = names.rbegin(); name != names.rend(); ++name) {
    if (!path.empty()) path += " / ";  // as an empty path was never joined
    path += **name;
  }
  return path;
}

Result<InstructionTable> InstructionTable::Build(SequencePointer sequence,
                                                 const StepRegistry& registry,
                                                 Diagnostics& diagnostics) {
  return Build(SequenceTree::Single(std::move(sequence)), registry, diagnostics);
}

}  // namespace tseq
