#include "migration/store_access.h"

#include "archive/directory_store.h"
#include "base/strings.h"

namespace tseq {
namespace {

constexpr size_t kCopyBufferSize = 1024 * 1024;

std::string StripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

}  // namespace

StoreLocation LocateStore(const Filesystem& filesystem, const std::string& store) {
  StoreLocation location;
  location.store = store;
  const std::string path = StripTrailingSlashes(store);
  if (path.size() >= 4 && EqualsIgnoreCase(path.substr(path.size() - 4), ".mig")) {
    const std::string parent = ParentOf(path);
    const bool in_usmt_folder = EqualsIgnoreCase(BaseName(parent), "USMT");
    if (EqualsIgnoreCase(BaseName(path), "catalog.mig") && in_usmt_folder) {
      location.directory_store = true;
      location.directory = ParentOf(parent);
      return location;
    }
    location.store_file = path;
    if (in_usmt_folder && EqualsIgnoreCase(BaseName(path), "USMT.MIG")) {
      location.directory = ParentOf(parent);
    }
    return location;
  }
  location.directory = path;
  location.store_file = archive::StoreFilePath(path);
  const bool has_store_file =
      Exists(filesystem, location.store_file) ||
      Exists(filesystem, location.store_file + std::string(archive::kPartialSuffix));
  if (!has_store_file && Exists(filesystem, path + "/USMT")) {
    location.directory_store = true;
    location.store_file.clear();
  }
  return location;
}

OpenedStore::OpenedStore(const Filesystem& filesystem, std::string path)
    : filesystem_(filesystem), path_(std::move(path)) {}

Result<std::unique_ptr<OpenedStore>> OpenedStore::Open(const Filesystem& filesystem,
                                                       const StoreLocation& location,
                                                       std::string_view key, size_t threads,
                                                       RetrySettings retry) {
  if (location.directory_store) {
    std::unique_ptr<OpenedStore> opened(new OpenedStore(filesystem, location.directory));
    opened->retry_ = std::move(retry);
    TSEQ_ASSIGN_OR_RETURN(opened->catalog_,
                          archive::ReadDirectoryStoreCatalog(filesystem, location.directory));
    opened->directory_ = location.directory;
    return opened;
  }
  // Given what the user gave, OpenStore names a missing store the way the user wrote it.
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<archive::StoreReader> reader,
                        archive::OpenStore(filesystem, location.store, key,
                                           archive::StoreReaderOptions{.threads = threads,
                                                                       .retry = std::move(retry)}));
  std::unique_ptr<OpenedStore> opened(new OpenedStore(filesystem, location.store_file));
  opened->catalog_ = reader->catalog();
  opened->reader_ = std::move(reader);
  return opened;
}

Status OpenedStore::CheckContentFile(uint64_t index) const {
  const archive::CatalogEntry* entry = &catalog_.entries[index];
  if (entry->type == archive::EntryType::kHardLink) entry = &catalog_.entries[entry->link_entry];
  const std::string content = archive::DirectoryStoreContentPath(directory_, catalog_, index);
  const Result<FileInfo> info = filesystem_.Stat(content, SymlinkPolicy::kDoNotFollow);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    return CorruptionError(content + ": missing from the store");
  }
  if (!info.ok()) return info.status();
  if (info->type != FileType::kRegular) {
    return CorruptionError(content + ": is not a regular file");
  }
  if (info->size != entry->size) {
    return CorruptionError(content + ": is " + std::to_string(info->size) +
                           " bytes, the catalog records " + std::to_string(entry->size) +
                           " (the file changed after the capture)");
  }
  return Status::Ok();
}

Status OpenedStore::ReadContent(uint64_t index,
                                const std::function<Status(std::string_view)>& consumer) {
  if (reader_) return reader_->ReadFileContent(index, consumer);
  TSEQ_RETURN_IF_ERROR(CheckContentFile(index));
  const archive::CatalogEntry* entry = &catalog_.entries[index];
  if (entry->type == archive::EntryType::kHardLink) entry = &catalog_.entries[entry->link_entry];
  const std::string content = archive::DirectoryStoreContentPath(directory_, catalog_, index);
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> opened, RunWithRetries(retry_, [&] {
                          return filesystem_.OpenForRead(content, SymlinkPolicy::kDoNotFollow);
                        }));
  const std::unique_ptr<ReadableFile> file = WithReadRetries(std::move(opened), retry_);
  std::string buffer(kCopyBufferSize, '\0');
  uint64_t position = 0;
  while (position < entry->size) {
    const size_t wanted =
        static_cast<size_t>(std::min<uint64_t>(buffer.size(), entry->size - position));
    TSEQ_ASSIGN_OR_RETURN(const size_t count, file->ReadAt(position, buffer.data(), wanted));
    if (count == 0) {
      return CorruptionError(content + ": ends at byte " + std::to_string(position) +
                             ", the catalog records " + std::to_string(entry->size) +
                             " (the file changed after the capture)");
    }
    TSEQ_RETURN_IF_ERROR(consumer(std::string_view(buffer.data(), count)));
    position += count;
  }
  return Status::Ok();
}

std::string EntryName(const archive::Catalog& catalog, uint64_t index) {
  const archive::CatalogEntry& entry = catalog.entries[index];
  return catalog.roots[entry.root].directory + "/" + entry.path;
}

}  // namespace tseq
