#include "platform/fault_injecting_filesystem.h"

#include <cassert>
#include <utility>

namespace tseq {

void FaultInjectingFilesystem::FailNth(FilesystemOperation operation, int nth, Status status) {
  assert(nth >= 1 && !status.ok());
  std::lock_guard lock(mutex_);
  faults_[operation] = Fault{.remaining_before_failure = nth - 1, .status = std::move(status)};
}

void FaultInjectingFilesystem::FailAlways(FilesystemOperation operation, Status status) {
  assert(!status.ok());
  std::lock_guard lock(mutex_);
  faults_[operation] = Fault{.remaining_before_failure = -1, .status = std::move(status)};
}

void FaultInjectingFilesystem::ClearFaults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

int FaultInjectingFilesystem::CallCount(FilesystemOperation operation) const {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(operation);
  return it == calls_.end() ? 0 : it->second;
}

Status FaultInjectingFilesystem::NextFault(FilesystemOperation operation) const {
  std::lock_guard lock(mutex_);
  ++calls_[operation];
  const auto it = faults_.find(operation);
  if (it == faults_.end()) return Status::Ok();
  Fault& fault = it->second;
  if (fault.remaining_before_failure < 0) return fault.status;
  if (fault.remaining_before_failure > 0) {
    --fault.remaining_before_failure;
    return Status::Ok();
  }
  Status status = std::move(fault.status);
  faults_.erase(it);
  return status;
}

Result<FileInfo> FaultInjectingFilesystem::Stat(const std::string& path,
                                                SymlinkPolicy policy) const {
  if (Status fault = NextFault(FilesystemOperation::kStat); !fault.ok()) return fault;
  return wrapped_.Stat(path, policy);
}

Result<std::string> FaultInjectingFilesystem::ReadFile(const std::string& path) const {
  if (Status fault = NextFault(FilesystemOperation::kReadFile); !fault.ok()) return fault;
  return wrapped_.ReadFile(path);
}

Result<std::string> FaultInjectingFilesystem::ReadSymlink(const std::string& path) const {
  if (Status fault = NextFault(FilesystemOperation::kReadSymlink); !fault.ok()) return fault;
  return wrapped_.ReadSymlink(path);
}

Result<std::vector<std::string>> FaultInjectingFilesystem::ListDirectory(
    const std::string& path) const {
  if (Status fault = NextFault(FilesystemOperation::kListDirectory); !fault.ok()) return fault;
  return wrapped_.ListDirectory(path);
}

Status FaultInjectingFilesystem::CreateDirectories(const std::string& path, mode_t mode) {
  TSEQ_RETURN_IF_ERROR(NextFault(FilesystemOperation::kCreateDirectories));
  return wrapped_.CreateDirectories(path, mode);
}

Status FaultInjectingFilesystem::WriteFileAtomically(const std::string& path,
                                                     std::string_view contents, mode_t mode) {
  TSEQ_RETURN_IF_ERROR(NextFault(FilesystemOperation::kWriteFileAtomically));
  return wrapped_.WriteFileAtomically(path, contents, mode);
}

Status FaultInjectingFilesystem::Remove(const std::string& path) {
  TSEQ_RETURN_IF_ERROR(NextFault(FilesystemOperation::kRemove));
  return wrapped_.Remove(path);
}

Status FaultInjectingFilesystem::Rename(const std::string& from, const std::string& to) {
  TSEQ_RETURN_IF_ERROR(NextFault(FilesystemOperation::kRename));
  return wrapped_.Rename(from, to);
}

}  // namespace tseq
