// The core step types (SPEC §5). Each factory returns a new, stateless Step; RegisterBuiltinSteps
// registers them all.
#pragma once

#include <memory>
#include <string_view>

#include "steps/step.h"

namespace tseq {

// SetVariable: sets (or, with an empty value, deletes) one variable, optionally secret.
std::unique_ptr<Step> NewSetVariableStep();

// SetDynamicVariables: reads the machine's facts into _SMSTS* variables, then sets variables by
// rules (computer, location, make and model, variable) and without a rule.
std::unique_ptr<Step> NewSetDynamicVariablesStep();

// RunCommandLine: runs a command line on the machine, with success codes, an output variable and
// the step timeout. Exit code 3010 (when it is a success code) requests a reboot.
std::unique_ptr<Step> NewRunCommandLineStep();

// RestartComputer: asks the engine to save state and restart; the run resumes at the next step.
std::unique_ptr<Step> NewRestartComputerStep();

// RunSequence: runs a child sequence (another file) in the same environment and log. The step
// only describes the call: the engine loads the child with its parent before anything runs and
// expands the step into the child's steps, like a group (engine/sequence_tree.h). Validate()
// requires `path` to be a literal, non-empty path. Run() is never reached through the engine; if
// called directly it fails, saying that the child must be expanded by the engine.
inline constexpr std::string_view kRunSequenceStepType = "RunSequence";
inline constexpr std::string_view kRunSequencePathProperty = "path";
std::unique_ptr<Step> NewRunSequenceStep();

}  // namespace tseq
