#include "platform/fault_injecting_filesystem.h"

#include <cassert>
#include <map>
#include <mutex>
#include <utility>

namespace tseq {

class FaultInjectingFilesystem::Faults {
 public:
  void Set(FilesystemOperation operation, int remaining_before_failure, Status status) {
    std::lock_guard lock(mutex_);
    pending_[operation] =
        Fault{.remaining_before_failure = remaining_before_failure, .status = std::move(status)};
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    pending_.clear();
  }

  int CallCount(FilesystemOperation operation) const {
    std::lock_guard lock(mutex_);
    const auto it = calls_.find(operation);
    return it == calls_.end() ? 0 : it->second;
  }

  // Counts the call and returns the injected failure, if any (OK otherwise).
  Status Next(FilesystemOperation operation) {
    std::lock_guard lock(mutex_);
    ++calls_[operation];
    const auto it = pending_.find(operation);
    if (it == pending_.end()) return Status::Ok();
    Fault& fault = it->second;
    if (fault.remaining_before_failure < 0) return fault.status;
    if (fault.remaining_before_failure > 0) {
      --fault.remaining_before_failure;
      return Status::Ok();
    }
    Status status = std::move(fault.status);
    pending_.erase(it);
    return status;
  }

 private:
  struct Fault {
    int remaining_before_failure = 0;  // 0 = fail on this call; -1 = always
    Status status;
  };

  mutable std::mutex mutex_;
  std::map<FilesystemOperation, int> calls_;
  std::map<FilesystemOperation, Fault> pending_;
};

class FaultInjectingFilesystem::FaultyReadableFile : public ReadableFile {
 public:
  FaultyReadableFile(std::unique_ptr<ReadableFile> wrapped, std::shared_ptr<Faults> faults)
      : wrapped_(std::move(wrapped)), faults_(std::move(faults)) {}

  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    if (Status fault = faults_->Next(FilesystemOperation::kReadAt); !fault.ok()) return fault;
    return wrapped_->ReadAt(offset, buffer, length);
  }
  Result<uint64_t> Size() const override { return wrapped_->Size(); }
  const std::string& path() const override { return wrapped_->path(); }
  int descriptor() const override { return wrapped_->descriptor(); }
  const ReadableFile& wrapped() const { return *wrapped_; }

 private:
  const std::unique_ptr<ReadableFile> wrapped_;
  const std::shared_ptr<Faults> faults_;
};

class FaultInjectingFilesystem::FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(std::unique_ptr<WritableFile> wrapped, std::shared_ptr<Faults> faults)
      : wrapped_(std::move(wrapped)), faults_(std::move(faults)) {}

  Status Append(std::string_view data) override {
    Status fault = faults_->Next(FilesystemOperation::kAppend);
    if (fault.ok()) return wrapped_->Append(data);
    // A short write: what a full disk does to the call that crosses the limit.
    TSEQ_RETURN_IF_ERROR(wrapped_->Append(data.substr(0, data.size() / 2)));
    return fault;
  }
  Status Sync() override {
    TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kSync));
    return wrapped_->Sync();
  }
  Status Truncate(uint64_t size) override {
    TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kTruncate));
    return wrapped_->Truncate(size);
  }
  Status Close() override {
    Status fault = faults_->Next(FilesystemOperation::kClose);
    const Status closed = wrapped_->Close();
    return fault.ok() ? closed : fault;
  }
  const std::string& path() const override { return wrapped_->path(); }

 private:
  const std::unique_ptr<WritableFile> wrapped_;
  const std::shared_ptr<Faults> faults_;
};

FaultInjectingFilesystem::FaultInjectingFilesystem(Filesystem& wrapped)
    : wrapped_(wrapped), faults_(std::make_shared<Faults>()) {}

void FaultInjectingFilesystem::FailNth(FilesystemOperation operation, int nth, Status status) {
  assert(nth >= 1 && !status.ok());
  faults_->Set(operation, nth - 1, std::move(status));
}

void FaultInjectingFilesystem::FailAlways(FilesystemOperation operation, Status status) {
  assert(!status.ok());
  faults_->Set(operation, -1, std::move(status));
}

void FaultInjectingFilesystem::ClearFaults() { faults_->Clear(); }

int FaultInjectingFilesystem::CallCount(FilesystemOperation operation) const {
  return faults_->CallCount(operation);
}

void FaultInjectingFilesystem::SimulateMount(const std::string& path, uint64_t device) {
  mounts_[path] = device;
}

std::optional<uint64_t> FaultInjectingFilesystem::MountedDevice(const std::string& path) const {
  std::optional<uint64_t> device;
  size_t longest = 0;
  for (const auto& [point, mounted] : mounts_) {
    const bool below = path == point || (path.starts_with(point) && path[point.size()] == '/');
    if (below && point.size() >= longest) {
      longest = point.size();
      device = mounted;
    }
  }
  return device;
}

Result<FileInfo> FaultInjectingFilesystem::Stat(const std::string& path,
                                                SymlinkPolicy policy) const {
  if (Status fault = faults_->Next(FilesystemOperation::kStat); !fault.ok()) return fault;
  TSEQ_ASSIGN_OR_RETURN(FileInfo info, wrapped_.Stat(path, policy));
  if (const std::optional<uint64_t> device = MountedDevice(path)) info.device = *device;
  return info;
}

Result<FileInfo> FaultInjectingFilesystem::StatBeneath(const std::string& folder,
                                                       const std::string& relative) const {
  if (Status fault = faults_->Next(FilesystemOperation::kStat); !fault.ok()) return fault;
  TSEQ_ASSIGN_OR_RETURN(FileInfo info, wrapped_.StatBeneath(folder, relative));
  const std::string path = folder.ends_with('/') ? folder + relative : folder + "/" + relative;
  if (const std::optional<uint64_t> device = MountedDevice(path)) info.device = *device;
  return info;
}

Result<std::string> FaultInjectingFilesystem::ReadFile(const std::string& path) const {
  if (Status fault = faults_->Next(FilesystemOperation::kReadFile); !fault.ok()) return fault;
  return wrapped_.ReadFile(path);
}

Result<std::string> FaultInjectingFilesystem::ReadSymlink(const std::string& path) const {
  if (Status fault = faults_->Next(FilesystemOperation::kReadSymlink); !fault.ok()) return fault;
  return wrapped_.ReadSymlink(path);
}

Result<std::vector<std::string>> FaultInjectingFilesystem::ListDirectory(
    const std::string& path) const {
  if (Status fault = faults_->Next(FilesystemOperation::kListDirectory); !fault.ok()) {
    return fault;
  }
  return wrapped_.ListDirectory(path);
}

Result<DirectoryScan> FaultInjectingFilesystem::ScanDirectory(const std::string& path) const {
  if (Status fault = faults_->Next(FilesystemOperation::kListDirectory); !fault.ok()) {
    return fault;
  }
  TSEQ_ASSIGN_OR_RETURN(DirectoryScan scan, wrapped_.ScanDirectory(path));
  if (const std::optional<uint64_t> device = MountedDevice(path)) scan.info.device = *device;
  for (ScannedEntry& entry : scan.entries) {
    if (Status fault = faults_->Next(FilesystemOperation::kStat); !fault.ok()) {
      entry.info = std::move(fault);
      continue;
    }
    if (!entry.info.ok()) continue;
    const std::string entry_path =
        path.ends_with('/') ? path + entry.name : path + "/" + entry.name;
    if (const std::optional<uint64_t> device = MountedDevice(entry_path)) {
      entry.info->device = *device;
    }
  }
  return scan;
}

Status FaultInjectingFilesystem::CreateDirectories(const std::string& path, mode_t mode) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kCreateDirectories));
  return wrapped_.CreateDirectories(path, mode);
}

Status FaultInjectingFilesystem::WriteFileAtomically(const std::string& path,
                                                     std::string_view contents, mode_t mode) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kWriteFileAtomically));
  return wrapped_.WriteFileAtomically(path, contents, mode);
}

Status FaultInjectingFilesystem::WriteFileAtomicallyOwnedBy(const std::string& path,
                                                            std::string_view contents, mode_t mode,
                                                            uid_t owner, gid_t group) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kWriteFileAtomically));
  return wrapped_.WriteFileAtomicallyOwnedBy(path, contents, mode, owner, group);
}

Status FaultInjectingFilesystem::Remove(const std::string& path) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kRemove));
  return wrapped_.Remove(path);
}

Status FaultInjectingFilesystem::Rename(const std::string& from, const std::string& to) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kRename));
  return wrapped_.Rename(from, to);
}

Result<std::unique_ptr<ReadableFile>> FaultInjectingFilesystem::OpenForRead(
    const std::string& path, SymlinkPolicy policy) const {
  if (Status fault = faults_->Next(FilesystemOperation::kOpenForRead); !fault.ok()) return fault;
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file, wrapped_.OpenForRead(path, policy));
  return std::unique_ptr<ReadableFile>(
      std::make_unique<FaultyReadableFile>(std::move(file), faults_));
}

Result<OpenedFile> FaultInjectingFilesystem::OpenRegularFile(const std::string& path) const {
  if (Status fault = faults_->Next(FilesystemOperation::kOpenRegularFile); !fault.ok()) {
    return fault;
  }
  TSEQ_ASSIGN_OR_RETURN(OpenedFile opened, wrapped_.OpenRegularFile(path));
  opened.file = std::make_unique<FaultyReadableFile>(std::move(opened.file), faults_);
  if (const std::optional<uint64_t> device = MountedDevice(path)) opened.info.device = *device;
  return opened;
}

Result<std::unique_ptr<WritableFile>> FaultInjectingFilesystem::CreateFile(const std::string& path,
                                                                           mode_t mode,
                                                                           CreateMode create_mode) {
  if (Status fault = faults_->Next(FilesystemOperation::kCreateFile); !fault.ok()) return fault;
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                        wrapped_.CreateFile(path, mode, create_mode));
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(std::move(file), faults_));
}

Status FaultInjectingFilesystem::CreateHardLink(const std::string& existing,
                                                const std::string& new_path) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kCreateHardLink));
  return wrapped_.CreateHardLink(existing, new_path);
}

Status FaultInjectingFilesystem::LinkOpenFile(const ReadableFile& file,
                                              const std::string& new_path) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kLinkOpenFile));
  // The wrapped filesystem knows its own files, not this wrapper around them.
  const auto* faulty = dynamic_cast<const FaultyReadableFile*>(&file);
  return wrapped_.LinkOpenFile(faulty != nullptr ? faulty->wrapped() : file, new_path);
}

Status FaultInjectingFilesystem::CreateSymlink(const std::string& target, const std::string& path) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kCreateSymlink));
  return wrapped_.CreateSymlink(target, path);
}

Status FaultInjectingFilesystem::SyncDirectory(const std::string& path) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kSyncDirectory));
  return wrapped_.SyncDirectory(path);
}

Status FaultInjectingFilesystem::SetImmutable(const std::string& path, bool immutable) {
  TSEQ_RETURN_IF_ERROR(faults_->Next(FilesystemOperation::kSetImmutable));
  return wrapped_.SetImmutable(path, immutable);
}

Result<bool> FaultInjectingFilesystem::IsImmutable(const std::string& path) const {
  if (Status fault = faults_->Next(FilesystemOperation::kIsImmutable); !fault.ok()) return fault;
  return wrapped_.IsImmutable(path);
}

}  // namespace tseq
