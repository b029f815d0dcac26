// Directory stores: the `/nocompress` layout (copies) and the `/hardlink /nocompress` layout
// (hard links to the originals), docs/store-format.md "Directory stores".
//
//   STORE/USMT/catalog.mig           the catalog (written last: without it the store is incomplete)
//   STORE/USMT/File/DIRECTORY/PATH   each regular file's content
//   STORE/tseq-protected-store       hard-link stores only: the protection marker
//
// A hard-link store is protected: the marker, plus the immutable attribute on the store's own
// directories and marker (never on the linked files, which are the users'). RemoveStore is the
// only supported way to delete one.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "archive/catalog.h"
#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq::archive {

inline constexpr std::string_view kCatalogFileName = "USMT/catalog.mig";
inline constexpr std::string_view kContentDirectoryName = "USMT/File";
inline constexpr std::string_view kProtectedMarkerName = "tseq-protected-store";
// The catalog property that tells the layouts apart: "copy" or "hardlink".
inline constexpr std::string_view kLayoutProperty = "layout";

enum class DirectoryStoreKind { kCopy, kHardLink };

class DirectoryStoreWriter {
 public:
  // Creates STORE/USMT/File (STORE itself may exist). AlreadyExists "a store already exists at
  // 'STORE' ..." when STORE/USMT exists: callers remove an old store first (scanstate /o).
  // `filesystem` must outlive the writer.
  static Result<std::unique_ptr<DirectoryStoreWriter>> Create(Filesystem& filesystem,
                                                              const std::string& store,
                                                              DirectoryStoreKind kind,
                                                              Attributes properties);

  Result<uint32_t> AddRoot(CatalogRoot root);
  // Directories, symlinks and hard links: recorded in the catalog only.
  Result<uint64_t> AddEntry(CatalogEntry entry);
  // A regular file from `source_path` (opened with Filesystem::OpenRegularFile: a symlink, or
  // anything but a regular file, there is refused): copied into the store with mode 0600, or
  // hard-linked (FailedPrecondition naming both paths when they are on different filesystems).
  // The entry's size is what was copied, or the linked file's size.
  Result<uint64_t> AddFile(CatalogEntry entry, const std::string& source_path);
  // The same from a regular file already open (opened by the writer's filesystem): copied from
  // its start to its end, or, for a hard-link store, linked itself (Filesystem::LinkOpenFile,
  // whatever its path names by now), keeping the entry's size, which must be the file's. A failed
  // copy leaves nothing in the store. The errors of reading `source` are returned as it gives them.
  Result<uint64_t> AddOpenFile(CatalogEntry entry, const ReadableFile& source);
  // Hard-link stores: the first half of adding regular-file `entry` by the path of its source,
  // for a caller that checks the link before recording it. Checks the entry's root and path
  // (InvalidArgument as AddFile's), then makes the store's name for it another name of whatever
  // is at `source_path` (Filesystem::CreateHardLink: a symlink there is linked itself, never
  // followed; symlinks in its folders are followed, so the caller must check what was linked),
  // and returns that name. The filesystem's errors otherwise (FailedPrecondition across
  // filesystems, AlreadyExists for a path linked before); nothing is left in the store then.
  // FailedPrecondition for a copy store.
  // Thread-safe: may be called from several threads at once, and while another thread calls
  // AddEntry, AddOpenFile, RecordLinked or RemoveLinked (never AddRoot or Finish).
  Result<std::string> LinkByPath(const CatalogEntry& entry, const std::string& source_path);
  // The second half: records `entry`, whose content LinkByPath linked (the entry as given to it,
  // with the linked file's size and metadata), and returns its index. Checks the rest of what
  // AddFile checks (a repeated path, mode and time).
  Result<uint64_t> RecordLinked(CatalogEntry entry);
  // Or instead removes the name LinkByPath returned (the link is not of the file wanted); nothing
  // is recorded. The filesystem's errors.
  Status RemoveLinked(const std::string& linked_path);
  // Writes catalog.mig; for a hard-link store then protects it. After a failure the store is
  // incomplete (no catalog.mig), and says so when read.
  Status Finish();

  const Catalog& catalog() const { return catalog_.catalog(); }

 private:
  DirectoryStoreWriter(Filesystem& filesystem, std::string store, DirectoryStoreKind kind);
  Status CopyFile(const ReadableFile& source, const std::string& target_path, uint64_t& size);
  // Creates `directory` (below the content folder) and its missing parents, once: each is
  // remembered, so that a folder of many files costs one mkdir, not one per file and level.
  // Thread-safe (LinkByPath calls it from several threads).
  Status CreateContentDirectory(const std::string& directory);

  Filesystem& filesystem_;
  std::string store_;
  DirectoryStoreKind kind_;
  std::string content_directory_;  // STORE/USMT/File
  std::mutex folders_mutex_;
  std::set<std::string> created_folders_;  // below it; sorted, so parents come first (guarded)
  std::string copy_buffer_;
  CatalogBuilder catalog_;
};

// Reads a directory store's catalog. NotFound "no store at 'STORE'" when there is no USMT
// folder; FailedPrecondition "... is incomplete ..." when it has no catalog.mig; corruption of
// the catalog as the .MIG reader reports it.
Result<Catalog> ReadDirectoryStoreCatalog(const Filesystem& filesystem, const std::string& store);

// Where the content of regular-file (or hard-link) entry `index` lives.
std::string DirectoryStoreContentPath(const std::string& store, const Catalog& catalog,
                                      uint64_t index);

// Whether `store` carries the protection marker.
bool IsProtectedStore(const Filesystem& filesystem, const std::string& store);

// Sets (or lifts) the protection of a hard-link store: the marker file and the immutable
// attribute of the store's directories. Filesystems without the attribute, and callers without
// CAP_LINUX_IMMUTABLE (not root), keep the marker only.
Status ProtectStore(Filesystem& filesystem, const std::string& store);
Status UnprotectStore(Filesystem& filesystem, const std::string& store);

// `usmtutils /rd`: lifts the protection and removes the store's tree without following any
// symlink; the originals of a hard-link store keep their other names. FailedPrecondition
// "'DIR' is not a tseq state store ..." for a directory that holds no store (it is left alone).
Status RemoveStore(Filesystem& filesystem, const std::string& store);

}  // namespace tseq::archive
