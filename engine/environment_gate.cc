#include "engine/environment_gate.h"

#include <mutex>
#include <string_view>

namespace tseq {
namespace {

// Takes the gate back when the child is done, whether inner.Run returned or threw.
class Relock {
 public:
  explicit Relock(EnvironmentGate& gate) : gate_(gate) { gate_.unlock(); }
  ~Relock() { gate_.lock(); }
  Relock(const Relock&) = delete;
  Relock& operator=(const Relock&) = delete;

 private:
  EnvironmentGate& gate_;
};

}  // namespace

void EnvironmentGate::lock() {
  std::unique_lock<std::mutex> guard(mutex_);
  released_.wait(guard, [this] { return !held_; });
  held_ = true;
}

void EnvironmentGate::unlock() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    held_ = false;
  }
  released_.notify_one();
}

bool EnvironmentGate::try_lock() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (held_) return false;
  held_ = true;
  return true;
}

bool EnvironmentGate::try_lock_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard(mutex_);
  if (!released_.wait_for(guard, timeout, [this] { return !held_; })) return false;
  held_ = true;
  return true;
}

Result<ProcessOutcome> GateReleasingProcessRunner::Run(const ProcessRequest& request) {
  if (!request.on_output) {
    Relock relock(gate_);
    return inner_.Run(request);
  }
  // The callback belongs to the runner's side (it may write the log, which masks secrets with the
  // live variables), so it must not run while a script's request is changing them.
  ProcessRequest guarded = request;
  EnvironmentGate& gate = gate_;
  guarded.on_output = [&gate, &request](std::string_view chunk) {
    std::lock_guard<EnvironmentGate> hold(gate);
    request.on_output(chunk);
  };
  Relock relock(gate_);
  return inner_.Run(guarded);
}

Result<ProcessOutcome> EnvironmentAddingProcessRunner::Run(const ProcessRequest& request) {
  ProcessRequest extended = request;
  extended.environment.insert(extended.environment.end(), environment_.begin(), environment_.end());
  return inner_.Run(extended);
}

}  // namespace tseq
