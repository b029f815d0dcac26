// InstructionTable: the sequence tree flattened the way ConfigMgr's TSManager does it.
//
// Every step and every group start is one instruction, in document order; the pointer
// (_SMSTSNextInstructionPointer) is an index into this table. A group's instruction knows where
// the group ends, so a skipped or failed group can be jumped over. Binding happens here: every
// step's type is looked up in the registry (whose Validate() the loader already ran), so a table
// exists only for a sequence that is valid as a whole. The table points into the Sequence, which it
// keeps alive.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "sequences/sequence.h"
#include "steps/step_registry.h"

namespace tseq {

struct Instruction {
  const SequenceNode* node = nullptr;
  const Step* step = nullptr;  // steps only
  int depth = 0;               // 0 = top level
  int parent = -1;             // index of the enclosing group's instruction, -1 at top level
  int end = 0;       // groups: index one past the group's last instruction; steps: index + 1
  std::string path;  // "Group A / Step 1", for messages
};

class InstructionTable {
 public:
  // Flattens and binds `sequence`. Errors (unknown types, step validation) go to `diagnostics`;
  // returns InvalidArgument when there are any.
  static Result<InstructionTable> Build(SequencePointer sequence, const StepRegistry& registry,
                                        Diagnostics& diagnostics);

  const Sequence& sequence() const { return *sequence_; }
  const SequencePointer& shared_sequence() const { return sequence_; }
  const std::vector<Instruction>& instructions() const { return instructions_; }
  int size() const { return static_cast<int>(instructions_.size()); }
  const Instruction& operator[](int index) const {
    return instructions_[static_cast<size_t>(index)];
  }

 private:
  SequencePointer sequence_;
  std::vector<Instruction> instructions_;
};

}  // namespace tseq
