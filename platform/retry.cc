#include "platform/retry.h"

namespace tseq {

bool IsRetryable(const Status& status) { return status.code() == StatusCode::kIoError; }

Status RunWithRetries(const RetryPolicy& policy, const Clock& clock,
                      const std::function<Status()>& operation, const RetryObserver& on_retry) {
  for (int attempt = 1;; ++attempt) {
    Status status = operation();
    if (status.ok() || !IsRetryable(status) || attempt > policy.retries) return status;
    if (on_retry) on_retry(status, attempt + 1);
    clock.SleepFor(policy.wait);
  }
}

}  // namespace tseq
