#include "steps/plugins/plugin_protocol.h"

#include <algorithm>
#include <climits>

#include "base/strings.h"
#include "steps/plugins/plugin_json.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

using Json = nlohmann::ordered_json;

Status Invalid(const std::string& reason) {
  return InvalidArgumentError("gave an invalid answer: " + reason);
}

Result<int> ReadExitCode(const Json& answer) {
  const auto it = answer.find("exitCode");
  if (it == answer.end()) return Invalid("'exitCode' is missing");
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() &&
       it->get<unsigned long long>() > static_cast<unsigned long long>(INT_MAX))) {
    return Invalid("'exitCode' must be a whole number");
  }
  const long long code = it->get<long long>();
  if (code < INT_MIN || code > INT_MAX) return Invalid("'exitCode' must be a whole number");
  return static_cast<int>(code);
}

Status ReadVariables(const Json& answer, PluginAnswer& parsed) {
  const auto it = answer.find("variables");
  if (it == answer.end()) return Status::Ok();
  if (!it->is_object()) return Invalid("'variables' must be an object");
  for (const auto& [name, value] : it->items()) {
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_boolean()) {
      text = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      text = value.dump();
    } else {
      return Invalid("variable '" + name + "' must be a string, a number or a boolean");
    }
    parsed.variables.emplace_back(name, std::move(text));
  }
  return Status::Ok();
}

Status ReadSecretVariables(const Json& answer, PluginAnswer& parsed) {
  const auto it = answer.find("secretVariables");
  if (it == answer.end()) return Status::Ok();
  if (!it->is_array()) return Invalid("'secretVariables' must be an array of names");
  for (const Json& item : *it) {
    if (!item.is_string()) return Invalid("'secretVariables' must be an array of names");
    const std::string name = item.get<std::string>();
    const bool listed =
        std::any_of(parsed.variables.begin(), parsed.variables.end(),
                    [&](const auto& variable) { return EqualsIgnoreCase(variable.first, name); });
    if (!listed) {
      return Invalid("'secretVariables' names '" + name + "', which is not in 'variables'");
    }
    parsed.secret_variables.push_back(name);
  }
  return Status::Ok();
}

Status ReadLog(const Json& answer, PluginAnswer& parsed) {
  const auto it = answer.find("log");
  if (it == answer.end()) return Status::Ok();
  if (!it->is_array()) return Invalid("'log' must be an array");
  for (size_t index = 0; index < it->size(); ++index) {
    const Json& item = (*it)[index];
    const std::string position = "log[" + std::to_string(index) + "]";
    if (!item.is_object()) return Invalid(position + " must be an object");
    const Status keys = CheckKeys(item, {"type", "message"});
    if (!keys.ok()) return Invalid(position + ": " + keys.message());
    PluginLogLine line;
    const auto type = item.find("type");
    if (type != item.end()) {
      const std::string name = type->is_string() ? type->get<std::string>() : "";
      if (name == "info") {
        line.type = PluginLogType::kInfo;
      } else if (name == "warning") {
        line.type = PluginLogType::kWarning;
      } else if (name == "error") {
        line.type = PluginLogType::kError;
      } else {
        return Invalid(position + ": 'type' must be info, warning or error");
      }
    }
    const auto message = item.find("message");
    if (message == item.end() || !message->is_string()) {
      return Invalid(position + ": 'message' must be a string");
    }
    line.message = message->get<std::string>();
    parsed.log.push_back(std::move(line));
  }
  return Status::Ok();
}

}  // namespace

std::string MaskStepSecrets(const StepContext& context, std::string_view text) {
  std::string masked = context.variables.MaskSecrets(text);
  std::vector<std::string> secrets;
  for (const auto& [name, value] : context.properties.values()) {
    if (context.properties.IsSecret(name) && !value.empty()) secrets.push_back(value);
  }
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : secrets) {
    for (size_t at = masked.find(secret); at != std::string::npos;
         at = masked.find(secret, at + kMaskedValue.size())) {
      masked.replace(at, secret.size(), kMaskedValue);
    }
  }
  return masked;
}

Result<PluginAnswer> ParsePluginAnswer(std::string_view text) {
  Result<Json> json = ParseJson(text);
  if (!json.ok()) {
    return InvalidArgumentError("did not answer with valid JSON: " + json.status().message());
  }
  const Json& answer = *json;
  if (!answer.is_object()) return Invalid("the answer must be a JSON object");
  const Status keys =
      CheckKeys(answer, {"exitCode", "variables", "secretVariables", "log", "message"});
  if (!keys.ok()) return Invalid(keys.message());
  PluginAnswer parsed;
  TSEQ_ASSIGN_OR_RETURN(parsed.exit_code, ReadExitCode(answer));
  TSEQ_RETURN_IF_ERROR(ReadVariables(answer, parsed));
  TSEQ_RETURN_IF_ERROR(ReadSecretVariables(answer, parsed));
  TSEQ_RETURN_IF_ERROR(ReadLog(answer, parsed));
  const auto message = answer.find("message");
  if (message != answer.end()) {
    if (!message->is_string()) return Invalid("'message' must be a string");
    parsed.message = message->get<std::string>();
  }
  return parsed;
}

}  // namespace tseq
