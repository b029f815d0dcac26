#include "platform/fake_metadata_reader.h"

#include <cassert>
#include <cerrno>
#include <utility>

#include "platform/errno_status.h"

namespace tseq {

void FakeMetadataReader::Set(const std::string& path, FileMetadata metadata) {
  std::lock_guard lock(mutex_);
  answers_.insert_or_assign(path, Result<FileMetadata>(std::move(metadata)));
}

void FakeMetadataReader::Fail(const std::string& path, Status status) {
  assert(!status.ok());
  std::lock_guard lock(mutex_);
  answers_.insert_or_assign(path, Result<FileMetadata>(std::move(status)));
}

Result<FileMetadata> FakeMetadataReader::Read(const std::string& path) const {
  std::lock_guard lock(mutex_);
  ++reads_[path];
  return AnswerLocked(path);
}

Result<FileMetadata> FakeMetadataReader::ReadOpenFile(const ReadableFile& file,
                                                      const FileInfo& /*info*/) const {
  std::lock_guard lock(mutex_);
  ++open_file_reads_[file.path()];
  return AnswerLocked(file.path());
}

Result<FileMetadata> FakeMetadataReader::AnswerLocked(const std::string& path) const {
  const auto it = answers_.find(path);
  if (it == answers_.end()) return ErrnoStatus(ENOENT, "read the metadata of", path);
  return it->second;
}

int FakeMetadataReader::ReadCount(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto it = reads_.find(path);
  return it == reads_.end() ? 0 : it->second;
}

int FakeMetadataReader::OpenFileReadCount(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto it = open_file_reads_.find(path);
  return it == open_file_reads_.end() ? 0 : it->second;
}

}  // namespace tseq
