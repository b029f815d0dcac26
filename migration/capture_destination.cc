#include "migration/capture_destination.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "archive/byte_sink.h"
#include "archive/directory_store.h"
#include "archive/store_format.h"
#include "archive/store_reader.h"

namespace tseq {
namespace {

std::string JoinPath(const std::string& folder, std::string_view name) {
  if (!folder.empty() && folder.back() == '/') return folder + std::string(name);
  return folder + "/" + std::string(name);
}

bool Exists(const Filesystem& filesystem, const std::string& path) {
  return filesystem.Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

// Removes each of `folders` (deepest first), if empty.
void RemoveFolders(Filesystem& filesystem, const std::vector<std::string>& folders) {
  for (const std::string& folder : folders) (void)filesystem.Remove(folder);
}

// The source of a capture: reads no further than the size the file had once open, and remembers
// whether a read failed, so that a failed add can be told apart from a failing store (the
// writers' errors alone do not say which side failed).
class SourceFile : public ReadableFile {
 public:
  SourceFile(const ReadableFile& file, uint64_t size) : file_(file), size_(size) {}
  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    // Stopping at the size also spares the read that would only find the end.
    if (offset >= size_) return size_t{0};
    const size_t wanted = static_cast<size_t>(std::min<uint64_t>(length, size_ - offset));
    Result<size_t> read = file_.ReadAt(offset, buffer, wanted);
    if (!read.ok()) failed_ = true;
    return read;
  }
  Result<uint64_t> Size() const override {
    Result<uint64_t> size = file_.Size();
    if (!size.ok()) failed_ = true;
    return size.ok() ? std::min(*size, size_) : size;
  }
  const std::string& path() const override { return file_.path(); }
  int descriptor() const override { return file_.descriptor(); }
  bool failed() const { return failed_; }

 private:
  const ReadableFile& file_;
  const uint64_t size_;
  mutable bool failed_ = false;
};

class CompressedDestination : public CaptureDestination {
 public:
  CompressedDestination(Filesystem& filesystem, std::unique_ptr<archive::StoreWriter> writer,
                        std::vector<std::string> created_folders)
      : CaptureDestination(filesystem),
        filesystem_(filesystem),
        writer_(std::move(writer)),
        created_folders_(std::move(created_folders)) {}
  ~CompressedDestination() override {
    if (finished_) return;
    writer_.reset();  // removes the partial file
    // No store: not even the folders that would have held it.
    RemoveFolders(filesystem_, created_folders_);
  }
  CompressedDestination(const CompressedDestination&) = delete;
  CompressedDestination& operator=(const CompressedDestination&) = delete;

  Result<uint32_t> AddRoot(archive::CatalogRoot root) override {
    return writer_->AddRoot(std::move(root));
  }
  Result<uint64_t> AddEntry(archive::CatalogEntry entry) override {
    return writer_->AddEntry(std::move(entry));
  }
  AddedFile AddOpenFile(archive::CatalogEntry entry, const ReadableFile& file,
                        uint64_t size) override {
    const SourceFile source(file, size);
    const uint64_t before = writer_->statistics().data_bytes;
    Result<uint64_t> index = writer_->AddFile(std::move(entry), source);
    if (!index.ok()) return {.status = index.status(), .source_failed = source.failed()};
    return {.index = *index, .size = writer_->statistics().data_bytes - before};
  }
  Status Finish() override {
    TSEQ_RETURN_IF_ERROR(writer_->Finish());
    finished_ = true;
    return Status::Ok();
  }
  StoreKind kind() const override { return StoreKind::kCompressed; }

 private:
  Filesystem& filesystem_;
  std::unique_ptr<archive::StoreWriter> writer_;
  std::vector<std::string> created_folders_;  // STORE/USMT and STORE, when it created them
  bool finished_ = false;
};

class DirectoryDestination : public CaptureDestination {
 public:
  DirectoryDestination(const Filesystem& filesystem,
                       std::unique_ptr<archive::DirectoryStoreWriter> writer, StoreKind kind)
      : CaptureDestination(filesystem), writer_(std::move(writer)), kind_(kind) {}

  Result<uint32_t> AddRoot(archive::CatalogRoot root) override {
    return writer_->AddRoot(std::move(root));
  }
  Result<uint64_t> AddEntry(archive::CatalogEntry entry) override {
    return writer_->AddEntry(std::move(entry));
  }
  AddedFile AddOpenFile(archive::CatalogEntry entry, const ReadableFile& file,
                        uint64_t size) override {
    // A link is of the whole file, whatever its size: the size is only recorded.
    if (kind_ == StoreKind::kHardLink) entry.size = size;
    const SourceFile source(file, size);
    Result<uint64_t> index = kind_ == StoreKind::kHardLink
                                 ? writer_->AddOpenFile(std::move(entry), file)
                                 : writer_->AddOpenFile(std::move(entry), source);
    if (!index.ok()) {
      // A file on another filesystem cannot be linked: that file's problem, not the store's.
      return {.status = index.status(),
              .source_failed =
                  source.failed() || index.status().code() == StatusCode::kFailedPrecondition};
    }
    return {.index = *index, .size = writer_->catalog().entries[*index].size};
  }
  Result<std::string> LinkByPath(const archive::CatalogEntry& entry,
                                 const std::string& host_path) override {
    return writer_->LinkByPath(entry, host_path);
  }
  Result<uint64_t> RecordLinked(archive::CatalogEntry entry) override {
    return writer_->RecordLinked(std::move(entry));
  }
  Status RemoveLinked(const std::string& linked_path) override {
    return writer_->RemoveLinked(linked_path);
  }
  Status Finish() override { return writer_->Finish(); }
  StoreKind kind() const override { return kind_; }

 private:
  std::unique_ptr<archive::DirectoryStoreWriter> writer_;
  StoreKind kind_;
};

Status RemoveTree(Filesystem& filesystem, const std::string& path) {
  TSEQ_ASSIGN_OR_RETURN(const FileInfo info, filesystem.Stat(path, SymlinkPolicy::kDoNotFollow));
  if (info.type == FileType::kDirectory) {
    TSEQ_ASSIGN_OR_RETURN(const std::vector<std::string> names, filesystem.ListDirectory(path));
    for (const std::string& name : names) {
      TSEQ_RETURN_IF_ERROR(RemoveTree(filesystem, JoinPath(path, name)));
    }
  }
  return filesystem.Remove(path);
}

Status NotLinkedStore(const std::string& path) {
  return FailedPreconditionError("cannot link '" + path + "': the store is not a hard-link store");
}

}  // namespace

AddedFile CaptureDestination::AddFile(archive::CatalogEntry entry, const std::string& host_path) {
  Result<OpenedFile> opened = filesystem_.OpenRegularFile(host_path);
  if (!opened.ok()) return {.status = opened.status(), .source_failed = true};
  return AddOpenFile(std::move(entry), *opened->file, opened->info.size);
}

Result<std::string> CaptureDestination::LinkByPath(const archive::CatalogEntry& /*entry*/,
                                                   const std::string& host_path) {
  return NotLinkedStore(host_path);
}

Result<uint64_t> CaptureDestination::RecordLinked(archive::CatalogEntry entry) {
  return NotLinkedStore(entry.path);
}

Status CaptureDestination::RemoveLinked(const std::string& linked_path) {
  return NotLinkedStore(linked_path);
}

const char* StoreKindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kCompressed:
      return "compressed";
    case StoreKind::kDirectory:
      return "uncompressed";
    case StoreKind::kHardLink:
      return "hard-link";
  }
  return "unknown";
}

Result<std::unique_ptr<CaptureDestination>> CreateCaptureDestination(
    Filesystem& filesystem, const std::string& store, const CaptureDestinationOptions& options) {
  if (options.kind != StoreKind::kCompressed) {
    TSEQ_ASSIGN_OR_RETURN(
        std::unique_ptr<archive::DirectoryStoreWriter> writer,
        archive::DirectoryStoreWriter::Create(filesystem, store,
                                              options.kind == StoreKind::kHardLink
                                                  ? archive::DirectoryStoreKind::kHardLink
                                                  : archive::DirectoryStoreKind::kCopy,
                                              options.properties));
    return std::unique_ptr<CaptureDestination>(
        std::make_unique<DirectoryDestination>(filesystem, std::move(writer), options.kind));
  }
  const std::string folder = JoinPath(store, "USMT");
  std::vector<std::string> created_folders;
  if (!Exists(filesystem, folder)) {
    created_folders.push_back(folder);
    if (!Exists(filesystem, store)) created_folders.push_back(store);
  }
  TSEQ_RETURN_IF_ERROR(filesystem.CreateDirectories(folder, 0700));
  const auto create_writer = [&]() -> Result<std::unique_ptr<archive::StoreWriter>> {
    TSEQ_ASSIGN_OR_RETURN(
        std::unique_ptr<archive::ByteSink> sink,
        archive::NewFileSink(filesystem, archive::StoreFilePath(store), options.retry));
    archive::StoreWriterOptions writer_options = options.writer;
    writer_options.properties = options.properties;
    return archive::StoreWriter::Create(std::move(sink), writer_options, options.key);
  };
  Result<std::unique_ptr<archive::StoreWriter>> writer = create_writer();
  if (!writer.ok()) {
    RemoveFolders(filesystem, created_folders);
    return writer.status();
  }
  return std::unique_ptr<CaptureDestination>(std::make_unique<CompressedDestination>(
      filesystem, std::move(writer).value(), std::move(created_folders)));
}

ExistingStore FindExistingStore(const Filesystem& filesystem, const std::string& store) {
  ExistingStore existing;
  existing.is_protected = archive::IsProtectedStore(filesystem, store);
  existing.exists = existing.is_protected || Exists(filesystem, JoinPath(store, "USMT"));
  return existing;
}

Status RemoveStoreContents(Filesystem& filesystem, const std::string& store) {
  const std::string folder = JoinPath(store, "USMT");
  if (!Exists(filesystem, folder)) return Status();
  return RemoveTree(filesystem, folder);
}

}  // namespace tseq
