#include "migration/state_tool_setup.h"

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "base/diagnostics.h"
#include "base/strings.h"

namespace tseq {
namespace {

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

// A /i value that is not a file but names a shipped rule file (any case) means that file.
UsmtResult<RuleFile> LoadRuleFile(const std::string& name, const Filesystem& filesystem,
                                  UsmtLog& log) {
  if (!Exists(filesystem, name) && name.find('/') == std::string::npos) {
    for (const ShippedRuleFile& shipped : ShippedRuleFiles()) {
      if (!EqualsIgnoreCase(shipped.name, name)) continue;
      Diagnostics diagnostics;
      std::optional<RuleFile> file =
          ParseRuleFile(shipped.text, std::string(shipped.name), diagnostics);
      if (!file) {
        return UsmtError{UsmtReturnCode::kUnableGetScriptFiles, diagnostics.ToString()};
      }
      log.Information("/i:" + name + ": the shipped " + std::string(shipped.name));
      return std::move(*file);
    }
  }
  Result<RuleFile> file = ReadRuleFile(filesystem, name);
  if (!file.ok()) {
    return UsmtError{UsmtReturnCode::kUnableGetScriptFiles,
                     "cannot use the rule file '" + name + "': " + file.status().message()};
  }
  return std::move(file).value();
}

}  // namespace

UsmtResult<MigrationRules> LoadMigrationRules(const StateToolOptions& options,
                                              const Filesystem& filesystem, UsmtLog& log) {
  Result<MigrationRules> rules = InternalError("no rules");
  if (options.rule_files.empty()) {
    log.Information("no /i: using the shipped miguser.yaml, migapp.yaml and migdocs.yaml");
    rules = MigrationRules::Shipped();
  } else {
    std::vector<RuleFile> files;
    for (const std::string& name : options.rule_files) {
      UsmtResult<RuleFile> file = LoadRuleFile(name, filesystem, log);
      if (!file.ok()) return file.error();
      files.push_back(std::move(file).value());
    }
    rules = MigrationRules::Merge(std::move(files));
  }
  if (!rules.ok()) {
    return UsmtError{UsmtReturnCode::kUnableGetScriptFiles, rules.status().message()};
  }
  if (options.config_file) {
    Result<MigrationConfig> config = ReadMigrationConfig(filesystem, *options.config_file);
    Status applied = config.ok() ? rules->ApplyConfig(*config) : config.status();
    if (!applied.ok()) {
      return UsmtError{
          UsmtReturnCode::kUnableToReadConfigFile,
          "cannot use the config file '" + *options.config_file + "': " + applied.message()};
    }
  }
  return std::move(rules).value();
}

std::optional<UsmtReturnCode> OpenStateToolLogs(std::string_view program,
                                                const StateToolOptions& options,
                                                Filesystem& filesystem, std::ostream& error,
                                                UsmtLog& log, ProgressLog& progress) {
  if (options.log_file) {
    if (const Status opened = log.Open(filesystem, *options.log_file); !opened.ok()) {
      error << program << ": cannot create the log file: " << opened.message() << "\n";
      return UsmtReturnCode::kInitLogfileFailed;
    }
  }
  if (options.progress_file) {
    if (const Status opened = progress.Open(filesystem, *options.progress_file); !opened.ok()) {
      error << program << ": cannot create the progress log: " << opened.message() << "\n";
      log.Error("cannot create the progress log: " + opened.message());
      return UsmtReturnCode::kUnableCreateProgressLog;
    }
  }
  return std::nullopt;
}

UsmtResult<std::string> ReadStoreKey(const StoreEncryption& encryption,
                                     const Filesystem& filesystem) {
  if (!encryption.enabled) return std::string();
  if (encryption.key) return *encryption.key;
  const std::string& key_file = *encryption.key_file;
  Result<std::string> content = filesystem.ReadFile(key_file);
  if (!content.ok()) {
    return UsmtError{UsmtReturnCode::kUnableReadKey,
                     "cannot read the key file: " + content.status().message()};
  }
  std::string key = std::move(content).value();
  if (key.ends_with("\r\n")) {
    key.resize(key.size() - 2);
  } else if (key.ends_with("\n")) {
    key.pop_back();
  }
  if (key.empty()) {
    return UsmtError{UsmtReturnCode::kUnableReadKey, "the key file '" + key_file + "' is empty"};
  }
  return key;
}

RetrySettings StoreRetrySettings(const StateToolOptions& options, std::string_view doing,
                                 const Clock& clock, UsmtLog& log) {
  const std::string attempts = std::to_string(options.retry_count + 1);
  const std::string wait = std::to_string(options.retry_wait_seconds);
  return {.policy = {.retries = options.retry_count,
                     .wait = std::chrono::seconds(options.retry_wait_seconds)},
          .clock = &clock,
          .on_retry = [&log, what = std::string(doing), attempts, wait](const Status& failure,
                                                                        int attempt) {
            log.Warning(what + " the store failed (" + failure.message() + "): attempt " +
                        std::to_string(attempt) + " of " + attempts + " in " + wait +
                        " s (/r, /w)");
          }};
}

}  // namespace tseq
