#include "steps/plugins/shared_library_plugin.h"

#include <cstring>
#include <deque>
#include <exception>

#include <dlfcn.h>

#include "base/strings.h"
#include "steps/plugins/plugin_json.h"
#include "steps/plugins/plugin_protocol.h"

// The engine's side of one run of a plugin step. Declared (opaque) by the C header, so it lives
// in the global namespace.
struct tseq_host {
  tseq::StepContext* context = nullptr;
  std::deque<std::string> handed_out;  // strings returned to the plugin, alive until the run ends
  std::string last_error;
  std::string failure_message;
  std::string refused_set;  // the store's message for the first refused set_variable
};

namespace tseq {
namespace {

constexpr size_t kMaximumSteps = 1000;

std::string VersionText(uint32_t version) {
  return std::to_string(TSEQ_PLUGIN_ABI_VERSION_MAJOR(version)) + "." +
         std::to_string(TSEQ_PLUGIN_ABI_VERSION_MINOR(version));
}

// The host API. Each function is called from C: none may let an exception escape.
const char* HostGetVariable(tseq_host* host, const char* name, int* secret) noexcept {
  try {
    if (secret != nullptr) *secret = 0;
    if (host == nullptr || name == nullptr) return nullptr;
    host->last_error.clear();
    const Variable* variable = host->context->variables.Find(name);
    if (variable == nullptr) return nullptr;
    if (secret != nullptr) *secret = variable->secret ? 1 : 0;
    return host->handed_out.emplace_back(variable->value).c_str();
  } catch (...) {
    return nullptr;
  }
}

int HostSetVariable(tseq_host* host, const char* name, const char* value, int secret) noexcept {
  if (host == nullptr) return -1;
  try {
    if (name == nullptr) {
      host->last_error = "set_variable needs a name";
      return -1;
    }
    SetOptions options;
    options.access = VariableAccess::kSequence;
    options.secrecy = secret != 0 ? Secrecy::kSecret : Secrecy::kUnchanged;
    VariableStore& variables = host->context->variables;
    const std::string text = value == nullptr ? "" : value;
    Result<SetOutcome> outcome = variables.Set(name, text, options);
    if (!outcome.ok()) {
      host->last_error = outcome.status().message();
      if (host->refused_set.empty()) host->refused_set = host->last_error;
      return -1;
    }
    host->last_error.clear();
    if (*outcome == SetOutcome::kDeleted) {
      host->context->log.Info("Deleted variable " + std::string(name));
    } else if (*outcome == SetOutcome::kSet) {
      const std::string shown = variables.IsSecret(name) ? std::string(kMaskedValue)
                                                         : MaskStepSecrets(*host->context, text);
      host->context->log.Info("Set variable " + std::string(name) + "=" + shown);
    }
    return 0;
  } catch (...) {
    host->last_error = "out of memory";
    return -1;
  }
}

void HostLog(tseq_host* host, int type, const char* message) noexcept {
  if (host == nullptr || message == nullptr) return;
  try {
    const std::string masked = MaskStepSecrets(*host->context, message);
    if (type == TSEQ_LOG_ERROR) {
      host->context->log.Error(masked);
    } else if (type == TSEQ_LOG_WARNING) {
      host->context->log.Warning(masked);
    } else {
      host->context->log.Info(masked);
    }
  } catch (...) {
    // A log line that cannot be written is lost; the step goes on.
  }
}

void HostSetFailureMessage(tseq_host* host, const char* message) noexcept {
  if (host == nullptr) return;
  try {
    host->failure_message = message == nullptr ? "" : message;
  } catch (...) {
    host->failure_message.clear();
  }
}

const char* HostLastError(tseq_host* host) noexcept {
  return host == nullptr ? "" : host->last_error.c_str();
}

constexpr tseq_host_api kHostApi = {
    TSEQ_PLUGIN_ABI_VERSION, HostGetVariable, HostSetVariable, HostLog,
    HostSetFailureMessage,   HostLastError,
};

// A typed property value as the text of a tseq_property (tseq_plugin.h).
std::string PropertyText(PropertyType type, const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (type == PropertyType::kStringList) {
    std::vector<std::string> items;
    for (const auto& item : value) {
      if (item.is_string()) items.push_back(item.get<std::string>());
    }
    return Join(items, " ");
  }
  return DumpJson(value);
}

class SharedLibraryStep : public Step {
 public:
  SharedLibraryStep(StepSchema schema, tseq_run_function run, void* user_data,
                    std::shared_ptr<void> library, std::string plugin)
      : schema_(std::move(schema)),
        run_(run),
        user_data_(user_data),
        library_(std::move(library)),
        plugin_(std::move(plugin)) {}

  const StepSchema& schema() const override { return schema_; }

  StepResult Run(StepContext& context) const override {
    Result<nlohmann::ordered_json> typed = PropertiesToJson(schema_, context.properties);
    if (!typed.ok()) return Failed(1, MaskStepSecrets(context, typed.status().message()));
    const std::string properties_json = DumpJson(*typed);

    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& [name, value] : typed->items()) {
      const PropertySchema* property = schema_.FindProperty(name);
      texts.emplace_back(
          name, PropertyText(property == nullptr ? PropertyType::kString : property->type, value));
    }
    std::vector<tseq_property> properties;
    properties.reserve(texts.size());
    for (const auto& [name, value] : texts) {
      properties.push_back(
          {name.c_str(), value.c_str(), context.properties.IsSecret(name) ? 1 : 0});
    }

    context.log.Info("Running plugin step " + schema_.type + " of " + plugin_);
    tseq_host host;
    host.context = &context;
    const std::string machine_root = context.machine_root.directory();
    const tseq_step_call call = {
        &kHostApi,
        &host,
        context.node.name.c_str(),
        schema_.type.c_str(),
        machine_root.c_str(),
        properties.data(),
        properties.size(),
        properties_json.c_str(),
        user_data_,
    };
    int exit_code = 0;
    try {
      exit_code = run_(&call);
    } catch (const std::exception& error) {
      return Failed(1, "plugin step " + schema_.type + " of " + plugin_ +
                           " threw a C++ exception: " + MaskStepSecrets(context, error.what()));
    } catch (...) {
      return Failed(1, "plugin step " + schema_.type + " of " + plugin_ + " threw a C++ exception");
    }
    context.log.Info("Plugin step completed with exit code " + std::to_string(exit_code));
    if (!host.refused_set.empty()) {
      return Failed(
          exit_code == TSEQ_EXIT_SUCCESS || exit_code == TSEQ_EXIT_SUCCESS_RESTART ? 1 : exit_code,
          MaskStepSecrets(context, host.refused_set));
    }
    if (exit_code == TSEQ_EXIT_SUCCESS || exit_code == TSEQ_EXIT_SUCCESS_RESTART) {
      return {.succeeded = true,
              .exit_code = exit_code,
              .message = "",
              .reboot_requested = exit_code == TSEQ_EXIT_SUCCESS_RESTART};
    }
    const std::string message =
        host.failure_message.empty()
            ? "plugin step " + schema_.type + " failed with exit code " + std::to_string(exit_code)
            : MaskStepSecrets(context, host.failure_message);
    return Failed(exit_code, message);
  }

 private:
  static StepResult Failed(int exit_code, std::string message) {
    return {.succeeded = false, .exit_code = exit_code, .message = std::move(message)};
  }

  StepSchema schema_;
  tseq_run_function run_;
  void* user_data_;
  std::shared_ptr<void> library_;
  std::string plugin_;  // "NAME VERSION (PATH)", for messages
};

Result<std::vector<PropertySchema>> ParseDescriptorProperties(const char* text) {
  if (text == nullptr || *text == '\0') return std::vector<PropertySchema>();
  Result<nlohmann::ordered_json> json = ParseJson(text);
  if (!json.ok()) return json.status().WithContext("properties_json");
  Result<std::vector<PropertySchema>> properties = ParsePropertySchemas(*json);
  if (!properties.ok()) return properties.status().WithContext("properties_json");
  return properties;
}

Result<std::vector<OutputSchema>> ParseDescriptorOutputs(const char* text) {
  if (text == nullptr || *text == '\0') return std::vector<OutputSchema>();
  Result<nlohmann::ordered_json> json = ParseJson(text);
  if (!json.ok()) return json.status().WithContext("outputs_json");
  Result<std::vector<OutputSchema>> outputs = ParseOutputSchemas(*json);
  if (!outputs.ok()) return outputs.status().WithContext("outputs_json");
  return outputs;
}

}  // namespace

Result<std::unique_ptr<Step>> NewSharedLibraryStep(const tseq_step_descriptor& descriptor,
                                                   std::shared_ptr<void> library,
                                                   std::string plugin) {
  if (descriptor.type == nullptr) return InvalidArgumentError("the step type has no name");
  TSEQ_RETURN_IF_ERROR(ValidateStepTypeName(descriptor.type));
  if (descriptor.run == nullptr) return InvalidArgumentError("no run function");
  StepSchema schema;
  schema.type = descriptor.type;
  schema.category = "plugin";
  if (descriptor.description != nullptr) schema.description = descriptor.description;
  TSEQ_ASSIGN_OR_RETURN(schema.properties, ParseDescriptorProperties(descriptor.properties_json));
  TSEQ_ASSIGN_OR_RETURN(schema.outputs, ParseDescriptorOutputs(descriptor.outputs_json));
  return std::unique_ptr<Step>(
      std::make_unique<SharedLibraryStep>(std::move(schema), descriptor.run, descriptor.user_data,
                                          std::move(library), std::move(plugin)));
}

Result<LoadedSharedLibrary> LoadSharedLibraryPlugin(const std::string& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    return InvalidArgumentError(std::string("cannot load: ") +
                                (reason == nullptr ? "unknown error" : reason));
  }
  std::shared_ptr<void> library(handle, [](void* loaded) { ::dlclose(loaded); });

  ::dlerror();
  void* symbol = ::dlsym(handle, TSEQ_PLUGIN_ENTRY_NAME);
  if (symbol == nullptr) {
    return InvalidArgumentError("no function '" TSEQ_PLUGIN_ENTRY_NAME "' (not a tseq plugin?)");
  }
  // POSIX guarantees that dlsym's object pointer can be converted to a function pointer.
  tseq_plugin_entry_function entry = nullptr;
  static_assert(sizeof(entry) == sizeof(symbol));
  std::memcpy(&entry, &symbol, sizeof(entry));

  const tseq_plugin* plugin = nullptr;
  try {
    plugin = entry(TSEQ_PLUGIN_ABI_VERSION);
  } catch (...) {
    return InvalidArgumentError(TSEQ_PLUGIN_ENTRY_NAME " threw a C++ exception");
  }
  if (plugin == nullptr) {
    return InvalidArgumentError(TSEQ_PLUGIN_ENTRY_NAME " returned no plugin (it refused host ABI " +
                                VersionText(TSEQ_PLUGIN_ABI_VERSION) + ")");
  }
  if (TSEQ_PLUGIN_ABI_VERSION_MAJOR(plugin->abi_version) != TSEQ_PLUGIN_ABI_MAJOR ||
      TSEQ_PLUGIN_ABI_VERSION_MINOR(plugin->abi_version) > TSEQ_PLUGIN_ABI_MINOR) {
    return InvalidArgumentError("built for plugin ABI " + VersionText(plugin->abi_version) +
                                ", which this tseq (plugin ABI " +
                                VersionText(TSEQ_PLUGIN_ABI_VERSION) +
                                ") cannot load: rebuild it against this tseq's tseq_plugin.h");
  }
  if (plugin->step_count == 0) return InvalidArgumentError("declares no steps");
  if (plugin->steps == nullptr) return InvalidArgumentError("declares steps but no step array");
  if (plugin->step_count > kMaximumSteps) {
    return InvalidArgumentError("declares " + std::to_string(plugin->step_count) +
                                " steps (at most " + std::to_string(kMaximumSteps) + ")");
  }

  std::string label;
  if (plugin->name != nullptr) label = plugin->name;
  if (plugin->version != nullptr)
    label += (label.empty() ? "" : " ") + std::string(plugin->version);
  label = label.empty() ? path : label + " (" + path + ")";
  LoadedSharedLibrary loaded;
  for (size_t index = 0; index < plugin->step_count; ++index) {
    const tseq_step_descriptor& descriptor = plugin->steps[index];
    Result<std::unique_ptr<Step>> step = NewSharedLibraryStep(descriptor, library, label);
    if (step.ok()) {
      loaded.steps.push_back(std::move(step).value());
      continue;
    }
    const bool named = descriptor.type != nullptr && ValidateStepTypeName(descriptor.type).ok();
    loaded.skipped_steps.emplace_back(
        named ? std::string(descriptor.type) : "#" + std::to_string(index + 1),
        step.status().message());
  }
  return loaded;
}

}  // namespace tseq
