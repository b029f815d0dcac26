#include "tools/tseq/progress.h"

#include "base/strings.h"

namespace tseq {
namespace {

std::string Elapsed(std::chrono::steady_clock::time_point since) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - since);
  return FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(elapsed));
}

}  // namespace

ConsoleProgress::ConsoleProgress(std::ostream& out, bool live) : out_(out), live_(live) {
  if (!live_) return;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::seconds(1));
      if (active_ && !stopping_) Draw();
    }
  });
}

ConsoleProgress::~ConsoleProgress() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void ConsoleProgress::Draw() {
  out_ << "\r\033[K" << line_ << " (" << Elapsed(started_) << ")" << std::flush;
}

void ConsoleProgress::StepStarted(int step_number, int step_count, const std::string& name) {
  std::lock_guard lock(mutex_);
  line_ = "step " + std::to_string(step_number) + " of " + std::to_string(step_count) + ": " + name;
  started_ = std::chrono::steady_clock::now();
  active_ = true;
  if (live_) {
    Draw();
  } else {
    out_ << line_ << "\n" << std::flush;
  }
}

void ConsoleProgress::StepFinished(bool succeeded) {
  std::lock_guard lock(mutex_);
  active_ = false;
  const std::string verdict = succeeded ? "done" : "FAILED";
  if (live_) {
    out_ << "\r\033[K" << line_ << ": " << verdict << " (" << Elapsed(started_) << ")\n"
         << std::flush;
  } else {
    out_ << "  " << verdict << " (" << Elapsed(started_) << ")\n" << std::flush;
  }
}

}  // namespace tseq
