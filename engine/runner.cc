#include "engine/runner.h"

#include "base/strings.h"
#include "engine/condition_evaluator.h"
#include "engine/sequence_file.h"
#include "steps/step_properties.h"

namespace tseq {
namespace {

constexpr std::string_view kComponent = "TSManager";

// Routes a step's log lines to the engine log under the step type's component.
class StepLogAdapter : public StepLog {
 public:
  StepLogAdapter(EngineLog& log, std::string component)
      : log_(log), component_(std::move(component)) {}
  void Info(std::string_view message) override {
    log_.Write(LogType::kInfo, component_, message, TSEQ_HERE);
  }
  void Warning(std::string_view message) override {
    log_.Write(LogType::kWarning, component_, message, TSEQ_HERE);
  }
  void Error(std::string_view message) override {
    log_.Write(LogType::kError, component_, message, TSEQ_HERE);
  }

 private:
  EngineLog& log_;
  std::string component_;
};

void SetEngineVariable(VariableStore& variables, std::string_view name, std::string_view value) {
  SetOptions options;
  options.access = VariableAccess::kEngine;
  (void)variables.Set(name, value, options);
}

bool IsTrue(const std::optional<std::string>& value) {
  return value.has_value() && !value->empty() && !EqualsIgnoreCase(*value, "false") &&
         *value != "0";
}

// How the log names an instruction: a RunSequence step is an action in the file, like any step.
std::string Kind(const Instruction& instruction) {
  return instruction.kind == InstructionKind::kGroup ? "group" : "action";
}

// How the failure messages name an instruction whose children failed.
std::string Container(const Instruction& instruction) {
  return instruction.kind == InstructionKind::kGroup ? "group" : "child sequence";
}

}  // namespace

struct Runner::StepOutcome {
  StepResult result;
};

Runner::Runner(const InstructionTable& table, RunnerServices services, RunSettings settings)
    : table_(table), services_(services), settings_(std::move(settings)) {
  // Steps are numbered by position so that "step N of M" means the same before and after a
  // resume, however many steps were skipped.
  for (const Instruction& instruction : table_.instructions()) {
    step_numbers_.push_back(instruction.has_children() ? 0 : ++step_count_);
  }
}

void Runner::Log(LogType type, const std::string& message, LogSource source) {
  services_.log.Write(type, kComponent, message, source);
}

bool Runner::SaveState(VariableStore& variables, int pointer) {
  SavedState state;
  state.sequence_file = settings_.sequence_file;
  state.pointer = pointer;
  state.machine_root = services_.machine_root.directory();
  state.log_directory = settings_.log_directory;
  state.machine_name = settings_.machine_name;
  state.offline = settings_.offline;
  state.log_max_size = settings_.log_max_size;
  state.log_history = settings_.log_history;
  state.plugin_directories = settings_.plugin_directories;
  state.variables = variables;
  const Status status = services_.state.Save(state);
  if (!status.ok()) {
    Log(LogType::kError, "Failed to save execution state and environment: " + status.message(),
        TSEQ_HERE);
    return false;
  }
  return true;
}

bool Runner::ConditionAllows(const Instruction& instruction, const VariableStore& variables) {
  const SequenceNode& node = *instruction.node;
  const ConditionEnvironment environment{variables, services_.machine_root,
                                         services_.process_runner, services_.clock,
                                         &package_cache_};
  Log(LogType::kInfo,
      "Evaluating the condition of the " + Kind(instruction) + " (" + node.name + ")", TSEQ_HERE);
  const ConditionOutcome outcome = EvaluateCondition(*node.condition, environment);
  for (const ConditionTraceLine& line : outcome.trace) {
    Log(LogType::kInfo, std::string(static_cast<size_t>(line.depth) * 2 + 2, ' ') + line.text,
        TSEQ_HERE);
  }
  Log(LogType::kInfo,
      std::string("The condition of the ") + Kind(instruction) + " (" + node.name +
          ") evaluated to " + (outcome.result ? "true" : "false") + ": " + outcome.explanation,
      TSEQ_HERE);
  if (!outcome.result) {
    Log(LogType::kInfo,
        std::string("The ") + Kind(instruction) + " (" + node.name +
            ") has been skipped because the condition was evaluated to be false",
        TSEQ_HERE);
  }
  return outcome.result;
}

Runner::StepOutcome Runner::RunStep(const Instruction& instruction, VariableStore& variables) {
  const SequenceNode& node = *instruction.node;
  const Step& step = *instruction.step;
  const StepSchema& schema = step.schema();
  const StepProperties properties = StepProperties::Resolve(node, schema, variables);

  // Action variables: the step's settings are visible as variables while it runs, unless the
  // environment already sets them explicitly (then that value was used).
  std::vector<std::pair<std::string, std::string>> added;
  for (const PropertySchema& property : schema.properties) {
    if (property.action_variable.empty() || variables.Contains(property.action_variable)) continue;
    const std::optional<std::string> value = properties.Get(property.name);
    if (!value.has_value() || value->empty()) continue;
    SetOptions options;
    options.access = VariableAccess::kEngine;
    options.secrecy = properties.IsSecret(property.name) ? Secrecy::kSecret : Secrecy::kUnchanged;
    if (variables.Set(property.action_variable, *value, options).ok()) {
      added.emplace_back(property.action_variable, *value);
      Log(LogType::kInfo, "Set a local default variable " + property.action_variable, TSEQ_HERE);
    }
  }

  StepLogAdapter step_log(services_.log, schema.type);
  StepContext context{node,
                      properties,
                      variables,
                      services_.machine_root,
                      services_.filesystem,
                      services_.process_runner,
                      services_.clock,
                      step_log};
  const int attempts = 1 + (node.retry.has_value() ? node.retry->count : 0);
  StepOutcome outcome;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    outcome.result = step.Run(context);
    if (outcome.result.succeeded || attempt == attempts) break;
    Log(LogType::kWarning,
        "The action (" + node.name + ") failed: " + outcome.result.message + ". Retrying in " +
            FormatDuration(node.retry->delay) + " (attempt " + std::to_string(attempt + 1) +
            " of " + std::to_string(attempts) + ")",
        TSEQ_HERE);
    services_.clock.SleepFor(node.retry->delay);
  }

  for (const auto& [name, value] : added) {
    if (variables.Get(name) == value) SetEngineVariable(variables, name, "");
  }
  return outcome;
}

void Runner::StartChildSequence(const Instruction& instruction, VariableStore& variables) {
  const Sequence& child = *instruction.child;
  Log(LogType::kInfo,
      "The child sequence '" + child.name + "' (" + child.source_file + ") of the action (" +
          instruction.node->name + ") has been successfully started",
      TSEQ_HERE);
  for (const ChildVariableOutcome& outcome : ApplyChildSequenceVariables(child, variables)) {
    if (outcome.outcome == SetOutcome::kIgnored) {
      Log(LogType::kInfo,
          "The variable " + outcome.name + " of the child sequence is not set: the value from " +
              VariableSourceName(outcome.kept_source) + " takes precedence",
          TSEQ_HERE);
    } else if (outcome.outcome == SetOutcome::kDeleted) {
      Log(LogType::kInfo, "Deleted the global environment variable " + outcome.name, TSEQ_HERE);
    } else {
      Log(LogType::kInfo, "Set a global environment variable " + outcome.name, TSEQ_HERE);
    }
  }
}

int Runner::PropagateFailure(int failed) {
  int parent = table_[failed].parent;
  while (parent >= 0) {
    const Instruction& group = table_[parent];
    const std::string container = Container(group);
    Log(LogType::kError,
        "The execution of the " + container + " (" + group.node->name +
            ") has failed and the execution has been aborted. An action failed.",
        TSEQ_HERE);
    if (group.node->continue_on_error) {
      Log(LogType::kInfo,
          "The " + Kind(group) + " (" + group.node->name +
              ") is set to continue on error; execution continues after the " + container,
          TSEQ_HERE);
      return group.end;
    }
    parent = group.parent;
  }
  return -1;
}

RunResult Runner::Run(VariableStore& variables, int start) {
  const Sequence& sequence = table_.sequence();
  Log(LogType::kInfo,
      "Start executing the task sequence '" + sequence.name + "' (" + settings_.sequence_file +
          ") at instruction " + std::to_string(start) + " of " + std::to_string(table_.size()),
      TSEQ_HERE);
  int pointer = start;
  while (pointer < table_.size()) {
    const Instruction& instruction = table_[pointer];
    const SequenceNode& node = *instruction.node;
    SetEngineVariable(variables, "_SMSTSCurrentActionName", node.name);
    SetEngineVariable(variables, "_SMSTSNextInstructionPointer", std::to_string(pointer));
    Log(LogType::kInfo, "Set a global environment variable _SMSTSCurrentActionName=" + node.name,
        TSEQ_HERE);
    Log(LogType::kInfo,
        "Set a global environment variable _SMSTSNextInstructionPointer=" + std::to_string(pointer),
        TSEQ_HERE);
    if (!SaveState(variables, pointer)) return RunResult::kFailed;
    Log(LogType::kInfo, "Successfully save execution state and environment to local hard disk",
        TSEQ_HERE);
    Log(LogType::kInfo,
        "Start executing an instruction. Instruction name: '" + node.name +
            "'. Pointer: " + std::to_string(pointer) + ". Type: '" +
            (instruction.kind == InstructionKind::kGroup ? std::string("group") : node.type) +
            "'. Disabled: " + (node.enabled ? "0" : "1"),
        TSEQ_HERE);

    if (!node.enabled) {
      Log(LogType::kInfo,
          "The " + Kind(instruction) + " (" + node.name +
              ") has been skipped because it is disabled",
          TSEQ_HERE);
      pointer = instruction.end;
      continue;
    }
    if (node.condition.has_value() && !ConditionAllows(instruction, variables)) {
      pointer = instruction.end;
      continue;
    }
    if (instruction.kind == InstructionKind::kGroup) {
      Log(LogType::kInfo, "The group (" + node.name + ") has been successfully started", TSEQ_HERE);
      ++pointer;
      continue;
    }
    if (instruction.kind == InstructionKind::kSequence) {
      StartChildSequence(instruction, variables);
      ++pointer;
      continue;
    }

    if (services_.progress != nullptr) {
      services_.progress->StepStarted(step_numbers_[static_cast<size_t>(pointer)], step_count_,
                                      node.name);
    }
    const StepOutcome outcome = RunStep(instruction, variables);
    const StepResult& result = outcome.result;
    if (services_.progress != nullptr) services_.progress->StepFinished(result.succeeded);
    SetEngineVariable(variables, "_SMSTSLastActionName", node.name);
    SetEngineVariable(variables, "_SMSTSLastActionRetCode", std::to_string(result.exit_code));
    SetEngineVariable(variables, "_SMSTSLastActionSucceeded", result.succeeded ? "true" : "false");

    if (!result.succeeded) {
      Log(LogType::kError,
          "Failed to run the action: " + node.name + ". " + result.message +
              " (Error: " + std::to_string(result.exit_code) + ")",
          TSEQ_HERE);
      if (node.continue_on_error) {
        Log(LogType::kInfo,
            "The action (" + node.name +
                ") is set to continue on error; the failure is ignored and execution continues",
            TSEQ_HERE);
        ++pointer;
        continue;
      }
      const int next = PropagateFailure(pointer);
      if (next < 0) {
        Log(LogType::kError,
            "Failed to run the last action: " + node.name + ". Execution of task sequence failed.",
            TSEQ_HERE);
        Log(LogType::kError, "Task Sequence Engine failed! Code: enExecutionFail", TSEQ_HERE);
        Log(LogType::kError, "Execution engine result code: Failed (1)", TSEQ_HERE);
        return RunResult::kFailed;
      }
      pointer = next;
      continue;
    }

    Log(LogType::kInfo,
        "Successfully completed the action (" + node.name + ") with exit code " +
            std::to_string(result.exit_code),
        TSEQ_HERE);
    const bool retry_requested = IsTrue(variables.Get("SMSTSRetryRequested"));
    const bool reboot_requested =
        result.reboot_requested || retry_requested || IsTrue(variables.Get("SMSTSRebootRequested"));
    SetEngineVariable(variables, "SMSTSRetryRequested", "");
    SetEngineVariable(variables, "SMSTSRebootRequested", "");
    if (reboot_requested) {
      const int next = retry_requested ? pointer : pointer + 1;
      Log(LogType::kInfo, "The action (" + node.name + ") initiated a reboot request", TSEQ_HERE);
      if (!SaveState(variables, next)) return RunResult::kFailed;
      Log(LogType::kInfo,
          "Saved the execution state; the sequence resumes at instruction " + std::to_string(next) +
              " after the restart",
          TSEQ_HERE);
      Log(LogType::kInfo, "Execution engine result code: Reboot (2)", TSEQ_HERE);
      return RunResult::kRebootRequired;
    }
    ++pointer;
  }
  Log(LogType::kInfo, "The task sequence '" + sequence.name + "' completed successfully",
      TSEQ_HERE);
  Log(LogType::kInfo, "Execution engine result code: Success (0)", TSEQ_HERE);
  return RunResult::kCompleted;
}

}  // namespace tseq
