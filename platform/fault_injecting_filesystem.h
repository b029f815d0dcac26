// FaultInjectingFilesystem: wraps another Filesystem and fails chosen calls, so tests can check
// how callers behave on ENOSPC, permission errors and crashes. Thread-safe.
//
//   FaultInjectingFilesystem faulty(real);
//   faulty.FailNth(FilesystemOperation::kWriteFileAtomically, 3, IoError("no space left"));
//
// The third WriteFileAtomically call fails with that status and changes nothing; other calls pass
// through to the wrapped filesystem, which must outlive this object.
#pragma once

#include <map>
#include <mutex>

#include "platform/filesystem.h"

namespace tseq {

enum class FilesystemOperation {
  kStat,
  kReadFile,
  kReadSymlink,
  kListDirectory,
  kCreateDirectories,
  kWriteFileAtomically,
  kRemove,
  kRename,
};

class FaultInjectingFilesystem : public Filesystem {
 public:
  explicit FaultInjectingFilesystem(Filesystem& wrapped) : wrapped_(wrapped) {}

  // The `nth` call (1-based, counted from now) of `operation` fails with `status`.
  void FailNth(FilesystemOperation operation, int nth, Status status);
  // Every call of `operation` from now on fails with `status`.
  void FailAlways(FilesystemOperation operation, Status status);
  void ClearFaults();
  // How many times `operation` was called since construction.
  int CallCount(FilesystemOperation operation) const;

  Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ReadSymlink(const std::string& path) const override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  Status CreateDirectories(const std::string& path, mode_t mode) override;
  Status WriteFileAtomically(const std::string& path, std::string_view contents,
                             mode_t mode) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;

 private:
  struct Fault {
    int remaining_before_failure = 0;  // 0 = fail on this call; -1 = always
    Status status;
  };
  // Counts the call and returns the injected failure, if any (OK otherwise).
  Status NextFault(FilesystemOperation operation) const;

  Filesystem& wrapped_;
  mutable std::mutex mutex_;
  mutable std::map<FilesystemOperation, int> calls_;
  mutable std::map<FilesystemOperation, Fault> faults_;
};

}  // namespace tseq
