// Evaluating conditions (SPEC §3) against the environment and the machine root.
//
// Each evaluation gives the result and a human explanation naming the leaf that decided it, e.g.
// "variable OSDStateStorePath exists is false (not set)" or "file /etc/os-release exists is true".
// A leaf that cannot be evaluated (a bad timestamp after expansion, a command that does not start)
// is false, and its explanation says why. Evaluation reads the machine and may run the command of
// a `command:` leaf; it writes nothing. Not thread-safe (runs commands through the runner).
#pragma once

#include <string>
#include <vector>

#include "engine/package_database.h"
#include "engine/unchanging_machine.h"
#include "platform/clock.h"
#include "platform/machine_root.h"
#include "platform/process_runner.h"
#include "sequences/condition.h"
#include "variables/variable_store.h"

namespace tseq {

struct ConditionEnvironment {
  const VariableStore& variables;
  const MachineRoot& machine_root;
  ProcessRunner& process_runner;
  const Clock& clock;
  // Reuses the parsed dpkg status file between `package:` leaves; null reads it every time.
  PackageDatabaseCache* package_cache = nullptr;
  // When the machine does not change while conditions are evaluated (a plan): os-release and the
  // package database are read once, and package_cache is not used. Null reads them as above.
  UnchangingMachineReads* unchanging_machine = nullptr;
};

struct ConditionTraceLine {
  int depth = 0;
  std::string text;  // "variable X equals 'a' is true (value is 'a')"
  bool result = false;
};

struct ConditionOutcome {
  bool result = false;
  // The deciding leaf and why, e.g. "variable Mode equals 'Advanced' is false (value is 'Simple')".
  std::string explanation;
  SourceLocation deciding_location;
  // Every node evaluated, in order, for the log. Secret values are masked.
  std::vector<ConditionTraceLine> trace;
};

// What EvaluateCondition records besides the result and the deciding leaf's explanation.
enum class ConditionDetail {
  kTrace,         // every node evaluated, in ConditionOutcome::trace
  kDecisionOnly,  // nothing: the trace is left empty
};

ConditionOutcome EvaluateCondition(const Condition& condition,
                                   const ConditionEnvironment& environment,
                                   ConditionDetail detail = ConditionDetail::kTrace);

// Compares two dotted versions part by part, numerically where both parts are numbers
// ("12.10" > "12.9"), else as text. Negative, zero or positive. The one definition lives with the
// version constraints of `os` leaves (sequences/version_constraint.h), which declares it too.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace tseq
