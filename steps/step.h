// Step: the interface every step type implements, built-in or plugin (SPEC §5).
//
// One Step object serves every use of its type in every sequence: it holds no per-run state and
// its methods are const, so it is safe to share. The engine calls, in order:
//   1. schema()           - at start-up: what the type accepts (drives `check`, `steps`, `schema`);
//   2. Validate()         - at bind time, before anything runs: checks beyond the schema's types;
//   3. DescribeDryRun()   - under `tseq plan`: the variables it would set, whether it reboots;
//   4. Run()              - under `tseq run`: does the work and reports a StepResult.
// A failed step is a StepResult with succeeded = false, never an exception.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "platform/machine_root.h"
#include "platform/process_runner.h"
#include "sequences/sequence.h"
#include "sequences/step_schema.h"
#include "steps/step_properties.h"
#include "variables/variable_store.h"

namespace tseq {

// Where a step writes log lines; the engine implements it on top of the SMSTS log. The step's
// text must not contain secret values in clear (use VariableStore::MaskSecrets), though the engine
// masks known secrets again as a safety net.
class StepLog {
 public:
  virtual ~StepLog() = default;
  virtual void Info(std::string_view message) = 0;
  virtual void Warning(std::string_view message) = 0;
  virtual void Error(std::string_view message) = 0;
};

struct StepContext {
  const SequenceNode& node;
  const StepProperties& properties;
  VariableStore& variables;  // the live environment; steps write with VariableAccess::kSequence
  const MachineRoot& machine_root;
  Filesystem& filesystem;
  ProcessRunner& process_runner;
  const Clock& clock;
  StepLog& log;
};

struct StepResult {
  bool succeeded = true;
  int exit_code = 0;  // becomes _SMSTSLastActionRetCode
  std::string message;  // why it failed, for "Failed to run the action: X. MESSAGE"
  bool reboot_requested = false;  // the engine saves state and exits with code 3 after this step
};

struct DeclaredOutput {
  std::string variable;
  std::string value;  // the value if known without acting, else a description in angle brackets
  bool secret = false;
};

struct DryRunEffects {
  std::vector<DeclaredOutput> outputs;
  bool reboot_requested = false;
};

class Step {
 public:
  virtual ~Step() = default;

  virtual const StepSchema& schema() const = 0;

  // Checks the node's properties beyond their schema types (e.g. a command line that cannot be
  // split). Adds errors to `diagnostics` at the offending value's location. Default: nothing.
  virtual void Validate(const SequenceNode& node, Diagnostics& diagnostics) const;

  // What the step would do to the environment, without doing it. Default: every output in the
  // schema, with the value "<set by TYPE>", and no reboot.
  virtual DryRunEffects DescribeDryRun(const StepProperties& properties) const;

  virtual StepResult Run(StepContext& context) const = 0;
};

}  // namespace tseq
