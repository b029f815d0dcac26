// Shared-library step plugins: loading a NAME.so that implements the C ABI of
// steps/plugins/tseq_plugin.h, and the Step that calls a plugin's run callback.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "steps/plugins/tseq_plugin.h"
#include "steps/step.h"

namespace tseq {

struct LoadedSharedLibrary {
  // One Step per usable step descriptor; each keeps the library loaded while it lives.
  std::vector<std::unique_ptr<Step>> steps;
  // The descriptors that were skipped: (the step type, or "#N" when it has no usable name; why).
  std::vector<std::pair<std::string, std::string>> skipped_steps;
};

// dlopen()s `path` (RTLD_NOW | RTLD_LOCAL), calls its tseq_plugin_entry and builds a Step for each
// valid step descriptor. Fails with InvalidArgument, the library unloaded again, when the whole
// plugin is unusable: dlopen's reason ("cannot load: ..."), no tseq_plugin_entry symbol, the entry
// returning NULL, an ABI version this host does not support, or no step descriptors at all. The
// message is the reason only; the caller names the file. A descriptor with a bad name, no run
// callback or a bad properties/outputs JSON is reported in skipped_steps.
Result<LoadedSharedLibrary> LoadSharedLibraryPlugin(const std::string& path);

// The Step for one descriptor, with category "plugin". `library` keeps the descriptor's code
// alive (it may be empty for a descriptor linked into this program); `plugin` names the plugin in
// messages ("hello_plugin 1.0 (/usr/lib/tseq/plugins/hello_plugin.so)"). InvalidArgument for a
// descriptor LoadSharedLibraryPlugin would skip.
//
// Run() resolves the properties to typed JSON (a value a variable made invalid fails the step
// before the plugin is called), logs "Running plugin step TYPE of PLUGIN", calls the run callback
// with the host API of tseq_plugin.h and maps its exit code: 0 succeeds, 3010 succeeds and requests
// a restart, anything else fails the step with the plugin's failure message. Variables are set with
// VariableAccess::kSequence; a refused set fails the step with the store's message. A C++ exception
// escaping the callback fails the step. Log lines and messages are masked with the store's secrets.
// The step's timeout is not enforced in-process (docs/plugins.md).
Result<std::unique_ptr<Step>> NewSharedLibraryStep(const tseq_step_descriptor& descriptor,
                                                   std::shared_ptr<void> library,
                                                   std::string plugin);

}  // namespace tseq
