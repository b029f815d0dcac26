#include "tools/tseq/commands.h"

#include <cstdint>
#include <ostream>

#include <unistd.h>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "engine/plan.h"
#include "engine/plan_report.h"
#include "engine/sequence_file.h"
#include "platform/machine_root.h"
#include "platform/snapshot_filesystem.h"
#include "sequences/json_schema.h"
#include "steps/step_documentation.h"

namespace tseq {
namespace {

std::string HostName() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) return "localhost";
  return buffer;
}

}  // namespace

Locations LocationsFor(const MachineOptions& options, const MachineRoot& root) {
  return {options.state_directory.empty() ? root.HostPathLexical("/var/lib/tseq")
                                          : options.state_directory,
          options.log_directory.empty() ? root.HostPathLexical("/var/log/tseq")
                                        : options.log_directory};
}

std::string MachineNameFor(const MachineOptions& options, const MachineRoot& root) {
  if (!options.machine_name.empty()) return options.machine_name;
  Result<std::string> host_path = root.Resolve("/etc/hostname", SymlinkPolicy::kFollow);
  if (host_path.ok()) {
    Result<std::string> text = root.filesystem().ReadFile(*host_path);
    if (text.ok()) {
      const std::string name(TrimWhitespace(*text));
      if (!name.empty()) return name.substr(0, name.find('.'));
    }
  }
  const std::string name = HostName();
  return name.substr(0, name.find('.'));
}

Result<uint64_t> ParseLogMaxSize(std::string_view text) {
  const auto invalid = [text] {
    return InvalidArgumentError("--log-max-size '" + std::string(text) +
                                "': expected a size in bytes, optionally with a K, M or G suffix "
                                "(e.g. 5M); 0 never rolls over");
  };
  size_t digits = 0;
  uint64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(text[digits] - '0');
    if (value > (UINT64_MAX - digit) / 10) return invalid();
    value = value * 10 + digit;
    ++digits;
  }
  if (digits == 0 || text.size() > digits + 1) return invalid();
  if (text.size() == digits) return value;
  int shift = 0;
  switch (text.back()) {
    case 'k':
    case 'K':
      shift = 10;
      break;
    case 'm':
    case 'M':
      shift = 20;
      break;
    case 'g':
    case 'G':
      shift = 30;
      break;
    default:
      return invalid();
  }
  if (value > (UINT64_MAX >> shift)) return invalid();
  return value << shift;
}

Result<int> ParseLogHistory(std::string_view text) {
  int number = 0;
  bool valid = !text.empty() && text.size() <= 4;
  for (const char character : text) {
    if (character < '0' || character > '9') valid = false;
    if (valid) number = number * 10 + (character - '0');
  }
  if (!valid || number > kMaxLogHistory) {
    return InvalidArgumentError("--log-history '" + std::string(text) +
                                "': expected a whole number of older log files to keep, from 0 "
                                "to " +
                                std::to_string(kMaxLogHistory));
  }
  return number;
}

namespace {

void PrintDiagnostics(const CommandEnvironment& environment, const Diagnostics& diagnostics) {
  environment.error << diagnostics.ToString();
}

}  // namespace

int RunCheckCommand(const CommandEnvironment& environment, const std::vector<std::string>& files) {
  bool any_invalid = false;
  for (const std::string& file : files) {
    Diagnostics diagnostics;
    Result<InstructionTable> table =
        LoadSequenceFile(environment.filesystem, file, environment.registry, diagnostics);
    PrintDiagnostics(environment, diagnostics);
    if (!table.ok()) {
      any_invalid = true;
      if (diagnostics.HasErrors()) {
        environment.error << file << ": invalid (" << diagnostics.error_count() << " error(s), "
                          << diagnostics.warning_count() << " warning(s))\n";
      } else {
        environment.error << "tseq: " << table.status().message() << "\n";
      }
      continue;
    }
    environment.output << file << ": OK, " << table->size() << " instructions";
    if (diagnostics.warning_count() > 0) {
      environment.output << ", " << diagnostics.warning_count() << " warning(s)";
    }
    environment.output << "\n";
  }
  return ToInt(any_invalid ? ExitCode::kUsageOrInvalid : ExitCode::kCompleted);
}

int RunPlanCommand(const CommandEnvironment& environment, const PlanCommandOptions& options) {
  Diagnostics diagnostics;
  Result<InstructionTable> table =
      LoadSequenceFile(environment.filesystem, options.file, environment.registry, diagnostics);
  PrintDiagnostics(environment, diagnostics);
  if (!table.ok()) {
    if (!diagnostics.HasErrors()) environment.error << "tseq: " << table.status().message() << "\n";
    return ToInt(ExitCode::kUsageOrInvalid);
  }
  Result<FileInfo> root_info =
      environment.filesystem.Stat(options.machine.root, SymlinkPolicy::kFollow);
  if (!root_info.ok() || root_info->type != FileType::kDirectory) {
    environment.error << "tseq: --root '" << options.machine.root << "' is not a directory\n";
    return ToInt(ExitCode::kUsageOrInvalid);
  }
  // The machine does not change while it is planned: remember what has been looked at, and make
  // sure nothing is written.
  SnapshotFilesystem machine_snapshot(environment.filesystem);
  MachineRoot root(options.machine.root, machine_snapshot);

  VariableStore variables;
  const Status loaded = LoadInitialVariables(table->sequence(),
                                             {options.machine.variables, options.machine.vars_file},
                                             environment.filesystem, variables);
  if (!loaded.ok()) {
    environment.error << "tseq: " << loaded.message() << "\n";
    return ToInt(ExitCode::kUsageOrInvalid);
  }
  PlanOptions plan_options;
  plan_options.machine_name = MachineNameFor(options.machine, root);
  plan_options.log_directory = LocationsFor(options.machine, root).log_directory;
  plan_options.offline = options.machine.offline;
  plan_options.condition_trace = options.json || options.trace;  // what the report shows
  const Plan plan = BuildPlan(*table, std::move(variables), plan_options, root,
                              environment.process_runner, environment.clock);
  PlanReportOptions report_options;
  report_options.machine_root = root.directory();
  report_options.show_condition_trace = options.trace;
  environment.output << (options.json ? FormatPlanJson(*table, plan, report_options)
                                      : FormatPlanText(*table, plan, report_options));
  return ToInt(ExitCode::kCompleted);
}

int RunStepsCommand(const CommandEnvironment& environment, const std::string& type, bool markdown) {
  if (markdown) {
    environment.output << FormatStepsMarkdown(environment.registry);
    return ToInt(ExitCode::kCompleted);
  }
  if (type.empty()) {
    environment.output << FormatStepList(environment.registry);
    return ToInt(ExitCode::kCompleted);
  }
  Result<std::string> reference = FormatStepReference(environment.registry, type);
  if (!reference.ok()) {
    environment.error << "tseq: " << reference.status().message() << "\n";
    return ToInt(ExitCode::kUsageOrInvalid);
  }
  environment.output << *reference;
  return ToInt(ExitCode::kCompleted);
}

int RunSchemaCommand(const CommandEnvironment& environment) {
  environment.output << GenerateSequenceJsonSchema(environment.registry);
  return ToInt(ExitCode::kCompleted);
}

}  // namespace tseq
