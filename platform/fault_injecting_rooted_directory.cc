#include "platform/fault_injecting_rooted_directory.h"

#include <cassert>
#include <cerrno>
#include <map>
#include <mutex>
#include <utility>

#include "platform/errno_status.h"

namespace tseq {
namespace {

const char* ActionOf(RootedOperation operation) {
  switch (operation) {
    case RootedOperation::kStat:
      return "stat";
    case RootedOperation::kReadMetadata:
      return "read the metadata of";
    case RootedOperation::kList:
      return "list";
    case RootedOperation::kOpenForRead:
      return "open";
    case RootedOperation::kCreateDirectory:
    case RootedOperation::kMakeDirectories:
      return "create the folder";
    case RootedOperation::kCreateFile:
    case RootedOperation::kCommit:
    case RootedOperation::kPublish:
      return "create";
    case RootedOperation::kSeal:
      return "change the metadata of";
    case RootedOperation::kSyncFilesystem:
      return "sync";
    case RootedOperation::kAppend:
      return "write";
    case RootedOperation::kCreateSymlink:
      return "create the symlink";
    case RootedOperation::kCreateHardLink:
      return "create the link";
    case RootedOperation::kApplyMetadata:
      return "change the metadata of";
    case RootedOperation::kRemove:
      return "remove";
  }
  return "use";
}

}  // namespace

class FaultInjectingRootedDirectory::Faults {
 public:
  void Set(RootedOperation operation, int remaining_before_failure, Status status, int error) {
    std::lock_guard lock(mutex_);
    pending_[operation] = Fault{remaining_before_failure, std::move(status), error};
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    pending_.clear();
  }

  int CallCount(RootedOperation operation) const {
    std::lock_guard lock(mutex_);
    const auto it = calls_.find(operation);
    return it == calls_.end() ? 0 : it->second;
  }

  // Counts the call and returns the injected failure for `full_path`, if any (OK otherwise).
  Status Next(RootedOperation operation, const std::string& full_path) {
    std::lock_guard lock(mutex_);
    ++calls_[operation];
    const auto it = pending_.find(operation);
    if (it == pending_.end()) return Status::Ok();
    Fault& fault = it->second;
    if (fault.remaining_before_failure > 0) {
      --fault.remaining_before_failure;
      return Status::Ok();
    }
    Status status = fault.error == 0 ? fault.status : ErrorFor(operation, fault.error, full_path);
    if (fault.remaining_before_failure == 0) pending_.erase(it);
    return status;
  }

 private:
  struct Fault {
    int remaining_before_failure = 0;  // 0 = fail on this call; -1 = always
    Status status;                     // when error == 0
    int error = 0;
  };

  static Status ErrorFor(RootedOperation operation, int error, const std::string& full_path) {
    const Status status = ErrnoStatus(error, ActionOf(operation), full_path);
    if (error == EEXIST) return Status(StatusCode::kAlreadyExists, status.message());
    return status;
  }

  mutable std::mutex mutex_;
  std::map<RootedOperation, int> calls_;
  std::map<RootedOperation, Fault> pending_;
};

class FaultInjectingRootedDirectory::FaultyPendingFile : public PendingFile {
 public:
  FaultyPendingFile(std::unique_ptr<PendingFile> wrapped, std::shared_ptr<Faults> faults)
      : wrapped_(std::move(wrapped)), faults_(std::move(faults)) {}

  Status Append(std::string_view data) override {
    Status fault = faults_->Next(RootedOperation::kAppend, wrapped_->path());
    if (fault.ok()) return wrapped_->Append(data);
    // A short write: what a full disk does to the call that crosses the limit.
    TSEQ_RETURN_IF_ERROR(wrapped_->Append(data.substr(0, data.size() / 2)));
    return fault;
  }
  Status Commit(const MetadataUpdate& metadata, ReplacePolicy replace) override {
    TSEQ_RETURN_IF_ERROR(faults_->Next(RootedOperation::kCommit, wrapped_->path()));
    return wrapped_->Commit(metadata, replace);
  }
  Status Seal(const MetadataUpdate& metadata) override {
    TSEQ_RETURN_IF_ERROR(faults_->Next(RootedOperation::kSeal, wrapped_->path()));
    return wrapped_->Seal(metadata);
  }
  Status Publish(ReplacePolicy replace) override {
    TSEQ_RETURN_IF_ERROR(faults_->Next(RootedOperation::kPublish, wrapped_->path()));
    return wrapped_->Publish(replace);
  }
  const std::string& path() const override { return wrapped_->path(); }

 private:
  const std::unique_ptr<PendingFile> wrapped_;
  const std::shared_ptr<Faults> faults_;
};

FaultInjectingRootedDirectory::FaultInjectingRootedDirectory(RootedDirectory& wrapped)
    : wrapped_(wrapped), faults_(std::make_shared<Faults>()) {}

void FaultInjectingRootedDirectory::FailNth(RootedOperation operation, int nth, Status status) {
  assert(nth >= 1 && !status.ok());
  faults_->Set(operation, nth - 1, std::move(status), 0);
}

void FaultInjectingRootedDirectory::FailNthWithErrno(RootedOperation operation, int nth,
                                                     int error) {
  assert(nth >= 1 && error != 0);
  faults_->Set(operation, nth - 1, Status(), error);
}

void FaultInjectingRootedDirectory::FailAlways(RootedOperation operation, Status status) {
  assert(!status.ok());
  faults_->Set(operation, -1, std::move(status), 0);
}

void FaultInjectingRootedDirectory::ClearFaults() { faults_->Clear(); }

int FaultInjectingRootedDirectory::CallCount(RootedOperation operation) const {
  return faults_->CallCount(operation);
}

Status FaultInjectingRootedDirectory::Next(RootedOperation operation,
                                           const std::string& relative) const {
  const std::string& root = wrapped_.path();
  const std::string full_path =
      relative.empty() ? root : (root.ends_with('/') ? root : root + "/") + relative;
  return faults_->Next(operation, full_path);
}

const std::string& FaultInjectingRootedDirectory::path() const { return wrapped_.path(); }

Result<FileInfo> FaultInjectingRootedDirectory::Stat(const std::string& relative) const {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kStat, relative));
  return wrapped_.Stat(relative);
}

Result<FileMetadata> FaultInjectingRootedDirectory::ReadMetadata(
    const std::string& relative) const {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kReadMetadata, relative));
  return wrapped_.ReadMetadata(relative);
}

Result<std::vector<std::string>> FaultInjectingRootedDirectory::List(
    const std::string& relative) const {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kList, relative));
  return wrapped_.List(relative);
}

Result<std::unique_ptr<ReadableFile>> FaultInjectingRootedDirectory::OpenForRead(
    const std::string& relative) const {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kOpenForRead, relative));
  return wrapped_.OpenForRead(relative);
}

Status FaultInjectingRootedDirectory::CreateDirectory(const std::string& relative, mode_t mode) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kCreateDirectory, relative));
  return wrapped_.CreateDirectory(relative, mode);
}

Result<std::vector<std::string>> FaultInjectingRootedDirectory::MakeDirectories(
    const std::string& relative, mode_t mode) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kMakeDirectories, relative));
  return wrapped_.MakeDirectories(relative, mode);
}

Result<std::unique_ptr<PendingFile>> FaultInjectingRootedDirectory::CreateFile(
    const std::string& relative) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kCreateFile, relative));
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<PendingFile> file, wrapped_.CreateFile(relative));
  return std::unique_ptr<PendingFile>(
      std::make_unique<FaultyPendingFile>(std::move(file), faults_));
}

Status FaultInjectingRootedDirectory::CreateSymlink(const std::string& target,
                                                    const std::string& relative,
                                                    const MetadataUpdate& metadata,
                                                    ReplacePolicy replace) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kCreateSymlink, relative));
  return wrapped_.CreateSymlink(target, relative, metadata, replace);
}

Status FaultInjectingRootedDirectory::CreateHardLink(const std::string& existing,
                                                     const std::string& relative,
                                                     ReplacePolicy replace) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kCreateHardLink, relative));
  return wrapped_.CreateHardLink(existing, relative, replace);
}

Status FaultInjectingRootedDirectory::ApplyMetadata(const std::string& relative,
                                                    const MetadataUpdate& metadata) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kApplyMetadata, relative));
  return wrapped_.ApplyMetadata(relative, metadata);
}

Status FaultInjectingRootedDirectory::Remove(const std::string& relative) {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kRemove, relative));
  return wrapped_.Remove(relative);
}

Status FaultInjectingRootedDirectory::SyncFilesystem() {
  TSEQ_RETURN_IF_ERROR(Next(RootedOperation::kSyncFilesystem, ""));
  return wrapped_.SyncFilesystem();
}

}  // namespace tseq
