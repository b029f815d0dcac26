#include "migration/capture_destination.h"

#include <utility>

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

// Remembers whether a read of the source failed, so that a failed AddFile can be told apart
// from a failing store (the writer's error alone does not say which side failed).
class RecordingFile : public ReadableFile {
 public:
  explicit RecordingFile(std::unique_ptr<ReadableFile> file) : file_(std::move(file)) {}
  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    Result<size_t> read = file_->ReadAt(offset, buffer, length);
    if (!read.ok()) failed_ = true;
    return read;
  }
  Result<uint64_t> Size() const override {
    Result<uint64_t> size = file_->Size();
    if (!size.ok()) failed_ = true;
    return size;
  }
  const std::string& path() const override { return file_->path(); }
  bool failed() const { return failed_; }

 private:
  std::unique_ptr<ReadableFile> file_;
  mutable bool failed_ = false;
};

class CompressedDestination : public CaptureDestination {
 public:
  CompressedDestination(const Filesystem& filesystem, std::unique_ptr<archive::StoreWriter> writer)
      : filesystem_(filesystem), writer_(std::move(writer)) {}

  Result<uint32_t> AddRoot(archive::CatalogRoot root) override {
    return writer_->AddRoot(std::move(root));
  }
  Result<uint64_t> AddEntry(archive::CatalogEntry entry) override {
    return writer_->AddEntry(std::move(entry));
  }
  AddedFile AddFile(archive::CatalogEntry entry, const std::string& host_path) override {
    Result<std::unique_ptr<ReadableFile>> opened =
        filesystem_.OpenForRead(host_path, SymlinkPolicy::kDoNotFollow);
    if (!opened.ok()) return {.status = opened.status(), .source_failed = true};
    RecordingFile source(std::move(opened).value());
    const uint64_t before = writer_->statistics().data_bytes;
    Result<uint64_t> index = writer_->AddFile(std::move(entry), source);
    if (!index.ok()) return {.status = index.status(), .source_failed = source.failed()};
    return {.index = *index, .size = writer_->statistics().data_bytes - before};
  }
  Status Finish() override { return writer_->Finish(); }
  StoreKind kind() const override { return StoreKind::kCompressed; }

 private:
  const Filesystem& filesystem_;
  std::unique_ptr<archive::StoreWriter> writer_;
};

class DirectoryDestination : public CaptureDestination {
 public:
  DirectoryDestination(const Filesystem& filesystem,
                       std::unique_ptr<archive::DirectoryStoreWriter> writer, StoreKind kind)
      : filesystem_(filesystem), writer_(std::move(writer)), kind_(kind) {}

  Result<uint32_t> AddRoot(archive::CatalogRoot root) override {
    return writer_->AddRoot(std::move(root));
  }
  Result<uint64_t> AddEntry(archive::CatalogEntry entry) override {
    return writer_->AddEntry(std::move(entry));
  }
  AddedFile AddFile(archive::CatalogEntry entry, const std::string& host_path) override {
    // Opening first tells an unreadable or vanished source from a failing store: the writer
    // reports both alike.
    if (Result<std::unique_ptr<ReadableFile>> opened =
            filesystem_.OpenForRead(host_path, SymlinkPolicy::kDoNotFollow);
        !opened.ok()) {
      return {.status = opened.status(), .source_failed = true};
    }
    Result<uint64_t> index = writer_->AddFile(std::move(entry), host_path);
    if (!index.ok()) {
      // A file on another filesystem cannot be linked: that file's problem, not the store's.
      return {.status = index.status(),
              .source_failed = index.status().code() == StatusCode::kFailedPrecondition};
    }
    return {.index = *index, .size = writer_->catalog().entries[*index].size};
  }
  Status Finish() override { return writer_->Finish(); }
  StoreKind kind() const override { return kind_; }

 private:
  const Filesystem& filesystem_;
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

}  // namespace

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
  TSEQ_RETURN_IF_ERROR(filesystem.CreateDirectories(JoinPath(store, "USMT"), 0700));
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<archive::ByteSink> sink,
                        archive::NewFileSink(filesystem, archive::StoreFilePath(store)));
  archive::StoreWriterOptions writer_options = options.writer;
  writer_options.properties = options.properties;
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<archive::StoreWriter> writer,
                        archive::StoreWriter::Create(std::move(sink), writer_options, options.key));
  return std::unique_ptr<CaptureDestination>(
      std::make_unique<CompressedDestination>(filesystem, std::move(writer)));
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
