#include <string>

#include "base/strings.h"
#include "steps/core/core_steps.h"

namespace tseq {
namespace {

class RunSequenceStep : public Step {
 public:
  RunSequenceStep() {
    schema_.type = std::string(kRunSequenceStepType);
    schema_.category = "core";
    schema_.description =
        "Runs a child sequence file in the same environment and log, like ConfigMgr's Run Task "
        "Sequence; the child's steps run in place of this step, as if it were a group.";
    schema_.properties = {
        {.name = std::string(kRunSequencePathProperty),
         .type = PropertyType::kString,
         .description = "The child sequence file, relative to the folder of the file that holds "
                        "this step. A literal path (no %NAME%): the child is loaded and "
                        "validated with its parent, before anything runs.",
         .required = true},
    };
  }

  const StepSchema& schema() const override { return schema_; }

  void Validate(const SequenceNode& node, Diagnostics& diagnostics) const override {
    const Value* path = node.properties.Find(kRunSequencePathProperty);
    // A missing or non-scalar path is reported by the schema check already.
    if (path == nullptr || !path->is_scalar()) return;
    if (TrimWhitespace(path->scalar).empty()) {
      diagnostics.AddError(path->location, "property 'path' must not be empty");
    } else if (path->scalar.find('%') != std::string::npos) {
      diagnostics.AddError(path->location,
                           "property 'path' must be a literal file path, not '" + path->scalar +
                               "': child sequences are loaded before the run starts, when "
                               "variables have no values yet");
    }
  }

  DryRunEffects DescribeDryRun(const StepProperties& /*properties*/) const override { return {}; }

  StepResult Run(StepContext& context) const override {
    // The engine expands RunSequence into the child's instructions; reaching this means a caller
    // bound the step without loading its child.
    return {.succeeded = false,
            .exit_code = 1,
            .message = "the child sequence '" +
                       context.properties.GetOr(kRunSequencePathProperty, "") +
                       "' was not loaded with its parent, so it cannot run"};
  }

 private:
  StepSchema schema_;
};

}  // namespace

std::unique_ptr<Step> NewRunSequenceStep() { return std::make_unique<RunSequenceStep>(); }

}  // namespace tseq
