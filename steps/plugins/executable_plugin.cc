#include "steps/plugins/executable_plugin.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strings.h"
#include "steps/plugins/plugin_json.h"
#include "steps/plugins/plugin_protocol.h"

namespace tseq {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kAnswerLimit = 1024 * 1024;
constexpr size_t kErrorOutputLimit = 64 * 1024;

// The ProcessRunner merges stdout and stderr, but the protocol needs stdout alone: sh sends the
// program's stderr to a file ($1) and then becomes the program ($0), so timeouts and the
// process-group kill still reach it.
constexpr const char* kLauncherScript = "exec \"$0\" run 2>\"$1\"";

// A file for the plugin's standard error, created private (0600) and removed with the object.
class ErrorOutputFile {
 public:
  static Result<ErrorOutputFile> Create() {
    const char* directory = std::getenv("TMPDIR");
    std::string pattern =
        std::string(directory != nullptr && *directory != '\0' ? directory : "/tmp") +
        "/tseq-plugin-stderr-XXXXXX";
    const int descriptor = ::mkstemp(pattern.data());
    if (descriptor < 0) {
      return IoError("cannot create a file for the plugin's error output in '" +
                     pattern.substr(0, pattern.rfind('/')) + "': " + std::strerror(errno));
    }
    ::close(descriptor);
    return ErrorOutputFile(std::move(pattern));
  }
  ErrorOutputFile(ErrorOutputFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ErrorOutputFile& operator=(ErrorOutputFile&&) = delete;
  ~ErrorOutputFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  const std::string& path() const { return path_; }

  // The last kErrorOutputLimit bytes written to the file; "" when it cannot be read.
  std::string ReadTail() const {
    const int descriptor = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return "";
    struct stat info {};
    std::string text;
    if (::fstat(descriptor, &info) == 0) {
      const off_t size = info.st_size;
      const off_t limit = static_cast<off_t>(kErrorOutputLimit);
      const off_t start = size > limit ? size - limit : 0;
      text.resize(static_cast<size_t>(size - start));
      const ssize_t read = ::pread(descriptor, text.data(), text.size(), start);
      text.resize(read > 0 ? static_cast<size_t>(read) : 0);
    }
    ::close(descriptor);
    return text;
  }

 private:
  explicit ErrorOutputFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

class ExecutableStep : public Step {
 public:
  ExecutableStep(StepSchema schema, std::string executable,
                 std::vector<std::string> secret_variables_read)
      : schema_(std::move(schema)),
        executable_(std::move(executable)),
        secret_variables_read_(std::move(secret_variables_read)) {}

  const StepSchema& schema() const override { return schema_; }

  StepResult Run(StepContext& context) const override {
    Result<Json> properties = PropertiesToJson(schema_, context.properties);
    if (!properties.ok()) return Failed(1, MaskStepSecrets(context, properties.status().message()));
    Result<ErrorOutputFile> error_output = ErrorOutputFile::Create();
    if (!error_output.ok()) return Failed(1, error_output.status().message());

    ProcessRequest request;
    request.arguments = {"/bin/sh", "-c", kLauncherScript, executable_, error_output->path()};
    request.working_directory = context.machine_root.directory();
    request.environment.emplace_back("TSEQ_MACHINE_ROOT", context.machine_root.directory());
    request.timeout = context.node.timeout;
    request.standard_input = BuildRequest(context, std::move(properties).value());
    request.output_limit = kAnswerLimit;
    context.log.Info("Executing plugin: " + QuoteArgument(executable_) + " run");
    Result<ProcessOutcome> outcome = context.process_runner.Run(request);
    if (!outcome.ok()) {
      return Failed(1, "cannot start " + Name() + ": " +
                           MaskStepSecrets(context, outcome.status().message()));
    }
    const std::string stderr_text = error_output->ReadTail();
    if (!TrimWhitespace(stderr_text).empty()) {
      context.log.Info("Plugin error output:\n" + MaskStepSecrets(context, stderr_text));
    }
    if (outcome->timed_out) {
      return Failed(outcome->exit_code, Name() + " did not finish within " +
                                            FormatDuration(*context.node.timeout) +
                                            " and was stopped");
    }
    context.log.Info("Process completed with exit code " + std::to_string(outcome->exit_code));
    return Finish(context, *outcome);
  }

 private:
  std::string Name() const { return "plugin " + schema_.type + " (" + executable_ + ")"; }

  static StepResult Failed(int exit_code, std::string message) {
    return {.succeeded = false, .exit_code = exit_code, .message = std::move(message)};
  }

  bool MayRead(const Variable& variable) const {
    if (!variable.secret) return true;
    return std::any_of(
        secret_variables_read_.begin(), secret_variables_read_.end(),
        [&](const std::string& name) { return EqualsIgnoreCase(name, variable.name); });
  }

  std::string BuildRequest(const StepContext& context, Json properties) const {
    Json request;
    request["protocol"] = kExecutablePluginProtocol;
    request["step"] = {{"name", context.node.name}, {"type", schema_.type}};
    request["machineRoot"] = context.machine_root.directory();
    Json secret_properties = Json::array();
    for (const auto& [name, value] : properties.items()) {
      if (context.properties.IsSecret(name)) secret_properties.push_back(name);
    }
    request["properties"] = std::move(properties);
    request["secretProperties"] = std::move(secret_properties);
    Json values = Json::object();
    Json secret_variables = Json::array();
    for (const Variable* variable : context.variables.List()) {
      if (!MayRead(*variable)) continue;
      values[variable->name] = variable->value;
      if (variable->secret) secret_variables.push_back(variable->name);
    }
    request["variables"] = std::move(values);
    request["secretVariables"] = std::move(secret_variables);
    return DumpJson(request) + "\n";
  }

  StepResult Finish(StepContext& context, const ProcessOutcome& outcome) const {
    VariableStore& variables = context.variables;
    if (outcome.output.size() >= kAnswerLimit) {
      return Failed(ExitCodeOr(outcome, 1), Name() + " answered with more than 1 MiB");
    }
    Result<PluginAnswer> answer =
        TrimWhitespace(outcome.output).empty()
            ? Result<PluginAnswer>(InvalidArgumentError("gave no answer on its standard output"))
            : ParsePluginAnswer(outcome.output);
    if (outcome.exit_code != 0) {
      // A program that fails on its own terms may still have explained itself.
      std::string message = Name() + " exited with code " + std::to_string(outcome.exit_code);
      if (answer.ok()) {
        WriteLog(context, *answer);
        if (!answer->message.empty()) message += ": " + MaskStepSecrets(context, answer->message);
      }
      return Failed(outcome.exit_code, message);
    }
    if (!answer.ok()) {
      return Failed(1, Name() + " " + MaskStepSecrets(context, answer.status().message()));
    }
    std::string refused;
    for (const auto& [name, value] : answer->variables) {
      const std::string& variable_name = name;  // clang 14 cannot capture a structured binding
      const bool secret =
          std::any_of(answer->secret_variables.begin(), answer->secret_variables.end(),
                      [&](const std::string& secret_name) {
                        return EqualsIgnoreCase(secret_name, variable_name);
                      });
      SetOptions options;
      options.access = VariableAccess::kSequence;
      options.secrecy = secret ? Secrecy::kSecret : Secrecy::kUnchanged;
      Result<SetOutcome> set = variables.Set(name, value, options);
      if (!set.ok()) {
        refused = set.status().message();
        break;
      }
      if (*set == SetOutcome::kDeleted) {
        context.log.Info("Deleted variable " + name);
      } else if (*set == SetOutcome::kSet) {
        context.log.Info("Set variable " + name + "=" +
                         (variables.IsSecret(name) ? std::string(kMaskedValue)
                                                   : MaskStepSecrets(context, value)));
      }
    }
    WriteLog(context, *answer);
    const bool success = answer->exit_code == 0 || answer->exit_code == kRestartExitCode;
    if (!refused.empty()) {
      return Failed(success ? 1 : answer->exit_code, MaskStepSecrets(context, refused));
    }
    if (success) {
      return {.succeeded = true,
              .exit_code = answer->exit_code,
              .message = "",
              .reboot_requested = answer->exit_code == kRestartExitCode};
    }
    const std::string message = answer->message.empty()
                                    ? "plugin step " + schema_.type + " failed with exit code " +
                                          std::to_string(answer->exit_code)
                                    : MaskStepSecrets(context, answer->message);
    return Failed(answer->exit_code, message);
  }

  static int ExitCodeOr(const ProcessOutcome& outcome, int fallback) {
    return outcome.exit_code != 0 ? outcome.exit_code : fallback;
  }

  static void WriteLog(StepContext& context, const PluginAnswer& answer) {
    for (const PluginLogLine& line : answer.log) {
      const std::string masked = MaskStepSecrets(context, line.message);
      if (line.type == PluginLogType::kError) {
        context.log.Error(masked);
      } else if (line.type == PluginLogType::kWarning) {
        context.log.Warning(masked);
      } else {
        context.log.Info(masked);
      }
    }
  }

  StepSchema schema_;
  std::string executable_;
  std::vector<std::string> secret_variables_read_;
};

std::string ParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<std::string> FindExecutable(const Json& manifest, const std::string& manifest_path,
                                   const Filesystem& filesystem) {
  const auto it = manifest.find("executable");
  if (it == manifest.end()) return InvalidArgumentError("'executable' is missing");
  if (!it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgumentError("'executable' must be a non-empty string");
  }
  const std::string name = it->get<std::string>();
  const std::string path = name[0] == '/' ? name : ParentDirectory(manifest_path) + "/" + name;
  Result<FileInfo> info = filesystem.Stat(path, SymlinkPolicy::kFollow);
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) {
      return InvalidArgumentError("executable '" + path + "' does not exist");
    }
    return InvalidArgumentError(info.status().message());
  }
  if (info->type != FileType::kRegular) {
    return InvalidArgumentError("executable '" + path + "' is not a file");
  }
  if ((info->mode & 0111) == 0) {
    return InvalidArgumentError("executable '" + path + "' is not executable (chmod +x)");
  }
  if ((info->mode & 0002) != 0) {
    return InvalidArgumentError("executable '" + path +
                                "' is writable by every user; refusing to run it (chmod o-w)");
  }
  return path;
}

Result<std::vector<std::string>> ReadSecretVariableNames(const Json& manifest) {
  std::vector<std::string> names;
  const auto it = manifest.find("readsSecretVariables");
  if (it == manifest.end()) return names;
  if (!it->is_array()) return InvalidArgumentError("'readsSecretVariables' must be an array");
  for (const Json& item : *it) {
    if (!item.is_string()) {
      return InvalidArgumentError("'readsSecretVariables' items must be variable names");
    }
    TSEQ_RETURN_IF_ERROR(VariableStore::ValidateName(item.get<std::string>()));
    names.push_back(item.get<std::string>());
  }
  return names;
}

}  // namespace

Result<std::unique_ptr<Step>> LoadExecutablePlugin(const std::string& manifest_path,
                                                   const Filesystem& filesystem) {
  TSEQ_ASSIGN_OR_RETURN(const std::string text, filesystem.ReadFile(manifest_path));
  TSEQ_ASSIGN_OR_RETURN(const Json manifest, ParseJson(text));
  if (!manifest.is_object()) return InvalidArgumentError("the manifest must be a JSON object");
  TSEQ_RETURN_IF_ERROR(CheckKeys(manifest, {"protocol", "type", "description", "executable",
                                            "properties", "outputs", "readsSecretVariables"}));
  const auto protocol = manifest.find("protocol");
  if (protocol != manifest.end() &&
      !(protocol->is_number_integer() && protocol->get<long long>() == kExecutablePluginProtocol)) {
    return InvalidArgumentError("protocol " + protocol->dump() + " is not supported (this tseq " +
                                "speaks protocol " + std::to_string(kExecutablePluginProtocol) +
                                ")");
  }
  StepSchema schema;
  schema.category = "plugin";
  const auto type = manifest.find("type");
  if (type == manifest.end()) return InvalidArgumentError("'type' is missing");
  if (!type->is_string()) return InvalidArgumentError("'type' must be a string");
  schema.type = type->get<std::string>();
  TSEQ_RETURN_IF_ERROR(ValidateStepTypeName(schema.type));
  const auto description = manifest.find("description");
  if (description != manifest.end()) {
    if (!description->is_string()) return InvalidArgumentError("'description' must be a string");
    schema.description = description->get<std::string>();
  }
  const auto properties = manifest.find("properties");
  if (properties != manifest.end()) {
    TSEQ_ASSIGN_OR_RETURN(schema.properties, ParsePropertySchemas(*properties));
  }
  const auto outputs = manifest.find("outputs");
  if (outputs != manifest.end()) {
    TSEQ_ASSIGN_OR_RETURN(schema.outputs, ParseOutputSchemas(*outputs));
  }
  TSEQ_ASSIGN_OR_RETURN(std::vector<std::string> secret_names, ReadSecretVariableNames(manifest));
  TSEQ_ASSIGN_OR_RETURN(std::string executable,
                        FindExecutable(manifest, manifest_path, filesystem));
  return std::unique_ptr<Step>(std::make_unique<ExecutableStep>(
      std::move(schema), std::move(executable), std::move(secret_names)));
}

}  // namespace tseq
