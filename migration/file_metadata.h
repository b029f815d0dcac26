// FileMetadataWriter: sets a file's permission bits and modification time, never through a
// symlink. platform/filesystem.h has no such calls yet; usmtutils /extract needs them to give
// extracted entries their recorded metadata. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <sys/types.h>

#include "base/status.h"

namespace tseq {

class FileMetadataWriter {
 public:
  virtual ~FileMetadataWriter() = default;
  // Sets the permission bits (07777) of the file or directory at `path`. InvalidArgument
  // "cannot change the mode of 'PATH': it is a symlink" for a symlink (never followed); the OS's
  // error otherwise ("cannot change the mode of 'PATH': REASON").
  virtual Status SetPermissions(const std::string& path, mode_t mode) = 0;
  // Sets the modification time of `path` itself (a symlink's own time, never its target's); the
  // access time is left alone. "cannot set the time of 'PATH': REASON" on failure.
  virtual Status SetModificationTime(const std::string& path, int64_t seconds,
                                     uint32_t nanoseconds) = 0;
};

// Through fchmod(2) on a descriptor opened with O_NOFOLLOW, and utimensat(2) with
// AT_SYMLINK_NOFOLLOW.
std::unique_ptr<FileMetadataWriter> NewPosixFileMetadataWriter();

}  // namespace tseq
