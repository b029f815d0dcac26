#include <cstdio>
#include <cstdlib>

#include "steps/core/core_steps.h"
#include "steps/step_registry.h"

namespace tseq {
namespace {

void MustRegister(StepRegistry& registry, std::unique_ptr<Step> step) {
  const Status status = registry.Register(std::move(step));
  if (!status.ok()) {
    // Built-in types are fixed at compile time; a clash is a programming error.
    std::fprintf(stderr, "tseq: internal error: %s\n", status.message().c_str());
    std::abort();
  }
}

}  // namespace

void RegisterBuiltinSteps(StepRegistry& registry) {
  MustRegister(registry, NewRunCommandLineStep());
  MustRegister(registry, NewSetVariableStep());
  MustRegister(registry, NewSetDynamicVariablesStep());
  MustRegister(registry, NewRestartComputerStep());
  MustRegister(registry, NewRunSequenceStep());
}

}  // namespace tseq
