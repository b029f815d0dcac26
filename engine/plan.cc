#include "engine/plan.h"

#include <string_view>
#include <utility>

#include "engine/sequence_file.h"
#include "steps/step_properties.h"
#include "variables/builtin_variables.h"

namespace tseq {
namespace {

constexpr std::string_view kCurrentActionName = "_SMSTSCurrentActionName";
constexpr std::string_view kNextInstructionPointer = "_SMSTSNextInstructionPointer";
constexpr std::string_view kLastActionName = "_SMSTSLastActionName";
constexpr std::string_view kLastActionSucceeded = "_SMSTSLastActionSucceeded";
constexpr std::string_view kLastActionRetCode = "_SMSTSLastActionRetCode";
constexpr std::string_view kRebootRequested = "SMSTSRebootRequested";
constexpr std::string_view kRetryRequested = "SMSTSRetryRequested";

void SetEngineVariable(VariableStore& variables, std::string_view name, std::string_view value) {
  // The names are the engine's own and valid, the engine may write read-only names, and
  // kRuntime outranks every source: this Set cannot fail or be ignored.
  (void)variables.Set(name, value,
                      {.source = VariableSource::kRuntime, .access = VariableAccess::kEngine});
}

// The secret variables of the plan's environment, kept in a store of their own so masking an
// output costs the number of secrets, not the number of variables (a 10,000-step plan would
// otherwise go quadratic).
class SecretValues {
 public:
  explicit SecretValues(const VariableStore& variables) {
    for (const Variable* variable : variables.List()) {
      if (variable->secret) Copy(variable->name, variable->value);
    }
  }

  // Mirrors the current state of `name` in `variables`.
  void Refresh(const VariableStore& variables, std::string_view name) {
    const Variable* variable = variables.Find(name);
    Copy(name, variable != nullptr && variable->secret ? std::string_view(variable->value) : "");
  }

  std::string Mask(std::string_view text) const { return secrets_.MaskSecrets(text); }

 private:
  void Copy(std::string_view name, std::string_view value) {
    // An invalid name was never set in the environment either; nothing to mirror.
    (void)secrets_.Set(name, value,
                       {.source = VariableSource::kRuntime,
                        .access = VariableAccess::kEngine,
                        .secrecy = Secrecy::kSecret});
  }

  VariableStore secrets_;
};

void MarkNotReached(const InstructionTable& table, int group, std::string_view why, Plan& plan) {
  const Instruction& instruction = table[group];
  const std::string reason =
      instruction.kind == InstructionKind::kGroup
          ? "in " + std::string(why) + " group '" + instruction.node->name + "'"
          : "in the child sequence of " + std::string(why) + " step '" + instruction.node->name +
                "'";
  for (int pointer = group + 1; pointer < instruction.end; ++pointer) {
    PlanEntry& entry = plan.entries[static_cast<size_t>(pointer)];
    entry.decision = PlanDecision::kParentSkipped;
    entry.reason = reason;
    entry.reason_location = instruction.node->location;
  }
}

// What the run would do for a step that runs: its declared effects on the environment, assuming
// it succeeds.
void PlanStep(const Instruction& instruction, VariableStore& variables, SecretValues& secrets,
              PlanEntry& entry, Plan& plan) {
  const SequenceNode& node = *instruction.node;
  const Step& step = *instruction.step;
  const StepProperties properties = StepProperties::Resolve(node, step.schema(), variables);
  DryRunEffects effects = step.DescribeDryRun(properties);
  for (DeclaredOutput& output : effects.outputs) {
    // Steps write as sequences do (StepContext): read-only names are refused here as in the run,
    // except the engine's own built-ins, which built-in steps such as SetDynamicVariables fill.
    const VariableAccess access =
        IsEngineVariableName(output.variable) ? VariableAccess::kEngine : VariableAccess::kSequence;
    const Result<SetOutcome> set =
        variables.Set(output.variable, output.value,
                      {.source = VariableSource::kRuntime,
                       .access = access,
                       .secrecy = output.secret ? Secrecy::kSecret : Secrecy::kUnchanged});
    if (!set.ok()) entry.warnings.push_back(secrets.Mask(set.status().message()));
    secrets.Refresh(variables, output.variable);
    output.secret = output.secret || variables.IsSecret(output.variable) ||
                    VariableStore::IsWellKnownSecretName(output.variable);
    output.value = output.secret ? std::string(kMaskedValue) : secrets.Mask(output.value);
    entry.outputs.push_back(std::move(output));
  }
  SetEngineVariable(variables, kLastActionName, node.name);
  SetEngineVariable(variables, kLastActionSucceeded, "true");
  SetEngineVariable(variables, kLastActionRetCode, "0");
  ++plan.steps_run;

  const bool reboot = effects.reboot_requested || variables.Contains(kRebootRequested);
  if (variables.Contains(kRebootRequested)) SetEngineVariable(variables, kRebootRequested, "");
  if (reboot && variables.Contains(kRetryRequested)) {
    SetEngineVariable(variables, kRetryRequested, "");
    entry.warnings.push_back(std::string(kRetryRequested) +
                             " is set: the run restarts and runs this step again");
  }
  if (reboot) {
    entry.reboot_after = true;
    ++plan.reboots;
  }
}

// What the run does when a RunSequence instruction starts: the child's `variables:`, with their
// precedence, shown as the instruction's outputs.
void PlanChildSequence(const Instruction& instruction, VariableStore& variables,
                       SecretValues& secrets, PlanEntry& entry) {
  for (const ChildVariableOutcome& outcome :
       ApplyChildSequenceVariables(*instruction.child, variables)) {
    secrets.Refresh(variables, outcome.name);
    if (outcome.outcome == SetOutcome::kIgnored) {
      entry.warnings.push_back("variable " + outcome.name +
                               " of the child sequence is not set: the value from " +
                               VariableSourceName(outcome.kept_source) + " takes precedence");
      continue;
    }
    DeclaredOutput output;
    output.variable = outcome.name;
    output.secret = variables.IsSecret(outcome.name);
    const std::optional<std::string> value = variables.Get(outcome.name);
    output.value = output.secret ? std::string(kMaskedValue) : secrets.Mask(value.value_or(""));
    entry.outputs.push_back(std::move(output));
  }
}

}  // namespace

const char* PlanDecisionName(PlanDecision decision) {
  switch (decision) {
    case PlanDecision::kRun:
      return "run";
    case PlanDecision::kSkipped:
      return "skip";
    case PlanDecision::kDisabled:
      return "disabled";
    case PlanDecision::kParentSkipped:
      return "not reached";
  }
  return "unknown";
}

void InitializeBuiltinVariables(const InstructionTable& table, const PlanOptions& options,
                                VariableStore& variables) {
  SetEngineVariable(variables, "_SMSTSPackageName", table.sequence().name);
  SetEngineVariable(variables, "_SMSTSInstructionTableSize", std::to_string(table.size()));
  SetEngineVariable(variables, "_SMSTSMachineName", options.machine_name);
  SetEngineVariable(variables, "_SMSTSInWinPE", options.offline ? "true" : "false");
  std::string log_path;
  if (!options.log_directory.empty()) {
    log_path = options.log_directory;
    if (log_path.back() != '/') log_path += '/';
    log_path += "SMSTSLog";
  }
  SetEngineVariable(variables, "_SMSTSLogPath", log_path);
}

Plan BuildPlan(const InstructionTable& table, VariableStore variables, const PlanOptions& options,
               const MachineRoot& machine_root, ProcessRunner& process_runner, const Clock& clock) {
  InitializeBuiltinVariables(table, options, variables);
  Plan plan;
  plan.entries.resize(static_cast<size_t>(table.size()));
  for (int pointer = 0; pointer < table.size(); ++pointer) {
    plan.entries[static_cast<size_t>(pointer)].pointer = pointer;
  }
  SecretValues secrets(variables);
  // Nothing runs while planning, so os-release and the package database are read once.
  UnchangingMachineReads unchanging_machine(machine_root);
  const ConditionEnvironment environment{variables, machine_root, process_runner,
                                         clock,     nullptr,      &unchanging_machine};

  int pointer = 0;
  while (pointer < table.size()) {
    const Instruction& instruction = table[pointer];
    const SequenceNode& node = *instruction.node;
    PlanEntry& entry = plan.entries[static_cast<size_t>(pointer)];
    SetEngineVariable(variables, kCurrentActionName, node.name);
    SetEngineVariable(variables, kNextInstructionPointer, std::to_string(pointer));

    if (!node.enabled) {
      entry.decision = PlanDecision::kDisabled;
      entry.reason = "disabled (enabled: false)";
      entry.reason_location = node.location;
      if (instruction.has_children()) MarkNotReached(table, pointer, "disabled", plan);
      pointer = instruction.end;
      continue;
    }
    if (node.condition.has_value()) {
      ConditionOutcome outcome = EvaluateCondition(
          *node.condition, environment,
          options.condition_trace ? ConditionDetail::kTrace : ConditionDetail::kDecisionOnly);
      entry.condition_trace = std::move(outcome.trace);
      if (!outcome.result) {
        entry.decision = PlanDecision::kSkipped;
        entry.reason = std::move(outcome.explanation);
        entry.reason_location = std::move(outcome.deciding_location);
        if (instruction.has_children()) MarkNotReached(table, pointer, "skipped", plan);
        pointer = instruction.end;
        continue;
      }
    }
    entry.decision = PlanDecision::kRun;
    if (instruction.kind == InstructionKind::kStep) {
      PlanStep(instruction, variables, secrets, entry, plan);
    } else if (instruction.kind == InstructionKind::kSequence) {
      PlanChildSequence(instruction, variables, secrets, entry);
    }
    ++pointer;
  }
  plan.final_variables = std::move(variables);
  return plan;
}

}  // namespace tseq
