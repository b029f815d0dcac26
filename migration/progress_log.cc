#include "migration/progress_log.h"

#include <cstdio>
#include <cstdlib>

namespace tseq {
namespace {

std::tm LocalTime(std::time_t seconds) {
  std::tm local{};
  localtime_r(&seconds, &local);
  return local;
}

std::string TwoDigits(long value) {
  char text[24];  // room for any long: GCC checks the bound at -O2 and above
  std::snprintf(text, sizeof text, "%02ld", value);
  return text;
}

}  // namespace

ProgressLog::ProgressLog(const Clock& clock, LocalTimeFunction local_time)
    : clock_(clock),
      local_time_(local_time ? std::move(local_time) : LocalTimeFunction(LocalTime)),
      start_(clock.Now()) {}

ProgressLog::~ProgressLog() { (void)Close(); }

Status ProgressLog::Open(Filesystem& filesystem, const std::string& path) {
  Result<std::unique_ptr<WritableFile>> file =
      filesystem.CreateFile(path, 0600, CreateMode::kTruncate);
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  return Status::Ok();
}

std::string ProgressLog::Quote(std::string_view value) {
  const bool plain = !value.empty() && value.find_first_of(", \"") == std::string_view::npos;
  if (plain) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string ProgressLog::Prefix() const {
  const auto now = clock_.Now();
  const std::tm local = local_time_(std::chrono::system_clock::to_time_t(now));
  char date[32];
  const size_t date_length = std::strftime(date, sizeof date, "%d %b %Y, %H:%M:%S", &local);
  const long offset_minutes = local.tm_gmtoff / 60;
  const long absolute = std::labs(offset_minutes);
  const long elapsed =
      static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(now - start_).count());
  const long elapsed_seconds = elapsed < 0 ? 0 : elapsed;
  return std::string(date, date_length) + " " + (offset_minutes < 0 ? "-" : "+") +
         TwoDigits(absolute / 60) + ":" + TwoDigits(absolute % 60) + ", " +
         TwoDigits(elapsed_seconds / 3600) + ":" + TwoDigits(elapsed_seconds / 60 % 60) + ":" +
         TwoDigits(elapsed_seconds % 60);
}

void ProgressLog::Write(const std::vector<std::pair<std::string, std::string>>& pairs) {
  if (!file_ || !write_status_.ok()) return;
  std::string line = Prefix();
  for (const auto& [key, value] : pairs) {
    line += ", ";
    line += key;
    line += ", ";
    line += Quote(value);
  }
  line += '\n';
  write_status_ = file_->Append(line);
}

void ProgressLog::Program(std::string_view program, std::string_view computer_name,
                          std::string_view command_line) {
  Write({{"program", std::string(program)},
         {"computerName", std::string(computer_name)},
         {"commandLine", std::string(command_line)}});
}

void ProgressLog::Phase(std::string_view phase) { Write({{"PHASE", std::string(phase)}}); }

void ProgressLog::DetectedUser(std::string_view user, bool included) {
  Write({{"detectedUser", std::string(user)}, {"includedInMigration", included ? "Yes" : "No"}});
}

void ProgressLog::TotalSize(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(bytes) / 1e6);
  Write({{"totalSizeInMBToTransfer", text}});
}

void ProgressLog::CollectingUser(std::string_view user) {
  Write({{"collectingUser", std::string(user)}});
}

void ProgressLog::Percentage(int percent) {
  Write({{"totalPercentageCompleted", std::to_string(percent)}});
}

void ProgressLog::MinutesRemaining(int64_t minutes) {
  Write({{"totalMinutesRemaining", std::to_string(minutes)}});
}

void ProgressLog::Error(std::string_view type, std::string_view object, bool ignored) {
  Write({{"error", std::string(type)},
         {"objectName", std::string(object)},
         {"action", ignored ? "Ignore" : "Abort"}});
}

void ProgressLog::Finish(int error_code, int ignored_errors, std::string_view message) {
  Write({{"errorCode", std::to_string(error_code)},
         {"numberOfIgnoredErrors", std::to_string(ignored_errors)},
         {"message", std::string(message)}});
}

Status ProgressLog::Close() {
  if (!file_) return write_status_;
  const Status closed = file_->Close();
  file_.reset();
  if (write_status_.ok()) write_status_ = closed;
  return write_status_;
}

}  // namespace tseq
