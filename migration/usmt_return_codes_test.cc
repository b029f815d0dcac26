#include "migration/usmt_return_codes.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

TEST_SUITE("USMT return codes") {
  TEST_CASE("have USMT's numbers and names") {
    CHECK(ToInt(UsmtReturnCode::kInvalidParameters) == 11);
    CHECK(ToInt(UsmtReturnCode::kNoInvalidKey) == 37);
    CHECK(ToInt(UsmtReturnCode::kCorruptedStore) == 42);
    CHECK(ToInt(UsmtReturnCode::kUnableDoMigration) == 72);
    CHECK(std::string(UsmtReturnCodeName(UsmtReturnCode::kCorruptedStore)) ==
          "USMT_ERROR_CORRUPTED_STORE");
    CHECK(std::string(UsmtReturnCodeName(UsmtReturnCode::kPreflightFileCreationFailed)) ==
          "USMT_PREFLIGHT_FILE_CREATION_FAILED");
  }

  TEST_CASE("map the archive's failures to USMT's codes") {
    CHECK(ReturnCodeForStatus(Status::Ok()) == UsmtReturnCode::kSuccess);
    CHECK(ReturnCodeForStatus(UnauthenticatedError("k")) == UsmtReturnCode::kNoInvalidKey);
    CHECK(ReturnCodeForStatus(CorruptionError("c")) == UsmtReturnCode::kCorruptedStore);
    CHECK(ReturnCodeForStatus(NotFoundError("n")) == UsmtReturnCode::kInvalidStoreLocation);
    CHECK(ReturnCodeForStatus(FailedPreconditionError("newer")) ==
          UsmtReturnCode::kInvalidStoreLocation);
    CHECK(ReturnCodeForStatus(InvalidArgumentError("a")) == UsmtReturnCode::kInvalidParameters);
    CHECK(ReturnCodeForStatus(PermissionDeniedError("p")) == UsmtReturnCode::kInsufficientRights);
    CHECK(ReturnCodeForStatus(IoError("i")) == UsmtReturnCode::kMigrationStoppedNonFatal);
    CHECK(ReturnCodeForStatus(InternalError("x")) == UsmtReturnCode::kUnableDoMigration);
  }

  TEST_CASE("for a store, any unusable location is 27 and a read error 38") {
    CHECK(ReturnCodeForStoreStatus(PermissionDeniedError("p")) ==
          UsmtReturnCode::kInvalidStoreLocation);
    CHECK(ReturnCodeForStoreStatus(InvalidArgumentError("a directory")) ==
          UsmtReturnCode::kInvalidStoreLocation);
    CHECK(ReturnCodeForStoreStatus(IoError("i")) == UsmtReturnCode::kCorruptedNotEncryptedStore);
    CHECK(ReturnCodeForStoreStatus(UnauthenticatedError("k")) == UsmtReturnCode::kNoInvalidKey);
    CHECK(ReturnCodeForStoreStatus(CorruptionError("c")) == UsmtReturnCode::kCorruptedStore);
  }
}

}  // namespace
}  // namespace tseq
