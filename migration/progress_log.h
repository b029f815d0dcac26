// ProgressLog: the /progress log of scanstate and loadstate, in USMT's machine-parsable format
// (reference/usmt.md §7.3), so that tools written for USMT's progress logs read ours.
//
// Each event is one line: the date ("24 Nov 2026"), the local time with its UTC offset
// ("14:05:09 +01:00"), the time elapsed since the log started ("00:03:12"), then key/value
// pairs, all separated by ", ". A value that holds a comma, a space, a double quote or starts
// with one is written in double quotes, with a quote inside doubled:
//
//   24 Nov 2026, 14:05:09 +01:00, 00:00:00, program, scanstate, computerName, PC01, commandLine,
//   "scanstate /o /c ..." 24 Nov 2026, 14:05:09 +01:00, 00:00:00, PHASE, Initializing 24 Nov 2026,
//   14:05:09 +01:00, 00:00:01, detectedUser, PC01\alice, includedInMigration, Yes 24 Nov 2026,
//   14:05:10 +01:00, 00:00:01, totalSizeInMBToTransfer, 123.45 24 Nov 2026, 14:05:40 +01:00,
//   00:00:31, collectingUser, PC01\alice 24 Nov 2026, 14:05:40 +01:00, 00:00:31,
//   totalPercentageCompleted, 48 24 Nov 2026, 14:05:40 +01:00, 00:00:31, totalMinutesRemaining, 1
//   24 Nov 2026, 14:05:41 +01:00, 00:00:32, error, UnableToOpen, objectName, /home/alice/x, action,
//   Ignore 24 Nov 2026, 14:06:12 +01:00, 00:01:03, errorCode, 0, numberOfIgnoredErrors, 1, message,
//   "Success"
//
// Callers never pass a key (the command line given here is the redacted one). A write failure
// does not stop the tool: the first one is kept (write_status()) and later lines are dropped.
// Not thread-safe: one tool thread writes it.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "platform/clock.h"
#include "platform/filesystem.h"

namespace tseq {

// Converts a time to the local calendar time, tm_gmtoff included (localtime_r by default).
using LocalTimeFunction = std::function<std::tm(std::time_t)>;

class ProgressLog {
 public:
  // A log that writes nothing until Open. `clock` must outlive the log; the elapsed time counts
  // from the clock's time now.
  explicit ProgressLog(const Clock& clock, LocalTimeFunction local_time = {});
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

  // Creates (or truncates) the file at `path` with mode 0600, never through a symlink. Returns
  // the filesystem's error (the tool exits 13 with it).
  Status Open(Filesystem& filesystem, const std::string& path);
  bool is_open() const { return file_ != nullptr; }

  // One line of key/value pairs. Does nothing when the log is not open.
  void Write(const std::vector<std::pair<std::string, std::string>>& pairs);

  // The events of USMT's progress log.
  void Program(std::string_view program, std::string_view computer_name,
               std::string_view command_line);
  void Phase(std::string_view phase);  // Initializing, Scanning, Collecting, Saving, Applying...
  void DetectedUser(std::string_view user, bool included);
  void TotalSize(uint64_t bytes);  // totalSizeInMBToTransfer, MB (10^6) with two decimals
  void CollectingUser(std::string_view user);
  void Percentage(int percent);  // totalPercentageCompleted
  void MinutesRemaining(int64_t minutes);
  // error, TYPE (UnableToOpen, UnableToCopy, UnableToApply...), objectName, OBJECT, action,
  // Ignore (under /c) or Abort.
  void Error(std::string_view type, std::string_view object, bool ignored);
  void Finish(int error_code, int ignored_errors, std::string_view message);

  // Closes the file; returns the first write or close failure.
  Status Close();
  const Status& write_status() const { return write_status_; }

  // The value as it is written: quoted when it holds ',', ' ' or '"', or is empty.
  static std::string Quote(std::string_view value);

 private:
  std::string Prefix() const;

  const Clock& clock_;
  LocalTimeFunction local_time_;
  std::chrono::system_clock::time_point start_;
  std::unique_ptr<WritableFile> file_;
  Status write_status_;
};

}  // namespace tseq
