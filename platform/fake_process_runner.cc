#include "platform/fake_process_runner.h"

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

Result<ProcessOutcome> FakeProcessRunner::Run(const ProcessRequest& request) {
  Result<ProcessOutcome> answer = ProcessOutcome();
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(request);
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
