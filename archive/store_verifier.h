// VerifyStore: checks every byte of a USMT.MIG store against its catalog, as `usmtutils /verify`
// reports it (USMT's summary / all / failureonly / catalog report types).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archive/store_reader.h"
#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq::archive {

struct VerificationReport {
  // OK when the header, key, trailer and catalog are sound. Otherwise nothing below is filled:
  // without a catalog the files cannot be named. kUnauthenticated for a missing or wrong key.
  Status catalog;
  // Blocks that failed, with the reason (naming the block and its offset).
  std::map<uint64_t, Status> bad_blocks;
  // Per catalog entry: whether its content touches a bad block (hard links follow their file;
  // directories and symlinks are in the catalog only, so they are intact when it is).
  std::vector<bool> entry_corrupted;
  // The catalog, when it could be read.
  std::shared_ptr<const Catalog> entries;
  uint64_t intact_entries = 0;
  uint64_t corrupted_entries = 0;

  bool ok() const { return catalog.ok() && bad_blocks.empty(); }
  // The first problem found (the catalog's, else the first bad block's); OK when ok().
  Status FirstProblem() const;
};

// Opens the store (directory or .MIG path) and verifies it. I/O errors while reading (not
// corruption) are returned as the catalog status too, with their own code.
VerificationReport VerifyStore(const Filesystem& filesystem, const std::string& store,
                               std::string_view key_text, StoreReaderOptions options = {});

// Verifies an already opened store.
VerificationReport VerifyOpenStore(StoreReader& reader);

}  // namespace tseq::archive
