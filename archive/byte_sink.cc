#include "archive/byte_sink.h"

#include <functional>
#include <utility>

#include "archive/store_format.h"

namespace tseq::archive {
namespace {

std::string ParentOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

class FileSink : public ByteSink {
 public:
  FileSink(Filesystem& filesystem, std::string path, std::unique_ptr<WritableFile> file,
           RetrySettings retry)
      : filesystem_(filesystem),
        path_(std::move(path)),
        partial_path_(path_ + std::string(kPartialSuffix)),
        file_(std::move(file)),
        retry_(std::move(retry)) {}

  ~FileSink() override {
    if (file_) Abandon();
  }

  Status Append(std::string_view bytes) override {
    if (!file_) return FailedPreconditionError("cannot write '" + partial_path_ + "': closed");
    bool retrying = false;
    const Status appended = RunWithRetries(retry_, [&]() -> Status {
      if (std::exchange(retrying, true)) TSEQ_RETURN_IF_ERROR(file_->Truncate(written_));
      return file_->Append(bytes);
    });
    if (appended.ok()) written_ += bytes.size();
    return appended;
  }

  Status Finish() override {
    if (!file_) return FailedPreconditionError("cannot write '" + partial_path_ + "': closed");
    Status status = file_->Sync();
    if (status.ok()) status = file_->Close();
    if (status.ok())
      status = RunWithRetries(retry_, [&] { return filesystem_.Rename(partial_path_, path_); });
    if (!status.ok()) {
      Abandon();
      return status;
    }
    file_.reset();
    return filesystem_.SyncDirectory(ParentOf(path_));
  }

  void Abandon() override {
    if (!file_) return;
    (void)file_->Close();
    file_.reset();
    (void)filesystem_.Remove(partial_path_);
  }

 private:
  Filesystem& filesystem_;
  std::string path_;
  std::string partial_path_;
  std::unique_ptr<WritableFile> file_;
  const RetrySettings retry_;
  uint64_t written_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSink>> NewFileSink(Filesystem& filesystem, const std::string& path,
                                              RetrySettings retry) {
  const std::string partial_path = path + std::string(kPartialSuffix);
  std::unique_ptr<WritableFile> file;
  const auto create = [&]() -> Status {
    TSEQ_ASSIGN_OR_RETURN(file, filesystem.CreateFile(partial_path, 0600, CreateMode::kTruncate));
    return Status::Ok();
  };
  TSEQ_RETURN_IF_ERROR(RunWithRetries(retry, create));
  return std::unique_ptr<ByteSink>(
      std::make_unique<FileSink>(filesystem, path, std::move(file), std::move(retry)));
}

Status StringSink::Append(std::string_view bytes) {
  if (finished_) return FailedPreconditionError("the store is already finished");
  contents_.append(bytes);
  return Status::Ok();
}

Status StringSink::Finish() {
  finished_ = true;
  return Status::Ok();
}

void StringSink::Abandon() { contents_.clear(); }

}  // namespace tseq::archive
