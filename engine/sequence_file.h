// Loading a sequence file from disk and binding it: the load -> validate -> bind part of every
// tseq command that takes a sequence. Nothing is run.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "engine/instruction_table.h"
#include "platform/filesystem.h"
#include "steps/step_registry.h"
#include "variables/variable_store.h"

namespace tseq {

// Reads `path` and every child sequence it runs (engine/sequence_tree.h), loads and validates
// them, and builds the instruction table. Every problem goes to `diagnostics`. Fails with the
// file's read error (NotFound, PermissionDenied, IoError, naming the path) or InvalidArgument
// when a sequence has errors.
Result<InstructionTable> LoadSequenceFile(const Filesystem& filesystem, const std::string& path,
                                          const StepRegistry& registry, Diagnostics& diagnostics);

// The initial sources of the environment, lowest precedence first (SPEC §4).
struct InitialVariables {
  std::vector<std::string> command_line;  // "NAME=VALUE" from --var, in order
  std::string vars_file;                  // --vars-file path; empty = none
};

// Fills `variables` with the sequence's `variables:`, then the vars file (lines of NAME=VALUE;
// blank lines and lines starting with '#' are ignored), then --var values. Errors name the source:
// "--var 'X': expected NAME=VALUE", "FILE:3: cannot set read-only variable '_SMSTSLogPath'".
Status LoadInitialVariables(const Sequence& sequence, const InitialVariables& sources,
                            const Filesystem& filesystem, VariableStore& variables);

// What happened to one variable of a child sequence's `variables:`.
struct ChildVariableOutcome {
  std::string name;
  // kSet or kDeleted (an empty value), or kIgnored: a value of higher precedence was kept.
  SetOutcome outcome = SetOutcome::kSet;
  VariableSource kept_source = VariableSource::kSequence;  // kIgnored: where the kept value is from
};

// Sets a child sequence's `variables:` when its RunSequence instruction starts (ConfigMgr sets a
// child's variables at that point). They have a sequence's precedence: they replace values from
// the parent's `variables:` (and from earlier children), never values from --vars-file, --var or
// anything set while running. The loader validated the names, so nothing fails.
std::vector<ChildVariableOutcome> ApplyChildSequenceVariables(const Sequence& child,
                                                              VariableStore& variables);

}  // namespace tseq
