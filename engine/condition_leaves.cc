#include "engine/condition_leaves.h"

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <time.h>

#include "base/strings.h"
#include "engine/os_release.h"
#include "engine/package_database.h"
#include "sequences/timestamp.h"
#include "sequences/version_constraint.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

constexpr std::chrono::seconds kCommandTimeout{60};

using TimePoint = std::chrono::system_clock::time_point;

// Appended piece by piece: GCC 12 at -O3 misreads "'" + std::string(...) as an overlapping memcpy
// (-Wrestrict, GCC bug 105329).
std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '\'';
  quoted += text;
  quoted += '\'';
  return quoted;
}

std::string Shown(std::string_view text, const VariableStore& variables) {
  return ExpandVariables(text, variables, SecretDisplay::kMask);
}

// "2026-01-31T08:00:00Z", the form the timestamps in conditions are written in.
std::string FormatUtc(TimePoint time) {
  const time_t seconds = std::chrono::system_clock::to_time_t(time);
  struct tm parts {};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

// Appends " WORDS 'TEXT'" to `description` and parses the expanded TEXT into `bound`. Nothing
// when there is no TEXT. The error (a bad timestamp) has secrets masked.
Status AddTimeBound(std::string_view words, const std::optional<std::string>& text,
                    const VariableStore& variables, std::string& description,
                    std::optional<TimePoint>& bound) {
  if (!text.has_value()) return Status::Ok();
  description += ' ';
  description += words;
  description += ' ';
  description += Quote(Shown(*text, variables));
  Result<TimePoint> time = ParseTimestamp(ExpandVariables(*text, variables));
  if (!time.ok()) return InvalidArgumentError(variables.MaskSecrets(time.status().message()));
  bound = *time;
  return Status::Ok();
}

}  // namespace

LeafOutcome EvaluatePathLeaf(const Condition& condition, const ConditionEnvironment& environment) {
  const VariableStore& variables = environment.variables;
  const bool folder = condition.kind == ConditionKind::kFolder;
  std::string description = std::string(folder ? "folder " : "file ") +
                            Shown(condition.path, variables) +
                            (condition.expected ? " exists" : " does not exist");
  std::optional<TimePoint> after;
  std::optional<TimePoint> before;
  const Status after_status =
      AddTimeBound("modified after", condition.modified_after, variables, description, after);
  const Status before_status =
      AddTimeBound("modified before", condition.modified_before, variables, description, before);
  if (!after_status.ok()) {
    return ExplainLeaf(description, false, "modifiedAfter: " + after_status.message());
  }
  if (!before_status.ok()) {
    return ExplainLeaf(description, false, "modifiedBefore: " + before_status.message());
  }

  Result<std::string> host_path = environment.machine_root.Resolve(
      ExpandVariables(condition.path, variables), SymlinkPolicy::kFollow);
  if (!host_path.ok()) {
    return ExplainLeaf(description, false, variables.MaskSecrets(host_path.status().message()));
  }
  Result<FileInfo> info =
      environment.machine_root.filesystem().Stat(*host_path, SymlinkPolicy::kFollow);
  bool found = false;
  std::string detail;
  if (!info.ok()) {
    if (info.status().code() != StatusCode::kNotFound) {
      return ExplainLeaf(description, false, variables.MaskSecrets(info.status().message()));
    }
    detail = "not found";
  } else if (folder && info->type != FileType::kDirectory) {
    detail = "not a folder";
  } else if (!folder && info->type == FileType::kDirectory) {
    detail = "is a folder";
  } else {
    found = true;
    if (after.has_value() || before.has_value()) {
      found = (!after.has_value() || info->modified > *after) &&
              (!before.has_value() || info->modified < *before);
      detail = "modified " + FormatUtc(info->modified);
    }
  }
  return ExplainLeaf(description, found == condition.expected, detail);
}

LeafOutcome EvaluateOsLeaf(const Condition& condition, const ConditionEnvironment& environment) {
  const VariableStore& variables = environment.variables;
  std::string description = "os " + Shown(condition.os_id, variables);
  if (condition.version_constraint.has_value()) {
    description += " version " + Shown(*condition.version_constraint, variables);
  }
  std::optional<Result<OsRelease>> read;
  if (environment.unchanging_machine == nullptr)
    read.emplace(ReadOsRelease(environment.machine_root));
  const Result<OsRelease>& release =
      read.has_value() ? *read : environment.unchanging_machine->os_release();
  if (!release.ok()) return ExplainLeaf(description, false, release.status().message());
  const std::string id = release->Id();
  const std::string version = release->Get("VERSION_ID");
  std::string detail = id + (version.empty() ? ", no VERSION_ID" : " " + version);
  bool result = WildcardMatch(ExpandVariables(condition.os_id, variables), id);
  if (result && condition.version_constraint.has_value()) {
    Result<VersionConstraint> constraint =
        ParseVersionConstraint(ExpandVariables(*condition.version_constraint, variables));
    if (!constraint.ok()) {
      return ExplainLeaf(description, false, variables.MaskSecrets(constraint.status().message()));
    }
    result = !version.empty() && constraint->Matches(version);
  }
  return ExplainLeaf(description, result, detail);
}

LeafOutcome EvaluatePackageLeaf(const Condition& condition,
                                const ConditionEnvironment& environment) {
  const VariableStore& variables = environment.variables;
  const std::string description = "package " + Shown(condition.package, variables) +
                                  (condition.expected ? " installed" : " not installed");
  std::optional<Result<std::shared_ptr<const PackageDatabase>>> read;
  if (environment.unchanging_machine == nullptr) {
    read.emplace(environment.package_cache != nullptr
                     ? environment.package_cache->Load(environment.machine_root)
                     : LoadPackageDatabase(environment.machine_root));
  }
  const Result<std::shared_ptr<const PackageDatabase>>& database =
      read.has_value() ? *read : environment.unchanging_machine->package_database();
  if (!database.ok()) {
    if (database.status().code() != StatusCode::kNotFound) {
      return ExplainLeaf(description, false, database.status().message());
    }
    return ExplainLeaf(description, !condition.expected,
                       "no package database " + std::string(kDpkgStatusPath));
  }
  const std::vector<PackageRecord> records =
      (*database)->Find(ExpandVariables(condition.package, variables));
  const PackageRecord* installed = nullptr;
  for (const PackageRecord& record : records) {
    if (record.installed()) {
      installed = &record;
      break;
    }
  }
  std::string detail;
  if (installed != nullptr) {
    detail = "version " + installed->version +
             (installed->architecture.empty() ? "" : " " + installed->architecture);
  } else if (records.empty()) {
    detail = "not in " + std::string(kDpkgStatusPath);
  } else {
    detail = "status " + Quote(records.front().status);
  }
  return ExplainLeaf(description, (installed != nullptr) == condition.expected, detail);
}

LeafOutcome EvaluateCommandLeaf(const Condition& condition,
                                const ConditionEnvironment& environment) {
  const VariableStore& variables = environment.variables;
  const std::string description = "command " + Quote(Shown(condition.command, variables)) +
                                  " exit code " + std::to_string(condition.exit_code);
  // Messages below may quote the expanded command line, which can hold a secret value.
  Result<std::vector<std::string>> arguments =
      SplitCommandLine(ExpandVariables(condition.command, variables));
  if (!arguments.ok()) {
    return ExplainLeaf(description, false, variables.MaskSecrets(arguments.status().message()));
  }
  ProcessRequest request;
  request.arguments = std::move(*arguments);
  request.working_directory = environment.machine_root.directory();
  request.environment = {{"TSEQ_MACHINE_ROOT", environment.machine_root.directory()}};
  request.timeout = kCommandTimeout;
  Result<ProcessOutcome> outcome = environment.process_runner.Run(request);
  if (!outcome.ok()) {
    return ExplainLeaf(description, false,
                       "cannot start: " + variables.MaskSecrets(outcome.status().message()));
  }
  if (outcome->timed_out) {
    return ExplainLeaf(description, false, "timed out after " + FormatDuration(kCommandTimeout));
  }
  return ExplainLeaf(description, outcome->exit_code == condition.exit_code,
                     "exit code " + std::to_string(outcome->exit_code));
}

}  // namespace tseq
