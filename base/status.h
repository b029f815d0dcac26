// Status and Result<T>: errors as values at module boundaries.
//
// A Status is either OK or carries a code and a human-readable message. The message is user
// interface: it names the file, line, value or option that is wrong, and tests assert it verbatim.
// Result<T> holds either a value or a non-OK Status. Both are cheap to move and safe to copy.
// Neither type is thread-safe for concurrent mutation; const access from many threads is fine.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace tseq {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from the user: a file, an option, a value
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kPermissionDenied,    // the OS or a policy refused
  kFailedPrecondition,  // the machine is not in a state where the operation can run
  kIoError,             // the OS reported an I/O failure
  kCorruption,          // stored data failed a check
  kTimeout,             // an operation ran past its deadline
  kUnauthenticated,     // a key or credential is missing or wrong
  kInternal,            // a bug: an invariant did not hold
};

// Returns a short lower-case name for `code`, e.g. "not found".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != StatusCode::kOk);
  }

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // The message; empty for OK.
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "CONTEXT: MESSAGE". OK stays OK.
  Status WithContext(const std::string& context) const;

  // "OK", or the message.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
inline Status NotFoundError(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message));
}
inline Status IoError(std::string message) {
  return Status(StatusCode::kIoError, std::move(message));
}
inline Status FailedPreconditionError(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
inline Status PermissionDeniedError(std::string message) {
  return Status(StatusCode::kPermissionDenied, std::move(message));
}
inline Status CorruptionError(std::string message) {
  return Status(StatusCode::kCorruption, std::move(message));
}
inline Status UnauthenticatedError(std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message));
}
inline Status InternalError(std::string message) {
  return Status(StatusCode::kInternal, std::move(message));
}

// Result<T>: a value, or the Status that explains why there is none.
// REQUIRES: a Result is never built from an OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design, like std::optional
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // The error; an OK Status when there is a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace tseq

#define TSEQ_STATUS_CONCAT_INNER(a, b) a##b
#define TSEQ_STATUS_CONCAT(a, b) TSEQ_STATUS_CONCAT_INNER(a, b)

// Evaluates an expression yielding a Status and returns it from the calling function if not OK.
#define TSEQ_RETURN_IF_ERROR(expression)         \
  do {                                           \
    ::tseq::Status tseq_status_ = (expression);  \
    if (!tseq_status_.ok()) return tseq_status_; \
  } while (false)

// Declares or assigns `lhs` from a Result-yielding expression, returning its Status on error.
#define TSEQ_ASSIGN_OR_RETURN(lhs, expression) \
  TSEQ_ASSIGN_OR_RETURN_IMPL(TSEQ_STATUS_CONCAT(tseq_result_, __LINE__), lhs, expression)
// `result` is a name and `lhs` may be a declaration ("const auto x"): neither can be
// parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TSEQ_ASSIGN_OR_RETURN_IMPL(result, lhs, expression) \
  auto result = (expression);                               \
  if (!result.ok()) return result.status();                 \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)
