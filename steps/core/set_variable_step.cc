#include "steps/core/core_steps.h"

namespace tseq {
namespace {

class SetVariableStep : public Step {
 public:
  SetVariableStep() {
    schema_.type = "SetVariable";
    schema_.category = "core";
    schema_.description =
        "Sets a task sequence variable (an empty value deletes it), like ConfigMgr's Set Task "
        "Sequence Variable.";
    schema_.properties = {
        {.name = "name",
         .type = PropertyType::kVariableName,
         .description = "The variable to set. Names beginning with '_' are read-only.",
         .required = true},
        {.name = "value",
         .type = PropertyType::kString,
         .description = "The value; %NAME% references are expanded. Empty deletes the variable.",
         .default_value = ""},
        {.name = "secret",
         .type = PropertyType::kBoolean,
         .description = "Never show the value (ConfigMgr's 'Do not display this value').",
         .default_value = "false"},
    };
  }

  const StepSchema& schema() const override { return schema_; }

  DryRunEffects DescribeDryRun(const StepProperties& properties) const override {
    DryRunEffects effects;
    const bool secret = properties.GetBoolean("secret").value_or(false);
    effects.outputs.push_back(
        {properties.GetOr("name", ""), properties.GetOr("value", ""), secret});
    return effects;
  }

  StepResult Run(StepContext& context) const override {
    const std::string name = context.properties.GetOr("name", "");
    const std::string value = context.properties.GetOr("value", "");
    const std::optional<bool> secret = context.properties.GetBoolean("secret");
    if (!secret.has_value()) {
      return {.succeeded = false,
              .exit_code = 1,
              .message = "property 'secret' must be true or false, not '" +
                         context.properties.GetOr("secret", "") + "'"};
    }
    SetOptions options;
    options.secrecy = *secret ? Secrecy::kSecret : Secrecy::kUnchanged;
    Result<SetOutcome> outcome = context.variables.Set(name, value, options);
    if (!outcome.ok()) {
      return {.succeeded = false, .exit_code = 1, .message = outcome.status().message()};
    }
    if (*outcome == SetOutcome::kDeleted) {
      context.log.Info("Deleted variable " + name);
    } else {
      const bool hidden = context.variables.IsSecret(name);
      context.log.Info("Set variable " + name + "=" +
                       (hidden ? std::string(kMaskedValue) : context.variables.MaskSecrets(value)));
    }
    return {};
  }

 private:
  StepSchema schema_;
};

}  // namespace

std::unique_ptr<Step> NewSetVariableStep() { return std::make_unique<SetVariableStep>(); }

}  // namespace tseq
