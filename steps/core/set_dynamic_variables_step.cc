#include <optional>
#include <string>
#include <vector>

#include "base/strings.h"
#include "steps/core/core_steps.h"
#include "steps/core/dynamic_rule_evaluation.h"
#include "steps/core/dynamic_rules.h"
#include "steps/core/machine_facts.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

constexpr std::string_view kFromMachine = "<read from the machine>";

// "<set if rule 2 matches>", "<set if rule 1 or 3 matches>", "<set if rule 1, 2 or 4 matches>".
std::string RuleCondition(const std::vector<int>& numbers) {
  std::string text = numbers.size() == 1 ? "rule " : "rules ";
  for (size_t index = 0; index < numbers.size(); ++index) {
    if (index > 0) text += index + 1 == numbers.size() ? " or " : ", ";
    text += std::to_string(numbers[index]);
  }
  return "set if " + text + (numbers.size() == 1 ? " matches" : " match");
}

class SetDynamicVariablesStep : public Step {
 public:
  SetDynamicVariablesStep() {
    schema_.type = "SetDynamicVariables";
    schema_.category = "core";
    schema_.description =
        "Reads the machine's make, model, serial number, asset tag, UUID, MAC and IP addresses and "
        "default gateways into _SMSTS* variables, then sets variables by rules, like ConfigMgr's "
        "Set Dynamic Variables.";
    schema_.properties = {
        {.name = "rules",
         .type = PropertyType::kList,
         .description =
             "Rules in order, each a map of `match` (one of `computer: {assetTag, uuid, serial, "
             "mac}` where any value matching is enough, `location: {gateway}`, `makeModel: {make, "
             "model}` with * and ? wildcards, or a variable test written as in a condition: "
             "`variable: NAME, equals: VALUE`) and `set` (`NAME: VALUE` or `NAME: {value, "
             "secret}`). Rules that match set their variables in order, so a later rule overrides "
             "an earlier one; values are %NAME% expanded."},
        {.name = "variables",
         .type = PropertyType::kMap,
         .description = "Variables set without a rule, before the rules: `NAME: VALUE` or "
                        "`NAME: {value, secret}`."},
    };
    // The facts, in MachineFactVariables() order (a test keeps the two in step).
    schema_.outputs = {
        {.variable = "_SMSTSMake", .description = "the make, from /sys/class/dmi/id/sys_vendor"},
        {.variable = "_SMSTSModel",
         .description = "the model, from /sys/class/dmi/id/product_name"},
        {.variable = "_SMSTSSerialNumber",
         .description = "the serial number, from /sys/class/dmi/id/product_serial"},
        {.variable = "_SMSTSAssetTag",
         .description = "the asset tag, from /sys/class/dmi/id/chassis_asset_tag"},
        {.variable = "_SMSTSUUID", .description = "the UUID, from /sys/class/dmi/id/product_uuid"},
        {.variable = "_SMSTSMacAddresses",
         .description =
             "MAC addresses of the interfaces but lo (AA:BB:CC:DD:EE:FF, comma-separated)"},
        {.variable = "_SMSTSIPAddresses",
         .description = "IPv4 addresses (from /proc/net/fib_trie) and global IPv6 addresses (from "
                        "/proc/net/if_inet6) but loopback, comma-separated"},
        {.variable = "_SMSTSDefaultGateways",
         .description =
             "default gateways (from /proc/net/route and /proc/net/ipv6_route), comma-separated"},
    };
  }

  const StepSchema& schema() const override { return schema_; }

  void Validate(const SequenceNode& node, Diagnostics& diagnostics) const override {
    ReadDynamicVariableSettings(node.properties.Find("rules"), node.properties.Find("variables"),
                                diagnostics);
  }

  DryRunEffects DescribeDryRun(const StepProperties& properties) const override {
    DryRunEffects effects;
    for (const std::string& variable : MachineFactVariables()) {
      effects.outputs.push_back({variable, std::string(kFromMachine), false});
    }
    Diagnostics ignored;
    const DynamicVariableSettings settings =
        ReadDynamicVariableSettings(properties.Raw("rules"), properties.Raw("variables"), ignored);

    // Each variable once, in the order first set: its value without a rule, and the rules that
    // may set it.
    struct Declared {
      std::string name;
      std::optional<std::string> value;
      std::vector<int> rules;
      bool secret = false;
    };
    std::vector<Declared> declared;
    auto find = [&declared](const std::string& name) -> Declared& {
      for (Declared& entry : declared) {
        if (EqualsIgnoreCase(entry.name, name)) return entry;
      }
      return declared.emplace_back(Declared{.name = name});
    };
    for (const VariableAssignment& assignment : settings.variables) {
      Declared& entry = find(assignment.name);
      entry.value = assignment.value;
      entry.secret = entry.secret || assignment.secret;
    }
    for (const DynamicRule& rule : settings.rules) {
      for (const VariableAssignment& assignment : rule.assignments) {
        Declared& entry = find(assignment.name);
        if (entry.rules.empty() || entry.rules.back() != rule.number) {
          entry.rules.push_back(rule.number);
        }
        entry.secret = entry.secret || assignment.secret;
      }
    }
    for (Declared& entry : declared) {
      std::string value;
      if (entry.rules.empty()) {
        value = *entry.value;
      } else if (entry.value.has_value()) {
        value = "<" + RuleCondition(entry.rules) + ", else '" + *entry.value + "'>";
      } else {
        value = "<" + RuleCondition(entry.rules) + ">";
      }
      effects.outputs.push_back({entry.name, std::move(value), entry.secret});
    }
    return effects;
  }

  StepResult Run(StepContext& context) const override {
    Diagnostics problems;
    const DynamicVariableSettings settings = ReadDynamicVariableSettings(
        context.properties.Raw("rules"), context.properties.Raw("variables"), problems);
    if (problems.HasErrors()) return Failed(problems.all().front().message);

    VariableStore& variables = context.variables;
    const MachineFacts facts = GatherMachineFacts(context.machine_root);
    for (const MachineFact& fact : facts.facts) {
      // A fact that is unknown now is removed, so no value read earlier outlives the machine.
      const Result<SetOutcome> set =
          variables.Set(fact.variable, fact.Text(), {.access = VariableAccess::kEngine});
      if (!set.ok()) return Failed(set.status().message());
      if (fact.known()) {
        context.log.Info(variables.MaskSecrets("Gathered " + fact.variable + "=" + fact.Text()));
      } else {
        context.log.Info(variables.MaskSecrets("Not setting " + fact.variable + ": the " +
                                               fact.description + " is unknown (" + fact.problem +
                                               ")"));
      }
    }

    for (const VariableAssignment& assignment : settings.variables) {
      Result<std::optional<std::string>> shown = Assign(assignment, variables);
      if (!shown.ok()) return Failed(shown.status().message());
      context.log.Info(shown->has_value()
                           ? "Set variable " + assignment.name + "=" + **shown + " (without a rule)"
                           : "Deleted variable " + assignment.name + " (without a rule)");
    }

    for (const DynamicRule& rule : settings.rules) {
      const RuleOutcome outcome = EvaluateDynamicRule(rule, facts, variables);
      const std::string heading =
          "rule " + std::to_string(rule.number) + " (" + RuleKindDescription(rule.kind) + ")";
      if (!outcome.matched) {
        context.log.Info(heading + " did not match: " + outcome.explanation);
        continue;
      }
      std::vector<std::string> assigned;
      for (const VariableAssignment& assignment : rule.assignments) {
        Result<std::optional<std::string>> shown = Assign(assignment, variables);
        if (!shown.ok()) return Failed(shown.status().message());
        assigned.push_back(assignment.name +
                           (shown->has_value() ? "=" + **shown : std::string(" (deleted)")));
      }
      context.log.Info(heading + " matched: " + outcome.explanation + " -> set " +
                       Join(assigned, ", "));
    }
    return {};
  }

 private:
  static StepResult Failed(std::string message) {
    return {.succeeded = false, .exit_code = 1, .message = std::move(message)};
  }

  // Sets one variable to its expanded value. Returns the value as the log may show it (secrets
  // masked), or nullopt when the value was empty and the variable deleted.
  static Result<std::optional<std::string>> Assign(const VariableAssignment& assignment,
                                                   VariableStore& variables) {
    const std::string value = ExpandVariables(assignment.value, variables);
    Result<SetOutcome> set =
        variables.Set(assignment.name, value,
                      {.access = VariableAccess::kSequence,
                       .secrecy = assignment.secret ? Secrecy::kSecret : Secrecy::kUnchanged});
    if (!set.ok()) return set.status();
    if (*set == SetOutcome::kDeleted) return std::optional<std::string>();
    return std::optional<std::string>(variables.IsSecret(assignment.name)
                                          ? std::string(kMaskedValue)
                                          : variables.MaskSecrets(value));
  }

  StepSchema schema_;
};

}  // namespace

std::unique_ptr<Step> NewSetDynamicVariablesStep() {
  return std::make_unique<SetDynamicVariablesStep>();
}

}  // namespace tseq
