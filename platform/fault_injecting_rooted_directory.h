// FaultInjectingRootedDirectory: wraps another RootedDirectory and fails chosen calls, so tests
// can check how loadstate and scanstate behave on a full disk, an I/O error or a refusal.
// Thread-safe.
//
//   FaultInjectingRootedDirectory faulty(*real);
//   faulty.FailNthWithErrno(RootedOperation::kCommit, 3, ENOSPC);
//
// The third Commit fails with "cannot create 'ROOT/REL': No space left on device" (coded as
// ErrnoStatus codes it, EEXIST as AlreadyExists) and changes nothing; other calls pass through to
// the wrapped directory, which must outlive this object and every PendingFile it returns.
//
// PendingFiles returned by CreateFile are wrapped too: kAppend, kCommit, kSeal and kPublish count
// the calls on all of them together. An injected failure changes nothing, except that kAppend is a
// short write: the first half of the data (size / 2, rounded down) is appended first, as when a
// disk fills up. A failed Commit, Seal or Publish leaves the file pending, as the contract says.
#pragma once

#include <memory>

#include "platform/rooted_directory.h"

namespace tseq {

enum class RootedOperation {
  kStat,
  kReadMetadata,
  kList,
  kOpenForRead,
  kCreateDirectory,
  kMakeDirectories,
  kCreateFile,
  kAppend,   // PendingFile::Append
  kCommit,   // PendingFile::Commit
  kSeal,     // PendingFile::Seal
  kPublish,  // PendingFile::Publish
  kCreateSymlink,
  kCreateHardLink,
  kApplyMetadata,
  kRemove,
  kSyncFilesystem,
};

class FaultInjectingRootedDirectory : public RootedDirectory {
 public:
  explicit FaultInjectingRootedDirectory(RootedDirectory& wrapped);

  // The `nth` call (1-based, counted from now) of `operation` fails with `status`.
  void FailNth(RootedOperation operation, int nth, Status status);
  // The `nth` call fails as the OS's `error` would: "cannot ACTION 'ROOT/REL': REASON", where
  // ACTION is the operation's (e.g. "create" for kCreateFile, kCommit and kPublish, "write" for
  // kAppend, "change the metadata of" for kSeal, "sync" for kSyncFilesystem).
  void FailNthWithErrno(RootedOperation operation, int nth, int error);
  // Every call of `operation` from now on fails with `status`.
  void FailAlways(RootedOperation operation, Status status);
  void ClearFaults();
  // How many times `operation` was called since construction (failed calls included).
  int CallCount(RootedOperation operation) const;

  const std::string& path() const override;
  Result<FileInfo> Stat(const std::string& relative) const override;
  Result<FileMetadata> ReadMetadata(const std::string& relative) const override;
  Result<std::vector<std::string>> List(const std::string& relative) const override;
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& relative) const override;
  Status CreateDirectory(const std::string& relative, mode_t mode) override;
  Result<std::vector<std::string>> MakeDirectories(const std::string& relative,
                                                   mode_t mode) override;
  Result<std::unique_ptr<PendingFile>> CreateFile(const std::string& relative) override;
  Status CreateSymlink(const std::string& target, const std::string& relative,
                       const MetadataUpdate& metadata, ReplacePolicy replace) override;
  Status CreateHardLink(const std::string& existing, const std::string& relative,
                        ReplacePolicy replace) override;
  Status ApplyMetadata(const std::string& relative, const MetadataUpdate& metadata) override;
  Status Remove(const std::string& relative) override;
  Status SyncFilesystem() override;

 private:
  class Faults;  // the counts and pending faults, shared with the pending files
  class FaultyPendingFile;

  // Counts the call and returns the injected failure for ROOT/REL, if any.
  Status Next(RootedOperation operation, const std::string& relative) const;

  RootedDirectory& wrapped_;
  const std::shared_ptr<Faults> faults_;
};

}  // namespace tseq
