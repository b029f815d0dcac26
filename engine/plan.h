// Plan: a dry run. Walks the instruction table exactly as `tseq run` would, without running any
// step, and says for every instruction whether it would run, be skipped (and which leaf of which
// condition decided it) or is disabled.
//
// Conditions are evaluated with the variables as they would be at that point: the initial
// variables plus what earlier steps declare they would set (Step::DescribeDryRun), the engine's own
// built-ins (_SMSTSCurrentActionName, _SMSTSNextInstructionPointer, ...), and steps assumed to
// succeed. A step that requests a reboot ends a "boot segment": the plan records where `tseq
// resume` continues and walks on from there, as the resumed run would. A RunSequence instruction
// is decided as a group; when it runs, the child's `variables:` are applied as the run applies
// them and shown as its outputs (with a warning for each one a value of higher precedence keeps
// out). Nothing on the machine changes, though `command:` condition leaves are run (they must be
// read-only queries).
#pragma once

#include <string>
#include <vector>

#include "engine/condition_evaluator.h"
#include "engine/instruction_table.h"
#include "steps/step.h"
#include "variables/variable_store.h"

namespace tseq {

enum class PlanDecision {
  kRun,            // the step runs / the group is entered
  kSkipped,        // its own condition was false
  kDisabled,       // enabled: false
  kParentSkipped,  // inside a group that is skipped or disabled: never reached
};

// "run", "skip", "disabled", "not reached".
const char* PlanDecisionName(PlanDecision decision);

struct PlanEntry {
  int pointer = 0;
  PlanDecision decision = PlanDecision::kRun;
  std::string reason;              // why skipped/disabled; the deciding leaf for conditions
  SourceLocation reason_location;  // the deciding leaf's location
  std::vector<ConditionTraceLine> condition_trace;  // empty unless PlanOptions::condition_trace
  std::vector<DeclaredOutput> outputs;              // values already masked when secret
  bool reboot_after = false;  // the step requests a reboot; resume continues at pointer + 1
  // Things the run would trip over that the plan assumes away, e.g. a declared output the step
  // could not set ("variable '_X' is read-only"). Secrets masked.
  std::vector<std::string> warnings;
};

struct Plan {
  std::vector<PlanEntry> entries;  // one per instruction, in table order
  int steps_run = 0;
  int reboots = 0;
  VariableStore final_variables;  // the environment at the end, as the plan saw it
};

struct PlanOptions {
  std::string machine_name;   // _SMSTSMachineName
  std::string log_directory;  // --log-dir; _SMSTSLogPath is its SMSTSLog folder (unset if empty)
  bool offline = false;       // _SMSTSInWinPE
  // Whether each entry's condition_trace is filled; a report that does not show it can leave it
  // empty, and conditions are then evaluated without writing one.
  bool condition_trace = true;
};

// Initialises the engine's built-in variables in `variables` for `table` (shared with the runner):
// _SMSTSPackageName, _SMSTSInstructionTableSize, _SMSTSMachineName, _SMSTSInWinPE, _SMSTSLogPath.
void InitializeBuiltinVariables(const InstructionTable& table, const PlanOptions& options,
                                VariableStore& variables);

// `variables` holds the initial environment (sequence, --vars-file, --var); it is copied, and the
// built-ins are initialised in the copy. Each instruction sets _SMSTSCurrentActionName and
// _SMSTSNextInstructionPointer before it is decided, as the runner does. Steps that would run
// apply their declared outputs (secret ones as secret) and set the _SMSTSLastAction* variables
// (succeeded, exit code 0); a step whose DryRunEffects ask for a reboot, or after which
// SMSTSRebootRequested is set (the plan clears it, as the engine does), ends a boot segment.
Plan BuildPlan(const InstructionTable& table, VariableStore variables, const PlanOptions& options,
               const MachineRoot& machine_root, ProcessRunner& process_runner, const Clock& clock);

}  // namespace tseq
