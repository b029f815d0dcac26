// The core step types (SPEC §5). Each factory returns a new, stateless Step; RegisterBuiltinSteps
// registers them all.
#pragma once

#include <memory>

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

}  // namespace tseq
