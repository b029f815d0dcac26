#include "migration/scanstate.h"

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <system_error>
#include <utility>

#include <unistd.h>

#include "base/strings.h"
#include "migration/capture_destination.h"
#include "migration/migration_rules.h"
#include "migration/profile_walker.h"
#include "migration/scanstate_collect.h"
#include "migration/scanstate_options.h"
#include "migration/state_tool_setup.h"
#include "migration/user_selection.h"
#include "migration/usmt_log.h"
#include "platform/machine_root.h"

namespace tseq {
namespace {

constexpr char kProgram[] = "scanstate";

// Threads linking files ahead of the collector in a hard-link capture (LinkAhead). On 2 cores a
// capture of 47,000 files took 1.45 s with the collector linking each file itself, and about
// 1.0 s with 2, 3 or 4 threads (within 5% of one another): the work is system calls that contend
// for folder locks and inode tables in the kernel, so a thread more than the cores helps a little
// while another waits.
constexpr size_t kLinkThreads = 3;

// The plaintext per block of a compressed store: twice the format's default. Each block is
// compressed on its own, so zstd starts every block without history; on a 545 MB capture of
// home folders 2 MiB blocks took 5% less zstd time and made the store 5.5% smaller than 1 MiB
// ones (4 MiB: 6% and 9%, but twice the blocks' memory again). docs/store-format.md, "Writing".
constexpr uint32_t kCaptureBlockSize = 2 * archive::kDefaultBlockSize;

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

std::string CurrentDirectory() {
  std::string buffer(4096, '\0');
  if (::getcwd(buffer.data(), buffer.size()) == nullptr) return "/";
  buffer.resize(std::char_traits<char>::length(buffer.c_str()));
  return buffer;
}

std::string Plural(uint64_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

class ScanStateRun {
 public:
  ScanStateRun(const ScanStateOptions& options, Filesystem& filesystem, std::ostream& out,
               std::ostream& error, const ScanStateContext& context, const Clock& clock,
               UsmtLog& log, ProgressLog& progress)
      : options_(options),
        filesystem_(filesystem),
        out_(out),
        error_(error),
        context_(context),
        clock_(clock),
        log_(log),
        progress_(progress),
        errors_(options.continue_on_error, log, progress),
        root_(options.root, filesystem) {}

  // Returns the code and, for a failure, has reported it.
  UsmtReturnCode Run() {
    working_directory_ =
        context_.working_directory.empty() ? CurrentDirectory() : context_.working_directory;
    if (options_.list_files_file) {
      Result<std::unique_ptr<WritableFile>> list =
          filesystem_.CreateFile(*options_.list_files_file, 0644, CreateMode::kTruncate);
      if (!list.ok()) {
        return Fail(UsmtReturnCode::kInvalidParameters,
                    "cannot create the /listfiles file: " + list.status().message());
      }
      list_file_ = std::move(list).value();
    }
    if (!options_.generate_config_file) {
      progress_.Program(kProgram, ComputerName(),
                        std::string(kProgram) + " " + Join(options_.redacted_arguments, " "));
      progress_.Phase("Initializing");
    }
    UsmtResult<MigrationRules> rules = LoadMigrationRules(options_, filesystem_, log_);
    if (!rules.ok()) return Fail(rules.error().code, rules.error().message);
    if (options_.generate_config_file) return GenerateConfig(*rules);
    rules_ = std::move(rules).value();
    UsmtResult<std::string> key = ReadStoreKey(options_.encryption, filesystem_);
    if (!key.ok()) return Fail(key.error().code, key.error().message);
    const std::string store = HostPath(options_.store);
    bool store_exists = false;
    if (!options_.estimate_space) {
      if (options_.store.starts_with("https://") || options_.store.starts_with("http://")) {
        return Fail(UsmtReturnCode::kInvalidStoreLocation,
                    "cannot write to '" + options_.store +
                        "': this scanstate writes stores to folders only, not to a State "
                        "Migration Point");
      }
      const ExistingStore existing = FindExistingStore(filesystem_, store);
      if (existing.is_protected) {
        return Fail(UsmtReturnCode::kUnableDeleteStore,
                    "'" + options_.store +
                        "' holds a protected hard-link store, which scanstate never replaces: "
                        "remove it first with usmtutils /rd " +
                        options_.store);
      }
      if (existing.exists && !options_.overwrite) {
        return Fail(UsmtReturnCode::kInvalidStoreLocation,
                    "a store already exists at '" + options_.store + "' (give /o to replace it)");
      }
      store_exists = existing.exists;
    }
    progress_.Phase("Scanning");
    // An encrypted store's key derivation is slow by design (scrypt): a new store is created
    // while the profiles are walked. A failed walk drops it, which leaves no store; an old store
    // is only ever replaced after a good walk.
    std::future<Result<std::unique_ptr<CaptureDestination>>> early_destination;
    const auto create_early = [&] {
      if (options_.estimate_space || !options_.encryption.enabled || store_exists) return;
      try {
        early_destination =
            std::async(std::launch::async, [this, &store, options = DestinationOptions(*key)] {
              return CreateCaptureDestination(filesystem_, store, options);
            });
      } catch (const std::system_error&) {
        // No thread to spare: the store is created after the walk, as without encryption.
      }
    };
    UsmtResult<std::vector<WalkedProfile>> walked = Scan(store, create_early);
    if (!walked.ok()) return Fail(walked.error().code, walked.error().message);
    if (options_.estimate_space) return Estimate(*walked);
    return Capture(store, *walked, *key, std::move(early_destination));
  }

  int ignored_errors() const { return errors_.ignored(); }
  // The message of the failure Run reported.
  const std::string& failure_message() const { return failure_message_; }
  WritableFile* list_file() { return list_file_.get(); }

 private:
  UsmtReturnCode Fail(UsmtReturnCode code, const std::string& message) {
    error_ << kProgram << ": " << message << "\n";
    log_.Error(message);
    failure_message_ = message;
    return code;
  }

  std::string HostPath(const std::string& path) const {
    return NormalizeAbsolutePath(path.starts_with("/") ? path : working_directory_ + "/" + path);
  }

  UsmtReturnCode GenerateConfig(const MigrationRules& rules) {
    const std::string& path = *options_.generate_config_file;
    if (Exists(filesystem_, path) && !options_.overwrite) {
      return Fail(UsmtReturnCode::kPreflightFileCreationFailed,
                  "the config file '" + path + "' already exists (give /o to replace it)");
    }
    if (const Status written = filesystem_.WriteFileAtomically(path, rules.GenerateConfig(), 0644);
        !written.ok()) {
      return Fail(UsmtReturnCode::kPreflightFileCreationFailed,
                  "cannot write the config file: " + written.message());
    }
    size_t components = 0;
    for (const RuleFile& file : rules.files()) components += file.components.size();
    out_ << "Wrote the config file '" << path << "' (" << Plural(components, "component") << ").\n";
    log_.Information("wrote the config file '" + path + "'");
    return UsmtReturnCode::kSuccess;
  }

  // The machine's name for the progress log's first line, before discovery reads it again.
  std::string ComputerName() const {
    const Result<std::string> host = root_.Resolve("/etc/hostname", SymlinkPolicy::kFollow);
    const Result<std::string> text =
        host.ok() ? filesystem_.ReadFile(*host) : Result<std::string>(host.status());
    const std::string name = text.ok() ? MachineNameFromHostname(*text) : "";
    return name.empty() ? context_.fallback_machine_name : name;
  }

  // The store and the tool's own output files, each as given (made absolute) and with symlinks
  // resolved, so that a store reached through a symlinked folder is still recognised.
  std::vector<std::string> ExcludedPaths(const std::string& store) const {
    std::vector<std::string> excluded;
    const auto add = [&excluded](const std::string& path) {
      excluded.push_back(path);
      std::error_code error;
      const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, error);
      if (!error && canonical.string() != path) excluded.push_back(canonical.string());
    };
    add(store);
    for (const std::optional<std::string>* file :
         {&options_.log_file, &options_.progress_file, &options_.list_files_file}) {
      if (file->has_value()) add(HostPath(**file));
    }
    return excluded;
  }

  // Discovers and walks the profiles; `on_discovered` is called once the machine's name is known,
  // before the walk.
  UsmtResult<std::vector<WalkedProfile>> Scan(const std::string& store,
                                              const std::function<void()>& on_discovered) {
    // A home that is or lies inside the store is no profile; one that holds it is, and the
    // walker leaves the store out.
    const std::vector<std::string> excluded = ExcludedPaths(store);
    ProfileDiscoveryOptions discovery_options;
    discovery_options.excluded_host_paths = excluded;
    discovery_options.fallback_machine_name = context_.fallback_machine_name;
    Result<DiscoveredProfiles> discovered = DiscoverProfiles(root_, discovery_options);
    Result<LocalAccounts> accounts =
        discovered.ok() ? LocalAccounts::Read(root_) : Result<LocalAccounts>(discovered.status());
    if (!accounts.ok()) {
      return UsmtError{UsmtReturnCode::kUnableFindMigUnits,
                       "cannot discover the profiles of '" + root_.directory() +
                           "': " + accounts.status().message()};
    }
    accounts_ = std::move(accounts).value();
    machine_name_ = discovered->machine_name;
    on_discovered();
    for (const std::string& warning : discovered->warnings) log_.Warning(warning);
    Result<UserSelector> selector =
        UserSelector::Create(options_.users, machine_name_, clock_.Now());
    if (!selector.ok()) {
      return UsmtError{UsmtReturnCode::kInvalidParameters, selector.status().message()};
    }
    // The capture opens each file once: the walk only examines them.
    const ProfileWalker& walker =
        walker_.emplace(filesystem_, Metadata(), *accounts_,
                        ProfileWalkOptions{.excluded_host_paths = excluded,
                                           .same_filesystem_only = options_.local_only,
                                           .defer_file_metadata = true},
                        log_);
    std::vector<WalkedProfile> walked;
    for (const Profile& profile : discovered->profiles) {
      const UserDecision decision = selector->Decide(CandidateFor(profile));
      progress_.DetectedUser(profile.name, decision.included);
      log_.Information("user " + profile.name + " (" + profile.home + "): " +
                       (decision.included ? "captured, " : "not captured, ") + decision.reason);
      if (!decision.included) continue;
      Result<UserDirectories> directories = ReadUserDirectories(
          filesystem_, profile.host_home + "/.config/user-dirs.dirs", profile.home);
      if (!directories.ok()) {
        log_.Warning(directories.status().message() + "; using the default user folders");
        directories = UserDirectories();
      }
      const CompiledRules compiled(*rules_, *directories);
      Result<ProfileWalk> walk =
          walker.Walk(profile.host_home, profile.home, compiled,
                      [&](const std::string& object, const Status& status) {
                        return errors_.Handle("UnableToOpen", object, status);
                      });
      if (!walk.ok()) {
        return UsmtError{UsmtReturnCode::kMigrationStoppedNonFatal,
                         "processing stopped due to an I/O error: " + walk.status().message() +
                             " (give /c to skip such errors)"};
      }
      log_.Information(profile.name + ": " + Plural(walk->file_count, "file") + ", " +
                       Plural(walk->total_bytes, "byte") + " to capture");
      walked.push_back({profile, std::move(walk).value()});
    }
    uint64_t total = 0;
    for (const WalkedProfile& profile : walked) total += profile.walk.total_bytes;
    progress_.TotalSize(total);
    return walked;
  }

  UsmtReturnCode Estimate(const std::vector<WalkedProfile>& walked) {
    const auto [bytes, files] = EstimateStore(walked);
    if (options_.estimate_file) {
      if (const Status written =
              filesystem_.WriteFileAtomically(*options_.estimate_file, EstimateXml(bytes), 0644);
          !written.ok()) {
        return Fail(UsmtReturnCode::kPreflightFileCreationFailed,
                    "cannot write the estimate: " + written.message());
      }
    }
    out_ << "Estimated store size: " << Plural(bytes, "byte") << " for " << Plural(files, "file")
         << " of " << Plural(walked.size(), "profile") << ".\n";
    log_.Information("estimated store size: " + std::to_string(bytes) + " bytes");
    return errors_.ignored() > 0 ? UsmtReturnCode::kWouldHaveFailed : UsmtReturnCode::kSuccess;
  }

  // What the store is created with.
  CaptureDestinationOptions DestinationOptions(const std::string& key) const {
    CaptureDestinationOptions destination_options;
    destination_options.kind = options_.hard_link     ? StoreKind::kHardLink
                               : options_.no_compress ? StoreKind::kDirectory
                                                      : StoreKind::kCompressed;
    destination_options.writer.encryption =
        options_.encryption.enabled ? archive::Encryption::kAes256Gcm : archive::Encryption::kNone;
    if (context_.scrypt) destination_options.writer.scrypt = *context_.scrypt;
    destination_options.writer.block_size = kCaptureBlockSize;
    destination_options.writer.threads = context_.threads;
    destination_options.writer.created_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    destination_options.key = key;
    destination_options.retry = StoreRetrySettings(options_, "writing", clock_, log_);
    destination_options.properties = {{"program", kProgram},
                                      {"machine", machine_name_},
                                      {"command_line", Join(options_.redacted_arguments, " ")}};
    return destination_options;
  }

  // Writes the store: into `early` when it was created during the walk (there was no old store).
  UsmtReturnCode Capture(const std::string& store, const std::vector<WalkedProfile>& walked,
                         const std::string& key,
                         std::future<Result<std::unique_ptr<CaptureDestination>>> early) {
    if (options_.overwrite && !early.valid()) {
      if (const Status removed = RemoveStoreContents(filesystem_, store); !removed.ok()) {
        return Fail(UsmtReturnCode::kUnableDeleteStore,
                    "cannot remove the old store: " + removed.message());
      }
    }
    Result<std::unique_ptr<CaptureDestination>> destination =
        early.valid() ? early.get()
                      : CreateCaptureDestination(filesystem_, store, DestinationOptions(key));
    if (!destination.ok()) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation,
                  "cannot create the store: " + destination.status().message());
    }
    const CollectionSettings settings{machine_name_, &clock_, list_file_.get(), kLinkThreads};
    const CollectionSummary summary =
        CollectProfiles(walked, *walker_, **destination, settings, errors_, progress_, log_);
    if (summary.code != UsmtReturnCode::kSuccess) return Fail(summary.code, summary.message);
    out_ << "Captured " << Plural(summary.files, "file") << " (" << Plural(summary.bytes, "byte")
         << ") of " << Plural(walked.size(), "profile") << " into the "
         << StoreKindName((*destination)->kind()) << " store at '" << options_.store << "'.\n";
    if (errors_.ignored() > 0) {
      out_ << Plural(static_cast<uint64_t>(errors_.ignored()), "error")
           << " skipped because of /c: see the log.\n";
      return UsmtReturnCode::kWouldHaveFailed;
    }
    return UsmtReturnCode::kSuccess;
  }

  const MetadataReader& Metadata() {
    if (context_.metadata != nullptr) return *context_.metadata;
    if (!posix_metadata_) posix_metadata_ = NewPosixMetadataReader();
    return *posix_metadata_;
  }

  const ScanStateOptions& options_;
  Filesystem& filesystem_;
  std::ostream& out_;
  std::ostream& error_;
  const ScanStateContext& context_;
  const Clock& clock_;
  UsmtLog& log_;
  ProgressLog& progress_;
  CaptureErrors errors_;
  MachineRoot root_;
  std::string working_directory_;
  std::string machine_name_;
  std::optional<MigrationRules> rules_;
  std::optional<LocalAccounts> accounts_;
  std::string failure_message_;
  std::unique_ptr<WritableFile> list_file_;
  std::unique_ptr<MetadataReader> posix_metadata_;
  std::optional<ProfileWalker> walker_;  // Scan's, which Capture opens the files with
};

}  // namespace

int RunScanState(const std::vector<std::string>& arguments, Filesystem& filesystem,
                 std::ostream& out, std::ostream& error, const ScanStateContext& context) {
  const CommandLineSyntax syntax = ScanStateSyntax(
      [&](const std::string& path) { return Exists(filesystem, path); }, context.working_directory);
  UsmtResult<ScanStateOptions> options = ParseScanStateOptions(arguments, syntax);
  if (!options.ok()) {
    error << kProgram << ": " << options.error().message << "\n";
    if (options.error().message.starts_with("the store parameter is required")) {
      error << ScanStateUsage();
    }
    return ToInt(options.error().code);
  }
  if (options->help) {
    out << ScanStateHelp(syntax);
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
  log.Information("scanstate " + Join(options->redacted_arguments, " "));
  ScanStateRun run(*options, filesystem, out, error, context, clock, log, progress);
  const UsmtReturnCode code = run.Run();
  if (WritableFile* list = run.list_file(); list != nullptr) {
    if (const Status closed = list->Close(); !closed.ok()) {
      error << kProgram << ": warning: the /listfiles file is incomplete: " << closed.message()
            << "\n";
    }
  }
  std::string message = "Successful run";
  if (code == UsmtReturnCode::kWouldHaveFailed) {
    message =
        Plural(static_cast<uint64_t>(run.ignored_errors()), "error") + " skipped because of /c";
  } else if (code != UsmtReturnCode::kSuccess) {
    message = run.failure_message();
  }
  progress.Finish(ToInt(code), run.ignored_errors(), message);
  log.Information("return code " + std::to_string(ToInt(code)) + " (" + UsmtReturnCodeName(code) +
                  ")");
  if (const Status closed = progress.Close(); !closed.ok()) {
    error << kProgram << ": warning: the progress log is incomplete: " << closed.message() << "\n";
  }
  if (const Status closed = log.Close(); !closed.ok()) {
    error << kProgram << ": warning: the log is incomplete: " << closed.message() << "\n";
  }
  return ToInt(code);
}

}  // namespace tseq
