#include "platform/snapshot_filesystem.h"

namespace tseq {
namespace {

Status ReadOnly(const std::string& action, const std::string& path) {
  return FailedPreconditionError("cannot " + action + " '" + path +
                                 "': the machine is read-only while planning");
}

}  // namespace

Result<FileInfo> SnapshotFilesystem::Stat(const std::string& path, SymlinkPolicy policy) const {
  const auto key = std::make_pair(path, policy);
  {
    std::lock_guard lock(mutex_);
    if (const auto found = stats_.find(key); found != stats_.end()) return found->second;
  }
  Result<FileInfo> info = wrapped_.Stat(path, policy);
  std::lock_guard lock(mutex_);
  return stats_.emplace(key, std::move(info)).first->second;
}

Result<std::string> SnapshotFilesystem::ReadSymlink(const std::string& path) const {
  {
    std::lock_guard lock(mutex_);
    if (const auto found = symlinks_.find(path); found != symlinks_.end()) return found->second;
  }
  Result<std::string> target = wrapped_.ReadSymlink(path);
  std::lock_guard lock(mutex_);
  return symlinks_.emplace(path, std::move(target)).first->second;
}

Result<std::string> SnapshotFilesystem::ReadFile(const std::string& path) const {
  return wrapped_.ReadFile(path);
}

Result<std::vector<std::string>> SnapshotFilesystem::ListDirectory(const std::string& path) const {
  return wrapped_.ListDirectory(path);
}

Result<std::unique_ptr<ReadableFile>> SnapshotFilesystem::OpenForRead(const std::string& path,
                                                                      SymlinkPolicy policy) const {
  return wrapped_.OpenForRead(path, policy);
}

Result<OpenedFile> SnapshotFilesystem::OpenRegularFile(const std::string& path) const {
  return wrapped_.OpenRegularFile(path);
}

Result<bool> SnapshotFilesystem::IsImmutable(const std::string& path) const {
  return wrapped_.IsImmutable(path);
}

Status SnapshotFilesystem::CreateDirectories(const std::string& path, mode_t /*mode*/) {
  return ReadOnly("create", path);
}

Status SnapshotFilesystem::WriteFileAtomically(const std::string& path,
                                               std::string_view /*contents*/, mode_t /*mode*/) {
  return ReadOnly("write", path);
}

Status SnapshotFilesystem::WriteFileAtomicallyOwnedBy(const std::string& path,
                                                      std::string_view /*contents*/,
                                                      mode_t /*mode*/, uid_t /*owner*/,
                                                      gid_t /*group*/) {
  return ReadOnly("write", path);
}

Status SnapshotFilesystem::Remove(const std::string& path) { return ReadOnly("remove", path); }

Status SnapshotFilesystem::Rename(const std::string& from, const std::string& /*to*/) {
  return ReadOnly("rename", from);
}

Result<std::unique_ptr<WritableFile>> SnapshotFilesystem::CreateFile(const std::string& path,
                                                                     mode_t /*mode*/,
                                                                     CreateMode /*create_mode*/) {
  return ReadOnly("create", path);
}

Status SnapshotFilesystem::CreateHardLink(const std::string& /*existing*/,
                                          const std::string& new_path) {
  return ReadOnly("create", new_path);
}

Status SnapshotFilesystem::LinkOpenFile(const ReadableFile& /*file*/, const std::string& new_path) {
  return ReadOnly("create", new_path);
}

Status SnapshotFilesystem::CreateSymlink(const std::string& /*target*/, const std::string& path) {
  return ReadOnly("create", path);
}

Status SnapshotFilesystem::SyncDirectory(const std::string& path) { return ReadOnly("sync", path); }

Status SnapshotFilesystem::SetImmutable(const std::string& path, bool /*immutable*/) {
  return ReadOnly("change the attributes of", path);
}

}  // namespace tseq
