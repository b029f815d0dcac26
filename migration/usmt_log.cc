#include "migration/usmt_log.h"

#include <ctime>

namespace tseq {
namespace {

const char* LevelName(UsmtLogLevel level) {
  switch (level) {
    case UsmtLogLevel::kError:
      return "Error";
    case UsmtLogLevel::kWarning:
      return "Warning";
    case UsmtLogLevel::kInformation:
      return "Info";
    case UsmtLogLevel::kStatus:
      return "Status";
    case UsmtLogLevel::kVerbose:
      return "Verbose";
  }
  return "Info";
}

std::string FormatLocalTime(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  const size_t length = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return std::string(text, length);
}

}  // namespace

UsmtLog::UsmtLog(const Clock& clock, int verbosity, std::ostream& echo)
    : clock_(clock), verbosity_(verbosity), echo_(echo) {}

UsmtLog::~UsmtLog() { (void)Close(); }

Status UsmtLog::Open(Filesystem& filesystem, const std::string& path) {
  Result<std::unique_ptr<WritableFile>> file =
      filesystem.CreateFile(path, 0600, CreateMode::kTruncate);
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  return Status::Ok();
}

void UsmtLog::Record(UsmtLogLevel level, std::string_view message) {
  if (level == UsmtLogLevel::kStatus && (verbosity_ & 4) == 0) return;
  if (level == UsmtLogLevel::kVerbose && (verbosity_ & 1) == 0) return;
  const std::string line =
      FormatLocalTime(clock_.Now()) + ", " + LevelName(level) + ", " + std::string(message) + "\n";
  const std::lock_guard lock(mutex_);
  if ((verbosity_ & 8) != 0) echo_ << line;
  if (!file_ || !write_status_.ok()) return;
  write_status_ = file_->Append(line);
}

Status UsmtLog::Close() {
  if (!file_) return write_status_;
  const Status closed = file_->Close();
  file_.reset();
  if (write_status_.ok()) write_status_ = closed;
  return write_status_;
}

}  // namespace tseq
