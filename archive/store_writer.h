// StoreWriter: writes a USMT.MIG store (docs/store-format.md) to a ByteSink, front to back.
//
//   TSEQ_ASSIGN_OR_RETURN(auto sink, NewFileSink(filesystem, store + "/USMT/USMT.MIG"));
//   TSEQ_ASSIGN_OR_RETURN(auto writer, StoreWriter::Create(std::move(sink), options, key));
//   const uint32_t root = writer->AddRoot({.name = "PC02\\alice", .directory = "home/alice"});
//   TSEQ_RETURN_IF_ERROR(writer->AddEntry(directory_entry));
//   TSEQ_RETURN_IF_ERROR(writer->AddFile(file_entry, *opened_file).status());
//   TSEQ_RETURN_IF_ERROR(writer->Finish());
//
// Blocks are compressed and sealed on `threads` worker threads while the caller reads files;
// memory stays bounded (2 x threads + 2 blocks). Not thread-safe: one caller thread.
//
// Failure: the first sink failure (ENOSPC, ...) is returned and sticks: every later call returns
// it, and the sink is abandoned (a file store's partial file is removed). Destroying a writer
// before Finish() succeeded abandons the sink too, so a store is complete or absent.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/block_codec.h"
#include "archive/byte_sink.h"
#include "archive/catalog.h"
#include "archive/ordered_pool.h"
#include "archive/store_crypto.h"
#include "archive/store_format.h"
#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq::archive {

struct StoreWriterOptions {
  Compression compression = Compression::kZstd;
  int compression_level = 3;
  Encryption encryption = Encryption::kAes256Gcm;  // kNone: integrity only, no key
  ScryptCost scrypt;
  uint32_t block_size = kDefaultBlockSize;
  size_t threads = 0;  // 0: one per core
  Attributes properties;
  int64_t created_seconds = 0;  // 0: now
  // Golden-store tests only: fixed instead of random identifiers.
  std::optional<StoreId> store_id;
  std::optional<std::array<uint8_t, kSaltSize>> salt;
};

struct StoreWriterStatistics {
  uint64_t entries = 0;
  uint64_t files = 0;
  uint64_t data_bytes = 0;    // content bytes taken in
  uint64_t stored_bytes = 0;  // bytes written to the sink so far
};

class StoreWriter {
 public:
  // Validates the options (InvalidArgument naming the bad one), derives the key (slow: scrypt)
  // and writes the header. `key_text` must be non-empty for encrypted stores and is not kept.
  static Result<std::unique_ptr<StoreWriter>> Create(std::unique_ptr<ByteSink> sink,
                                                     const StoreWriterOptions& options,
                                                     std::string_view key_text);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Adds a root and returns its index. InvalidArgument if its directory is not a valid relative
  // path.
  Result<uint32_t> AddRoot(CatalogRoot root);

  // Adds a directory, symlink or hard-link entry and returns its index. InvalidArgument for a
  // regular file (use AddFile), an unknown root, an invalid or repeated path, or a hard link that
  // does not name an earlier file.
  Result<uint64_t> AddEntry(CatalogEntry entry);

  // Adds a regular file whose content is read from `source` to its end (the entry's size is set
  // to what was read). On a read error the entry is not added and the error is returned (the
  // bytes already streamed stay in the store, unreferenced); the writer stays usable.
  Result<uint64_t> AddFile(CatalogEntry entry, const ReadableFile& source);
  // The same with the content given directly.
  Result<uint64_t> AddFileContent(CatalogEntry entry, std::string_view content);

  // Writes the last data block, the catalog and the trailer, and finishes the sink.
  Status Finish();

  // Writes a store that holds only `catalog` (no data stream), unencrypted and uncompressed:
  // a directory store's catalog.mig. REQUIRES: no data blocks, data size 0.
  static Status WriteCatalogOnly(std::unique_ptr<ByteSink> sink, const Catalog& catalog);

  const StoreWriterStatistics& statistics() const { return statistics_; }
  const StoreHeader& header() const { return header_; }

 private:
  StoreWriter(std::unique_ptr<ByteSink> sink, StoreHeader header, StoreKeys keys, size_t threads);
  // Streams content into the data blocks through `read` (fills up to `capacity` bytes at
  // `buffer` and returns how many; 0 at the end).
  Result<uint64_t> AddContent(CatalogEntry entry,
                              const std::function<Result<size_t>(char*, size_t)>& read);
  // Hands the full current block to the pool, writing finished blocks while the pool is full.
  Status SubmitBlock(BlockKind kind);
  // Writes finished blocks to the sink: all of them when `all`, else only while the pool is full.
  Status DrainBlocks(bool all);
  Status Write(std::string_view bytes);
  // Records the first failure, abandons the sink and returns the failure.
  Status Fail(Status status);

  std::unique_ptr<ByteSink> sink_;
  StoreHeader header_;
  StoreKeys keys_;
  std::vector<std::unique_ptr<BlockCodec>> codecs_;
  std::unique_ptr<OrderedPool> pool_;
  std::string block_;      // the block being filled: always block-size bytes, the first
  size_t block_fill_ = 0;  // `block_fill_` of them in use
  std::vector<std::string> spare_blocks_;  // written blocks' buffers, for reuse
  uint64_t next_block_index_ = 0;
  uint64_t written_ = 0;  // bytes given to the sink
  CatalogBuilder catalog_;
  Status error_;
  bool finished_ = false;
  StoreWriterStatistics statistics_;
};

}  // namespace tseq::archive
