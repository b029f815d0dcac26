#include "steps/core/core_steps.h"

namespace tseq {
namespace {

class RestartComputerStep : public Step {
 public:
  RestartComputerStep() {
    schema_.type = "RestartComputer";
    schema_.category = "core";
    schema_.description =
        "Ends the run for a restart: saves the state and exits with code 3; `tseq resume` "
        "continues at the next step after the restart.";
    schema_.properties = {
        {.name = "message",
         .type = PropertyType::kString,
         .description = "Message written to the log before the restart.",
         .action_variable = "SMSRebootMessage"},
    };
  }

  const StepSchema& schema() const override { return schema_; }

  DryRunEffects DescribeDryRun(const StepProperties& /*properties*/) const override {
    return {.outputs = {}, .reboot_requested = true};
  }

  StepResult Run(StepContext& context) const override {
    const std::string message = context.properties.GetOr("message", "");
    if (!message.empty()) context.log.Info("Restart message: " + message);
    return {.succeeded = true, .exit_code = 0, .message = "", .reboot_requested = true};
  }

 private:
  StepSchema schema_;
};

}  // namespace

std::unique_ptr<Step> NewRestartComputerStep() { return std::make_unique<RestartComputerStep>(); }

}  // namespace tseq
