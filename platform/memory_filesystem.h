// MemoryFilesystem: an in-memory Filesystem for tests. Paths must be absolute; "." and ".."
// components are normalised lexically. Supports regular files, directories and symlinks (followed
// by Stat/ReadFile/ListDirectory under kFollow, up to 40 hops, like Linux). Thread-safe (one
// mutex). Times come from SetModified or default to the epoch.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "platform/filesystem.h"

namespace tseq {

class MemoryFilesystem : public Filesystem {
 public:
  Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ReadSymlink(const std::string& path) const override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  Status CreateDirectories(const std::string& path, mode_t mode) override;
  Status WriteFileAtomically(const std::string& path, std::string_view contents,
                             mode_t mode) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;

  // Test set-up helpers; parents are created as needed (mode 0755). A path that cannot be created
  // (say, under a regular file) aborts the process with a message: set-up errors are bugs.
  void AddFile(const std::string& path, std::string_view contents, mode_t mode = 0644);
  void AddSymlink(const std::string& path, const std::string& target);
  void SetModified(const std::string& path, std::chrono::system_clock::time_point modified);

 private:
  struct Entry {
    FileType type = FileType::kRegular;
    std::string contents;  // file data, or symlink target
    mode_t mode = 0644;
    std::chrono::system_clock::time_point modified;
  };
  // REQUIRES: mutex_ held. Resolves symlinks in every component; the final one per `policy`.
  // Errors carry only the reason ("No such file or directory"); callers add "cannot X 'PATH'".
  // The final component may be missing; every earlier one exists and is a directory.
  Result<std::string> ResolveLocked(const std::string& path, SymlinkPolicy policy) const;
  // REQUIRES: mutex_ held. The same contract as the public methods, without the lock.
  Status CreateDirectoriesLocked(const std::string& path, mode_t mode);
  Status PutLocked(const std::string& path, Entry entry);

  mutable std::mutex mutex_;
  // Normalised absolute path -> entry; "/" always present.
  std::map<std::string, Entry> entries_ = {
      {"/", Entry{.type = FileType::kDirectory, .mode = 0755}}};
};

}  // namespace tseq
