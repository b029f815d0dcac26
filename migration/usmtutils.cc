#include "migration/usmtutils.h"

#include "archive/directory_store.h"
#include "base/strings.h"
#include "migration/state_tool_setup.h"
#include "migration/store_access.h"
#include "migration/store_extraction.h"
#include "migration/store_verification.h"
#include "migration/usmt_log.h"
#include "migration/usmtutils_options.h"

namespace tseq {
namespace {

constexpr char kProgram[] = "usmtutils";

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

class UsmtUtilsRun {
 public:
  UsmtUtilsRun(const UsmtUtilsOptions& options, Filesystem& filesystem, std::ostream& out,
               std::ostream& error, const UsmtUtilsContext& context, UsmtLog& log)
      : options_(options),
        filesystem_(filesystem),
        out_(out),
        error_(error),
        context_(context),
        log_(log) {}

  UsmtReturnCode Run() {
    switch (options_.command) {
      case UsmtUtilsCommand::kVerify:
        return Verify();
      case UsmtUtilsCommand::kExtract:
        return Extract();
      case UsmtUtilsCommand::kRemoveStore:
        return RemoveStore();
      case UsmtUtilsCommand::kListAlgorithms:
        for (const std::string& algorithm : SupportedEncryptionAlgorithms()) {
          out_ << algorithm << "\n";
        }
        return UsmtReturnCode::kSuccess;
    }
    return UsmtReturnCode::kInitError;
  }

 private:
  // Prints and logs an error; returns `code`.
  UsmtReturnCode Fail(UsmtReturnCode code, const std::string& message) {
    Report(message);
    return code;
  }
  void Report(const std::string& message) {
    error_ << kProgram << ": " << message << "\n";
    log_.Error(message);
  }

  // A store error's message, with what to do about a missing key.
  std::string StoreMessage(const Status& status) const {
    if (status.code() == StatusCode::kUnauthenticated && !options_.decrypt) {
      return status.message() + " (give /decrypt with /key or /keyfile)";
    }
    return status.message();
  }

  // The key text: /key as given, /keyfile's content without one trailing newline, or empty
  // without /decrypt. 33 when the file cannot be read or the key is empty.
  UsmtResult<std::string> ReadKey() {
    StoreEncryption encryption;
    encryption.enabled = options_.decrypt;
    encryption.key = options_.key;
    encryption.key_file = options_.key_file;
    return ReadStoreKey(encryption, filesystem_);
  }

  UsmtReturnCode Verify() {
    UsmtResult<std::string> key = ReadKey();
    if (!key.ok()) return Fail(key.error().code, key.error().message);
    const StoreLocation location = LocateStore(filesystem_, options_.store);
    log_.Record(UsmtLogLevel::kStatus, "verifying the store at '" + options_.store + "'");
    const StoreVerification verification =
        VerifyAnyStore(filesystem_, location, *key, context_.threads);
    out_ << FormatVerificationReport(verification, options_.report);
    if (!verification.catalog.ok()) Report(StoreMessage(verification.catalog));
    for (const Status& problem : verification.problems) Report(problem.message());
    if (log_.verbose()) {
      for (size_t i = 0; i < verification.names.size(); ++i) {
        log_.Verbose(verification.names[i] + (verification.corrupted[i] ? ": CORRUPTED" : ": OK"));
      }
    }
    if (verification.catalog.ok()) {
      log_.Information("verified '" + verification.store_path +
                       "': " + std::to_string(verification.intact) + " intact, " +
                       std::to_string(verification.corrupted_count) + " corrupted");
    }
    return VerificationReturnCode(verification);
  }

  UsmtReturnCode Extract() {
    UsmtResult<std::string> key = ReadKey();
    if (!key.ok()) return Fail(key.error().code, key.error().message);
    const StoreLocation location = LocateStore(filesystem_, options_.store);
    Result<std::unique_ptr<OpenedStore>> store =
        OpenedStore::Open(filesystem_, location, *key, context_.threads);
    if (!store.ok()) {
      return Fail(ReturnCodeForStoreStatus(store.status()), StoreMessage(store.status()));
    }
    ExtractionTarget target(filesystem_, options_.destination, options_.overwrite,
                            context_.open_destination);
    if (const Status prepared = target.Prepare(); !prepared.ok()) {
      return Fail(UsmtReturnCode::kPreflightFileCreationFailed,
                  "cannot extract to '" + options_.destination + "': " + prepared.message());
    }
    log_.Record(UsmtLogLevel::kStatus,
                "extracting '" + (*store)->path() + "' to '" + options_.destination + "'");
    const ExtractionSummary summary = ExtractStore(
        **store, target, {options_.include_patterns, options_.exclude_patterns},
        [&](const std::string& message) { error_ << kProgram << ": " << message << "\n"; }, log_);
    out_ << FormatExtractionSummary(summary);
    log_.Information("extracted " + std::to_string(summary.extracted) + " entries, " +
                     std::to_string(summary.not_extracted) + " not extracted, " +
                     std::to_string(summary.not_selected) + " not selected");
    return summary.code;
  }

  // The store folder /rd removes: the argument, or the folder of a USMT/USMT.MIG or
  // USMT/catalog.mig it names. Empty for a .MIG file elsewhere.
  std::string StoreFolder() const {
    const std::string& store = options_.store;
    if (store.size() >= 4 && EqualsIgnoreCase(store.substr(store.size() - 4), ".mig")) {
      return LocateStore(filesystem_, store).directory;
    }
    std::string folder = store;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    return folder;
  }

  // Asks on the terminal; false when the answer is not yes.
  bool Confirm(const std::string& folder) {
    out_ << "Remove the state store at '" << folder << "'? [y/N] " << std::flush;
    const std::optional<std::string> answer =
        context_.read_line ? context_.read_line() : std::nullopt;
    if (!answer) out_ << "\n";
    const std::string_view text = answer ? TrimWhitespace(*answer) : std::string_view();
    return EqualsIgnoreCase(text, "y") || EqualsIgnoreCase(text, "yes");
  }

  UsmtReturnCode RemoveStore() {
    const std::string folder = StoreFolder();
    if (folder.empty()) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation,
                  "'" + options_.store +
                      "' is a store file, not a store folder: /rd removes "
                      "store folders");
    }
    const Result<FileInfo> info = filesystem_.Stat(folder, SymlinkPolicy::kDoNotFollow);
    if (!info.ok()) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation,
                  info.status().code() == StatusCode::kNotFound ? "no store at '" + folder + "'"
                                                                : info.status().message());
    }
    if (info->type == FileType::kSymlink) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation,
                  "'" + folder + "' is a symlink: give the store folder itself");
    }
    if (info->type != FileType::kDirectory) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation, "'" + folder + "' is not a folder");
    }
    const bool is_protected = archive::IsProtectedStore(filesystem_, folder);
    // The same test as archive::RemoveStore's: a folder that fails it is refused there, with
    // its message, before anything is asked or changed.
    const bool is_store =
        is_protected ||
        Exists(filesystem_, folder + "/" + std::string(archive::kCatalogFileName)) ||
        Exists(filesystem_, archive::StoreFilePath(folder));
    if (is_store && !options_.yes) {
      if (!context_.stdin_is_terminal || !context_.stdin_is_terminal()) {
        return Fail(UsmtReturnCode::kInvalidParameters,
                    "/rd needs /y when not run from a terminal");
      }
      if (!Confirm(folder)) {
        return Fail(UsmtReturnCode::kStatusCanceled, "the store at '" + folder + "' was kept");
      }
    }
    if (is_protected) {
      const Status unprotected = archive::UnprotectStore(filesystem_, folder);
      if (unprotected.code() == StatusCode::kPermissionDenied) {
        return Fail(UsmtReturnCode::kInsufficientRights,
                    unprotected.message() +
                        " (lifting a hard-link store's protection needs root: "
                        "CAP_LINUX_IMMUTABLE)");
      }
      if (!unprotected.ok()) {
        return Fail(UsmtReturnCode::kUnableDeleteStore, unprotected.message());
      }
    }
    const Status removed = archive::RemoveStore(filesystem_, folder);
    if (removed.code() == StatusCode::kFailedPrecondition) {
      return Fail(UsmtReturnCode::kInvalidStoreLocation, removed.message());
    }
    if (!removed.ok()) return Fail(UsmtReturnCode::kUnableDeleteStore, removed.message());
    out_ << "Removed the state store at '" << folder << "'.\n";
    log_.Information("removed the state store at '" + folder + "'");
    return UsmtReturnCode::kSuccess;
  }

  const UsmtUtilsOptions& options_;
  Filesystem& filesystem_;
  std::ostream& out_;
  std::ostream& error_;
  const UsmtUtilsContext& context_;
  UsmtLog& log_;
};

}  // namespace

int RunUsmtUtils(const std::vector<std::string>& arguments, Filesystem& filesystem,
                 std::ostream& out, std::ostream& error, const UsmtUtilsContext& context) {
  const CommandLineSyntax syntax = UsmtUtilsSyntax(
      [&](const std::string& path) { return Exists(filesystem, path); }, context.working_directory);
  UsmtResult<UsmtUtilsOptions> options = ParseUsmtUtilsOptions(arguments, syntax);
  if (!options.ok()) {
    error << kProgram << ": " << options.error().message << "\n";
    if (arguments.empty() || options.error().message.starts_with("no command")) {
      error << UsmtUtilsUsage();
    }
    return ToInt(options.error().code);
  }
  if (options->help) {
    out << UsmtUtilsHelp(syntax);
    return ToInt(UsmtReturnCode::kDisplayHelp);
  }
  std::unique_ptr<Clock> system_clock;
  if (context.clock == nullptr) system_clock = NewSystemClock();
  UsmtLog log(context.clock != nullptr ? *context.clock : *system_clock, options->verbosity, error);
  if (options->log_file) {
    if (const Status opened = log.Open(filesystem, *options->log_file); !opened.ok()) {
      error << kProgram << ": cannot create the log file: " << opened.message() << "\n";
      return ToInt(UsmtReturnCode::kInitLogfileFailed);
    }
  }
  log.Information("usmtutils " + Join(options->redacted_arguments, " "));
  const UsmtReturnCode code = UsmtUtilsRun(*options, filesystem, out, error, context, log).Run();
  log.Information("return code " + std::to_string(ToInt(code)) + " (" + UsmtReturnCodeName(code) +
                  ")");
  if (const Status closed = log.Close(); !closed.ok()) {
    error << kProgram << ": warning: the log is incomplete: " << closed.message() << "\n";
  }
  return ToInt(code);
}

}  // namespace tseq
