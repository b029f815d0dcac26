// Retries of store input and output, for scanstate's and loadstate's /r and /w (USMT: "retries
// for network errors while writing to a server"): a store on an NFS or SMB mount can fail a read
// or write for a moment (EIO, ETIMEDOUT, a reset connection) and work again a second later.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/status.h"
#include "platform/clock.h"
#include "platform/filesystem.h"

namespace tseq {

struct RetryPolicy {
  int retries = 0;                    // further attempts after a failure (/r)
  std::chrono::milliseconds wait{0};  // before each further attempt (/w)
};

// Whether a failure may pass if the operation is tried again: an I/O error (the OS's EIO,
// ETIMEDOUT, ENETUNREACH, ECONNRESET, ...). A missing file, a refusal, corruption, a wrong key or
// a bad argument fail the same way every time and are never retried.
bool IsRetryable(const Status& status);

// Called before each retry with the failure and the number of the attempt to come (2 for the
// first retry).
using RetryObserver = std::function<void(const Status& failure, int next_attempt)>;

// Runs `operation` until it succeeds, fails with a status IsRetryable refuses, or has failed
// 1 + policy.retries times; waits policy.wait on `clock` before each retry. Returns the last
// status. `operation` must be safe to run again after a failure (a positional read is).
Status RunWithRetries(const RetryPolicy& policy, const Clock& clock,
                      const std::function<Status()>& operation, const RetryObserver& on_retry = {});

// What an operation retried under /r and /w needs.
struct RetrySettings {
  RetryPolicy policy;            // none by default
  const Clock* clock = nullptr;  // required when policy.retries > 0; must outlive the user
  RetryObserver on_retry;        // learns each failure that is retried
};

// RunWithRetries under `settings`; just `operation` once when they allow no retry.
Status RunWithRetries(const RetrySettings& settings, const std::function<Status()>& operation);

// The same for an operation that returns a Result<T> (an open, a read): its last result.
template <typename Operation>
requires(!std::is_same_v<std::invoke_result_t<const Operation&>, Status>) auto RunWithRetries(
    const RetrySettings& settings, const Operation& operation) -> decltype(operation()) {
  std::optional<decltype(operation())> result;
  (void)RunWithRetries(settings, std::function<Status()>([&]() {
                         result.emplace(operation());
                         return result->ok() ? Status() : result->status();
                       }));
  return std::move(*result);  // the operation ran at least once
}

// `file` with ReadAt and Size retried under `settings`: a positional read that failed is simply
// made again. ReadAt may still run on several threads at once; `settings.on_retry` is called under
// a lock. Without retries (policy.retries <= 0) returns `file` as it is.
std::unique_ptr<ReadableFile> WithReadRetries(std::unique_ptr<ReadableFile> file,
                                              RetrySettings settings);

}  // namespace tseq
