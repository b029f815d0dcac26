// RestoreBatch: loadstate's restored files waiting to be named. Each file is written under a
// temporary name and sealed (content and metadata final); when the batch is full, one filesystem
// sync makes all of them durable and only then are they published under their names. A restore
// thus never leaves a name with half its content after a crash or power loss, at the cost of one
// sync per batch instead of two per file (docs/loadstate.md "Durability").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "platform/rooted_directory.h"

namespace tseq {

class RestoreBatch {
 public:
  struct File {
    std::unique_ptr<PendingFile> file;  // sealed
    uint64_t index = 0;                 // its catalog entry
    std::string relative;               // where it goes, relative to the directory
    uint64_t size = 0;                  // content bytes
    std::string stored_path;            // the entry's path in the store
    std::string machine_path;           // for messages: "/home/alice/a.txt"
    int copy = 0;                       // `relative` is "name (copy).ext"; 0: its own name
  };

  // A batch is full at `maximum_files` files or `maximum_bytes` bytes of content, whichever comes
  // first (each file holds two descriptors until it is published).
  explicit RestoreBatch(size_t maximum_files = 128, uint64_t maximum_bytes = 64ULL << 20);

  // Adds a sealed file; returns whether the batch is now full.
  bool Add(File file);
  bool empty() const { return files_.empty(); }
  // Whether a file waiting here will get the name `relative`, or is the content of `index`.
  bool HasName(const std::string& relative) const { return names_.contains(relative); }
  bool HasEntry(uint64_t index) const { return entries_.contains(index); }

  // Syncs `directory`'s filesystem, then publishes every file in the order they were added, under
  // kNoReplace. `published` learns each file named; `failed` each file that could not be (every
  // file when the sync fails), and returns false to stop: Flush then returns that file's status,
  // and the files not yet published are dropped (their temporary files removed). The batch is
  // empty afterwards either way.
  Status Flush(RootedDirectory& directory, const std::function<void(const File&)>& published,
               const std::function<bool(const File&, const Status&)>& failed);

  // Drops every file waiting (their temporary files are removed).
  void Clear();

 private:
  const size_t maximum_files_;
  const uint64_t maximum_bytes_;
  std::vector<File> files_;
  std::set<std::string> names_;
  std::set<uint64_t> entries_;
  uint64_t bytes_ = 0;
};

}  // namespace tseq
