// FaultInjectingFilesystem: wraps another Filesystem and fails chosen calls, so tests can check
// how callers behave on ENOSPC, permission errors and crashes. Thread-safe.
//
//   FaultInjectingFilesystem faulty(real);
//   faulty.FailNth(FilesystemOperation::kWriteFileAtomically, 3, IoError("no space left"));
//
// The third WriteFileAtomically call fails with that status and changes nothing; other calls pass
// through to the wrapped filesystem, which must outlive this object and every file it returns.
//
// Files returned by OpenForRead, OpenRegularFile and CreateFile are wrapped too (a wrapped
// readable file gives the wrapped file's descriptor(), and LinkOpenFile unwraps it before passing
// it on): kReadAt, kAppend, kSync, kTruncate and kClose
// count the calls on every handle of this filesystem together (the 2nd kAppend is the second
// Append on any of its files). An injected failure changes nothing, with two exceptions that
// mimic the OS:
//   - kAppend is a short write: the first half of the data (size / 2, rounded down) is appended
//     to the wrapped file, then the injected status is returned, as when a disk fills up mid-way.
//   - kClose still closes the wrapped file (close(2) always releases the descriptor), then
//     returns the injected status.
// The files may outlive this object (they keep the fault state alive).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

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
  kOpenForRead,
  kOpenRegularFile,
  kReadAt,  // ReadableFile::ReadAt
  kCreateFile,
  kAppend,    // WritableFile::Append
  kSync,      // WritableFile::Sync
  kTruncate,  // WritableFile::Truncate
  kClose,     // WritableFile::Close
  kCreateHardLink,
  kLinkOpenFile,
  kCreateSymlink,
  kSyncDirectory,
  kSetImmutable,
  kIsImmutable,
};

class FaultInjectingFilesystem : public Filesystem {
 public:
  explicit FaultInjectingFilesystem(Filesystem& wrapped);
  // Not copyable: a copy would share the faults. To wrap one FaultInjectingFilesystem in another,
  // pass it as a Filesystem&.
  FaultInjectingFilesystem(const FaultInjectingFilesystem&) = delete;
  FaultInjectingFilesystem& operator=(const FaultInjectingFilesystem&) = delete;

  // The `nth` call (1-based, counted from now) of `operation` fails with `status`.
  void FailNth(FilesystemOperation operation, int nth, Status status);
  // Every call of `operation` from now on fails with `status`.
  void FailAlways(FilesystemOperation operation, Status status);
  void ClearFaults();
  // How many times `operation` was called since construction (failed calls included).
  int CallCount(FilesystemOperation operation) const;
  // Makes `path` look like a mount point: Stat and OpenRegularFile of it and of everything below
  // it report `device`, as for another filesystem mounted there (the /localonly tests). The
  // innermost mount wins. Not thread-safe: call before the filesystem is shared.
  void SimulateMount(const std::string& path, uint64_t device);

  Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ReadSymlink(const std::string& path) const override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  // Counts as one kListDirectory (whose fault fails the scan) and one kStat per entry (whose fault
  // becomes that entry's error), so that scripted faults and counts mean what they mean for a
  // ListDirectory followed by a Stat of each entry; SimulateMount applies to the directory and
  // its entries. The open directory is the wrapped filesystem's.
  Result<DirectoryScan> ScanDirectory(const std::string& path) const override;
  // Fails as a kStat.
  Result<FileInfo> StatBeneath(const std::string& folder,
                               const std::string& relative) const override;
  Status CreateDirectories(const std::string& path, mode_t mode) override;
  Status WriteFileAtomically(const std::string& path, std::string_view contents,
                             mode_t mode) override;
  // Counts as kWriteFileAtomically.
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
  class Faults;  // the counts and pending faults, shared with the files
  class FaultyReadableFile;
  class FaultyWritableFile;

  // The device SimulateMount gives `path`, if any.
  std::optional<uint64_t> MountedDevice(const std::string& path) const;

  Filesystem& wrapped_;
  const std::shared_ptr<Faults> faults_;
  std::map<std::string, uint64_t> mounts_;  // mount point -> device
};

}  // namespace tseq
