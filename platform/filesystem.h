// Filesystem: the narrow interface through which tseq touches files.
//
// Every module that reads or writes the machine goes through a Filesystem so that tests can use
// MemoryFilesystem (no disk) or FaultInjectingFilesystem (scripted failures). Paths are host paths,
// absolute or relative to the process's working directory; mapping machine paths under `--root`
// to host paths is MachineRoot's job. Errors come back as Status values naming the path and the
// OS's reason; nothing throws. Implementations are safe to call from several threads unless they
// say otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "base/status.h"

namespace tseq {

enum class FileType { kRegular, kDirectory, kSymlink, kOther };
enum class SymlinkPolicy { kFollow, kDoNotFollow };

struct FileInfo {
  FileType type = FileType::kRegular;
  uint64_t size = 0;
  std::chrono::system_clock::time_point modified;  // nanosecond precision where the OS has it
  mode_t mode = 0;                                 // permission bits only (07777)
  uid_t owner = 0;
  gid_t group = 0;
  uint64_t device = 0;  // st_dev: two paths are on the same filesystem when these are equal
  uint64_t inode = 0;   // st_ino: with `device`, identifies the file (hard links share it)
  uint64_t link_count = 1;
};

// A file opened for reading. ReadAt may be called from several threads at once. Closing happens
// when the object is destroyed.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to `length` bytes at `offset` into `buffer` and returns how many were read: fewer
  // than `length` only at the end of the file (0 at or past it). IoError naming the path on
  // failure; interrupted reads are retried.
  virtual Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const = 0;
  // The file's size now (fstat).
  virtual Result<uint64_t> Size() const = 0;
  virtual const std::string& path() const = 0;
  // The OS descriptor of the open file, for calls this interface does not wrap (reading its
  // extended attributes: MetadataReader::ReadOpenFile); -1 for a file without one (an in-memory
  // file). Owned by the file: valid while the file is, never to be closed by the caller.
  virtual int descriptor() const { return -1; }
};

// A regular file opened for reading, and what fstat(2) said of it once open: `info` describes
// exactly the file `file` reads, whatever its path names by now.
struct OpenedFile {
  std::unique_ptr<ReadableFile> file;
  FileInfo info;
};

// A file being written from its start by one thread. Append writes every byte or fails; after a
// failure, how much of that call's data reached the file is unspecified. Destroying the object
// without Close() closes the file without syncing (as a crash would leave it).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes the data written so far to stable storage (fdatasync).
  virtual Status Sync() = 0;
  // Cuts the file to its first `size` bytes and makes the next Append write there (ftruncate(2)
  // and lseek(2)): how a retry undoes whatever part of a failed Append reached the file.
  virtual Status Truncate(uint64_t size) = 0;
  // Closes the file; later calls fail with FailedPrecondition "cannot ACTION 'PATH': the file is
  // closed". Reports a failure of close(2) (data may be lost).
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

// One entry of a directory scan (Filesystem::ScanDirectory): its name, and what lstat(2) said of
// it, or why that failed (the Status Stat would give for its path).
struct ScannedEntry {
  std::string name;
  Result<FileInfo> info;
};

// A directory read once: itself, its description and its entries.
struct DirectoryScan {
  // The open directory, whose descriptor() gives its extended attributes and ACLs
  // (MetadataReader::ReadOpenFile) as those of the directory that was listed; ReadAt on it fails.
  // Null from a filesystem without open directories: read the metadata by the path then.
  std::unique_ptr<ReadableFile> directory;
  FileInfo info;                      // what fstat(2) said of the open directory
  std::vector<ScannedEntry> entries;  // sorted bytewise by name; no "." or ".."
};

enum class CreateMode {
  kCreateNew,  // AlreadyExists if anything (even a dangling symlink) is at the path
  kTruncate,   // replaces the content of an existing regular file; never follows a symlink
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
  // Lists the directory at `path` and examines it and each entry (lstat: a symlink entry is
  // described, never followed), through one open of the directory on the real filesystem: what
  // ListDirectory, Stat(kDoNotFollow) of it and of each entry would give, with one system call per
  // entry beyond the listing. A symlink at `path` is never followed: InvalidArgument "cannot list
  // directory 'PATH': it is a symlink"; anything else but a directory is IoError "cannot list
  // directory 'PATH': Not a directory"; otherwise ListDirectory's errors. An entry that cannot be
  // examined (removed since the listing) keeps its error in its ScannedEntry. The default does
  // exactly that with Stat and ListDirectory, and gives no open directory.
  virtual Result<DirectoryScan> ScanDirectory(const std::string& path) const;
  // What Stat(`folder`/`relative`, kDoNotFollow) gives, except that no symlink anywhere in
  // `relative` is followed (symlinks in `folder` are): the object found is really below `folder`,
  // even if a folder on the way is swapped for a symlink meanwhile. `relative` is not empty, not
  // absolute, and has no "." or ".." components. A symlink in place of one of relative's folders
  // is InvalidArgument "cannot examine 'PATH': 'FOLDER' is a symlink" (PATH `folder`/`relative`,
  // FOLDER the path up to that symlink); any other non-directory there is IoError "cannot stat
  // 'PATH': Not a directory"; otherwise Stat's errors, naming PATH. On the real filesystem each
  // folder is opened relative to the one before it (openat, O_NOFOLLOW); the default checks each
  // folder with Stat, without that guard against concurrent changes.
  virtual Result<FileInfo> StatBeneath(const std::string& folder,
                                       const std::string& relative) const;

  // Creates the directory and its missing parents with `mode`; OK when it already exists.
  virtual Status CreateDirectories(const std::string& path, mode_t mode) = 0;
  // Replaces `path` so that a reader sees the old content or the new, never a mix, even across a
  // power loss: writes a temporary file beside it, fsyncs it, renames it over `path` and fsyncs
  // the directory. On failure the temporary file is removed and `path` is unchanged.
  virtual Status WriteFileAtomically(const std::string& path, std::string_view contents,
                                     mode_t mode) = 0;
  // WriteFileAtomically, and the new file gets `owner` and `group` before it replaces `path`, so
  // the name never shows another owner: how a program running as root rewrites a file that
  // belongs to someone else (etc/shadow is root:shadow). PermissionDenied "cannot write 'PATH':
  // Operation not permitted" when the process may not give them; `path` is then unchanged.
  virtual Status WriteFileAtomicallyOwnedBy(const std::string& path, std::string_view contents,
                                            mode_t mode, uid_t owner, gid_t group) = 0;
  // Removes a file, symlink or empty directory. NotFound if absent.
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;

  // Opens a file for reading. Under kDoNotFollow a symlink at `path` itself is refused
  // (InvalidArgument "cannot open 'PATH': it is a symlink"); symlinks in parent components are
  // followed. Opening a directory is InvalidArgument "cannot open 'PATH': it is a directory".
  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                            SymlinkPolicy policy) const = 0;
  // Opens the regular file at `path` for reading and describes it (one open and one fstat on the
  // real filesystem). Never follows a symlink at `path` (symlinks in parent components are
  // followed) and never waits for a FIFO's writer: anything but a regular file is InvalidArgument
  // "cannot open 'PATH': it is a symlink", "...: it is a directory" or "...: not a regular file";
  // otherwise NotFound, PermissionDenied or IoError as OpenForRead.
  virtual Result<OpenedFile> OpenRegularFile(const std::string& path) const = 0;
  // Creates a regular file for writing with permission bits `mode` (not reduced by the umask).
  // Under kCreateNew an existing path is AlreadyExists "cannot create 'PATH': File exists"; under
  // kTruncate a symlink at `path` is InvalidArgument "cannot create 'PATH': it is a symlink".
  virtual Result<std::unique_ptr<WritableFile>> CreateFile(const std::string& path, mode_t mode,
                                                           CreateMode create_mode) = 0;
  // link(2): `new_path` becomes another name of the file at `existing` (never following a
  // symlink at `existing`). FailedPrecondition "cannot link 'NEW' to 'EXISTING': not on the same
  // filesystem" for EXDEV; AlreadyExists when `new_path` exists.
  virtual Status CreateHardLink(const std::string& existing, const std::string& new_path) = 0;
  // The same for the file open as `file` (opened by this filesystem): `new_path` becomes another
  // name of exactly that file, even if its path was replaced since it was opened. Errors as
  // CreateHardLink with file.path() as EXISTING; NotFound when the file has no name left (it was
  // removed); InvalidArgument "cannot link 'NEW' to 'EXISTING': the file was not opened by this
  // filesystem" for a foreign file. On the real filesystem this needs /proc mounted or the
  // CAP_DAC_READ_SEARCH capability.
  virtual Status LinkOpenFile(const ReadableFile& file, const std::string& new_path) = 0;
  // Creates a symlink at `path` whose content is `target` (which need not exist). AlreadyExists
  // when something is at `path`.
  virtual Status CreateSymlink(const std::string& target, const std::string& path) = 0;
  // fsync(2) on a directory, so that entries created or renamed in it survive a power loss.
  virtual Status SyncDirectory(const std::string& path) = 0;
  // Sets or clears the immutable attribute (FS_IMMUTABLE_FL, chattr +i) of a file or directory,
  // never following a symlink. FailedPrecondition "... not supported by this filesystem" when the
  // filesystem has no such attribute; PermissionDenied without CAP_LINUX_IMMUTABLE;
  // InvalidArgument "...: it is a symlink" for a symlink and "...: not a regular file or
  // directory" for a device, FIFO or socket (which are never opened).
  virtual Status SetImmutable(const std::string& path, bool immutable) = 0;
  // Whether the immutable attribute is set; false on filesystems without it. The same
  // InvalidArgument errors as SetImmutable, with "cannot read the immutable attribute of 'PATH'".
  virtual Result<bool> IsImmutable(const std::string& path) const = 0;
};

// The real filesystem, through POSIX calls. Thread-safe.
std::unique_ptr<Filesystem> NewPosixFilesystem();

}  // namespace tseq
