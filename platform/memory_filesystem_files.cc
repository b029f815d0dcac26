// MemoryFilesystem's open files, links, directory sync and the immutable attribute.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "platform/memory_filesystem.h"
#include "platform/memory_filesystem_internal.h"

namespace tseq {

using memory_filesystem_internal::Describe;
using memory_filesystem_internal::Reason;

namespace {

Status ClosedFileError(const std::string& action, const std::string& path) {
  return FailedPreconditionError("cannot " + action + " '" + path + "': the file is closed");
}

// Reason(), except that EEXIST becomes AlreadyExists, as the contract promises for creation.
Status CreationReason(int error) {
  const Status reason = Reason(error);
  if (error == EEXIST) return Status(StatusCode::kAlreadyExists, reason.message());
  return reason;
}

}  // namespace

class MemoryFilesystem::OpenReadableFile : public ReadableFile {
 public:
  OpenReadableFile(std::string path, std::shared_ptr<std::mutex> mutex,
                   std::shared_ptr<Inode> inode)
      : path_(std::move(path)), mutex_(std::move(mutex)), inode_(std::move(inode)) {}

  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    std::lock_guard lock(*mutex_);
    const std::string& contents = inode_->contents;
    if (offset >= contents.size()) return size_t{0};
    const size_t start = static_cast<size_t>(offset);
    const size_t count = std::min(length, contents.size() - start);
    std::memcpy(buffer, contents.data() + start, count);
    return count;
  }

  Result<uint64_t> Size() const override {
    std::lock_guard lock(*mutex_);
    return static_cast<uint64_t>(inode_->contents.size());
  }

  const std::string& path() const override { return path_; }

  // For LinkOpenFile: whether this file is of the filesystem whose lock is `mutex`, and its inode.
  bool OpenedBy(const std::shared_ptr<std::mutex>& mutex) const { return mutex_ == mutex; }
  const std::shared_ptr<Inode>& inode() const { return inode_; }

 private:
  const std::string path_;
  const std::shared_ptr<std::mutex> mutex_;
  const std::shared_ptr<Inode> inode_;
};

class MemoryFilesystem::OpenWritableFile : public WritableFile {
 public:
  OpenWritableFile(std::string path, std::shared_ptr<std::mutex> mutex,
                   std::shared_ptr<Inode> inode)
      : path_(std::move(path)), mutex_(std::move(mutex)), inode_(std::move(inode)) {}

  Status Append(std::string_view data) override {
    if (closed_) return ClosedFileError("write", path_);
    std::lock_guard lock(*mutex_);
    // Like a descriptor, write at our own offset, even if someone truncated the file meanwhile.
    std::string& contents = inode_->contents;
    if (contents.size() < offset_ + data.size()) contents.resize(offset_ + data.size());
    contents.replace(offset_, data.size(), data);
    offset_ += data.size();
    return Status::Ok();
  }

  Status Sync() override {
    if (closed_) return ClosedFileError("sync", path_);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (closed_) return ClosedFileError("truncate", path_);
    std::lock_guard lock(*mutex_);
    offset_ = static_cast<size_t>(size);
    inode_->contents.resize(offset_);
    return Status::Ok();
  }

  Status Close() override {
    if (closed_) return ClosedFileError("close", path_);
    closed_ = true;
    return Status::Ok();
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const std::shared_ptr<std::mutex> mutex_;
  const std::shared_ptr<Inode> inode_;
  size_t offset_ = 0;
  bool closed_ = false;
};

Result<std::unique_ptr<ReadableFile>> MemoryFilesystem::OpenForRead(const std::string& path,
                                                                    SymlinkPolicy policy) const {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, policy);
  if (!resolved.ok()) return Describe(resolved.status(), "open", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "open", path);
  if (entry->type == FileType::kSymlink) {
    return InvalidArgumentError("cannot open '" + path + "': it is a symlink");
  }
  if (entry->type == FileType::kDirectory) {
    return InvalidArgumentError("cannot open '" + path + "': it is a directory");
  }
  return std::unique_ptr<ReadableFile>(std::make_unique<OpenReadableFile>(path, mutex_, entry));
}

Result<OpenedFile> MemoryFilesystem::OpenRegularFile(const std::string& path) const {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "open", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "open", path);
  switch (entry->type) {
    case FileType::kRegular:
      break;
    case FileType::kSymlink:
      return InvalidArgumentError("cannot open '" + path + "': it is a symlink");
    case FileType::kDirectory:
      return InvalidArgumentError("cannot open '" + path + "': it is a directory");
    case FileType::kOther:
      return InvalidArgumentError("cannot open '" + path + "': not a regular file");
  }
  return OpenedFile{std::make_unique<OpenReadableFile>(path, mutex_, entry), InfoOf(*entry)};
}

Result<std::unique_ptr<WritableFile>> MemoryFilesystem::CreateFile(const std::string& path,
                                                                   mode_t mode,
                                                                   CreateMode create_mode) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "create", path);
  std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) {
    TSEQ_RETURN_IF_ERROR(Describe(CheckChangeableLocked(*resolved), "create", path));
    entry = NewInodeLocked(FileType::kRegular, "", mode);
    LinkLocked(*resolved, entry);
  } else {
    if (create_mode == CreateMode::kCreateNew)
      return Describe(CreationReason(EEXIST), "create", path);
    if (entry->type == FileType::kSymlink) {
      return InvalidArgumentError("cannot create '" + path + "': it is a symlink");
    }
    if (entry->type == FileType::kDirectory) return Describe(Reason(EISDIR), "create", path);
    if (entry->immutable) return Describe(Reason(EPERM), "create", path);
    entry->contents.clear();
    entry->mode = mode & 07777;
  }
  return std::unique_ptr<WritableFile>(std::make_unique<OpenWritableFile>(path, mutex_, entry));
}

Status MemoryFilesystem::CreateHardLink(const std::string& existing, const std::string& new_path) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> source = ResolveLocked(existing, SymlinkPolicy::kDoNotFollow);
  if (!source.ok()) {
    return source.status().WithContext("cannot link '" + new_path + "' to '" + existing + "'");
  }
  return LinkInodeLocked(FindLocked(*source), existing, new_path);
}

Status MemoryFilesystem::LinkOpenFile(const ReadableFile& file, const std::string& new_path) {
  const std::string what = "cannot link '" + new_path + "' to '" + file.path() + "'";
  const auto* open = dynamic_cast<const OpenReadableFile*>(&file);
  if (open == nullptr || !open->OpenedBy(mutex_)) {
    return InvalidArgumentError(what + ": the file was not opened by this filesystem");
  }
  std::lock_guard lock(*mutex_);
  // Like linkat(2) on a descriptor whose file has no name left.
  if (open->inode()->link_count == 0) return Reason(ENOENT).WithContext(what);
  return LinkInodeLocked(open->inode(), file.path(), new_path);
}

Status MemoryFilesystem::LinkInodeLocked(const std::shared_ptr<Inode>& inode,
                                         const std::string& existing, const std::string& new_path) {
  const std::string what = "cannot link '" + new_path + "' to '" + existing + "'";
  const Result<std::string> destination = ResolveLocked(new_path, SymlinkPolicy::kDoNotFollow);
  if (!destination.ok()) return destination.status().WithContext(what);
  if (inode == nullptr) return Reason(ENOENT).WithContext(what);
  if (FindLocked(*destination) != nullptr) return CreationReason(EEXIST).WithContext(what);
  if (inode->type == FileType::kDirectory || inode->immutable) {
    return Reason(EPERM).WithContext(what);
  }
  TSEQ_RETURN_IF_ERROR(CheckChangeableLocked(*destination).WithContext(what));
  ++inode->link_count;
  LinkLocked(*destination, inode);
  return Status::Ok();
}

Status MemoryFilesystem::CreateSymlink(const std::string& target, const std::string& path) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "create symlink", path);
  if (FindLocked(*resolved) != nullptr) {
    return Describe(CreationReason(EEXIST), "create symlink", path);
  }
  // symlink(2) refuses an empty target.
  if (target.empty()) return Describe(Reason(ENOENT), "create symlink", path);
  TSEQ_RETURN_IF_ERROR(Describe(CheckChangeableLocked(*resolved), "create symlink", path));
  LinkLocked(*resolved, NewInodeLocked(FileType::kSymlink, target, 0777));
  return Status::Ok();
}

Status MemoryFilesystem::SyncDirectory(const std::string& path) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "sync directory", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "sync directory", path);
  if (entry->type != FileType::kDirectory) return Describe(Reason(ENOTDIR), "sync directory", path);
  return Status::Ok();
}

Status MemoryFilesystem::SetImmutable(const std::string& path, bool immutable) {
  std::lock_guard lock(*mutex_);
  const std::string action = "set the immutable attribute of";
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), action, path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), action, path);
  if (entry->type == FileType::kSymlink) {
    return InvalidArgumentError("cannot " + action + " '" + path + "': it is a symlink");
  }
  entry->immutable = immutable;
  return Status::Ok();
}

Result<bool> MemoryFilesystem::IsImmutable(const std::string& path) const {
  std::lock_guard lock(*mutex_);
  const std::string action = "read the immutable attribute of";
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), action, path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), action, path);
  if (entry->type == FileType::kSymlink) {
    return InvalidArgumentError("cannot " + action + " '" + path + "': it is a symlink");
  }
  return entry->immutable;
}

}  // namespace tseq
