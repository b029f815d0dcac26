// The tseq subcommands, separated from main() so they can be wired to real or fake OS objects.
// Each returns the process exit code (base/exit_codes.h) and writes its output to the given
// streams; errors go to `error` as "tseq: MESSAGE" lines.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/state_store.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "platform/machine_root.h"
#include "platform/process_runner.h"
#include "steps/step_registry.h"

namespace tseq {

struct CommandEnvironment {
  Filesystem& filesystem;
  ProcessRunner& process_runner;
  const Clock& clock;
  const StepRegistry& registry;
  std::ostream& output;
  std::ostream& error;
};

// Options shared by run, resume and plan (SPEC §4 "Command line").
struct MachineOptions {
  std::vector<std::string> variables;  // --var NAME=VALUE
  std::string vars_file;
  std::string root = "/";
  std::string state_directory;  // machine path; default /var/lib/tseq
  std::string log_directory;    // machine path; default /var/log/tseq
  std::string machine_name;     // default: the root's etc/hostname, else this host's name
  std::string client_config;
  bool offline = false;
};

int RunCheckCommand(const CommandEnvironment& environment, const std::vector<std::string>& files);

struct PlanCommandOptions {
  std::string file;
  MachineOptions machine;
  bool json = false;
  bool trace = false;
};
int RunPlanCommand(const CommandEnvironment& environment, const PlanCommandOptions& options);

// `tseq steps` (empty type) or `tseq steps TYPE`; `markdown` prints docs/steps.md.
int RunStepsCommand(const CommandEnvironment& environment, const std::string& type, bool markdown);

int RunSchemaCommand(const CommandEnvironment& environment);

struct RunCommandOptions {
  std::string file;  // empty for resume
  MachineOptions machine;
  bool live_progress = false;  // redraw a progress line (stderr is a terminal)
  // --log-max-size and --log-history (ParseLogMaxSize, ParseLogHistory). Unset: the defaults for
  // run, the interrupted run's settings for resume.
  std::optional<uint64_t> log_max_size;
  std::optional<int> log_history;
  // The plugin folders named on the command line and in TSEQ_PLUGIN_PATH (absolute paths), saved
  // in the state for a resume; a resume saves the interrupted run's folders and then these.
  std::vector<SavedPluginDirectory> plugin_directories;
  // resume: loads the step plugins of the interrupted run (called with its saved folders) into
  // the registry, before the saved sequence is bound. Unset: no plugins are loaded.
  std::function<Status(const std::vector<SavedPluginDirectory>&)> load_saved_plugins;
};
// `--log-max-size SIZE`: bytes with an optional K, M or G suffix (1024-based, any case); 0 means
// never roll over. InvalidArgument naming the option and the value otherwise.
Result<uint64_t> ParseLogMaxSize(std::string_view text);
// `--log-history N`: a whole number of older log files to keep, 0 to kMaxLogHistory.
inline constexpr int kMaxLogHistory = 1000;
Result<int> ParseLogHistory(std::string_view text);

// `tseq run FILE`: exit 0 completed, 1 failed, 2 invalid, 3 restart needed, 4 already running.
int RunSequenceCommand(const CommandEnvironment& environment, const RunCommandOptions& options);
// `tseq resume`: continues the interrupted run whose state is in the state folder.
int ResumeSequenceCommand(const CommandEnvironment& environment, const RunCommandOptions& options);

struct VarCommandOptions {
  std::string operation;  // "get", "set" or "list"
  std::string name;
  std::string value;
  bool secret = false;  // set --secret
};
// `tseq var`, run by a script inside a step: talks to the running engine found through
// TSEQ_ENGINE_SOCKET/TSEQ_ENGINE_TOKEN in `lookup` (getenv). `get` prints the value and a newline
// and exits 0, or prints nothing and exits 1 when the variable is not set; `list` prints NAME=VALUE
// lines, secrets masked; `set` prints nothing. Any error: "tseq var: MESSAGE", exit 2.
int RunVarCommand(const VarCommandOptions& options, std::ostream& output, std::ostream& error,
                  const std::function<const char*(const char*)>& lookup);

// Where a run on this machine keeps its state and log, as host paths: --state-dir and --log-dir,
// else ROOT/var/lib/tseq and ROOT/var/log/tseq. Shared so `plan` shows what `run` would use.
struct Locations {
  std::string state_directory;
  std::string log_directory;
};
Locations LocationsFor(const MachineOptions& options, const MachineRoot& root);

// Shared by the commands: the machine's short name (--machine-name, else the root's etc/hostname,
// else this host's name).
std::string MachineNameFor(const MachineOptions& options, const MachineRoot& root);

}  // namespace tseq
