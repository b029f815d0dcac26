#include "migration/loadstate.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "archive/directory_store.h"
#include "base/strings.h"
#include "migration/loadstate_options.h"
#include "migration/local_accounts.h"
#include "migration/profile_discovery.h"
#include "migration/profile_record.h"
#include "migration/profile_restorer.h"
#include "migration/restore_selection.h"
#include "migration/restore_target.h"
#include "migration/state_tool_setup.h"
#include "migration/store_access.h"
#include "migration/user_selection.h"
#include "migration/usmt_log.h"

namespace tseq {
namespace {

constexpr char kProgram[] = "loadstate";

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

// The code for a failure while restoring: the store's damage and key as such, an I/O error 61,
// anything else (something in the way, a refusal) USMT's "error in apply".
UsmtReturnCode ApplyReturnCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kCorruption:
      return UsmtReturnCode::kCorruptedStore;
    case StatusCode::kUnauthenticated:
      return UsmtReturnCode::kNoInvalidKey;
    case StatusCode::kIoError:
      return UsmtReturnCode::kMigrationStoppedNonFatal;
    default:
      return UsmtReturnCode::kUnableDoMigration;
  }
}

// One selected user, mapped to the target.
struct PlannedUser {
  uint32_t root = 0;
  ProfileRecord record;
  MappedUser mapped;
  std::optional<std::vector<bool>> selected;  // with load-time rules: the entries they restore
};

class LoadStateRun {
 public:
  LoadStateRun(const LoadStateOptions& options, Filesystem& filesystem, std::ostream& out,
               std::ostream& error, const LoadStateContext& context, const Clock& clock,
               UsmtLog& log, ProgressLog& progress)
      : options_(options),
        filesystem_(filesystem),
        out_(out),
        error_(error),
        context_(context),
        clock_(clock),
        log_(log),
        progress_(progress),
        root_(options.root, filesystem) {}

  UsmtReturnCode Run() {
    if (!options_.rule_files.empty() || options_.config_file) {
      UsmtResult<MigrationRules> rules = LoadMigrationRules(options_, filesystem_, log_);
      if (!rules.ok()) return Fail(rules.error().code, rules.error().message);
      rules_ = std::move(rules).value();
    }
    UsmtResult<std::string> key = ReadKey();
    if (!key.ok()) return Fail(key.error().code, key.error().message);
    if (const UsmtReturnCode code = OpenStore(*key); code != UsmtReturnCode::kSuccess) return code;
    Result<LocalAccounts> accounts = LocalAccounts::Read(root_);
    if (!accounts.ok()) {
      return Fail(UsmtReturnCode::kInitError, "cannot read the accounts of '" + root_.directory() +
                                                  "': " + accounts.status().message());
    }
    accounts_ = std::move(accounts).value();
    for (const std::string& warning : accounts_->warnings()) log_.Warning(warning);
    machine_name_ = TargetMachineName();
    progress_.Program(kProgram, machine_name_, Join(options_.redacted_arguments, " "));
    progress_.Phase("Initializing");
    std::vector<PlannedUser> users;
    if (const UsmtReturnCode code = PlanUsers(users); code != UsmtReturnCode::kSuccess) {
      return code;
    }
    uint64_t total = 0;
    for (const PlannedUser& user : users) total += ContentBytes(user);
    total_bytes_ = total;
    progress_.TotalSize(total);
    progress_.Phase("Applying");
    for (const PlannedUser& user : users) {
      if (const UsmtReturnCode code = RestoreUser(user); code != UsmtReturnCode::kSuccess) {
        return code;
      }
    }
    progress_.Percentage(100);
    out_ << "Restored " << users.size() << (users.size() == 1 ? " user" : " users") << ": "
         << restored_ << " entries written, " << renamed_ << " renamed, " << unchanged_
         << " unchanged, " << ignored_errors_ << " skipped.\n";
    return ignored_errors_ > 0 ? UsmtReturnCode::kWouldHaveFailed : UsmtReturnCode::kSuccess;
  }

  int ignored_errors() const { return ignored_errors_; }

 private:
  UsmtReturnCode Fail(UsmtReturnCode code, const std::string& message) {
    error_ << kProgram << ": " << message << "\n";
    log_.Error(message);
    return code;
  }

  // Under /c: logs the failure of `object` and returns true (go on); else false.
  bool Skip(const std::string& object, const Status& status) {
    progress_.Error("UnableToApply", object, options_.continue_on_error);
    if (!options_.continue_on_error) return false;
    error_ << kProgram << ": " << status.message() << " (skipped: /c)\n";
    log_.Error(status.message() + " (skipped: /c)");
    ++ignored_errors_;
    return true;
  }

  UsmtResult<std::string> ReadKey() { return ReadStoreKey(options_.encryption, filesystem_); }

  UsmtReturnCode OpenStore(const std::string& key) {
    const std::string& store = options_.store;
    if (store.starts_with("https://") || store.starts_with("http://")) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation,
                  "'" + store + "' is an SMP store URL: loadstate reads a store folder");
    }
    location_ = LocateStore(filesystem_, store);
    Result<std::unique_ptr<OpenedStore>> opened =
        OpenedStore::Open(filesystem_, location_, key, context_.threads,
                          StoreRetrySettings(options_, "reading", clock_, log_));
    if (!opened.ok()) {
      std::string message = opened.status().message();
      if (opened.status().code() == StatusCode::kUnauthenticated && !options_.encryption.enabled) {
        message += " (give /decrypt with /key or /keyfile)";
      }
      return Fail(ReturnCodeForStoreStatus(opened.status()), message);
    }
    store_ = std::move(opened).value();
    if (store_->directory_store() != options_.no_compress) {
      return Fail(
          UsmtReturnCode::kInvalidStoreLocation,
          store_->directory_store()
              ? "'" + store + "' is a directory store: give /nocompress"
              : "'" + store + "' is a compressed store: /nocompress is for directory stores");
    }
    if (options_.hard_link && Layout() != "hardlink") {
      return Fail(UsmtReturnCode::kInvalidStoreLocation,
                  "'" + store + "' is not a hard-link store: /hardlink needs one");
    }
    log_.Information("restoring from '" + store_->path() + "' onto '" + root_.directory() + "'");
    return UsmtReturnCode::kSuccess;
  }

  std::string Layout() const {
    for (const auto& [name, value] : store_->catalog().properties) {
      if (name == archive::kLayoutProperty) return value;
    }
    return "";
  }

  std::string TargetMachineName() const {
    const Result<std::string> host_path = root_.Resolve("/etc/hostname", SymlinkPolicy::kFollow);
    const Result<std::string> text =
        host_path.ok() ? filesystem_.ReadFile(*host_path) : Result<std::string>(host_path.status());
    std::string name = text.ok() ? MachineNameFromHostname(*text) : "";
    if (name.empty()) {
      name = ToUpperAscii(context_.fallback_machine_name);
      log_.Warning("the target has no etc/hostname name: it is called " + name);
    }
    return name;
  }

  uint64_t ContentBytes(const PlannedUser& user) const {
    uint64_t bytes = 0;
    const std::vector<archive::CatalogEntry>& entries = store_->catalog().entries;
    for (size_t index = 0; index < entries.size(); ++index) {
      const archive::CatalogEntry& entry = entries[index];
      if (entry.root != user.root || entry.type != archive::EntryType::kFile) continue;
      if (!user.selected || (*user.selected)[index]) bytes += entry.size;
    }
    return bytes;
  }

  UsmtReturnCode PlanUsers(std::vector<PlannedUser>& users) {
    const archive::Catalog& catalog = store_->catalog();
    const TargetMachine target{machine_name_, &*accounts_};
    for (size_t index = 0; index < catalog.roots.size(); ++index) {
      Result<ProfileRecord> record = ProfileRecordFromCatalogRoot(catalog.roots[index], index);
      if (!record.ok())
        return Fail(UsmtReturnCode::kInvalidStoreLocation, record.status().message());
      Result<UserSelector> selector =
          UserSelector::Create(options_.users, record->machine, clock_.Now());
      if (!selector.ok())
        return Fail(UsmtReturnCode::kInvalidParameters, selector.status().message());
      const UserDecision decision =
          selector->Decide(UserCandidate{record->name, record->last_logon});
      progress_.DetectedUser(record->name, decision.included);
      log_.Information(record->name + (decision.included ? ": restored (" : ": not restored (") +
                       decision.reason + ")");
      if (!decision.included) continue;
      MappedUser mapped = MapUser(record->ToStoredProfile(), options_.user_mapping, target);
      if (!mapped.applied_rules.empty()) {
        log_.Information(record->name + " becomes " + mapped.name + " (" + mapped.applied_rules +
                         ")");
      }
      PlannedUser planned{static_cast<uint32_t>(index), std::move(record).value(),
                          std::move(mapped), std::nullopt};
      if (rules_) {
        Result<UserDirectories> directories =
            StoredUserDirectories(*store_, planned.root, planned.record.home);
        if (!directories.ok()) {
          return Fail(ApplyReturnCode(directories.status()), directories.status().message());
        }
        planned.selected =
            SelectEntriesToRestore(catalog, planned.root, CompiledRules(*rules_, *directories));
      }
      users.push_back(std::move(planned));
    }
    // Before anything is written, so that a rerun with /lac restores every user alike.
    if (!options_.create_local_accounts) {
      for (const PlannedUser& user : users) {
        if (user.mapped.local && !user.mapped.existing_account) {
          const UsmtError missing = MissingLocalAccountError(user.mapped.user);
          return Fail(missing.code, missing.message);
        }
      }
    }
    return UsmtReturnCode::kSuccess;
  }

  // The user's target account: local ones found or created; directory-service ones keep the
  // source's uid, which must not be a local account of the target.
  UsmtResult<RestoredUser> Account(const PlannedUser& user) {
    const ProfileRecord& record = user.record;
    RestoredUser restored{{}, record.owner, record.group};
    if (user.mapped.local) {
      std::optional<NewAccountOptions> create;
      if (options_.create_local_accounts) {
        create = NewAccountOptions{options_.local_account_password, options_.enable_local_accounts,
                                   clock_.Now()};
      }
      UsmtResult<EnsuredAccount> ensured =
          EnsureLocalAccount(root_, filesystem_, user.mapped.user, create);
      if (!ensured.ok()) return ensured.error();
      if (ensured->created) {
        log_.Information("created the local account '" + user.mapped.user + "' (" +
                         (options_.enable_local_accounts ? "enabled" : "disabled") + ")");
        Result<LocalAccounts> accounts = LocalAccounts::Read(root_);
        if (!accounts.ok())
          return UsmtError{UsmtReturnCode::kInitError, accounts.status().message()};
        accounts_ = std::move(accounts).value();
      }
      restored.ids = {ensured->account.uid, ensured->account.gid};
      return restored;
    }
    if (!record.uid || !record.gid) {
      return UsmtError{UsmtReturnCode::kUnableDoMigration,
                       record.name + ": the store records no uid for this directory-service user"};
    }
    if (const PasswdEntry* local = accounts_->FindUserById(*record.uid); local != nullptr) {
      return UsmtError{UsmtReturnCode::kUnableDoMigration,
                       user.mapped.name + ": uid " + std::to_string(*record.uid) +
                           " is the local account '" + local->name +
                           "' on the target: the profile is not restored"};
    }
    restored.ids = {*record.uid, *record.gid};
    return restored;
  }

  UsmtReturnCode RestoreUser(const PlannedUser& user) {
    // An existing local account's passwd home, else where /lac creates it or the mapped home.
    const std::string& home = user.mapped.home;
    UsmtResult<RestoredUser> account = Account(user);
    if (!account.ok()) {
      if (Skip(user.mapped.name, StatusFor(account.error()))) return UsmtReturnCode::kSuccess;
      return Fail(account.error().code, account.error().message);
    }
    Result<TargetHome> target = OpenTargetHome(root_, filesystem_, home, account->ids);
    if (!target.ok()) {
      if (Skip(home, target.status())) return UsmtReturnCode::kSuccess;
      return Fail(ApplyReturnCode(target.status()), target.status().message());
    }
    std::optional<HardLinkSource> hard_link;
    std::unique_ptr<RootedDirectory> link_base;
    if (options_.hard_link) {
      Result<CommonFolder> common = FindCommonFolder(location_.directory, target->host_path);
      Result<std::unique_ptr<RootedDirectory>> base =
          common.ok() ? OpenRootedDirectory(common->folder, PathResolution::kAutomatic,
                                            FolderSync::kDeferred)
                      : Result<std::unique_ptr<RootedDirectory>>(common.status());
      if (!base.ok()) return Fail(ApplyReturnCode(base.status()), base.status().message());
      link_base = std::move(base).value();
      const std::string store_prefix = common->first.empty() ? "" : common->first + "/";
      const std::string store_folder = location_.directory;
      hard_link = HardLinkSource{
          link_base.get(), common->second, [this, store_prefix, store_folder](uint64_t index) {
            const std::string path =
                archive::DirectoryStoreContentPath(store_folder, store_->catalog(), index);
            return store_prefix + path.substr(store_folder.size() + 1);
          }};
    }
    log_.Information("restoring " + user.mapped.name + " into '" + home + "'" +
                     (target->created ? " (created)" : ""));
    ProfileRestorer restorer(*store_, *target->directory, *accounts_, *account, log_, hard_link);
    // A home that existed keeps its own mode and time; one made here gets the source's.
    if (target->created && user.record.home_mode && user.record.home_modified) {
      restorer.SetHomeMetadata(
          {.mode = *user.record.home_mode, .modified = *user.record.home_modified});
    }
    Result<ProfileRestoreSummary> summary = restorer.Restore(
        user.root, home,
        [&](const std::string& object, const Status& status) { return Skip(object, status); },
        [&](uint64_t bytes) { Advance(bytes); }, user.selected ? &*user.selected : nullptr);
    if (!summary.ok()) {
      return Fail(ApplyReturnCode(summary.status()), summary.status().message());
    }
    restored_ += summary->restored;
    renamed_ += summary->renamed;
    unchanged_ += summary->unchanged;
    log_.Information(user.mapped.name + ": " + std::to_string(summary->restored) + " written, " +
                     std::to_string(summary->renamed) + " renamed, " +
                     std::to_string(summary->unchanged) + " unchanged, " +
                     std::to_string(summary->skipped) + " skipped");
    return UsmtReturnCode::kSuccess;
  }

  static Status StatusFor(const UsmtError& error) { return InternalError(error.message); }

  void Advance(uint64_t bytes) {
    done_bytes_ += bytes;
    if (total_bytes_ == 0) return;
    const int percent = static_cast<int>(std::min<uint64_t>(99, done_bytes_ * 100 / total_bytes_));
    if (percent != last_percent_) {
      last_percent_ = percent;
      progress_.Percentage(percent);
    }
  }

  const LoadStateOptions& options_;
  Filesystem& filesystem_;
  std::ostream& out_;
  std::ostream& error_;
  const LoadStateContext& context_;
  const Clock& clock_;
  UsmtLog& log_;
  ProgressLog& progress_;
  MachineRoot root_;
  StoreLocation location_;
  std::unique_ptr<OpenedStore> store_;
  std::optional<MigrationRules> rules_;  // only with /i or /config
  std::optional<LocalAccounts> accounts_;
  std::string machine_name_;
  uint64_t total_bytes_ = 0;
  uint64_t done_bytes_ = 0;
  int last_percent_ = -1;
  uint64_t restored_ = 0;
  uint64_t renamed_ = 0;
  uint64_t unchanged_ = 0;
  int ignored_errors_ = 0;
};

}  // namespace

int RunLoadState(const std::vector<std::string>& arguments, Filesystem& filesystem,
                 std::ostream& out, std::ostream& error, const LoadStateContext& context) {
  const CommandLineSyntax syntax = LoadStateSyntax(
      [&](const std::string& path) { return Exists(filesystem, path); }, context.working_directory);
  UsmtResult<LoadStateOptions> options = ParseLoadStateOptions(arguments, syntax);
  if (!options.ok()) {
    error << kProgram << ": " << options.error().message << "\n";
    return ToInt(options.error().code);
  }
  if (options->help) {
    out << LoadStateHelp(syntax);
    return ToInt(UsmtReturnCode::kDisplayHelp);
  }
  std::unique_ptr<Clock> system_clock;
  if (context.clock == nullptr) system_clock = NewSystemClock();
  const Clock& clock = context.clock != nullptr ? *context.clock : *system_clock;
  UsmtLog log(clock, options->verbosity, error);
  ProgressLog progress(clock, context.local_time);
  if (const std::optional<UsmtReturnCode> failed =
          OpenStateToolLogs(kProgram, *options, filesystem, error, log, progress)) {
    return ToInt(*failed);
  }
  log.Information("loadstate " + Join(options->redacted_arguments, " "));
  LoadStateRun run(*options, filesystem, out, error, context, clock, log, progress);
  const UsmtReturnCode code = run.Run();
  log.Information("return code " + std::to_string(ToInt(code)) + " (" + UsmtReturnCodeName(code) +
                  ")");
  progress.Finish(ToInt(code), run.ignored_errors(),
                  code == UsmtReturnCode::kSuccess ? "Success" : UsmtReturnCodeName(code));
  if (const Status closed = progress.Close(); !closed.ok()) {
    error << kProgram << ": warning: the progress log is incomplete: " << closed.message() << "\n";
  }
  if (const Status closed = log.Close(); !closed.ok()) {
    error << kProgram << ": warning: the log is incomplete: " << closed.message() << "\n";
  }
  return ToInt(code);
}

}  // namespace tseq
