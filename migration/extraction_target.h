// ExtractionTarget: creates what `usmtutils /extract` writes under its destination folder, safely.
//
// - Never through a symlink, and never outside the destination: every write goes through a
//   RootedDirectory handle on the destination (platform/rooted_directory.h), which resolves each
//   path beneath it without following a symlink, even one planted while the extraction runs. A
//   symlink (or a file) where a folder must be blocks the entry.
// - Never a half-written file: content goes to a temporary file in the entry's folder, which is
//   synced and renamed over the entry's name only after the producer delivered every byte; the
//   names are made durable by one filesystem sync at the end (FinishDirectories).
// - Existing names are kept unless `overwrite` (/o); even then a folder is never replaced.
// - Set-user-ID and set-group-ID bits are dropped (the owner is not restored: the extracting
//   user owns everything).
//
// Each call reports its outcome: a conflict (something is in the way: code 41), a failure of
// the producer (the store: its own status), or a failure writing the output (fatal).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "platform/filesystem.h"
#include "platform/rooted_directory.h"

namespace tseq {

enum class EntryOutcome {
  kExtracted,
  kConflict,     // an existing name was kept, or a symlink or file is where a folder must be
  kStoreError,   // the producer (the store) failed: corruption, a store read error
  kOutputError,  // creating or writing the output failed
};

struct EntryResult {
  EntryOutcome outcome = EntryOutcome::kExtracted;
  Status status;  // why, when not extracted
};

struct EntryTimes {
  int64_t seconds = 0;
  uint32_t nanoseconds = 0;
};

// Writes the content of one file to the sink it is given; returns the sink's error as it comes.
using ContentProducer = std::function<Status(const std::function<Status(std::string_view)>&)>;

// Opens the destination folder (a resolved path) for writing: OpenRootedDirectory, or in tests
// a fault-injecting wrapper of it.
using DestinationOpener =
    std::function<Result<std::unique_ptr<RootedDirectory>>(const std::string& path)>;

class ExtractionTarget {
 public:
  // `filesystem` must outlive the target. `open` (optional) replaces OpenRootedDirectory.
  ExtractionTarget(Filesystem& filesystem, std::string destination, bool overwrite,
                   DestinationOpener open = {});

  // Creates the destination folder (mode 0700, with missing parents) unless it exists, and opens
  // it (a symlink to a folder is followed there: the destination is the user's choice). A
  // destination that exists and is not a folder is FailedPrecondition "the destination 'DEST'
  // is not a folder". Must succeed before any other call.
  Status Prepare();

  // `name` is a relative, "/"-separated path without empty, "." or ".." components (catalog
  // entry names are checked for that by the archive).
  EntryResult WriteFile(const std::string& name, mode_t mode, EntryTimes times,
                        const ContentProducer& producer);
  EntryResult WriteSymlink(const std::string& name, const std::string& target, EntryTimes times);
  // Another name for the file this run wrote at `existing_name`.
  EntryResult WriteHardLink(const std::string& name, const std::string& existing_name);
  // Creates the folder (0700 until FinishDirectories) and queues its mode and time, which are
  // applied when this run created it, or when it existed and `overwrite` is set.
  EntryResult MakeDirectory(const std::string& name, mode_t mode, EntryTimes times);
  // Whether this run created the folder `name` (as an entry's parent or an entry).
  bool Created(const std::string& name) const { return created_.count(name) != 0; }
  // Queues mode and time for a folder this run created as a parent.
  void QueueDirectoryMetadata(const std::string& name, mode_t mode, EntryTimes times);
  // Applies the queued folder modes and times, deepest first (a folder's time changes whenever
  // an entry is added to it, and a read-only mode would block adding), then syncs the
  // filesystem so that every name written is on disk. The first failure.
  Status FinishDirectories();

  std::string PathOf(const std::string& name) const { return destination_ + "/" + name; }

 private:
  // Checks (and creates) every folder between the destination and `name`.
  EntryResult EnsureParents(const std::string& name);
  // Whether the entry's own path may be written: a conflict when something is there and may
  // not be replaced.
  EntryResult CheckTarget(const std::string& name);
  ReplacePolicy Replace() const {
    return overwrite_ ? ReplacePolicy::kReplace : ReplacePolicy::kNoReplace;
  }

  struct PendingDirectory {
    std::string name;
    mode_t mode;
    EntryTimes times;
  };

  Filesystem& filesystem_;
  std::string destination_;
  bool overwrite_;
  DestinationOpener open_;
  std::unique_ptr<RootedDirectory> directory_;  // the destination, once Prepare succeeded
  std::set<std::string> verified_;              // folders (relative names) known to be folders
  std::set<std::string> created_;               // folders this run created
  std::vector<PendingDirectory> pending_;
};

}  // namespace tseq
