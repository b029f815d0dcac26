// The plugin loader: finds step plugins in plugin directories and adds their step types to a
// StepRegistry, after RegisterBuiltinSteps (SPEC §5, docs/plugins.md).
//
// In each directory, in order, files are taken sorted by name:
//   NAME.so         a shared-library plugin (C ABI of steps/plugins/tseq_plugin.h), possibly
//                   with several step types;
//   NAME.step.json  an executable plugin's manifest (one step type);
// every other file is ignored. A plugin that cannot be used never stops tseq: it is skipped with
// a warning naming the file and the reason, and loading goes on. The same holds for a step type
// whose name is already taken: built-in types always win, then the plugin found first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "platform/filesystem.h"
#include "steps/step_registry.h"

namespace tseq {

inline constexpr std::string_view kDefaultPluginDirectory = "/usr/lib/tseq/plugins";
inline constexpr std::string_view kPluginPathVariable = "TSEQ_PLUGIN_PATH";

// Where a plugin directory was named, which decides what a missing directory means.
enum class PluginDirectoryOrigin {
  kCommandLine,  // --plugin-dir: a missing directory is an error
  kEnvironment,  // TSEQ_PLUGIN_PATH: a missing directory is a warning
  kDefault,      // kDefaultPluginDirectory: a missing directory is ignored
};

struct PluginDirectory {
  std::string path;
  PluginDirectoryOrigin origin = PluginDirectoryOrigin::kCommandLine;
};

// The directories to search, in order: each --plugin-dir, then each entry of the colon-separated
// TSEQ_PLUGIN_PATH value (nullptr when unset; empty entries are skipped), then the default. A
// path named twice is kept at its first place only.
std::vector<PluginDirectory> PluginSearchPath(const std::vector<std::string>& command_line,
                                              const char* environment_value);

// Loads every plugin of `directories` into `registry` (call after RegisterBuiltinSteps), and
// appends one warning per skipped file or step type to `warnings`:
//   "skipped plugin PATH: REASON" for a whole file (a library that cannot be loaded or has the
//   wrong ABI version, a bad manifest, a taken type name), or
//   "skipped step type 'T' of plugin PATH: REASON" for one step type of a library;
// and "plugin directory 'D' (from TSEQ_PLUGIN_PATH) does not exist" or "... is not a directory"
// for a bad environment entry. A directory or file writable by every user is skipped with a
// warning (anyone could put code there). Fails only for a --plugin-dir that does not exist
// (NotFound "plugin directory 'D' does not exist"), is not a directory (InvalidArgument
// "plugin directory 'D' is not a directory") or cannot be listed; those are checked first, so
// nothing is registered then.
// Plugins stay loaded for as long as their steps are registered.
Status LoadPlugins(const std::vector<PluginDirectory>& directories, const Filesystem& filesystem,
                   StepRegistry& registry, std::vector<std::string>& warnings);

}  // namespace tseq
