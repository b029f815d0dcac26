// Clock: the source of wall-clock time, so tests can fix "now". Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace tseq {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Waits `duration` (a retry delay). The fake clock only moves its time forward.
  virtual void SleepFor(std::chrono::milliseconds duration) const = 0;
};

std::unique_ptr<Clock> NewSystemClock();

// A clock that stands still until told to move.
class FakeClock : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void SleepFor(std::chrono::milliseconds duration) const override {
    std::lock_guard lock(mutex_);
    now_ += duration;
  }
  void Set(std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mutex_);
    now_ = now;
  }
  void Advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::chrono::system_clock::time_point now_;
};

}  // namespace tseq
