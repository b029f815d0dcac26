// The pieces of the POSIX RootedDirectory that deal with file handles and with putting a
// finished entry under its name. Internal to platform/.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "platform/beneath_resolver.h"
#include "platform/file_descriptor.h"
#include "platform/filesystem.h"
#include "platform/rooted_directory.h"

namespace tseq {

// A fresh name for a temporary entry: ".tseq-PID-COUNTER-RANDOM.tmp".
std::string TemporaryEntryName();

// Renames `temporary` to `parent.name` in the same folder under `replace` (RENAME_NOREPLACE, or
// link-and-unlink where the filesystem lacks it); the caller syncs the folder. A folder at the name
// is FailedPrecondition "cannot ACTION 'FULL': it is a folder"; an existing name under kNoReplace
// is AlreadyExists. On failure `temporary` is left for the caller to remove.
Status PlaceEntry(const BeneathResolver::Parent& parent, const std::string& temporary,
                  ReplacePolicy replace, const std::string& action, const std::string& full_path);

// "ROOT/A" for "ROOT/A/B".
std::string FolderOf(const std::string& full_path);

// fsync(2) of the folder `directory` refers to (an O_PATH descriptor will do).
Status SyncDirectoryDescriptor(int directory, const std::string& path);

// A ReadableFile over an open descriptor (ownership passes to it).
std::unique_ptr<ReadableFile> NewDescriptorReadableFile(std::string path, FileDescriptor file);

// The SyncFilesystem calls of one directory, numbered from 1 as they start, so that Publish can
// tell whether one that started after Seal succeeded. Thread-safe.
class SyncLedger {
 public:
  // Numbers a sync that starts now.
  uint64_t Start();
  void Succeeded(uint64_t number);
  // How many syncs have started so far.
  uint64_t StartedSoFar() const;
  // Whether a sync numbered above `started` (one that started after StartedSoFar returned it)
  // succeeded.
  bool SucceededAfter(uint64_t started) const;

 private:
  mutable std::mutex mutex_;
  uint64_t started_ = 0;
  uint64_t latest_success_ = 0;
};

// The PendingFile for a temporary file `temporary` in `parent`, open for writing as `file`,
// whose final name is `parent.name` (`full_path`); `syncs` is its directory's.
std::unique_ptr<PendingFile> NewPosixPendingFile(BeneathResolver::Parent parent,
                                                 std::string temporary, FileDescriptor file,
                                                 std::string full_path,
                                                 std::shared_ptr<const SyncLedger> syncs);

}  // namespace tseq
