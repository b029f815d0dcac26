// UsmtLog: the /l log of the USMT tools. Each line is "YYYY-MM-DD HH:MM:SS, LEVEL, MESSAGE" in
// local time. What is recorded follows USMT's /v bits: errors, warnings and the run's milestones
// (information) always; status lines with bit 4; one line per object with bit 1; bit 8 echoes
// every recorded line to the tool's error stream (USMT's "debugger output").
//
// Callers never pass a key: the log is as public as the tool's output. A write failure does not
// stop the tool: the first one is kept (write_status()) and later lines are dropped.
//
// Record may be called from several threads at once (a store read retried on a worker logs its
// warning while the main thread logs its own lines); each line is written whole.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "platform/clock.h"
#include "platform/filesystem.h"

namespace tseq {

enum class UsmtLogLevel { kError, kWarning, kInformation, kStatus, kVerbose };

class UsmtLog {
 public:
  // A log without a file (no /l): only the echo of bit 8, if any. `clock` and `echo` must outlive
  // the log.
  UsmtLog(const Clock& clock, int verbosity, std::ostream& echo);
  ~UsmtLog();
  UsmtLog(const UsmtLog&) = delete;
  UsmtLog& operator=(const UsmtLog&) = delete;

  // Creates (or truncates) the log file at `path` with mode 0600, never through a symlink.
  // Returns the filesystem's error (the tool exits 13 with it).
  Status Open(Filesystem& filesystem, const std::string& path);

  void Record(UsmtLogLevel level, std::string_view message);
  void Error(std::string_view message) { Record(UsmtLogLevel::kError, message); }
  void Warning(std::string_view message) { Record(UsmtLogLevel::kWarning, message); }
  void Information(std::string_view message) { Record(UsmtLogLevel::kInformation, message); }
  void Verbose(std::string_view message) { Record(UsmtLogLevel::kVerbose, message); }
  // Whether Verbose lines are recorded (to skip building them).
  bool verbose() const { return (verbosity_ & 1) != 0; }

  // Closes the file; returns the first write or close failure.
  Status Close();
  const Status& write_status() const { return write_status_; }

 private:
  const Clock& clock_;
  int verbosity_;
  std::ostream& echo_;
  std::mutex mutex_;  // guards the writes to echo_ and file_, and write_status_ in Record
  std::unique_ptr<WritableFile> file_;
  Status write_status_;
};

}  // namespace tseq
