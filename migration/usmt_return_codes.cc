#include "migration/usmt_return_codes.h"

namespace tseq {

const char* UsmtReturnCodeName(UsmtReturnCode code) {
  switch (code) {
    case UsmtReturnCode::kSuccess:
      return "USMT_SUCCESS";
    case UsmtReturnCode::kDisplayHelp:
      return "USMT_DISPLAY_HELP";
    case UsmtReturnCode::kStatusCanceled:
      return "USMT_STATUS_CANCELED";
    case UsmtReturnCode::kWouldHaveFailed:
      return "USMT_WOULD_HAVE_FAILED";
    case UsmtReturnCode::kInvalidParameters:
      return "USMT_INVALID_PARAMETERS";
    case UsmtReturnCode::kOptionParamTooLarge:
      return "USMT_ERROR_OPTION_PARAM_TOO_LARGE";
    case UsmtReturnCode::kInitLogfileFailed:
      return "USMT_INIT_LOGFILE_FAILED";
    case UsmtReturnCode::kUseLac:
      return "USMT_ERROR_USE_LAC";
    case UsmtReturnCode::kInitError:
      return "USMT_INIT_ERROR";
    case UsmtReturnCode::kInvalidStoreLocation:
      return "USMT_INVALID_STORE_LOCATION";
    case UsmtReturnCode::kUnableGetScriptFiles:
      return "USMT_UNABLE_GET_SCRIPTFILES";
    case UsmtReturnCode::kFailedMigStartup:
      return "USMT_FAILED_MIGSTARTUP";
    case UsmtReturnCode::kUnableFindMigUnits:
      return "USMT_UNABLE_FINDMIGUNITS";
    case UsmtReturnCode::kFailedSetMigrationType:
      return "USMT_FAILED_SETMIGRATIONTYPE";
    case UsmtReturnCode::kUnableReadKey:
      return "USMT_UNABLE_READKEY";
    case UsmtReturnCode::kInsufficientRights:
      return "USMT_ERROR_INSUFFICIENT_RIGHTS";
    case UsmtReturnCode::kUnableDeleteStore:
      return "USMT_UNABLE_DELETE_STORE";
    case UsmtReturnCode::kUnsupportedPlatform:
      return "USMT_ERROR_UNSUPPORTED_PLATFORM";
    case UsmtReturnCode::kNoInvalidKey:
      return "USMT_ERROR_NO_INVALID_KEY";
    case UsmtReturnCode::kCorruptedNotEncryptedStore:
      return "USMT_ERROR_CORRUPTED_NOTENCRYPTED_STORE";
    case UsmtReturnCode::kUnableToReadConfigFile:
      return "USMT_UNABLE_TO_READ_CONFIG_FILE";
    case UsmtReturnCode::kUnableCreateProgressLog:
      return "USMT_ERROR_UNABLE_CREATE_PROGRESS_LOG";
    case UsmtReturnCode::kPreflightFileCreationFailed:
      return "USMT_PREFLIGHT_FILE_CREATION_FAILED";
    case UsmtReturnCode::kCorruptedStore:
      return "USMT_ERROR_CORRUPTED_STORE";
    case UsmtReturnCode::kMigrationStoppedNonFatal:
      return "USMT_MIGRATION_STOPPED_NONFATAL";
    case UsmtReturnCode::kInitOperatingEnvironmentFailed:
      return "USMT_INIT_OPERATING_ENVIRONMENT_FAILED";
    case UsmtReturnCode::kUnableDoMigration:
      return "USMT_UNABLE_DOMIGRATION";
  }
  return "USMT_UNKNOWN";
}

UsmtReturnCode ReturnCodeForStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return UsmtReturnCode::kSuccess;
    case StatusCode::kInvalidArgument:
      return UsmtReturnCode::kInvalidParameters;
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return UsmtReturnCode::kInvalidStoreLocation;
    case StatusCode::kPermissionDenied:
      return UsmtReturnCode::kInsufficientRights;
    case StatusCode::kUnauthenticated:
      return UsmtReturnCode::kNoInvalidKey;
    case StatusCode::kCorruption:
      return UsmtReturnCode::kCorruptedStore;
    case StatusCode::kIoError:
      return UsmtReturnCode::kMigrationStoppedNonFatal;
    case StatusCode::kTimeout:
    case StatusCode::kInternal:
      return UsmtReturnCode::kUnableDoMigration;
  }
  return UsmtReturnCode::kUnableDoMigration;
}

UsmtReturnCode ReturnCodeForStoreStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
    case StatusCode::kInvalidArgument:
      return UsmtReturnCode::kInvalidStoreLocation;
    case StatusCode::kIoError:
      return UsmtReturnCode::kCorruptedNotEncryptedStore;
    default:
      return ReturnCodeForStatus(status);
  }
}

}  // namespace tseq
