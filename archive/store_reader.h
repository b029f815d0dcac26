// StoreReader: opens a USMT.MIG store (docs/store-format.md) for random access.
//
// Open checks the header, the key, the trailer and the whole catalog before it returns, so a
// store that opens has a trustworthy catalog. File content is then read block by block, each
// block authenticated before any of its bytes is handed out: the reader never outputs
// unauthenticated data.
//
// Errors: CorruptionError for any damage, truncation or appended bytes (the message names the
// path and the offset or block); UnauthenticatedError for a missing or wrong key;
// FailedPreconditionError for a format version this reader does not read; the file's own errors
// (IoError) as they come. Not thread-safe: one thread at a time (Open and ReadDataBlocks use their
// own workers internally).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/block_codec.h"
#include "archive/catalog.h"
#include "archive/store_crypto.h"
#include "archive/store_format.h"
#include "base/status.h"
#include "platform/filesystem.h"
#include "platform/retry.h"

namespace tseq::archive {

struct StoreReaderOptions {
  size_t threads = 0;  // workers for decoding the catalog and ReadDataBlocks; 0: one per core
  // The store is a directory store's catalog.mig: file content lives in files beside it.
  bool content_in_files = false;
  // OpenStore: opening and reading the store file are retried on I/O errors (/r and /w).
  RetrySettings retry;
};

class StoreReader {
 public:
  // `key_text` is ignored for unencrypted stores. The reader keeps `file`.
  static Result<std::unique_ptr<StoreReader>> Open(std::unique_ptr<ReadableFile> file,
                                                   std::string_view key_text,
                                                   StoreReaderOptions options = {});
  ~StoreReader();
  StoreReader(const StoreReader&) = delete;
  StoreReader& operator=(const StoreReader&) = delete;

  const StoreHeader& header() const { return header_; }
  const Trailer& trailer() const { return trailer_; }
  const Catalog& catalog() const { return catalog_; }
  const std::string& path() const { return file_->path(); }

  // Streams the content of regular-file entry `entry_index` (a hard link reads its file) to
  // `consumer`, reading only the blocks that hold it. InvalidArgument for an entry without
  // content. Stops at the first error, the consumer's included.
  Status ReadFileContent(uint64_t entry_index,
                         const std::function<Status(std::string_view)>& consumer);

  // Reads data blocks [first, first + count) in order, decoding them on the worker threads, and
  // passes each block's plaintext to `consumer` in index order. For whole restores.
  Status ReadDataBlocks(uint64_t first, uint64_t count,
                        const std::function<Status(uint64_t index, std::string_view)>& consumer);

  // Reads, authenticates and decodes data block `index` into `plaintext` (no cache).
  Status ReadDataBlock(uint64_t index, std::string& plaintext);

  // Reads and decodes every data block like ReadDataBlocks, but does not stop at a bad block:
  // `on_block` learns each block's fate (OK, or why it is bad) in index order. Returns the
  // first error that is not a bad block (an I/O error of the file). For verification.
  Status CheckDataBlocks(const std::function<void(uint64_t index, const Status&)>& on_block);

 private:
  StoreReader(std::unique_ptr<ReadableFile> file, StoreHeader header, StoreKeys keys,
              StoreReaderOptions options);
  Status OpenTrailerAndCatalog(uint64_t file_size);
  // A clear message for a store whose last bytes are not a trailer.
  Status MissingTrailerError(uint64_t file_size);
  // Reads, decodes and checks the catalog blocks (their offset and number are in trailer_) and
  // the catalog they hold into catalog_ (store_reader_catalog.cc).
  Status LoadCatalog(uint64_t file_size, const std::string& trailer_at);
  // LoadCatalog for a store whose catalog blocks are not what the trailer says: finds and
  // reports the first problem, one block after the other.
  Status LoadCatalogInOrder(uint64_t file_size, const std::string& trailer_at);
  // options_.threads, or one per core.
  size_t WorkerCount() const;
  // Reads the raw block (header, payload, tag) that starts at `offset`, checking its header
  // against what is expected of it.
  Status ReadRawBlock(uint64_t offset, uint64_t index, BlockKind kind, std::string& raw,
                      BlockHeader& header);
  // Decodes data blocks [first, first + count) on worker threads; `consumer` gets each block's
  // status and plaintext in order and decides whether to go on (OK) or stop (its error).
  Status RunBlockPipeline(
      uint64_t first, uint64_t count,
      const std::function<Status(uint64_t, const Status&, std::string_view)>& consumer);

  std::unique_ptr<ReadableFile> file_;
  StoreHeader header_;
  StoreKeys keys_;
  StoreReaderOptions options_;
  Trailer trailer_;
  Catalog catalog_;
  BlockCodec codec_;
  std::string raw_;  // scratch for one raw block
  uint64_t cached_block_ = UINT64_MAX;
  std::string cached_plaintext_;
};

// Where the store file of a store lives: STORE/USMT/USMT.MIG, or `store` itself when it names
// the .MIG file (USMT's tools take the file; tseq's take either).
std::string StoreFilePath(const std::string& store);

// Opens the store named by `store` (directory or file) on `filesystem`. NotFound "no store at
// 'PATH'" when there is none, FailedPrecondition "... is incomplete ..." when only the partial
// file of an interrupted capture is there.
Result<std::unique_ptr<StoreReader>> OpenStore(const Filesystem& filesystem,
                                               const std::string& store, std::string_view key_text,
                                               StoreReaderOptions options = {});

}  // namespace tseq::archive
