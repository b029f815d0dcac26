// CaptureDestination: where scanstate writes a capture, one interface over the three store kinds
// (reference/usmt.md §6.1, docs/store-format.md):
//
//   compressed (default)   STORE/USMT/USMT.MIG, written as USMT.MIG.partial and renamed by
//                          Finish; zstd, AES-256-GCM with /encrypt, else integrity only
//   /nocompress            STORE/USMT/File/... copies and STORE/USMT/catalog.mig (written last)
//   /hardlink /nocompress  the same with hard links to the originals, then protected
//
// A store is complete or recognisably incomplete: destroying an unfinished destination removes a
// .MIG store's partial file (and the STORE/USMT and STORE folders the destination created); a
// directory store without catalog.mig says it is incomplete when read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "archive/byte_sink.h"
#include "archive/catalog.h"
#include "archive/store_writer.h"
#include "base/status.h"
#include "platform/filesystem.h"
#include "platform/retry.h"

namespace tseq {

enum class StoreKind { kCompressed, kDirectory, kHardLink };

// "compressed", "uncompressed", "hard-link".
const char* StoreKindName(StoreKind kind);

// What adding one regular file did.
struct AddedFile {
  Status status;               // OK, or why the file is not in the store
  bool source_failed = false;  // the failure was reading the source (skippable under /c);
                               // otherwise the store failed, and is unusable
  uint64_t index = 0;          // the entry's index, when OK
  uint64_t size = 0;           // the bytes stored, when OK
};

class CaptureDestination {
 public:
  virtual ~CaptureDestination() = default;
  virtual Result<uint32_t> AddRoot(archive::CatalogRoot root) = 0;
  // Directories, symlinks and hard links.
  virtual Result<uint64_t> AddEntry(archive::CatalogEntry entry) = 0;
  // A regular file at `host_path`, opened with Filesystem::OpenRegularFile (never through a
  // symlink at that path), then added as AddOpenFile does.
  AddedFile AddFile(archive::CatalogEntry entry, const std::string& host_path);
  // A regular file open as `file` (opened by the destination's filesystem), of which `size` bytes
  // are captured: its content up to then (as tar does, so that the content is the size the
  // entry's time goes with; less if the file shrinks meanwhile), or, in a hard-link store, the
  // file itself, linked whatever its path names by now. The entry's size becomes what was stored.
  virtual AddedFile AddOpenFile(archive::CatalogEntry entry, const ReadableFile& file,
                                uint64_t size) = 0;
  // Hard-link stores, for a capture that links a regular file by its path and then checks the
  // link (the others fail with FailedPrecondition): LinkByPath makes the store's name for `entry`
  // another name of whatever is at `host_path` (a symlink there is linked itself; symlinks in its
  // folders are followed) and returns that name; then RecordLinked records the entry (its size
  // and metadata those of the file linked) or RemoveLinked takes the name away again. Errors of
  // LinkByPath leave nothing in the store and do not make it unusable; those of RecordLinked and
  // RemoveLinked are the store's. LinkByPath is thread-safe: it may be called from several
  // threads at once, and while another thread calls AddEntry, AddOpenFile, RecordLinked or
  // RemoveLinked (never AddRoot or Finish).
  virtual Result<std::string> LinkByPath(const archive::CatalogEntry& entry,
                                         const std::string& host_path);
  virtual Result<uint64_t> RecordLinked(archive::CatalogEntry entry);
  virtual Status RemoveLinked(const std::string& linked_path);
  virtual Status Finish() = 0;
  virtual StoreKind kind() const = 0;

 protected:
  explicit CaptureDestination(const Filesystem& filesystem) : filesystem_(filesystem) {}

 private:
  const Filesystem& filesystem_;
};

struct CaptureDestinationOptions {
  StoreKind kind = StoreKind::kCompressed;
  // Compressed stores: the writer's settings (encryption kNone without /encrypt).
  archive::StoreWriterOptions writer;
  std::string key;  // /encrypt's key text; never kept beyond Create
  archive::Attributes properties;
  // Compressed stores: /r and /w, for writing the store file.
  RetrySettings retry;
};

// Creates STORE/USMT and the destination. The folder must not hold a store (see
// FindExistingStore). Errors: the filesystem's (creating the folder or the partial file), the
// writer's (InvalidArgument for bad options).
Result<std::unique_ptr<CaptureDestination>> CreateCaptureDestination(
    Filesystem& filesystem, const std::string& store, const CaptureDestinationOptions& options);

// What an existing store folder holds.
struct ExistingStore {
  bool exists = false;        // STORE/USMT or the protection marker is there
  bool is_protected = false;  // a hard-link store's protection marker is there
};
ExistingStore FindExistingStore(const Filesystem& filesystem, const std::string& store);

// Removes STORE/USMT (everything below it, never following a symlink), for /o. The store folder
// itself and anything else in it are kept. REQUIRES: the store is not protected.
Status RemoveStoreContents(Filesystem& filesystem, const std::string& store);

}  // namespace tseq
