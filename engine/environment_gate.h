// EnvironmentGate: the lock that lets scripts' `tseq var` requests touch the task sequence
// environment (a VariableStore, which is not thread-safe) while the runner is not using it.
//
// The runner thread holds the gate for the whole run, except while it waits for a child process:
// GateReleasingProcessRunner lets go of the gate around each child, which is exactly when a
// script can ask for a variable. The EnvironmentServer's thread takes the gate for each request.
// So the runner never sees a variable change in the middle of its own work, only across the
// child processes it starts, as a ConfigMgr step sees TSEnvironment changes made by its script.
//
// The gate is a lock that is not recursive. Its lower-case methods make it usable with
// std::unique_lock and std::lock_guard. Taking it synchronizes with the last release, so whatever
// one side wrote to the variables is visible to the other. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "platform/process_runner.h"

namespace tseq {

class EnvironmentGate {
 public:
  void lock();
  // REQUIRES: the gate is held.
  void unlock();
  bool try_lock();
  // True when the gate was taken within `timeout`.
  bool try_lock_for(std::chrono::milliseconds timeout);

 private:
  // A flag under a mutex rather than a std::timed_mutex: ThreadSanitizer (GCC 12) does not see
  // the pthread_mutex_clocklock that timed_mutex uses, and the tests of this class run under it.
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
};

// Runs children through `inner` with the gate released while each child runs.
//
// REQUIRES: the thread calling Run holds the gate. Run unlocks it, runs the child, and locks it
// again before returning, also when `inner` throws. A request's on_output callback is called with
// the gate held (the callback may log or read variables); the child's output waits meanwhile.
// `inner` and `gate` must outlive this object. Thread-compatible, like the inner runner.
class GateReleasingProcessRunner : public ProcessRunner {
 public:
  GateReleasingProcessRunner(ProcessRunner& inner, EnvironmentGate& gate)
      : inner_(inner), gate_(gate) {}

  Result<ProcessOutcome> Run(const ProcessRequest& request) override;

 private:
  ProcessRunner& inner_;
  EnvironmentGate& gate_;
};

// Runs children through `inner` with `environment` appended to every request's environment (after
// the request's own pairs, so these win), e.g. EnvironmentServer::ChildEnvironment(), so that
// every step's and condition's child can find the running engine. `inner` must outlive this
// object.
class EnvironmentAddingProcessRunner : public ProcessRunner {
 public:
  EnvironmentAddingProcessRunner(ProcessRunner& inner,
                                 std::vector<std::pair<std::string, std::string>> environment)
      : inner_(inner), environment_(std::move(environment)) {}

  Result<ProcessOutcome> Run(const ProcessRequest& request) override;

 private:
  ProcessRunner& inner_;
  std::vector<std::pair<std::string, std::string>> environment_;
};

}  // namespace tseq
