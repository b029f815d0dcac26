// `tseq run` and `tseq resume`: wiring the runner to the machine root, the state folder and the
// SMSTS log, and mapping the outcome to SPEC §4's exit codes.
#include <algorithm>
#include <mutex>
#include <ostream>

#include "base/exit_codes.h"
#include "engine/environment_gate.h"
#include "engine/environment_server.h"
#include "engine/plan.h"
#include "engine/runner.h"
#include "engine/sequence_file.h"
#include "engine/sequence_tree.h"
#include "engine/smsts_log.h"
#include "engine/state_store.h"
#include "tools/tseq/commands.h"
#include "tools/tseq/progress.h"

namespace tseq {
namespace {

int Fail(const CommandEnvironment& environment, ExitCode code, const std::string& message) {
  environment.error << "tseq: " << message << "\n";
  return ToInt(code);
}

bool IsDirectory(const Filesystem& filesystem, const std::string& path) {
  Result<FileInfo> info = filesystem.Stat(path, SymlinkPolicy::kFollow);
  return info.ok() && info->type == FileType::kDirectory;
}

// Runs the bound table from `start` and finishes the log and state as the outcome demands.
int Execute(const CommandEnvironment& environment, const InstructionTable& table,
            const MachineRoot& root, StateStore& state, VariableStore& variables, int start,
            const RunSettings& settings, bool live_progress) {
  VariableStore* live_variables = &variables;
  std::string engine_token;  // set below; a script may print its environment into the log
  SmstsLogSettings log_settings;
  log_settings.directory = settings.log_directory + "/SMSTSLog";
  log_settings.max_size = settings.log_max_size;
  log_settings.history = settings.log_history;
  Result<std::unique_ptr<SmstsLog>> log =
      SmstsLog::Open(log_settings, [live_variables, &engine_token](std::string_view text) {
        return MaskEngineToken(live_variables->MaskSecrets(text), engine_token);
      });
  if (!log.ok()) return Fail(environment, ExitCode::kSequenceFailed, log.status().message());

  // Scripts reach the variables through the environment server (`tseq var`). The runner holds
  // the gate except while a child runs, which is when the server may use the variables.
  EnvironmentGate gate;
  std::unique_lock<EnvironmentGate> runner_hold(gate);
  Result<std::unique_ptr<EnvironmentServer>> server =
      EnvironmentServer::Start(state.directory(), variables, gate);
  if (!server.ok()) {
    return Fail(environment, ExitCode::kSequenceFailed,
                "cannot offer the variables to scripts: " + server.status().message());
  }
  engine_token = (*server)->token();
  GateReleasingProcessRunner gate_releasing(environment.process_runner, gate);
  EnvironmentAddingProcessRunner process_runner(gate_releasing, (*server)->ChildEnvironment());

  ConsoleProgress progress(environment.error, live_progress);
  RunnerServices services{
      root, environment.filesystem, process_runner, environment.clock, **log, state, &progress};
  Runner runner(table, services, settings);
  const RunResult result = runner.Run(variables, start);
  runner_hold.unlock();
  (*server)->Stop();

  if (result == RunResult::kRebootRequired) {
    environment.error << "tseq: restart required; state saved in " << state.directory()
                      << ". Run `tseq resume` after the restart.\n";
    return ToInt(ExitCode::kRebootRequired);
  }
  const std::string final_log = settings.log_directory + "/smsts.log";
  const Status finalized = (*log)->Finalize(final_log);
  if (!finalized.ok()) environment.error << "tseq: " << finalized.message() << "\n";
  const Status cleared = state.Clear();
  if (!cleared.ok()) environment.error << "tseq: " << cleared.message() << "\n";
  if (result == RunResult::kFailed) {
    environment.error << "tseq: the task sequence failed; see " << final_log << "\n";
    return ToInt(ExitCode::kSequenceFailed);
  }
  environment.error << "tseq: the task sequence completed; log in " << final_log << "\n";
  return ToInt(ExitCode::kCompleted);
}

}  // namespace

int RunSequenceCommand(const CommandEnvironment& environment, const RunCommandOptions& options) {
  Diagnostics diagnostics;
  Result<InstructionTable> table =
      LoadSequenceFile(environment.filesystem, options.file, environment.registry, diagnostics);
  environment.error << diagnostics.ToString();
  if (!table.ok()) {
    if (!diagnostics.HasErrors()) environment.error << "tseq: " << table.status().message() << "\n";
    return ToInt(ExitCode::kUsageOrInvalid);
  }

  if (!IsDirectory(environment.filesystem, options.machine.root)) {
    return Fail(environment, ExitCode::kUsageOrInvalid,
                "--root '" + options.machine.root + "' is not a directory");
  }
  MachineRoot root(options.machine.root, environment.filesystem);
  const Locations locations = LocationsFor(options.machine, root);

  VariableStore variables;
  const Status loaded = LoadInitialVariables(table->sequence(),
                                             {options.machine.variables, options.machine.vars_file},
                                             environment.filesystem, variables);
  if (!loaded.ok()) return Fail(environment, ExitCode::kUsageOrInvalid, loaded.message());

  // Nothing has touched the machine so far; from here on the run is real.
  const Status created = environment.filesystem.CreateDirectories(locations.state_directory, 0700);
  if (!created.ok()) return Fail(environment, ExitCode::kSequenceFailed, created.message());
  Result<MachineLock> lock = MachineLock::Acquire(locations.state_directory);
  if (!lock.ok()) {
    const ExitCode code = lock.status().code() == StatusCode::kAlreadyExists
                              ? ExitCode::kAlreadyRunning
                              : ExitCode::kSequenceFailed;
    return Fail(environment, code, lock.status().message());
  }
  Result<StateStore> state = StateStore::Open(environment.filesystem, locations.state_directory);
  if (!state.ok()) return Fail(environment, ExitCode::kSequenceFailed, state.status().message());
  if (state->HasState()) {
    return Fail(environment, ExitCode::kAlreadyRunning,
                "a task sequence was interrupted on this machine (state in " +
                    locations.state_directory +
                    "); run `tseq resume` to finish it, or remove that folder to abandon it");
  }
  std::vector<SavedSequenceFile> files;
  for (const SequenceFile& file : table->tree().files()) files.push_back({file.path, file.text});
  const Status saved = state->SaveSequenceFiles(files);
  if (!saved.ok()) return Fail(environment, ExitCode::kSequenceFailed, saved.message());

  RunSettings settings;
  settings.sequence_file = options.file;
  settings.log_directory = locations.log_directory;
  settings.machine_name = MachineNameFor(options.machine, root);
  settings.offline = options.machine.offline;
  settings.log_max_size = options.log_max_size.value_or(kDefaultLogMaxSize);
  settings.log_history = options.log_history.value_or(kDefaultLogHistory);
  settings.plugin_directories = options.plugin_directories;
  PlanOptions builtins;
  builtins.machine_name = settings.machine_name;
  builtins.log_directory = locations.log_directory;
  builtins.offline = settings.offline;
  InitializeBuiltinVariables(*table, builtins, variables);
  return Execute(environment, *table, root, *state, variables, 0, settings, options.live_progress);
}

int ResumeSequenceCommand(const CommandEnvironment& environment, const RunCommandOptions& options) {
  MachineRoot requested_root(options.machine.root, environment.filesystem);
  const Locations locations = LocationsFor(options.machine, requested_root);
  if (!IsDirectory(environment.filesystem, locations.state_directory)) {
    return Fail(environment, ExitCode::kUsageOrInvalid,
                "no task sequence to resume: state folder '" + locations.state_directory +
                    "' does not exist");
  }
  Result<MachineLock> lock = MachineLock::Acquire(locations.state_directory);
  if (!lock.ok()) {
    const ExitCode code = lock.status().code() == StatusCode::kAlreadyExists
                              ? ExitCode::kAlreadyRunning
                              : ExitCode::kSequenceFailed;
    return Fail(environment, code, lock.status().message());
  }
  Result<StateStore> state = StateStore::Open(environment.filesystem, locations.state_directory);
  if (!state.ok()) return Fail(environment, ExitCode::kSequenceFailed, state.status().message());
  if (!state->HasState()) {
    return Fail(environment, ExitCode::kUsageOrInvalid,
                "no task sequence to resume in '" + locations.state_directory + "'");
  }
  Result<SavedState> saved = state->Load();
  if (!saved.ok()) return Fail(environment, ExitCode::kSequenceFailed, saved.status().message());
  Result<std::vector<SavedSequenceFile>> files = state->LoadSequenceFiles(saved->sequence_file);
  if (!files.ok()) return Fail(environment, ExitCode::kSequenceFailed, files.status().message());
  if (options.load_saved_plugins) {
    const Status plugins = options.load_saved_plugins(saved->plugin_directories);
    if (!plugins.ok()) {
      return Fail(environment, ExitCode::kSequenceFailed,
                  "cannot load the step plugins of the interrupted run: " + plugins.message());
    }
  }

  // The sealed copies, never the files: they may have changed or been wiped since the run began.
  const SequenceTextReader read_saved = [&files](const std::string& path) -> Result<std::string> {
    for (const SavedSequenceFile& file : *files) {
      if (file.path == path) return file.text;
    }
    return NotFoundError("the saved sequences do not include '" + path + "'");
  };
  Diagnostics diagnostics;
  Result<SequenceTree> tree =
      LoadSequenceTree(saved->sequence_file, read_saved, environment.registry, diagnostics);
  Result<InstructionTable> table =
      tree.ok()
          ? InstructionTable::Build(std::move(tree).value(), environment.registry, diagnostics)
          : Result<InstructionTable>(tree.status());
  environment.error << diagnostics.ToString();
  if (!table.ok()) {
    return Fail(environment, ExitCode::kSequenceFailed,
                "the saved sequence no longer validates (a step type may have been removed): " +
                    table.status().message());
  }
  if (saved->pointer > table->size()) {
    return Fail(environment, ExitCode::kSequenceFailed,
                "state file points at instruction " + std::to_string(saved->pointer) +
                    " but the sequence has " + std::to_string(table->size()));
  }
  if (!IsDirectory(environment.filesystem, saved->machine_root)) {
    return Fail(environment, ExitCode::kSequenceFailed,
                "the machine root of the interrupted run, '" + saved->machine_root +
                    "', is not a directory");
  }
  MachineRoot root(saved->machine_root, environment.filesystem);
  RunSettings settings;
  settings.sequence_file = saved->sequence_file;
  settings.log_directory = saved->log_directory;
  settings.machine_name = saved->machine_name;
  settings.offline = saved->offline;
  settings.log_max_size = options.log_max_size.value_or(saved->log_max_size);
  settings.log_history = options.log_history.value_or(saved->log_history);
  // Saved again for a later resume, with any folders this resume added.
  settings.plugin_directories = saved->plugin_directories;
  for (const SavedPluginDirectory& directory : options.plugin_directories) {
    if (std::none_of(settings.plugin_directories.begin(), settings.plugin_directories.end(),
                     [&directory](const SavedPluginDirectory& known) {
                       return known.path == directory.path;
                     })) {
      settings.plugin_directories.push_back(directory);
    }
  }
  environment.error << "tseq: resuming '" << table->sequence().name << "' at instruction "
                    << saved->pointer << "\n";
  return Execute(environment, *table, root, *state, saved->variables, saved->pointer, settings,
                 options.live_progress);
}

}  // namespace tseq
