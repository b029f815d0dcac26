// SnapshotFilesystem: a read-only view of another Filesystem that remembers what it has seen.
//
// `tseq plan` evaluates thousands of file, folder and package conditions against a machine that
// does not change while it plans; resolving each machine path costs an lstat per component. This
// view answers Stat and ReadSymlink of a path it has already asked the wrapped filesystem about
// from memory, errors included (a missing file stays missing). ReadFile, ListDirectory and
// opening files always go to the wrapped filesystem.
//
// Every call that would change anything fails with FailedPrecondition "cannot ACTION 'PATH': the
// machine is read-only while planning", which also enforces that a plan changes nothing. Not for
// a run: it would not see the changes steps make. Thread-safe; the wrapped filesystem must
// outlive the view.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "platform/filesystem.h"

namespace tseq {

class SnapshotFilesystem : public Filesystem {
 public:
  explicit SnapshotFilesystem(const Filesystem& wrapped) : wrapped_(wrapped) {}

  Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ReadSymlink(const std::string& path) const override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  Status CreateDirectories(const std::string& path, mode_t mode) override;
  Status WriteFileAtomically(const std::string& path, std::string_view contents,
                             mode_t mode) override;
  Status WriteFileAtomicallyOwnedBy(const std::string& path, std::string_view contents, mode_t mode,
                                    uid_t owner, gid_t group) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                    SymlinkPolicy policy) const override;
  Result<OpenedFile> OpenRegularFile(const std::string& path) const override;
  Result<std::unique_ptr<WritableFile>> CreateFile(const std::string& path, mode_t mode,
                                                   CreateMode create_mode) override;
  Status CreateHardLink(const std::string& existing, const std::string& new_path) override;
  Status LinkOpenFile(const ReadableFile& file, const std::string& new_path) override;
  Status CreateSymlink(const std::string& target, const std::string& path) override;
  Status SyncDirectory(const std::string& path) override;
  Status SetImmutable(const std::string& path, bool immutable) override;
  Result<bool> IsImmutable(const std::string& path) const override;

 private:
  const Filesystem& wrapped_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<std::string, SymlinkPolicy>, Result<FileInfo>> stats_;
  mutable std::map<std::string, Result<std::string>> symlinks_;
};

}  // namespace tseq
