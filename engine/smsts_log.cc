#include "engine/smsts_log.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>

#include <fcntl.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr std::string_view kRecordStart = "<![LOG[";
constexpr std::string_view kMessageEnd = "]LOG]!>";
constexpr std::string_view kMessageEndEscaped = "]LOG]!&gt;";

std::string BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string EscapeMessage(std::string_view message) {
  std::string escaped;
  size_t start = 0;
  while (true) {
    const size_t found = message.find(kMessageEnd, start);
    if (found == std::string_view::npos) {
      escaped.append(message.substr(start));
      return escaped;
    }
    escaped.append(message.substr(start, found - start));
    escaped.append(kMessageEndEscaped);
    start = found + kMessageEnd.size();
  }
}

int LocalBiasMinutes(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  localtime_r(&seconds, &local);
  return static_cast<int>(-local.tm_gmtoff / 60);
}

Status ErrnoStatus(const std::string& what, const std::string& path) {
  const int error = errno;
  return IoError("cannot " + what + " '" + path + "': " + std::strerror(error));
}

// A rolled-over log: smsts-STAMP.log (suffix 0) or smsts-STAMP-SUFFIX.log.
struct HistoryFile {
  std::string stamp;  // YYYYMMDD-HHMMSS
  long long suffix = 0;
  std::string path;
};

// The spdlog sink: formats each record as CMTrace and writes it with one write(2), rolling over
// by size. spdlog's own rotating sink names history files .1, .2; ConfigMgr administrators expect
// smsts-<timestamp>.log, hence a sink of our own.
class CmtraceFileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  CmtraceFileSink(std::string directory, uint64_t max_size, int history)
      : directory_(std::move(directory)), max_size_(max_size), history_(history) {}
  ~CmtraceFileSink() override {
    if (descriptor_ >= 0) close(descriptor_);
  }

  Status OpenFile() {
    const std::string path = directory_ + "/smsts.log";
    descriptor_ = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (descriptor_ < 0) return ErrnoStatus("open log", path);
    struct stat info {};
    if (fstat(descriptor_, &info) == 0) size_ = static_cast<uint64_t>(info.st_size);
    return Status::Ok();
  }

  std::string path() const { return directory_ + "/smsts.log"; }

  // Closes the file so Finalize can move it; later writes reopen it.
  void CloseForFinalize() {
    std::lock_guard lock(mutex_);
    if (descriptor_ >= 0) close(descriptor_);
    descriptor_ = -1;
  }

  // The history files, oldest first. By name alone "smsts-S-1.log" would sort before
  // "smsts-S.log" ('-' < '.'), though it was written after it; hence the numeric suffix is compared
  // on its own.
  std::vector<HistoryFile> SortedHistory() const {
    std::vector<HistoryFile> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with("smsts-") || !name.ends_with(".log")) continue;
      std::string stamp = name.substr(6, name.size() - 10);
      long long suffix = 0;
      const size_t dash = stamp.find('-', 9);  // after YYYYMMDD-
      if (dash != std::string::npos) {
        suffix = std::atoll(stamp.c_str() + dash + 1);
        stamp.resize(dash);
      }
      files.push_back({std::move(stamp), suffix, entry.path().string()});
    }
    std::sort(files.begin(), files.end(), [](const HistoryFile& left, const HistoryFile& right) {
      return left.stamp != right.stamp ? left.stamp < right.stamp : left.suffix < right.suffix;
    });
    return files;
  }

  std::vector<std::string> HistoryFiles() const {
    std::vector<std::string> paths;
    for (HistoryFile& file : SortedHistory()) paths.push_back(std::move(file.path));
    return paths;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    CmtraceRecord record;
    record.message = std::string(message.payload.data(), message.payload.size());
    record.time = message.time;
    record.bias_minutes = LocalBiasMinutes(message.time);
    record.component = std::string(message.logger_name.data(), message.logger_name.size());
    record.type = message.level == spdlog::level::err    ? 3
                  : message.level == spdlog::level::warn ? 2
                                                         : 1;
    record.thread = static_cast<uint64_t>(message.thread_id);
    record.file = message.source.filename == nullptr ? std::string()
                                                     : BaseName(message.source.filename) + ":" +
                                                           std::to_string(message.source.line);
    const std::string line = FormatCmtraceRecord(record) + "\n";
    if (descriptor_ < 0 && !OpenFile().ok()) return;
    if (max_size_ > 0 && size_ > 0 && size_ + line.size() > max_size_) Roll();
    if (descriptor_ < 0) return;
    size_t written = 0;
    while (written < line.size()) {
      const ssize_t result = write(descriptor_, line.data() + written, line.size() - written);
      if (result < 0 && errno == EINTR) continue;
      if (result <= 0) return;  // A log that cannot be written must not stop the sequence.
      written += static_cast<size_t>(result);
    }
    size_ += line.size();
  }

  void flush_() override {}

 private:
  void Roll() {
    close(descriptor_);
    descriptor_ = -1;
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &local);
    // Numbered after the newest file of the same second, never into a gap left by a removed one,
    // so that the names keep the order the files were written in.
    long long newest = -1;
    for (const HistoryFile& file : SortedHistory()) {
      if (file.stamp == stamp) newest = std::max(newest, file.suffix);
    }
    const std::string target = directory_ + "/smsts-" + stamp +
                               (newest < 0 ? "" : "-" + std::to_string(newest + 1)) + ".log";
    std::error_code error;
    std::filesystem::rename(path(), target, error);
    std::vector<std::string> history = HistoryFiles();
    while (static_cast<int>(history.size()) > history_) {
      std::filesystem::remove(history.front(), error);
      history.erase(history.begin());
    }
    size_ = 0;
    (void)OpenFile();
  }

  std::string directory_;
  uint64_t max_size_;
  int history_;
  int descriptor_ = -1;
  uint64_t size_ = 0;
};

spdlog::level::level_enum ToLevel(LogType type) {
  switch (type) {
    case LogType::kWarning:
      return spdlog::level::warn;
    case LogType::kError:
      return spdlog::level::err;
    case LogType::kInfo:
      break;
  }
  return spdlog::level::info;
}

}  // namespace

std::string FormatCmtraceRecord(const CmtraceRecord& record) {
  const auto local_time = record.time - std::chrono::minutes(record.bias_minutes);
  const auto since_epoch = local_time.time_since_epoch();
  const std::time_t seconds =
      static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(since_epoch).count());
  const int milliseconds =
      static_cast<int>(std::chrono::floor<std::chrono::milliseconds>(since_epoch).count() % 1000);
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  char time_text[64];
  std::snprintf(time_text, sizeof(time_text), "%02d:%02d:%02d.%03d%c%03d", fields.tm_hour,
                fields.tm_min, fields.tm_sec, milliseconds, record.bias_minutes < 0 ? '-' : '+',
                std::abs(record.bias_minutes));
  char date_text[32];
  std::snprintf(date_text, sizeof(date_text), "%02d-%02d-%04d", fields.tm_mon + 1, fields.tm_mday,
                fields.tm_year + 1900);
  std::string line;
  line.reserve(record.message.size() + 160);
  line += kRecordStart;
  line += EscapeMessage(record.message);
  line += "]LOG]!><time=\"";
  line += time_text;
  line += "\" date=\"";
  line += date_text;
  line += "\" component=\"" + record.component + "\" context=\"\" type=\"" +
          std::to_string(record.type) + "\" thread=\"" + std::to_string(record.thread) +
          "\" file=\"" + record.file + "\">";
  return line;
}

class SmstsLog::Impl {
 public:
  Impl(std::shared_ptr<CmtraceFileSink> sink, std::function<std::string(std::string_view)> mask)
      : sink_(std::move(sink)), mask_(std::move(mask)) {}

  void Write(LogType type, std::string_view component, std::string_view message, LogSource source) {
    std::shared_ptr<spdlog::logger> logger;
    {
      std::lock_guard lock(mutex_);
      std::shared_ptr<spdlog::logger>& slot = loggers_[std::string(component)];
      if (slot == nullptr) {
        slot = std::make_shared<spdlog::logger>(std::string(component), sink_);
        slot->set_level(spdlog::level::trace);
      }
      logger = slot;
    }
    const std::string masked = mask_ ? mask_(message) : std::string(message);
    logger->log(spdlog::source_loc{source.file, source.line, ""}, ToLevel(type), "{}", masked);
  }

  std::shared_ptr<CmtraceFileSink> sink_;
  std::function<std::string(std::string_view)> mask_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers_;
  std::string path_;
};

Result<std::unique_ptr<SmstsLog>> SmstsLog::Open(
    SmstsLogSettings settings, std::function<std::string(std::string_view)> mask) {
  std::error_code error;
  std::filesystem::create_directories(settings.directory, error);
  if (error) {
    return IoError("cannot create log folder '" + settings.directory + "': " + error.message());
  }
  chmod(settings.directory.c_str(), 0750);
  auto sink = std::make_shared<CmtraceFileSink>(settings.directory, settings.max_size,
                                                std::max(settings.history, 0));
  TSEQ_RETURN_IF_ERROR(sink->OpenFile());
  auto impl = std::make_unique<Impl>(sink, std::move(mask));
  impl->path_ = sink->path();
  return std::unique_ptr<SmstsLog>(new SmstsLog(std::move(impl)));
}

SmstsLog::SmstsLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmstsLog::~SmstsLog() = default;

void SmstsLog::Write(LogType type, std::string_view component, std::string_view message,
                     LogSource source) {
  impl_->Write(type, component, message, source);
}

const std::string& SmstsLog::path() const { return impl_->path_; }

Status SmstsLog::Finalize(const std::string& final_log_path) {
  impl_->sink_->CloseForFinalize();
  std::vector<std::string> parts = impl_->sink_->HistoryFiles();
  parts.push_back(impl_->path_);
  const int output = open(final_log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (output < 0) return ErrnoStatus("open log", final_log_path);
  Status status;
  for (const std::string& part : parts) {
    const int input = open(part.c_str(), O_RDONLY | O_CLOEXEC);
    if (input < 0) continue;
    char buffer[65536];
    ssize_t count = 0;
    while ((count = read(input, buffer, sizeof(buffer))) > 0) {
      if (write(output, buffer, static_cast<size_t>(count)) != count) {
        status = ErrnoStatus("append to log", final_log_path);
        break;
      }
    }
    close(input);
    if (!status.ok()) break;
    std::error_code error;
    std::filesystem::remove(part, error);
  }
  if (fsync(output) != 0 && status.ok()) status = ErrnoStatus("sync log", final_log_path);
  close(output);
  return status;
}

}  // namespace tseq
