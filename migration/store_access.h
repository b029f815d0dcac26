// Store access for the USMT tools: finds which kind of store a STORE argument names and opens
// it, so that callers read the catalog and each file's content the same way from a USMT.MIG
// store and from a directory store (/nocompress, /hardlink /nocompress).
//
// A STORE argument may name the store folder, its USMT/USMT.MIG file, a .MIG file anywhere, or a
// directory store's USMT/catalog.mig. A folder holding USMT/USMT.MIG (or its .partial) is a .MIG
// store; a folder holding a USMT folder without it is a directory store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/catalog.h"
#include "archive/store_reader.h"
#include "base/status.h"
#include "platform/filesystem.h"
#include "platform/retry.h"

namespace tseq {

struct StoreLocation {
  std::string store;  // as given, for messages
  bool directory_store = false;
  // The store folder; empty for a .MIG file that is not STORE/USMT/USMT.MIG.
  std::string directory;
  // .MIG stores: the store file.
  std::string store_file;
};

StoreLocation LocateStore(const Filesystem& filesystem, const std::string& store);

// An opened store of either kind. Not thread-safe.
class OpenedStore {
 public:
  // Opens the store: the .MIG reader's checks (header, key, trailer, catalog), or a directory
  // store's catalog. The archive's errors as they come ("no store at ...", "wrong key", ...).
  // `key` is ignored by unencrypted stores. `filesystem` must outlive the store. Opening and
  // reading the .MIG file, and a directory store's content files, are retried under `retry` on
  // I/O errors (loadstate's /r and /w); the directory store's catalog is read once.
  static Result<std::unique_ptr<OpenedStore>> Open(const Filesystem& filesystem,
                                                   const StoreLocation& location,
                                                   std::string_view key, size_t threads,
                                                   RetrySettings retry = {});

  const archive::Catalog& catalog() const { return catalog_; }
  bool directory_store() const { return reader_ == nullptr; }
  // The .MIG reader; null for a directory store.
  archive::StoreReader* reader() { return reader_.get(); }
  // What messages call the store: the .MIG file, or the directory store's folder.
  const std::string& path() const { return path_; }

  // Streams the content of file or hard-link entry `index` to `consumer`. A .MIG store
  // authenticates every block before passing it on; a directory store checks first that the
  // content file is there, a regular file of the recorded size (CheckContentFile). Corruption
  // for damaged or missing content; the consumer's error as it comes.
  Status ReadContent(uint64_t index, const std::function<Status(std::string_view)>& consumer);

  // Directory stores: Corruption "PATH: missing from the store" or "PATH: is N bytes, the
  // catalog records M (the file changed after the capture)" or "PATH: is not a regular file".
  Status CheckContentFile(uint64_t index) const;

 private:
  OpenedStore(const Filesystem& filesystem, std::string path);

  const Filesystem& filesystem_;
  std::string path_;
  std::unique_ptr<archive::StoreReader> reader_;
  archive::Catalog catalog_;
  std::string directory_;  // directory stores: the store folder
  RetrySettings retry_;
};

// The name an entry has in reports and under an extraction's destination: the root's directory,
// "/", the entry's path ("home/alice/docs/a.txt").
std::string EntryName(const archive::Catalog& catalog, uint64_t index);

}  // namespace tseq
