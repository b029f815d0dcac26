#include "platform/retry.h"

#include <mutex>
#include <utility>

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

Status RunWithRetries(const RetrySettings& settings, const std::function<Status()>& operation) {
  if (settings.policy.retries <= 0) return operation();
  return RunWithRetries(settings.policy, *settings.clock, operation, settings.on_retry);
}

namespace {

class RetryingReadableFile : public ReadableFile {
 public:
  RetryingReadableFile(std::unique_ptr<ReadableFile> file, RetrySettings settings)
      : file_(std::move(file)), settings_(std::move(settings)) {
    if (settings_.on_retry) {
      settings_.on_retry = [this, observer = std::move(settings_.on_retry)](const Status& failure,
                                                                            int attempt) {
        const std::lock_guard lock(observer_mutex_);
        observer(failure, attempt);
      };
    }
  }

  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    return RunWithRetries(settings_, [&] { return file_->ReadAt(offset, buffer, length); });
  }

  Result<uint64_t> Size() const override {
    return RunWithRetries(settings_, [&] { return file_->Size(); });
  }

  const std::string& path() const override { return file_->path(); }
  int descriptor() const override { return file_->descriptor(); }

 private:
  std::unique_ptr<ReadableFile> file_;
  RetrySettings settings_;
  mutable std::mutex observer_mutex_;
};

}  // namespace

std::unique_ptr<ReadableFile> WithReadRetries(std::unique_ptr<ReadableFile> file,
                                              RetrySettings settings) {
  if (settings.policy.retries <= 0) return file;
  return std::make_unique<RetryingReadableFile>(std::move(file), std::move(settings));
}

}  // namespace tseq
