#include "steps/plugins/plugin_loader.h"

#include <algorithm>
#include <map>
#include <optional>

#include "base/strings.h"
#include "steps/plugins/executable_plugin.h"
#include "steps/plugins/shared_library_plugin.h"

namespace tseq {
namespace {

constexpr std::string_view kLibrarySuffix = ".so";
constexpr std::string_view kManifestSuffix = ".step.json";

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool WritableByEveryone(const FileInfo& info) { return (info.mode & 0002) != 0; }

class Loader {
 public:
  Loader(const Filesystem& filesystem, StepRegistry& registry, std::vector<std::string>& warnings)
      : filesystem_(filesystem), registry_(registry), warnings_(warnings) {}

  Status LoadDirectory(const PluginDirectory& directory) {
    Result<FileInfo> info = filesystem_.Stat(directory.path, SymlinkPolicy::kFollow);
    if (!info.ok() || info->type != FileType::kDirectory) {
      TSEQ_RETURN_IF_ERROR(CheckUsable(directory));
      return Status::Ok();
    }
    if (WritableByEveryone(*info)) {
      warnings_.push_back("skipped plugin directory '" + directory.path +
                          "': it is writable by every user (chmod o-w)");
      return Status::Ok();
    }
    Result<std::vector<std::string>> names = filesystem_.ListDirectory(directory.path);
    if (!names.ok()) {
      if (directory.origin == PluginDirectoryOrigin::kCommandLine) return names.status();
      warnings_.push_back(names.status().message());
      return Status::Ok();
    }
    std::sort(names->begin(), names->end());
    const std::string prefix =
        directory.path.ends_with('/') ? directory.path : directory.path + "/";
    for (const std::string& name : *names) {
      const bool library = EndsWith(name, kLibrarySuffix);
      const bool manifest = EndsWith(name, kManifestSuffix);
      if (!library && !manifest) continue;
      const std::string path = prefix + name;
      const Status usable = CheckPluginFile(path);
      if (!usable.ok()) {
        Skip(path, usable.message());
      } else if (library) {
        LoadLibrary(path);
      } else {
        LoadManifest(path);
      }
    }
    return Status::Ok();
  }

  // A directory that is missing or not a directory: an error for --plugin-dir, a warning for
  // TSEQ_PLUGIN_PATH, nothing for the default.
  Status CheckUsable(const PluginDirectory& directory) {
    Result<FileInfo> info = filesystem_.Stat(directory.path, SymlinkPolicy::kFollow);
    if (info.ok() && info->type == FileType::kDirectory) {
      if (directory.origin != PluginDirectoryOrigin::kCommandLine) return Status::Ok();
      return filesystem_.ListDirectory(directory.path).status();
    }
    const std::string reason = info.ok() ? "is not a directory"
                               : info.status().code() == StatusCode::kNotFound
                                   ? "does not exist"
                                   : "cannot be read (" + info.status().message() + ")";
    const std::string text = "plugin directory '" + directory.path + "'";
    switch (directory.origin) {
      case PluginDirectoryOrigin::kCommandLine:
        return Status(info.ok() ? StatusCode::kInvalidArgument : info.status().code(),
                      text + " " + reason);
      case PluginDirectoryOrigin::kEnvironment:
        warnings_.push_back(text + " (from " + std::string(kPluginPathVariable) + ") " + reason);
        break;
      case PluginDirectoryOrigin::kDefault:
        if (info.ok() || info.status().code() != StatusCode::kNotFound) {
          warnings_.push_back(text + " " + reason);
        }
        break;
    }
    return Status::Ok();
  }

 private:
  Status CheckPluginFile(const std::string& path) const {
    Result<FileInfo> info = filesystem_.Stat(path, SymlinkPolicy::kFollow);
    if (!info.ok()) return info.status();
    if (info->type != FileType::kRegular) return InvalidArgumentError("not a file");
    if (WritableByEveryone(*info)) {
      return InvalidArgumentError("it is writable by every user; refusing to load it (chmod o-w)");
    }
    return Status::Ok();
  }

  void Skip(const std::string& path, const std::string& reason) {
    warnings_.push_back("skipped plugin " + path + ": " + reason);
  }

  // Why `type` cannot be registered, or nullopt. Names differing only in case count as taken:
  // a sequence author could not tell them apart.
  std::optional<std::string> TakenBecause(const std::string& type) const {
    for (const auto& [taken, plugin] : plugin_types_) {
      if (EqualsIgnoreCase(taken, type)) {
        return "step type '" + taken + "' is already provided by plugin " + plugin;
      }
    }
    for (const std::string& taken : registry_.StepTypeNames()) {
      if (EqualsIgnoreCase(taken, type)) return "step type '" + taken + "' is a built-in step type";
    }
    return std::nullopt;
  }

  // Registers `step`, or returns why not.
  std::optional<std::string> Register(std::unique_ptr<Step> step, const std::string& path) {
    const std::string type = step->schema().type;
    if (std::optional<std::string> reason = TakenBecause(type)) return reason;
    const Status registered = registry_.Register(std::move(step));
    if (!registered.ok()) return registered.message();
    plugin_types_.emplace(type, path);
    return std::nullopt;
  }

  void LoadLibrary(const std::string& path) {
    Result<LoadedSharedLibrary> loaded = LoadSharedLibraryPlugin(path);
    if (!loaded.ok()) {
      Skip(path, loaded.status().message());
      return;
    }
    for (const auto& [type, reason] : loaded->skipped_steps) SkipStep(type, path, reason);
    for (std::unique_ptr<Step>& step : loaded->steps) {
      const std::string type = step->schema().type;
      if (std::optional<std::string> reason = Register(std::move(step), path)) {
        SkipStep(type, path, *reason);
      }
    }
  }

  void SkipStep(const std::string& type, const std::string& path, const std::string& reason) {
    warnings_.push_back("skipped step type '" + type + "' of plugin " + path + ": " + reason);
  }

  void LoadManifest(const std::string& path) {
    Result<std::unique_ptr<Step>> step = LoadExecutablePlugin(path, filesystem_);
    if (!step.ok()) {
      Skip(path, step.status().message());
      return;
    }
    if (std::optional<std::string> reason = Register(std::move(step).value(), path)) {
      Skip(path, *reason);
    }
  }

  const Filesystem& filesystem_;
  StepRegistry& registry_;
  std::vector<std::string>& warnings_;
  std::map<std::string, std::string> plugin_types_;  // type -> the plugin file that provides it
};

}  // namespace

std::vector<PluginDirectory> PluginSearchPath(const std::vector<std::string>& command_line,
                                              const char* environment_value) {
  std::vector<PluginDirectory> directories;
  const auto add = [&](const std::string& path, PluginDirectoryOrigin origin) {
    if (path.empty()) return;
    const bool seen = std::any_of(directories.begin(), directories.end(),
                                  [&](const PluginDirectory& known) { return known.path == path; });
    if (!seen) directories.push_back({path, origin});
  };
  for (const std::string& path : command_line) add(path, PluginDirectoryOrigin::kCommandLine);
  if (environment_value != nullptr) {
    for (const std::string& path : Split(environment_value, ':')) {
      add(path, PluginDirectoryOrigin::kEnvironment);
    }
  }
  add(std::string(kDefaultPluginDirectory), PluginDirectoryOrigin::kDefault);
  return directories;
}

Status LoadPlugins(const std::vector<PluginDirectory>& directories, const Filesystem& filesystem,
                   StepRegistry& registry, std::vector<std::string>& warnings) {
  std::vector<std::string> ignored;
  Loader checker(filesystem, registry, ignored);
  for (const PluginDirectory& directory : directories) {
    if (directory.origin == PluginDirectoryOrigin::kCommandLine) {
      TSEQ_RETURN_IF_ERROR(checker.CheckUsable(directory));
    }
  }
  Loader loader(filesystem, registry, warnings);
  for (const PluginDirectory& directory : directories) {
    TSEQ_RETURN_IF_ERROR(loader.LoadDirectory(directory));
  }
  return Status::Ok();
}

}  // namespace tseq
