// The engine's log, smsts.log, in the CMTrace format administrators read with CMTrace/OneTrace
// (SPEC §4 "Log", reference/configmgr.md §4):
//
//   <![LOG[MESSAGE]LOG]!><time="HH:MM:SS.mmm+BIAS" date="MM-DD-YYYY" component="COMPONENT"
//   context="" type="T" thread="TID" file="SOURCE:LINE">
//
// (one line per record in the file). BIAS is the Windows time-zone bias in minutes: UTC = local
// time + bias, so UTC+1 is "-060" and UTC-5 is "+300"; UTC is "+000". Type 1 is information, 2 a
// warning, 3 an error. A message may span lines, as in ConfigMgr; the sequence "]LOG]!>" inside a
// message is written as "]LOG]!&gt;" so that every record parses.
//
// Every message passes through the mask function before it is written, so secret values never
// reach the file. Records are written with one write(2) each and are on disk in order even if the
// engine is killed. The running log rolls over at max_size bytes (never when it is 0), keeping
// `history` older files named smsts-YYYYMMDD-HHMMSS.log (smsts-YYYYMMDD-HHMMSS-N.log for the Nth
// further one within the same second); their order is the time order. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tseq {

enum class LogType { kInfo = 1, kWarning = 2, kError = 3 };

// Where a record was written from: the source file's base name and line.
struct LogSource {
  const char* file = "";
  int line = 0;
};
#define TSEQ_HERE (::tseq::LogSource{__FILE__, __LINE__})

// The interface the runner writes through; tests record, the real one is SmstsLog.
class EngineLog {
 public:
  virtual ~EngineLog() = default;
  virtual void Write(LogType type, std::string_view component, std::string_view message,
                     LogSource source) = 0;
};

struct CmtraceRecord {
  std::string message;
  std::chrono::system_clock::time_point time;
  int bias_minutes = 0;  // UTC = local + bias
  std::string component;
  int type = 1;
  uint64_t thread = 0;
  std::string file;  // "runner.cc:120"
};

// One record, as written (no trailing newline). `time` is shown in the zone given by
// `bias_minutes`.
std::string FormatCmtraceRecord(const CmtraceRecord& record);

// A strict reader: every record must match the format exactly (attribute names and order, field
// widths). Returns the records or InvalidArgument naming the line and what is wrong.
Result<std::vector<CmtraceRecord>> ParseCmtraceLog(std::string_view text);

inline constexpr uint64_t kDefaultLogMaxSize = 5 * 1024 * 1024;
inline constexpr int kDefaultLogHistory = 3;

struct SmstsLogSettings {
  std::string directory;  // host path of the running log's folder (LOGDIR/SMSTSLog)
  // The running log rolls over before a record would take it past this size; 0 = never.
  uint64_t max_size = kDefaultLogMaxSize;
  // Older files kept; the oldest beyond this are removed at each rollover. 0 = none kept.
  int history = kDefaultLogHistory;
};

class SmstsLog : public EngineLog {
 public:
  // Opens (creating the folder, 0750) DIRECTORY/smsts.log for appending. `mask` is applied to
  // every message. Fails with the OS's reason naming the path.
  static Result<std::unique_ptr<SmstsLog>> Open(SmstsLogSettings settings,
                                                std::function<std::string(std::string_view)> mask);
  ~SmstsLog() override;

  void Write(LogType type, std::string_view component, std::string_view message,
             LogSource source) override;

  // Appends the running log's history files (oldest first) and the running log to
  // `final_log_path`, then removes them: the end-of-sequence merge into LOGDIR/smsts.log.
  Status Finalize(const std::string& final_log_path);

  const std::string& path() const;

 private:
  class Impl;
  explicit SmstsLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tseq
