// Filesystem: the narrow interface through which tseq touches files.
//
// Every module that reads or writes the machine goes through a Filesystem so that tests can use
// MemoryFilesystem (no disk) or FaultInjectingFilesystem (scripted failures). Paths are host paths,
// absolute or relative to the process's working directory; mapping machine paths under `--root`
// to host paths is MachineRoot's job. Errors come back as Status values naming the path and the
// OS's reason; nothing throws. Implementations are safe to call from several threads unless they
// say otherwise.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tseq {

enum class FileType { kRegular, kDirectory, kSymlink, kOther };
enum class SymlinkPolicy { kFollow, kDoNotFollow };

struct FileInfo {
  FileType type = FileType::kRegular;
  uint64_t size = 0;
  std::chrono::system_clock::time_point modified;
  mode_t mode = 0;  // permission bits only (07777)
};

class Filesystem {
 public:
  virtual ~Filesystem() = default;

  // stat(2) or lstat(2). NotFound when the path (or, following, the target) does not exist.
  virtual Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const = 0;
  // The whole content of a file, following symlinks. NotFound, PermissionDenied or IoError.
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // The target of a symlink as stored. InvalidArgument if the path is not a symlink.
  virtual Result<std::string> ReadSymlink(const std::string& path) const = 0;
  // The names in a directory (no "." or ".."), sorted bytewise.
  virtual Result<std::vector<std::string>> ListDirectory(const std::string& path) const = 0;

  // Creates the directory and its missing parents with `mode`; OK when it already exists.
  virtual Status CreateDirectories(const std::string& path, mode_t mode) = 0;
  // Replaces `path` so that a reader sees the old content or the new, never a mix, even across a
  // power loss: writes a temporary file beside it, fsyncs it, renames it over `path` and fsyncs
  // the directory. On failure the temporary file is removed and `path` is unchanged.
  virtual Status WriteFileAtomically(const std::string& path, std::string_view contents,
                                     mode_t mode) = 0;
  // Removes a file, symlink or empty directory. NotFound if absent.
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
};

// The real filesystem, through POSIX calls. Thread-safe.
std::unique_ptr<Filesystem> NewPosixFilesystem();

}  // namespace tseq
