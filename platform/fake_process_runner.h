// FakeProcessRunner: a ProcessRunner for tests that starts nothing. Each call is recorded; the
// answer comes from the first rule whose program name (arguments[0]) matches, else a default.
// A request with run_as is checked first against the fake's users, as the real runner checks
// the running system's (by default the only user is "root", and the caller is root).
// Like the real runner, a canned outcome's output is passed to on_output (in one chunk) and
// trimmed to its last output_limit bytes.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "platform/process_runner.h"

namespace tseq {

class FakeProcessRunner : public ProcessRunner {
 public:
  // Calls whose arguments[0] equals `program` get `outcome` (or `status` for the Status overload).
  void When(std::string program, ProcessOutcome outcome);
  void WhenFailsToStart(std::string program, Status status);
  // The answer for programs no rule names; by default exit code 0, no output.
  void SetDefault(ProcessOutcome outcome);
  // Adds a user that run_as may name; others fail with NotFound "runAs: no user 'NAME' on this
  // system".
  void AddUser(std::string name);
  // Makes the caller the (known) user `name` instead of root: run_as naming another user then
  // fails with PermissionDenied "runAs 'NAME' needs tseq to run as root".
  void SetCaller(std::string name);

  Result<ProcessOutcome> Run(const ProcessRequest& request) override;

  std::vector<ProcessRequest> calls() const;

 private:
  struct Rule {
    std::string program;
    Result<ProcessOutcome> answer;
  };
  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  ProcessOutcome default_outcome_;
  std::vector<ProcessRequest> calls_;
  std::vector<std::string> users_ = {"root"};
  std::string caller_ = "root";
};

}  // namespace tseq
