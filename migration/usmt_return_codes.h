// USMT's return codes (reference/usmt.md §5), shared by scanstate, loadstate and usmtutils, and
// the errors-as-values type their command-line layers return: a code from that table with the
// message to print.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "base/status.h"

namespace tseq {

enum class UsmtReturnCode : int {
  // Success or user cancel.
  kSuccess = 0,          // USMT_SUCCESS: the command did its job
  kDisplayHelp = 1,      // USMT_DISPLAY_HELP: /? or /help printed the help
  kStatusCanceled = 2,   // USMT_STATUS_CANCELED: the user said no (a confirmation, Ctrl+C)
  kWouldHaveFailed = 3,  // USMT_WOULD_HAVE_FAILED: errors were skipped because of /c
  // Invalid command lines.
  kInvalidParameters = 11,    // USMT_INVALID_PARAMETERS: unknown, repeated or conflicting option
  kOptionParamTooLarge = 12,  // USMT_ERROR_OPTION_PARAM_TOO_LARGE: value or path over 256 chars
  kInitLogfileFailed = 13,    // USMT_INIT_LOGFILE_FAILED: the /l log cannot be created
  kUseLac = 14,               // USMT_ERROR_USE_LAC: a local account is missing and /lac not given
  // Setup and initialization.
  kInitError = 26,             // USMT_INIT_ERROR: software malfunction during start-up
  kInvalidStoreLocation = 27,  // USMT_INVALID_STORE_LOCATION: store missing, incomplete, exists
                               // without /o, unreadable, or from an incompatible version
  kUnableGetScriptFiles = 28,  // USMT_UNABLE_GET_SCRIPTFILES: a /i rule file is invalid or missing
  kFailedMigStartup = 29,      // USMT_FAILED_MIGSTARTUP: not enough temporary space, another
                               // migration running, a rule file error
  kUnableFindMigUnits = 31,    // USMT_UNABLE_FINDMIGUNITS: error while discovering what to migrate
  kFailedSetMigrationType = 32,  // USMT_FAILED_SETMIGRATIONTYPE: error setting up the migration
  kUnableReadKey = 33,           // USMT_UNABLE_READKEY: /keyfile unreadable, or the key is empty
  kInsufficientRights = 34,      // USMT_ERROR_INSUFFICIENT_RIGHTS: needs root (e.g. lifting a
                                 // hard-link store's immutable attribute)
  kUnableDeleteStore = 35,       // USMT_UNABLE_DELETE_STORE: the store cannot be removed
  kUnsupportedPlatform = 36,     // USMT_ERROR_UNSUPPORTED_PLATFORM: compliance check failed
  kNoInvalidKey = 37,            // USMT_ERROR_NO_INVALID_KEY: encrypted store, key missing or wrong
  kCorruptedNotEncryptedStore = 38,   // USMT_ERROR_CORRUPTED_NOTENCRYPTED_STORE: error while
                                      // accessing the store (an I/O error reading it)
  kUnableToReadConfigFile = 39,       // USMT_UNABLE_TO_READ_CONFIG_FILE: bad /config file
  kUnableCreateProgressLog = 40,      // USMT_ERROR_UNABLE_CREATE_PROGRESS_LOG: bad /progress file
  kPreflightFileCreationFailed = 41,  // USMT_PREFLIGHT_FILE_CREATION_FAILED: an existing output
                                      // file was not overwritten (no /o), or is in the way
  kCorruptedStore = 42,               // USMT_ERROR_CORRUPTED_STORE: the store holds corrupted data
  // Non-fatal errors.
  kMigrationStoppedNonFatal = 61,  // USMT_MIGRATION_STOPPED_NONFATAL: stopped by an I/O error
  // Fatal errors.
  kInitOperatingEnvironmentFailed = 71,  // USMT_INIT_OPERATING_ENVIRONMENT_FAILED: an OS call
                                         // failed during start-up
  kUnableDoMigration = 72,  // USMT_UNABLE_DOMIGRATION: error while gathering, applying or closing
                            // the store; out of disk space
};

inline int ToInt(UsmtReturnCode code) { return static_cast<int>(code); }

// USMT's name for the code, e.g. "USMT_ERROR_CORRUPTED_STORE".
const char* UsmtReturnCodeName(UsmtReturnCode code);

// The code for a failure reported by the lower layers, by its StatusCode: InvalidArgument 11,
// NotFound, AlreadyExists and FailedPrecondition 27, PermissionDenied 34, Unauthenticated 37,
// Corruption 42, IoError 61, Timeout and Internal 72. OK is 0.
UsmtReturnCode ReturnCodeForStatus(const Status& status);

// The code for a failure opening or reading a store: like ReturnCodeForStatus, except that
// every "cannot use this location" error (NotFound, FailedPrecondition such as an incomplete
// store or a newer format version, AlreadyExists, PermissionDenied, InvalidArgument such as a
// directory where the store file should be) is 27, and an I/O error reading it is 38.
UsmtReturnCode ReturnCodeForStoreStatus(const Status& status);

// A failure of a USMT tool: the return code and the message (without the program name).
struct UsmtError {
  UsmtReturnCode code = UsmtReturnCode::kInvalidParameters;
  std::string message;
};

// A value, or the UsmtError that explains why there is none. The USMT tools' Result<T>.
template <typename T>
class [[nodiscard]] UsmtResult {
 public:
  UsmtResult(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design, like Result
  UsmtResult(UsmtError error) : state_(std::move(error)) {  // NOLINT: implicit by design
    assert(std::get<UsmtError>(state_).code != UsmtReturnCode::kSuccess);
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: !ok().
  const UsmtError& error() const { return std::get<UsmtError>(state_); }
  // REQUIRES: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, UsmtError> state_;
};

}  // namespace tseq
