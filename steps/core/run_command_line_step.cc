#include <algorithm>

#include "base/strings.h"
#include "steps/core/core_steps.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

constexpr size_t kOutputVariableLimit = 1000;  // ConfigMgr keeps the last 1000 characters
constexpr int kRebootExitCode = 3010;

Result<std::vector<int>> ParseSuccessCodes(const std::vector<std::string>& words) {
  std::vector<int> codes;
  for (const std::string& word : words) {
    const std::optional<double> number = ParseNumber(word);
    if (!number.has_value() ||
        *number != static_cast<double>(static_cast<long long>(std::clamp(*number, -1e18, 1e18)))) {
      return InvalidArgumentError("success code '" + word + "' is not a whole number");
    }
    // Checked before the conversion: an out-of-range double to int is undefined behaviour.
    if (*number < 0 || *number > 65535) {
      return InvalidArgumentError("success code '" + word + "' is out of range (0 to 65535)");
    }
    codes.push_back(static_cast<int>(*number));
  }
  return codes;
}

class RunCommandLineStep : public Step {
 public:
  RunCommandLineStep() {
    schema_.type = "RunCommandLine";
    schema_.category = "core";
    schema_.description =
        "Runs a command line on the machine (split like a shell quotes; use sh -c for pipes).";
    schema_.properties = {
        {.name = "commandLine",
         .type = PropertyType::kString,
         .description = "The command and its arguments; %NAME% references are expanded.",
         .required = true},
        {.name = "workingDirectory",
         .type = PropertyType::kString,
         .description = "Machine path to start in (default: the machine's /).",
         .action_variable = "WorkingDirectory"},
        {.name = "successCodes",
         .type = PropertyType::kStringList,
         .description = "Exit codes that mean success; 3010 also requests a restart.",
         .default_value = "0 3010",
         .action_variable = "SuccessCodes"},
        {.name = "outputVariable",
         .type = PropertyType::kVariableName,
         .description = "Variable that receives the last 1000 characters of the output."},
        {.name = "runAs",
         .type = PropertyType::kString,
         .description = "User of the running system to run the command as: its uid, groups, "
                        "HOME, USER and LOGNAME (default: tseq's own user). Another user than "
                        "tseq's needs tseq to run as root.",
         .action_variable = "SMSTSRunCommandLineUserName"},
    };
  }

  const StepSchema& schema() const override { return schema_; }

  void Validate(const SequenceNode& node, Diagnostics& diagnostics) const override {
    const Value* command_line = node.properties.Find("commandLine");
    if (command_line != nullptr && command_line->is_scalar() &&
        command_line->scalar.find('%') == std::string::npos) {
      Result<std::vector<std::string>> words = SplitCommandLine(command_line->scalar);
      if (!words.ok()) diagnostics.AddError(command_line->location, words.status().message());
    }
    const Value* codes = node.properties.Find("successCodes");
    if (codes != nullptr) {
      std::vector<std::string> words;
      if (codes->is_scalar()) words = SplitWhitespace(codes->scalar);
      for (const Value& item : codes->items) words.push_back(item.scalar);
      if (std::none_of(words.begin(), words.end(), [](const std::string& word) {
            return word.find('%') != std::string::npos;
          })) {
        Result<std::vector<int>> parsed = ParseSuccessCodes(words);
        if (!parsed.ok()) diagnostics.AddError(codes->location, parsed.status().message());
      }
    }
  }

  DryRunEffects DescribeDryRun(const StepProperties& properties) const override {
    DryRunEffects effects;
    const std::optional<std::string> output_variable = properties.Get("outputVariable");
    if (output_variable.has_value() && !output_variable->empty()) {
      effects.outputs.push_back({*output_variable, "<output of the command>", false});
    }
    return effects;
  }

  StepResult Run(StepContext& context) const override {
    const std::string command_line = context.properties.GetOr("commandLine", "");
    Result<std::vector<std::string>> arguments = SplitCommandLine(command_line);
    if (!arguments.ok()) return Failed(context.variables.MaskSecrets(arguments.status().message()));
    Result<std::vector<int>> success_codes =
        ParseSuccessCodes(context.properties.GetList("successCodes"));
    if (!success_codes.ok()) return Failed(success_codes.status().message());

    const std::string working_directory = context.properties.GetOr("workingDirectory", "/");
    Result<std::string> host_directory =
        context.machine_root.Resolve(working_directory, SymlinkPolicy::kFollow);
    if (!host_directory.ok()) return Failed(host_directory.status().message());

    const std::optional<std::string> do_not_log = context.variables.Get("OSDDoNotLogCommand");
    if (do_not_log.has_value() && EqualsIgnoreCase(*do_not_log, "true")) {
      context.log.Info("Executing command line: (not logged because OSDDoNotLogCommand is true)");
    } else {
      context.log.Info("Executing command line: " + context.variables.MaskSecrets(command_line));
    }

    ProcessRequest request;
    request.arguments = std::move(arguments).value();
    request.working_directory = *host_directory;
    request.run_as = std::string(TrimWhitespace(context.properties.GetOr("runAs", "")));
    if (!request.run_as.empty()) {
      context.log.Info("The command runs as user '" + request.run_as + "'");
    }
    request.environment.emplace_back("TSEQ_MACHINE_ROOT", context.machine_root.directory());
    request.timeout = context.node.timeout;
    Result<ProcessOutcome> outcome = context.process_runner.Run(request);
    if (!outcome.ok()) return Failed(context.variables.MaskSecrets(outcome.status().message()));

    const std::string output = context.variables.MaskSecrets(outcome->output);
    if (!output.empty()) context.log.Info("Command output:\n" + output);
    if (outcome->timed_out) {
      return {.succeeded = false,
              .exit_code = outcome->exit_code,
              .message = "the command did not finish within " +
                         FormatDuration(*context.node.timeout) + " and was stopped"};
    }
    context.log.Info("Process completed with exit code " + std::to_string(outcome->exit_code));

    const std::optional<std::string> output_variable = context.properties.Get("outputVariable");
    if (output_variable.has_value() && !output_variable->empty()) {
      const std::string& raw = outcome->output;
      const std::string tail =
          raw.size() > kOutputVariableLimit ? raw.substr(raw.size() - kOutputVariableLimit) : raw;
      Result<SetOutcome> set = context.variables.Set(*output_variable, tail);
      if (!set.ok()) return Failed(set.status().message());
    }

    const std::vector<int>& codes = *success_codes;
    const bool success = std::find(codes.begin(), codes.end(), outcome->exit_code) != codes.end();
    if (!success) {
      return {.succeeded = false,
              .exit_code = outcome->exit_code,
              .message = "the command exited with code " + std::to_string(outcome->exit_code) +
                         ", which is not a success code (" +
                         Join(context.properties.GetList("successCodes"), " ") + ")"};
    }
    return {.succeeded = true,
            .exit_code = outcome->exit_code,
            .message = "",
            .reboot_requested = outcome->exit_code == kRebootExitCode};
  }

 private:
  static StepResult Failed(std::string message) {
    return {.succeeded = false, .exit_code = 1, .message = std::move(message)};
  }

  StepSchema schema_;
};

}  // namespace

std::unique_ptr<Step> NewRunCommandLineStep() { return std::make_unique<RunCommandLineStep>(); }

}  // namespace tseq
