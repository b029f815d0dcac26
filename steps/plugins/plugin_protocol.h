// The answer an executable plugin writes on its standard output (docs/plugins.md, "The answer").
// Internal to steps/plugins/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "steps/step.h"

namespace tseq {

// Exit code of a plugin step (of either kind) that succeeded and asks for a restart, as
// RunCommandLine's 3010.
inline constexpr int kRestartExitCode = 3010;

enum class PluginLogType { kInfo, kWarning, kError };

struct PluginLogLine {
  PluginLogType type = PluginLogType::kInfo;
  std::string message;
};

struct PluginAnswer {
  int exit_code = 0;
  std::vector<std::pair<std::string, std::string>> variables;  // in the answer's order
  std::vector<std::string> secret_variables;  // names from `variables` to mark secret
  std::vector<PluginLogLine> log;
  std::string message;  // why it failed
};

// `text` with every secret the step knows replaced by "********": the store's secret values and
// the values of the step's secret properties (a secret written literally under `with:` is not in
// the store). Longer secrets are replaced first.
std::string MaskStepSecrets(const StepContext& context, std::string_view text);

// Parses and checks an answer: a JSON object with "exitCode" (a whole number, required) and
// optionally "variables" (an object of strings; numbers and booleans are taken as their text),
// "secretVariables" (names that appear in "variables"), "log" (objects with "type" info, warning
// or error, and "message") and "message" (a string). InvalidArgument for anything else, worded
// to follow "plugin T (PATH) ": "did not answer with valid JSON: not valid JSON at line 1,
// column 2" or "gave an invalid answer: 'exitCode' is missing".
Result<PluginAnswer> ParsePluginAnswer(std::string_view text);

}  // namespace tseq
