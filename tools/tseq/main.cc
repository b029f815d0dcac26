// tseq: the task sequence engine's command line. Parses arguments, builds the real OS objects and
// hands over to tools/tseq/commands.cc; maps everything to the exit codes of SPEC §4.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "platform/process_runner.h"
#include "steps/plugins/plugin_loader.h"
#include "steps/step_registry.h"
#include "tools/tseq/commands.h"

namespace {

void AddMachineOptions(CLI::App& command, tseq::MachineOptions& options) {
  command.add_option("--var", options.variables, "Set a variable: NAME=VALUE (repeatable)");
  command.add_option("--vars-file", options.vars_file, "File of NAME=VALUE lines");
  command.add_option("--root", options.root, "Directory that is the machine's / (default /)");
  command.add_option("--state-dir", options.state_directory, "Machine path of the state folder");
  command.add_option("--log-dir", options.log_directory, "Machine path of the log folder");
  command.add_option("--machine-name", options.machine_name, "Name for _SMSTSMachineName");
  command.add_option("--client-config", options.client_config, "SMP client configuration file");
  command.add_flag("--offline", options.offline, "Running from a rescue environment");
}

void AddLogOptions(CLI::App& command, std::string& max_size, std::string& history) {
  command.add_option("--log-max-size", max_size,
                     "Roll smsts.log over at this size: bytes, or with a K, M or G suffix; 0 = "
                     "never (default 5M)");
  command.add_option("--log-history", history, "Older log files to keep (default 3)");
}

// Parses --log-max-size and --log-history into `options`; prints the error and returns false.
bool ParseLogOptions(const std::string& max_size, const std::string& history,
                     tseq::RunCommandOptions& options) {
  if (!max_size.empty()) {
    tseq::Result<uint64_t> parsed = tseq::ParseLogMaxSize(max_size);
    if (!parsed.ok()) {
      std::cerr << "tseq: " << parsed.status().message() << "\n";
      return false;
    }
    options.log_max_size = *parsed;
  }
  if (!history.empty()) {
    tseq::Result<int> parsed = tseq::ParseLogHistory(history);
    if (!parsed.ok()) {
      std::cerr << "tseq: " << parsed.status().message() << "\n";
      return false;
    }
    options.log_history = *parsed;
  }
  return true;
}

// The plugin folders a run saves for its resume: those named on the command line or in
// TSEQ_PLUGIN_PATH, made absolute (a resume at boot starts elsewhere, without that variable).
std::vector<tseq::SavedPluginDirectory> ToSaved(
    const std::vector<tseq::PluginDirectory>& directories) {
  std::vector<tseq::SavedPluginDirectory> saved;
  for (const tseq::PluginDirectory& directory : directories) {
    if (directory.origin == tseq::PluginDirectoryOrigin::kDefault) continue;
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(directory.path, error);
    saved.push_back({error ? directory.path : absolute.lexically_normal().string(),
                     directory.origin == tseq::PluginDirectoryOrigin::kEnvironment});
  }
  return saved;
}

// The folders a resume loads: the interrupted run's first (it may need their step types), then
// this command's own, each once.
std::vector<tseq::PluginDirectory> ResumeSearchPath(
    const std::vector<tseq::SavedPluginDirectory>& saved,
    const std::vector<tseq::PluginDirectory>& own) {
  std::vector<tseq::PluginDirectory> directories;
  const auto add = [&directories](const tseq::PluginDirectory& directory) {
    for (const tseq::PluginDirectory& known : directories) {
      if (known.path == directory.path) return;
    }
    directories.push_back(directory);
  };
  for (const tseq::SavedPluginDirectory& directory : saved) {
    add({directory.path, directory.from_environment ? tseq::PluginDirectoryOrigin::kEnvironment
                                                    : tseq::PluginDirectoryOrigin::kCommandLine});
  }
  for (const tseq::PluginDirectory& directory : own) add(directory);
  return directories;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tseq: task sequences for Linux machines"};
  app.require_subcommand(1);
  std::vector<std::string> plugin_directories;
  app.add_option("--plugin-dir", plugin_directories, "Folder of step plugins (repeatable)")
      ->allow_extra_args(false);  // one folder per --plugin-dir: `steps --plugin-dir D TYPE`
  app.fallthrough();  // subcommands inherit it: --plugin-dir may also follow the subcommand

  std::vector<std::string> check_files;
  CLI::App* check = app.add_subcommand("check", "Validate sequence files");
  check->add_option("FILE", check_files, "Sequence files")->required();

  tseq::PlanCommandOptions plan_options;
  CLI::App* plan = app.add_subcommand("plan", "Dry run: show what a run would do, change nothing");
  plan->add_option("FILE", plan_options.file, "Sequence file")->required();
  AddMachineOptions(*plan, plan_options.machine);
  plan->add_flag("--json", plan_options.json, "Machine-readable output");
  plan->add_flag("--trace", plan_options.trace, "Show every condition evaluated");

  std::string step_type;
  bool markdown = false;
  CLI::App* steps = app.add_subcommand("steps", "List step types, or describe one");
  steps->add_option("TYPE", step_type, "A step type");
  steps->add_flag("--markdown", markdown, "Print the whole reference as Markdown");

  CLI::App* schema = app.add_subcommand("schema", "Print the JSON Schema of the sequence format");

  tseq::RunCommandOptions run_options;
  std::string run_log_max_size;
  std::string run_log_history;
  CLI::App* run = app.add_subcommand("run", "Run a sequence on the machine");
  run->add_option("FILE", run_options.file, "Sequence file")->required();
  AddMachineOptions(*run, run_options.machine);
  AddLogOptions(*run, run_log_max_size, run_log_history);

  tseq::RunCommandOptions resume_options;
  CLI::App* resume =
      app.add_subcommand("resume", "Continue the sequence interrupted by a restart or a crash");
  resume->add_option("--root", resume_options.machine.root,
                     "Directory that is the machine's / (default /)");
  resume->add_option("--state-dir", resume_options.machine.state_directory,
                     "State folder (default ROOT/var/lib/tseq)");
  std::string resume_log_max_size;
  std::string resume_log_history;
  AddLogOptions(*resume, resume_log_max_size, resume_log_history);

  tseq::VarCommandOptions var_options;
  CLI::App* var = app.add_subcommand("var", "Read or set a variable of the running sequence")
                      ->require_subcommand(1);
  CLI::App* var_get = var->add_subcommand("get", "Print a variable's value (exit 1 if unset)");
  var_get->add_option("NAME", var_options.name, "Variable name")->required();
  CLI::App* var_set = var->add_subcommand("set", "Set a variable (an empty value deletes it)");
  var_set->add_option("NAME", var_options.name, "Variable name")->required();
  var_set->add_option("VALUE", var_options.value, "Value")->required();
  var_set->add_flag("--secret", var_options.secret, "Never show or log the value");
  var->add_subcommand("list", "Print every variable as NAME=VALUE, secrets masked");

  if (argc > 1 && argv[1][0] != '-') {
    // CLI11 would only say "A subcommand is required"; name the word and the choices instead.
    std::vector<std::string> names;
    for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::string message = std::string("tseq: unknown command '") + argv[1] + "'";
      if (std::optional<std::string> match = tseq::ClosestMatch(argv[1], names)) {
        message += " (did you mean '" + *match + "'?)";
      }
      std::cerr << message << "; commands: " << tseq::Join(names, ", ") << "\n";
      return tseq::ToInt(tseq::ExitCode::kUsageOrInvalid);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : tseq::ToInt(tseq::ExitCode::kUsageOrInvalid);
  }

  if (var->parsed()) {
    // Scripts call this often: it needs neither the OS objects nor the plugins.
    var_options.operation = var->get_subcommands().front()->get_name();
    return tseq::RunVarCommand(var_options, std::cout, std::cerr, [](const char* name) {
      return static_cast<const char*>(std::getenv(name));
    });
  }

  if ((run->parsed() && !ParseLogOptions(run_log_max_size, run_log_history, run_options)) ||
      (resume->parsed() &&
       !ParseLogOptions(resume_log_max_size, resume_log_history, resume_options))) {
    return tseq::ToInt(tseq::ExitCode::kUsageOrInvalid);
  }

  std::unique_ptr<tseq::Filesystem> filesystem = tseq::NewPosixFilesystem();
  std::unique_ptr<tseq::ProcessRunner> process_runner = tseq::NewSystemProcessRunner();
  std::unique_ptr<tseq::Clock> clock = tseq::NewSystemClock();
  tseq::StepRegistry registry;
  tseq::RegisterBuiltinSteps(registry);
  const std::vector<tseq::PluginDirectory> search_path = tseq::PluginSearchPath(
      plugin_directories, std::getenv(std::string(tseq::kPluginPathVariable).c_str()));
  const auto load_plugins = [&filesystem,
                             &registry](const std::vector<tseq::PluginDirectory>& directories) {
    std::vector<std::string> warnings;
    const tseq::Status status = tseq::LoadPlugins(directories, *filesystem, registry, warnings);
    for (const std::string& warning : warnings) std::cerr << "tseq: warning: " << warning << "\n";
    return status;
  };
  // A resume loads its plugins once it has read the state: the interrupted run's come first.
  if (!resume->parsed()) {
    const tseq::Status plugins = load_plugins(search_path);
    if (!plugins.ok()) {
      std::cerr << "tseq: " << plugins.message() << "\n";
      return tseq::ToInt(tseq::ExitCode::kUsageOrInvalid);
    }
  }
  const tseq::CommandEnvironment environment{*filesystem, *process_runner, *clock,
                                             registry,    std::cout,       std::cerr};

  if (check->parsed()) return tseq::RunCheckCommand(environment, check_files);
  if (plan->parsed()) return tseq::RunPlanCommand(environment, plan_options);
  if (steps->parsed()) return tseq::RunStepsCommand(environment, step_type, markdown);
  if (schema->parsed()) return tseq::RunSchemaCommand(environment);
  const bool terminal = isatty(STDERR_FILENO) == 1;
  if (run->parsed()) {
    run_options.live_progress = terminal;
    run_options.plugin_directories = ToSaved(search_path);
    return tseq::RunSequenceCommand(environment, run_options);
  }
  if (resume->parsed()) {
    resume_options.live_progress = terminal;
    resume_options.plugin_directories = ToSaved(search_path);
    resume_options.load_saved_plugins =
        [&load_plugins, &search_path](const std::vector<tseq::SavedPluginDirectory>& saved) {
          return load_plugins(ResumeSearchPath(saved, search_path));
        };
    return tseq::ResumeSequenceCommand(environment, resume_options);
  }
  return tseq::ToInt(tseq::ExitCode::kUsageOrInvalid);
}
