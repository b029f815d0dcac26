// ProcessRunner: starts child processes and waits for them. The only code that uses
// Boost.Process is the real implementation behind NewSystemProcessRunner().
//
// Every child is started in its own process group; on timeout the whole group (the process and
// everything it started) is killed with SIGKILL and reaped before Run returns, so a timed-out step
// leaves nothing behind. Run never throws.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tseq {

struct ProcessRequest {
  // argv; arguments[0] is looked up in PATH when it has no slash.
  std::vector<std::string> arguments;
  // Host path; empty = the caller's working directory.
  std::string working_directory;
  // Added to (or replacing entries of) the caller's environment.
  std::vector<std::pair<std::string, std::string>> environment;
  std::optional<std::chrono::milliseconds> timeout;
  // Written to the child's stdin, which is then closed. Empty = stdin is /dev/null.
  std::string standard_input;
  // At most this many bytes of combined stdout+stderr are kept: the last ones.
  size_t output_limit = 64 * 1024;
  // Called with each chunk of output as it arrives (for live logs); may be empty.
  std::function<void(std::string_view)> on_output;
  // Runs the child as this user of the running system: its uid, primary gid and supplementary
  // groups, with HOME, USER and LOGNAME from its passwd entry (`environment` still overrides
  // them). Empty = as the caller. A name, never a number: a uid may have no passwd entry, hence
  // no home, groups or name, and the same number means different accounts on different machines.
  // Run fails with NotFound "runAs: no user 'NAME' on this system", or PermissionDenied "runAs
  // 'NAME' needs tseq to run as root" when the caller is not root and NAME is not the caller.
  // The working directory is entered as that user.
  std::string run_as;
};

struct ProcessOutcome {
  int exit_code = 0;       // the exit status; 128+N when killed by signal N (like a shell)
  bool timed_out = false;  // killed because the timeout passed
  std::string output;      // combined stdout+stderr, the last output_limit bytes
  std::chrono::milliseconds elapsed{0};
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs the process to completion. A process that starts and fails is a successful Run with a
  // non-zero exit_code; Run fails only when the process cannot be started: NotFound
  // ("command not found: NAME") or PermissionDenied / IoError with the OS's reason, naming the
  // set-up step that failed in the child ("cannot start 'id' as user 'nobody': cannot change to
  // the working directory '/root': Permission denied"), and the run_as errors above.
  virtual Result<ProcessOutcome> Run(const ProcessRequest& request) = 0;
};

std::unique_ptr<ProcessRunner> NewSystemProcessRunner();

}  // namespace tseq
