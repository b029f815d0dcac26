// The exit codes of the tseq program (SPEC §4). Mapped from results in exactly one place per tool.
#pragma once

namespace tseq {

enum class ExitCode : int {
  kCompleted = 0,        // the sequence ran to the end, or the command did its job
  kSequenceFailed = 1,   // a step failed and nothing let the sequence continue
  kUsageOrInvalid = 2,   // bad command line, or the sequence file is invalid
  kRebootRequired = 3,   // state saved; `tseq resume` continues after the restart
  kAlreadyRunning = 4,   // another sequence holds this machine's lock
};

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace tseq
