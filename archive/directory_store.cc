#include "archive/directory_store.h"

#include <vector>

#include "archive/byte_sink.h"
#include "archive/store_reader.h"
#include "archive/store_writer.h"

namespace tseq::archive {
namespace {

constexpr size_t kCopyBufferSize = 1024 * 1024;

constexpr std::string_view kMarkerText =
    "This folder is a tseq hard-link state store: its files are hard links to users' files,\n"
    "kept for a refresh of this machine. tseq's FormatDisk and ApplyOperatingSystemImage steps\n"
    "leave it in place. Remove it only with `usmtutils /rd FOLDER`, after the restore.\n";

std::string Join(const std::string& directory, std::string_view name) {
  if (directory.empty() || directory.back() == '/') return directory + std::string(name);
  return directory + "/" + std::string(name);
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Every directory of the store, parents before children.
Status CollectDirectories(const Filesystem& filesystem, const std::string& directory,
                          std::vector<std::string>& directories) {
  directories.push_back(directory);
  TSEQ_ASSIGN_OR_RETURN(const std::vector<std::string> names, filesystem.ListDirectory(directory));
  for (const std::string& name : names) {
    const std::string path = Join(directory, name);
    TSEQ_ASSIGN_OR_RETURN(const FileInfo info, filesystem.Stat(path, SymlinkPolicy::kDoNotFollow));
    if (info.type == FileType::kDirectory) {
      TSEQ_RETURN_IF_ERROR(CollectDirectories(filesystem, path, directories));
    }
  }
  return Status::Ok();
}

// Sets the immutable attribute on each path; "not supported" stops quietly (marker only).
Status SetImmutableAll(Filesystem& filesystem, const std::vector<std::string>& paths,
                       bool immutable) {
  for (const std::string& path : paths) {
    const Status status = filesystem.SetImmutable(path, immutable);
    // No attribute on this filesystem, or no CAP_LINUX_IMMUTABLE (not root): the marker alone
    // protects the store.
    if (status.code() == StatusCode::kFailedPrecondition ||
        (immutable && status.code() == StatusCode::kPermissionDenied)) {
      return Status::Ok();
    }
    TSEQ_RETURN_IF_ERROR(status);
  }
  return Status::Ok();
}

Status RemoveTree(Filesystem& filesystem, const std::string& path) {
  TSEQ_ASSIGN_OR_RETURN(const FileInfo info, filesystem.Stat(path, SymlinkPolicy::kDoNotFollow));
  if (info.type == FileType::kDirectory) {
    TSEQ_ASSIGN_OR_RETURN(const std::vector<std::string> names, filesystem.ListDirectory(path));
    for (const std::string& name : names)
      TSEQ_RETURN_IF_ERROR(RemoveTree(filesystem, Join(path, name)));
  }
  return filesystem.Remove(path);
}

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

// Writes the marker (when missing), then sets the immutable attribute on `directories` (the
// store's USMT folder and everything below it, parents first), the marker and the store folder.
Status Protect(Filesystem& filesystem, const std::string& store,
               std::vector<std::string> directories) {
  const std::string marker = Join(store, kProtectedMarkerName);
  if (!Exists(filesystem, marker)) {
    TSEQ_RETURN_IF_ERROR(filesystem.WriteFileAtomically(marker, kMarkerText, 0444));
  }
  directories.push_back(marker);
  directories.push_back(store);  // last: while it is mutable the others can still be changed
  return SetImmutableAll(filesystem, directories, true);
}

}  // namespace

DirectoryStoreWriter::DirectoryStoreWriter(Filesystem& filesystem, std::string store,
                                           DirectoryStoreKind kind)
    : filesystem_(filesystem),
      store_(std::move(store)),
      kind_(kind),
      content_directory_(Join(store_, kContentDirectoryName)) {}

Result<std::unique_ptr<DirectoryStoreWriter>> DirectoryStoreWriter::Create(Filesystem& filesystem,
                                                                           const std::string& store,
                                                                           DirectoryStoreKind kind,
                                                                           Attributes properties) {
  if (Exists(filesystem, Join(store, "USMT"))) {
    return Status(StatusCode::kAlreadyExists,
                  "a store already exists at '" + store + "' (remove it, or overwrite it with /o)");
  }
  TSEQ_RETURN_IF_ERROR(filesystem.CreateDirectories(Join(store, kContentDirectoryName), 0700));
  std::unique_ptr<DirectoryStoreWriter> writer(new DirectoryStoreWriter(filesystem, store, kind));
  properties.emplace_back(std::string(kLayoutProperty),
                          kind == DirectoryStoreKind::kHardLink ? "hardlink" : "copy");
  writer->catalog_.catalog().properties = std::move(properties);
  return writer;
}

Result<uint32_t> DirectoryStoreWriter::AddRoot(CatalogRoot root) {
  return catalog_.AddRoot(std::move(root));
}

Result<uint64_t> DirectoryStoreWriter::AddEntry(CatalogEntry entry) {
  if (entry.type == EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is a regular file: use AddFile");
  }
  TSEQ_RETURN_IF_ERROR(catalog_.Check(entry));
  entry.size = 0;
  entry.data_offset = 0;
  return catalog_.Add(std::move(entry));
}

Status DirectoryStoreWriter::CopyFile(const ReadableFile& source, const std::string& target_path,
                                      uint64_t& size) {
  TSEQ_ASSIGN_OR_RETURN(const std::unique_ptr<WritableFile> target,
                        filesystem_.CreateFile(target_path, 0600, CreateMode::kCreateNew));
  // One buffer for every copy: a fresh megabyte per file would cost more than most files' data.
  if (copy_buffer_.empty()) copy_buffer_.resize(kCopyBufferSize);
  size = 0;
  while (true) {
    Result<size_t> count = source.ReadAt(size, copy_buffer_.data(), copy_buffer_.size());
    Status status = count.ok() ? Status::Ok() : count.status();
    if (status.ok() && *count == 0) break;
    if (status.ok()) status = target->Append(std::string_view(copy_buffer_.data(), *count));
    if (!status.ok()) {
      (void)target->Close();
      (void)filesystem_.Remove(target_path);
      return status;
    }
    size += *count;
  }
  return target->Close();
}

Status DirectoryStoreWriter::CreateContentDirectory(const std::string& directory) {
  if (directory.size() <= content_directory_.size()) return Status::Ok();
  {
    const std::lock_guard lock(folders_mutex_);
    if (created_folders_.contains(directory)) return Status::Ok();
  }
  // Two threads may both create the folder (outside the lock, so that one thread's mkdir does
  // not wait for another's): CreateDirectories accepts a folder that exists.
  TSEQ_RETURN_IF_ERROR(CreateContentDirectory(ParentOf(directory)));
  TSEQ_RETURN_IF_ERROR(filesystem_.CreateDirectories(directory, 0700));
  const std::lock_guard lock(folders_mutex_);
  created_folders_.insert(directory);
  return Status::Ok();
}

Result<uint64_t> DirectoryStoreWriter::AddFile(CatalogEntry entry, const std::string& source_path) {
  if (entry.type != EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is not a regular file");
  }
  TSEQ_ASSIGN_OR_RETURN(const OpenedFile source, filesystem_.OpenRegularFile(source_path));
  if (kind_ == DirectoryStoreKind::kHardLink) entry.size = source.info.size;
  return AddOpenFile(std::move(entry), *source.file);
}

Result<uint64_t> DirectoryStoreWriter::AddOpenFile(CatalogEntry entry, const ReadableFile& source) {
  if (entry.type != EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is not a regular file");
  }
  TSEQ_RETURN_IF_ERROR(catalog_.Check(entry));
  const CatalogRoot& root = catalog_.catalog().roots[entry.root];
  const std::string target = Join(content_directory_, root.directory + "/" + entry.path);
  TSEQ_RETURN_IF_ERROR(CreateContentDirectory(ParentOf(target)));
  if (kind_ == DirectoryStoreKind::kHardLink) {
    TSEQ_RETURN_IF_ERROR(filesystem_.LinkOpenFile(source, target));
  } else {
    TSEQ_RETURN_IF_ERROR(CopyFile(source, target, entry.size));
  }
  entry.data_offset = 0;
  return catalog_.Add(std::move(entry));
}

Result<std::string> DirectoryStoreWriter::LinkByPath(const CatalogEntry& entry,
                                                     const std::string& source_path) {
  if (kind_ != DirectoryStoreKind::kHardLink) {
    return FailedPreconditionError("cannot link '" + source_path + "' into the copy store at '" +
                                   store_ + "'");
  }
  if (entry.type != EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is not a regular file");
  }
  // The checks that do not read the entries, which another thread may be adding to; the rest
  // are RecordLinked's.
  TSEQ_RETURN_IF_ERROR(catalog_.CheckRootAndPath(entry));
  const CatalogRoot& root = catalog_.catalog().roots[entry.root];
  std::string target = Join(content_directory_, root.directory + "/" + entry.path);
  TSEQ_RETURN_IF_ERROR(CreateContentDirectory(ParentOf(target)));
  TSEQ_RETURN_IF_ERROR(filesystem_.CreateHardLink(source_path, target));
  return target;
}

Result<uint64_t> DirectoryStoreWriter::RecordLinked(CatalogEntry entry) {
  if (entry.type != EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is not a regular file");
  }
  TSEQ_RETURN_IF_ERROR(catalog_.Check(entry));
  entry.data_offset = 0;
  return catalog_.Add(std::move(entry));
}

Status DirectoryStoreWriter::RemoveLinked(const std::string& linked_path) {
  return filesystem_.Remove(linked_path);
}

Status DirectoryStoreWriter::Finish() {
  const std::string catalog_path = Join(store_, kCatalogFileName);
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> sink, NewFileSink(filesystem_, catalog_path));
  TSEQ_RETURN_IF_ERROR(StoreWriter::WriteCatalogOnly(std::move(sink), catalog_.catalog()));
  if (kind_ != DirectoryStoreKind::kHardLink) return Status::Ok();
  // Every folder of the store is one this writer made: no need to list the store to find them.
  std::vector<std::string> directories = {Join(store_, "USMT"), content_directory_};
  directories.insert(directories.end(), created_folders_.begin(), created_folders_.end());
  return Protect(filesystem_, store_, std::move(directories));
}

Result<Catalog> ReadDirectoryStoreCatalog(const Filesystem& filesystem, const std::string& store) {
  const std::string catalog_path = Join(store, kCatalogFileName);
  if (!Exists(filesystem, catalog_path)) {
    if (Exists(filesystem, Join(store, "USMT"))) {
      return FailedPreconditionError("the store at '" + store + "' is incomplete: its capture " +
                                     "did not finish (" + catalog_path + " does not exist)");
    }
    return NotFoundError("no store at '" + store + "'");
  }
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file,
                        filesystem.OpenForRead(catalog_path, SymlinkPolicy::kDoNotFollow));
  TSEQ_ASSIGN_OR_RETURN(
      std::unique_ptr<StoreReader> reader,
      StoreReader::Open(std::move(file), "",
                        StoreReaderOptions{.threads = 1, .content_in_files = true}));
  return reader->catalog();
}

std::string DirectoryStoreContentPath(const std::string& store, const Catalog& catalog,
                                      uint64_t index) {
  const CatalogEntry* entry = &catalog.entries[index];
  if (entry->type == EntryType::kHardLink) entry = &catalog.entries[entry->link_entry];
  return Join(Join(store, kContentDirectoryName),
              catalog.roots[entry->root].directory + "/" + entry->path);
}

bool IsProtectedStore(const Filesystem& filesystem, const std::string& store) {
  return Exists(filesystem, Join(store, kProtectedMarkerName));
}

Status ProtectStore(Filesystem& filesystem, const std::string& store) {
  std::vector<std::string> directories;
  TSEQ_RETURN_IF_ERROR(CollectDirectories(filesystem, Join(store, "USMT"), directories));
  return Protect(filesystem, store, std::move(directories));
}

Status UnprotectStore(Filesystem& filesystem, const std::string& store) {
  // The store folder first: nothing inside can be changed while it is immutable.
  std::vector<std::string> paths = {store, Join(store, kProtectedMarkerName)};
  for (const std::string& path : paths) {
    const Status status = filesystem.SetImmutable(path, false);
    if (!status.ok() && status.code() != StatusCode::kFailedPrecondition &&
        status.code() != StatusCode::kNotFound) {
      return status;
    }
  }
  std::vector<std::string> directories;
  if (Exists(filesystem, Join(store, "USMT"))) {
    TSEQ_RETURN_IF_ERROR(CollectDirectories(filesystem, Join(store, "USMT"), directories));
  }
  return SetImmutableAll(filesystem, directories, false);
}

Status RemoveStore(Filesystem& filesystem, const std::string& store) {
  // An interrupted capture leaves only a partial file or a content folder: still a store.
  const bool is_store = IsProtectedStore(filesystem, store) ||
                        Exists(filesystem, Join(store, kCatalogFileName)) ||
                        Exists(filesystem, Join(store, kContentDirectoryName)) ||
                        Exists(filesystem, StoreFilePath(store)) ||
                        Exists(filesystem, StoreFilePath(store) + std::string(kPartialSuffix));
  if (!is_store) {
    return FailedPreconditionError(
        "'" + store + "' is not a tseq state store (no " + std::string(kProtectedMarkerName) +
        ", " + std::string(kCatalogFileName) + ", " + std::string(kContentDirectoryName) + " or " +
        std::string(kStoreFileName) + "); usmtutils /rd removes only stores");
  }
  TSEQ_RETURN_IF_ERROR(UnprotectStore(filesystem, store));
  return RemoveTree(filesystem, store);
}

}  // namespace tseq::archive
