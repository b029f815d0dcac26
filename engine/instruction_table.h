// InstructionTable: the sequence tree flattened the way ConfigMgr's TSManager does it.
//
// Every step and every group start is one instruction, in document order; the pointer
// (_SMSTSNextInstructionPointer) is an index into this table. A group's instruction knows where
// the group ends, so a skipped or failed group can be jumped over. A RunSequence step is an
// instruction that behaves as a group whose children are the child sequence's steps: the child
// is flattened in place, so one pointer addresses every instruction of the whole tree, children
// included, and a restart inside a child needs nothing more. Binding happens here: every step's
// type is looked up in the registry (whose Validate() the loader already ran), so a table exists
// only for a sequence that is valid as a whole. The table points into the sequences of its
// SequenceTree, which it keeps alive; move it, do not copy it.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "engine/sequence_tree.h"
#include "sequences/sequence.h"
#include "steps/step_registry.h"

namespace tseq {

// The most instructions a tree may flatten to: child sequences run many times from many places
// multiply, and the table is held in memory.
inline constexpr int kMaxInstructions = 1'000'000;

enum class InstructionKind {
  kStep,      // runs its Step
  kGroup,     // a group start; its children follow
  kSequence,  // a RunSequence step; the child sequence's steps follow, as a group's would
};

struct Instruction {
  const SequenceNode* node = nullptr;
  InstructionKind kind = InstructionKind::kStep;
  const Step* step = nullptr;       // kStep only
  const Sequence* child = nullptr;  // kSequence only: the sequence it runs
  int depth = 0;                    // 0 = top level
  int parent = -1;  // index of the enclosing group's or RunSequence's instruction, -1 at top level
  int end = 0;      // groups and RunSequence: one past their last instruction; steps: index + 1

  // A group or a RunSequence step: an instruction whose children follow it.
  bool has_children() const { return kind != InstructionKind::kStep; }
};

class InstructionTable {
 public:
  // Flattens and binds `tree`. Errors (unknown types, a RunSequence step whose child the tree
  // does not have, more than kMaxInstructions) go to `diagnostics`; returns InvalidArgument when
  // there are any.
  static Result<InstructionTable> Build(SequenceTree tree, const StepRegistry& registry,
                                        Diagnostics& diagnostics);
  // A sequence without child sequences (SequenceTree::Single).
  static Result<InstructionTable> Build(SequencePointer sequence, const StepRegistry& registry,
                                        Diagnostics& diagnostics);

  const Sequence& sequence() const { return *tree_.root(); }
  const SequencePointer& shared_sequence() const { return tree_.root(); }
  const SequenceTree& tree() const { return tree_; }
  const std::vector<Instruction>& instructions() const { return instructions_; }
  int size() const { return static_cast<int>(instructions_.size()); }
  const Instruction& operator[](int index) const {
    return instructions_[static_cast<size_t>(index)];
  }
  // The names of the instruction's enclosing groups and RunSequence steps and its own, joined by
  // " / ": "Group A / Step 1", for messages. Built when asked: a plan needs none of them.
  std::string Path(int index) const;

 private:
  SequenceTree tree_;
  std::vector<Instruction> instructions_;
};

}  // namespace tseq
