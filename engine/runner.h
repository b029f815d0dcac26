// Runner: executes an instruction table with ConfigMgr's semantics (SPEC §4).
//
// Before each instruction the runner sets _SMSTSCurrentActionName and
// _SMSTSNextInstructionPointer and saves the state (pointer + environment) atomically, so a crash
// re-runs the instruction in progress and a restart continues at the next one. Disabled
// instructions and false conditions skip the step or the whole group (a group's condition is
// evaluated once) without touching _SMSTSLastAction*. A failed step fails its group unless the step
// continues on error; a failed group with continueOnError skips the rest of the group and carries
// on after it; otherwise the failure climbs to the sequence, which fails. A step may be retried
// (`retry:`). A restart request (RestartComputer, exit 3010, SMSTSRebootRequested, or
// SMSTSRetryRequested to run the same step again) saves the state and returns kRebootRequired.
// A RunSequence instruction is run as a group (disabled, condition, continueOnError and failure
// propagation alike); when it starts, its child sequence's `variables:` are applied
// (ApplyChildSequenceVariables). It does not change _SMSTSLastAction*, as a group does not.
//
// The runner writes the well-known TSManager phrases to the EngineLog. It is single-threaded; every
// reference passed in must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/instruction_table.h"
#include "engine/package_database.h"
#include "engine/smsts_log.h"
#include "engine/state_store.h"
#include "platform/clock.h"
#include "platform/machine_root.h"
#include "platform/process_runner.h"

namespace tseq {

enum class RunResult { kCompleted, kFailed, kRebootRequired };

// Told about progress, for the terminal's "step N of M" line.
class RunProgress {
 public:
  virtual ~RunProgress() = default;
  // `step_number` counts steps (not groups) from 1 to `step_count`.
  virtual void StepStarted(int step_number, int step_count, const std::string& name) = 0;
  virtual void StepFinished(bool succeeded) = 0;
};

struct RunnerServices {
  const MachineRoot& machine_root;
  Filesystem& filesystem;
  ProcessRunner& process_runner;
  const Clock& clock;
  EngineLog& log;
  StateStore& state;
  RunProgress* progress = nullptr;  // optional
};

// What the run was started with; saved in the state so that `tseq resume` carries on the same.
struct RunSettings {
  std::string sequence_file;  // for the saved state and messages
  std::string log_directory;  // host path of LOGDIR
  std::string machine_name;
  bool offline = false;
  uint64_t log_max_size = kDefaultLogMaxSize;  // smsts.log rollover (SmstsLogSettings)
  int log_history = kDefaultLogHistory;
  std::vector<SavedPluginDirectory> plugin_directories;
};

class Runner {
 public:
  Runner(const InstructionTable& table, RunnerServices services, RunSettings settings);

  // Runs from instruction `start` (0 for a new run, the saved pointer on resume) with the given
  // environment, which it updates. Returns how the run ended; on kRebootRequired the state is
  // saved with the instruction to continue at.
  RunResult Run(VariableStore& variables, int start);

 private:
  struct StepOutcome;
  bool SaveState(VariableStore& variables, int pointer);
  bool ConditionAllows(const Instruction& instruction, const VariableStore& variables);
  StepOutcome RunStep(const Instruction& instruction, VariableStore& variables);
  // Logs the start of a RunSequence instruction's child and applies its `variables:`.
  void StartChildSequence(const Instruction& instruction, VariableStore& variables);
  // The instruction to continue at after `failed` failed, or -1 when the sequence fails.
  int PropagateFailure(int failed);
  void Log(LogType type, const std::string& message, LogSource source);

  const InstructionTable& table_;
  RunnerServices services_;
  PackageDatabaseCache package_cache_;  // re-read whenever the status file changes
  RunSettings settings_;
  int step_count_ = 0;
  std::vector<int> step_numbers_;  // per instruction: the step's 1-based position, 0 for groups
};

}  // namespace tseq
