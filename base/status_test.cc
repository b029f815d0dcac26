#include "base/status.h"

#include <memory>
#include <string>

#include <doctest/doctest.h>

namespace tseq {
namespace {

Status FailWhen(bool fail) {
  if (fail) return NotFoundError("no such step 'Format'");
  return Status::Ok();
}

Result<int> ParsePositive(int value) {
  if (value <= 0)
    return InvalidArgumentError("value " + std::to_string(value) + " is not positive");
  return value;
}

// Records how far it got, so tests can see that the macros return early.
Status CheckBoth(bool first_fails, bool second_fails, int& reached) {
  reached = 0;
  TSEQ_RETURN_IF_ERROR(FailWhen(first_fails));
  reached = 1;
  TSEQ_RETURN_IF_ERROR(FailWhen(second_fails).WithContext("second"));
  reached = 2;
  return Status::Ok();
}

Result<int> SumOfPositives(int a, int b) {
  TSEQ_ASSIGN_OR_RETURN(const int first, ParsePositive(a));
  int second = 0;
  TSEQ_ASSIGN_OR_RETURN(second, ParsePositive(b));
  return first + second;
}

Result<std::unique_ptr<int>> MakeBox(int value) {
  if (value < 0) return InternalError("negative box");
  return std::make_unique<int>(value);
}

Result<int> Unbox(int value) {
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<int> box, MakeBox(value));
  return *box;
}

TEST_SUITE("StatusCodeName") {
  TEST_CASE("every code has a short lower-case name") {
    CHECK(std::string(StatusCodeName(StatusCode::kOk)) == "ok");
    CHECK(std::string(StatusCodeName(StatusCode::kInvalidArgument)) == "invalid argument");
    CHECK(std::string(StatusCodeName(StatusCode::kNotFound)) == "not found");
    CHECK(std::string(StatusCodeName(StatusCode::kAlreadyExists)) == "already exists");
    CHECK(std::string(StatusCodeName(StatusCode::kPermissionDenied)) == "permission denied");
    CHECK(std::string(StatusCodeName(StatusCode::kFailedPrecondition)) == "failed precondition");
    CHECK(std::string(StatusCodeName(StatusCode::kIoError)) == "I/O error");
    CHECK(std::string(StatusCodeName(StatusCode::kCorruption)) == "corruption");
    CHECK(std::string(StatusCodeName(StatusCode::kTimeout)) == "timeout");
    CHECK(std::string(StatusCodeName(StatusCode::kInternal)) == "internal error");
  }
}

TEST_SUITE("Status") {
  TEST_CASE("a default status is OK with no message") {
    const Status status;
    CHECK(status.ok());
    CHECK(status.code() == StatusCode::kOk);
    CHECK(status.message().empty());
    CHECK(status.ToString() == "OK");
    CHECK(Status::Ok().ok());
  }

  TEST_CASE("each helper builds a status with its code and the message verbatim") {
    CHECK(InvalidArgumentError("a").code() == StatusCode::kInvalidArgument);
    CHECK(NotFoundError("b").code() == StatusCode::kNotFound);
    CHECK(IoError("c").code() == StatusCode::kIoError);
    CHECK(FailedPreconditionError("d").code() == StatusCode::kFailedPrecondition);
    CHECK(PermissionDeniedError("e").code() == StatusCode::kPermissionDenied);
    CHECK(CorruptionError("f").code() == StatusCode::kCorruption);
    CHECK(InternalError("g").code() == StatusCode::kInternal);
    const Status status(StatusCode::kTimeout, "step 'Capture' ran past 90s");
    CHECK_FALSE(status.ok());
    CHECK(status.message() == "step 'Capture' ran past 90s");
    CHECK(status.ToString() == "step 'Capture' ran past 90s");
  }

  TEST_CASE("WithContext prefixes the message and keeps the code") {
    const Status status = IoError("disk full").WithContext("cannot write '/state/run.json'");
    CHECK(status.code() == StatusCode::kIoError);
    CHECK(status.message() == "cannot write '/state/run.json': disk full");
  }

  TEST_CASE("WithContext leaves an OK status OK and empty") {
    const Status status = Status::Ok().WithContext("loading");
    CHECK(status.ok());
    CHECK(status.message().empty());
  }

  TEST_CASE("copies are independent") {
    Status original = NotFoundError("x");
    const Status copy = original;
    original = Status::Ok();
    CHECK(copy.code() == StatusCode::kNotFound);
    CHECK(copy.message() == "x");
    CHECK(original.ok());
  }
}

TEST_SUITE("Result") {
  TEST_CASE("a result built from a value holds it and reports OK") {
    Result<std::string> result = std::string("hello");
    REQUIRE(result.ok());
    CHECK(result.status().ok());
    CHECK(result.value() == "hello");
    CHECK(*result == "hello");
    CHECK(result->size() == 5);
    result.value() += "!";
    CHECK(*result == "hello!");
    const Result<std::string>& constant = result;
    CHECK(constant.value() == "hello!");
    CHECK(*constant == "hello!");
    CHECK(constant->size() == 6);
  }

  TEST_CASE("a result built from an error holds the status") {
    const Result<int> result = CorruptionError("bad checksum in 'store.bin'");
    CHECK_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kCorruption);
    CHECK(result.status().message() == "bad checksum in 'store.bin'");
  }

  TEST_CASE("the value can be moved out of an rvalue result") {
    Result<std::unique_ptr<int>> result = MakeBox(7);
    REQUIRE(result.ok());
    std::unique_ptr<int> box = std::move(result).value();
    REQUIRE(box != nullptr);
    CHECK(*box == 7);
  }
}

TEST_SUITE("TSEQ_RETURN_IF_ERROR") {
  TEST_CASE("continues past OK statuses") {
    int reached = -1;
    CHECK(CheckBoth(false, false, reached).ok());
    CHECK(reached == 2);
  }

  TEST_CASE("returns the first error unchanged") {
    int reached = -1;
    const Status status = CheckBoth(true, false, reached);
    CHECK(reached == 0);
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK(status.message() == "no such step 'Format'");
  }

  TEST_CASE("returns a later error with the context the caller added") {
    int reached = -1;
    const Status status = CheckBoth(false, true, reached);
    CHECK(reached == 1);
    CHECK(status.message() == "second: no such step 'Format'");
  }
}

TEST_SUITE("TSEQ_ASSIGN_OR_RETURN") {
  TEST_CASE("declares or assigns the values when every result is OK") {
    const Result<int> sum = SumOfPositives(2, 3);
    REQUIRE(sum.ok());
    CHECK(*sum == 5);
  }

  TEST_CASE("returns the status of the first failing result") {
    const Result<int> first = SumOfPositives(-1, 3);
    CHECK(first.status().code() == StatusCode::kInvalidArgument);
    CHECK(first.status().message() == "value -1 is not positive");
    const Result<int> second = SumOfPositives(1, 0);
    CHECK(second.status().message() == "value 0 is not positive");
  }

  TEST_CASE("works with move-only values") {
    CHECK(*Unbox(4) == 4);
    CHECK(Unbox(-4).status().message() == "negative box");
  }
}

}  // namespace
}  // namespace tseq
