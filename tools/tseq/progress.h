// Progress display for `tseq run`: on a terminal a live line "step N of M: NAME (elapsed)" that
// is redrawn every second; otherwise one plain line per step start and end.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "engine/runner.h"

namespace tseq {

class ConsoleProgress : public RunProgress {
 public:
  // `live` selects the redrawn line (use it when `out` is a terminal).
  ConsoleProgress(std::ostream& out, bool live);
  ~ConsoleProgress() override;

  void StepStarted(int step_number, int step_count, const std::string& name) override;
  void StepFinished(bool succeeded) override;

 private:
  void Draw();  // REQUIRES: mutex_ held

  std::ostream& out_;
  bool live_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool active_ = false;
  std::string line_;
  std::chrono::steady_clock::time_point started_;
  std::thread ticker_;
};

}  // namespace tseq
