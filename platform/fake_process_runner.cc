#include "platform/fake_process_runner.h"

#include <algorithm>
#include <utility>

namespace tseq {

void FakeProcessRunner::When(std::string program, ProcessOutcome outcome) {
  std::lock_guard lock(mutex_);
  rules_.push_back(Rule{.program = std::move(program), .answer = std::move(outcome)});
}

void FakeProcessRunner::WhenFailsToStart(std::string program, Status status) {
  std::lock_guard lock(mutex_);
  rules_.push_back(Rule{.program = std::move(program), .answer = std::move(status)});
}

void FakeProcessRunner::SetDefault(ProcessOutcome outcome) {
  std::lock_guard lock(mutex_);
  default_outcome_ = std::move(outcome);
}

void FakeProcessRunner::AddUser(std::string name) {
  std::lock_guard lock(mutex_);
  users_.push_back(std::move(name));
}

void FakeProcessRunner::SetCaller(std::string name) {
  std::lock_guard lock(mutex_);
  if (std::find(users_.begin(), users_.end(), name) == users_.end()) users_.push_back(name);
  caller_ = std::move(name);
}

Result<ProcessOutcome> FakeProcessRunner::Run(const ProcessRequest& request) {
  Result<ProcessOutcome> answer = ProcessOutcome();
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(request);
    if (!request.run_as.empty()) {
      if (std::find(users_.begin(), users_.end(), request.run_as) == users_.end()) {
        return NotFoundError("runAs: no user '" + request.run_as + "' on this system");
      }
      if (caller_ != "root" && request.run_as != caller_) {
        return PermissionDeniedError("runAs '" + request.run_as + "' needs tseq to run as root");
      }
    }
    const std::string program = request.arguments.empty() ? "" : request.arguments.front();
    answer = default_outcome_;
    for (const Rule& rule : rules_) {
      if (rule.program == program) {
        answer = rule.answer;
        break;
      }
    }
  }
  if (!answer.ok()) return answer;
  // Outside the lock: the callback may well call back into this object.
  if (request.on_output && !answer->output.empty()) request.on_output(answer->output);
  if (answer->output.size() > request.output_limit) {
    answer->output.erase(0, answer->output.size() - request.output_limit);
  }
  return answer;
}

std::vector<ProcessRequest> FakeProcessRunner::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

}  // namespace tseq
