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
  // How many times Read was called for `path`.
  int ReadCount(const std::string& path) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Result<FileMetadata>> answers_;
  mutable std::map<std::string, int> reads_;
};

}  // namespace tseq
