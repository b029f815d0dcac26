// FakeMetadataReader: a MetadataReader that answers from a table, for tests of scanstate's
// capture logic without real files, owners or attributes. Failures are scripted per path, which
// also makes it the fault-injecting MetadataReader. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "platform/file_metadata.h"

namespace tseq {

class FakeMetadataReader : public MetadataReader {
 public:
  // Read(`path`) gives `metadata` from now on.
  void Set(const std::string& path, FileMetadata metadata);
  // Read(`path`) fails with `status` from now on (REQUIRES: !status.ok()).
  void Fail(const std::string& path, Status status);
  // A path never set is NotFound "cannot read the metadata of 'PATH': No such file or directory",
  // as the real reader says it.
  Result<FileMetadata> Read(const std::string& path) const override;
  // Answers as Read(file.path()) does, from the same table (`info` is not consulted: the table
  // is the truth), and counts apart.
  Result<FileMetadata> ReadOpenFile(const ReadableFile& file, const FileInfo& info) const override;
  // How many times Read, and ReadOpenFile, were called for `path`.
  int ReadCount(const std::string& path) const;
  int OpenFileReadCount(const std::string& path) const;

 private:
  // REQUIRES: mutex_ held.
  Result<FileMetadata> AnswerLocked(const std::string& path) const;

  mutable std::mutex mutex_;
  std::map<std::string, Result<FileMetadata>> answers_;
  mutable std::map<std::string, int> reads_;
  mutable std::map<std::string, int> open_file_reads_;
};

}  // namespace tseq
