// Sequence: the immutable model of a loaded task sequence file (SPEC §3).
//
// Built only by the loader (sequences/loader.h), which has validated every field, so code that
// holds a Sequence may rely on it: names are present, step types are registered, durations parsed,
// conditions well-formed. Shared as std::shared_ptr<const Sequence>; safe to read from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "sequences/condition.h"
#include "sequences/value.h"

namespace tseq {

struct VariableDefinition {
  std::string name;
  std::string value;
  bool secret = false;
  SourceLocation location;
};

struct RetryPolicy {
  int count = 0;  // extra attempts after the first failure
  std::chrono::milliseconds delay{0};
};

enum class NodeKind { kStep, kGroup };

struct SequenceNode {
  NodeKind kind = NodeKind::kStep;
  std::string name;  // `name:` of a step, `group:` of a group
  std::string description;
  bool enabled = true;
  bool continue_on_error = false;
  std::optional<Condition> condition;
  SourceLocation location;

  // Steps only.
  std::string type;
  Value properties;  // the `with:` map (kMap), or kNull when absent
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<RetryPolicy> retry;

  // Groups only.
  std::vector<SequenceNode> children;

  bool is_group() const { return kind == NodeKind::kGroup; }
};

struct Sequence {
  std::string name;
  std::string description;
  std::string source_file;  // as given to the loader, used in every diagnostic
  std::vector<VariableDefinition> variables;
  std::vector<SequenceNode> steps;
};

using SequencePointer = std::shared_ptr<const Sequence>;

}  // namespace tseq
