// StepRegistry: step type name -> Step. Built once at start-up, read-only afterwards (then safe to
// share between threads). Built-in steps are added by one explicit RegisterBuiltinSteps() call;
// plugins are added by the plugin loader the same way.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sequences/step_schema.h"
#include "steps/step.h"

namespace tseq {

class StepRegistry : public StepCatalog {
 public:
  // Adds a step type. AlreadyExists ("step type 'X' is already registered") on a duplicate name;
  // InvalidArgument for an empty name or a schema with duplicate property names.
  Status Register(std::unique_ptr<Step> step);

  // The step for `type`, or nullptr.
  const Step* Find(std::string_view type) const;

  const StepSchema* FindStepSchema(std::string_view type) const override;
  std::vector<std::string> StepTypeNames() const override;
  // Runs the registered step's Validate().
  void ValidateStep(const SequenceNode& node, Diagnostics& diagnostics) const override;

 private:
  std::map<std::string, std::unique_ptr<Step>, std::less<>> steps_;
};

// Registers every step type built into tseq (steps/core, and later userstate/ and osd/).
// REQUIRES: called once per registry.
void RegisterBuiltinSteps(StepRegistry& registry);

}  // namespace tseq
