// Linking a walked profile's regular files into a hard-link store ahead of the collector
// (scanstate_collect.cc), on worker threads.
//
// A hard-link capture is system calls: a link, an lstat and an xattr listing per file, and a
// mkdir per folder, each waiting on the filesystem. The collector must record entries in walk
// order, one at a time; LinkAhead's workers make the links and examine them for the files
// further on meanwhile, so that several files are in the kernel at once, and the collector takes
// each result in order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "archive/catalog.h"
#include "base/status.h"
#include "migration/capture_destination.h"
#include "migration/profile_walker.h"

namespace tseq {

// A regular file linked into the store by its path (LinkByPath), and what the link names
// (ProfileWalker::DescribeLinked) when the link was made.
struct LinkedFile {
  Result<std::string> link = std::string();
  Result<std::optional<archive::CatalogEntry>> description = std::optional<archive::CatalogEntry>();
};

// Links the regular file of `item` into `destination` under root `root` and describes the link.
LinkedFile LinkWalkedFile(const CaptureItem& item, uint32_t root, CaptureDestination& destination,
                          const ProfileWalker& walker);

class LinkAhead {
 public:
  // Whether LinkAhead links `item` ahead: a regular file that is not a later name of one already
  // walked (those are recorded as hard-link entries, or linked by the collector itself when their
  // first name was not captured).
  static bool Links(const CaptureItem& item);

  // Starts `threads` workers linking, in walk order, the items of `items` that Links accepts, at
  // most a window of results ahead of the collector. With no worker (`threads` 0, or no thread
  // could be started), Take links each file itself when asked. Every argument must outlive
  // this object; `destination` must be a hard-link store, and the collector may add entries to
  // it meanwhile (not roots: see CaptureDestination::LinkByPath).
  LinkAhead(const std::vector<CaptureItem>& items, uint32_t root, CaptureDestination& destination,
            const ProfileWalker& walker, size_t threads);
  // Stops the workers, then removes the links made for items never taken (a capture that stops
  // early leaves in the store only what it recorded, as it would have without LinkAhead).
  ~LinkAhead();
  LinkAhead(const LinkAhead&) = delete;
  LinkAhead& operator=(const LinkAhead&) = delete;

  // The result for items[index], waiting for it if need be. REQUIRES: `index` is the next item,
  // in walk order, that Links accepts and that was not taken yet.
  LinkedFile Take(size_t index);

 private:
  void Work();

  const std::vector<CaptureItem>& items_;
  uint32_t root_;
  CaptureDestination& destination_;
  const ProfileWalker& walker_;
  std::vector<size_t> order_;  // the indexes of the items to link, in walk order

  std::mutex mutex_;
  std::condition_variable result_ready_;  // a worker stored a result
  std::condition_variable slot_free_;     // the collector took one, or the work stops
  // Results by position in order_, at position % kWindow; an empty slot has none yet.
  std::vector<std::optional<LinkedFile>> slots_;
  size_t next_claim_ = 0;  // the next position a worker takes on
  size_t taken_ = 0;       // the positions the collector took
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace tseq
