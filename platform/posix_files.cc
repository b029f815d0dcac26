#include "platform/posix_files.h"

#include <cerrno>
#include <chrono>
#include <limits>
#include <string>
#include <utility>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/errno_status.h"
#include "platform/file_descriptor.h"

namespace tseq {
namespace {

// ErrnoStatus, except that EEXIST becomes AlreadyExists, as the contract promises for creation.
Status CreationStatus(int error, const std::string& what) {
  const Status status = ErrnoStatus(error, what);
  if (error == EEXIST) return Status(StatusCode::kAlreadyExists, status.message());
  return status;
}

Status ClosedFileError(const std::string& action, const std::string& path) {
  return FailedPreconditionError("cannot " + action + " '" + path + "': the file is closed");
}

bool IsSymlink(const std::string& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 && S_ISLNK(status.st_mode);
}

class PosixReadableFile : public ReadableFile {
 public:
  PosixReadableFile(std::string path, FileDescriptor file)
      : path_(std::move(path)), file_(std::move(file)) {}

  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    size_t total = 0;
    while (total < length) {
      // No file reaches the largest off_t, so an offset beyond it is past the end.
      const uint64_t position = offset + total;
      if (position < offset ||
          position > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
        break;
      }
      const ssize_t count =
          ::pread(file_.get(), buffer + total, length - total, static_cast<off_t>(position));
      if (count < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "read", path_);
      }
      if (count == 0) break;
      total += static_cast<size_t>(count);
    }
    return total;
  }

  Result<uint64_t> Size() const override {
    struct stat status {};
    if (::fstat(file_.get(), &status) != 0) return ErrnoStatus(errno, "stat", path_);
    return static_cast<uint64_t>(status.st_size);
  }

  const std::string& path() const override { return path_; }
  int descriptor() const override { return file_.get(); }

 private:
  const std::string path_;
  const FileDescriptor file_;
};

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, FileDescriptor file)
      : path_(std::move(path)), file_(std::move(file)) {}

  Status Append(std::string_view data) override {
    if (!file_.valid()) return ClosedFileError("write", path_);
    while (!data.empty()) {
      const ssize_t written = ::write(file_.get(), data.data(), data.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write", path_);
      }
      data.remove_prefix(static_cast<size_t>(written));
    }
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (!file_.valid()) return ClosedFileError("truncate", path_);
    const auto length = static_cast<off_t>(size);
    if (::ftruncate(file_.get(), length) != 0 || ::lseek(file_.get(), length, SEEK_SET) < 0) {
      return ErrnoStatus(errno, "truncate", path_);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (!file_.valid()) return ClosedFileError("sync", path_);
    while (::fdatasync(file_.get()) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, "sync", path_);
    }
    return Status::Ok();
  }

  Status Close() override {
    if (!file_.valid()) return ClosedFileError("close", path_);
    const int error = file_.Close();
    if (error != 0) return ErrnoStatus(error, "close", path_);
    return Status::Ok();
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  FileDescriptor file_;  // closed quietly by its destructor when Close() was never called
};

// Opens `path` for the attribute ioctls without following a symlink or opening a device or FIFO
// (whose drivers would receive the ioctl). `action` names the operation in errors.
Result<FileDescriptor> OpenForAttributes(const std::string& path, const std::string& action) {
  // A folder (most calls: a store's) opens at once: O_DIRECTORY opens nothing else, O_NOFOLLOW
  // no symlink, so it needs no examining before or after.
  FileDescriptor directory(
      ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (directory.valid()) return directory;
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return ErrnoStatus(errno, action, path);
  const std::string what = "cannot " + action + " '" + path + "'";
  if (S_ISLNK(status.st_mode)) return InvalidArgumentError(what + ": it is a symlink");
  if (!S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode)) {
    return InvalidArgumentError(what + ": not a regular file or directory");
  }
  // O_NONBLOCK: should the path have been replaced by a FIFO since the lstat, do not hang.
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ELOOP) return InvalidArgumentError(what + ": it is a symlink");
    return ErrnoStatus(errno, action, path);
  }
  if (::fstat(file.get(), &status) != 0) return ErrnoStatus(errno, action, path);
  if (!S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode)) {
    return InvalidArgumentError(what + ": not a regular file or directory");
  }
  return file;
}

bool IsUnsupportedAttribute(int error) {
  return error == ENOTTY || error == EOPNOTSUPP || error == EINVAL;
}

// The status of a failed link(2) or linkat(2) of `existing` as `new_path`.
Status LinkStatus(int error, const std::string& existing, const std::string& new_path) {
  if (error == EXDEV) return HardLinkAcrossFilesystemsError(existing, new_path);
  return CreationStatus(error, "cannot link '" + new_path + "' to '" + existing + "'");
}

}  // namespace

FileInfo PosixFileInfo(const struct stat& status) {
  FileInfo info;
  if (S_ISREG(status.st_mode)) {
    info.type = FileType::kRegular;
  } else if (S_ISDIR(status.st_mode)) {
    info.type = FileType::kDirectory;
  } else if (S_ISLNK(status.st_mode)) {
    info.type = FileType::kSymlink;
  } else {
    info.type = FileType::kOther;
  }
  info.size = static_cast<uint64_t>(status.st_size);
  info.modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(status.st_mtim.tv_sec) +
          std::chrono::nanoseconds(status.st_mtim.tv_nsec)));
  info.mode = status.st_mode & 07777;
  info.owner = status.st_uid;
  info.group = status.st_gid;
  info.device = static_cast<uint64_t>(status.st_dev);
  info.inode = static_cast<uint64_t>(status.st_ino);
  info.link_count = static_cast<uint64_t>(status.st_nlink);
  return info;
}

Result<std::unique_ptr<ReadableFile>> PosixOpenForRead(const std::string& path,
                                                       SymlinkPolicy policy) {
  const int follow = policy == SymlinkPolicy::kDoNotFollow ? O_NOFOLLOW : 0;
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | follow));
  if (!file.valid()) {
    const int error = errno;
    // ELOOP is also a symlink loop in a parent; only a symlink at `path` itself is "a symlink".
    if (error == ELOOP && policy == SymlinkPolicy::kDoNotFollow && IsSymlink(path)) {
      return InvalidArgumentError("cannot open '" + path + "': it is a symlink");
    }
    return ErrnoStatus(error, "open", path);
  }
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) return ErrnoStatus(errno, "open", path);
  if (S_ISDIR(status.st_mode)) {
    return InvalidArgumentError("cannot open '" + path + "': it is a directory");
  }
  return std::unique_ptr<ReadableFile>(std::make_unique<PosixReadableFile>(path, std::move(file)));
}

Result<OpenedFile> PosixOpenRegularFile(const std::string& path) {
  // O_NONBLOCK: a FIFO put in the file's place opens at once instead of waiting for a writer (and
  // is then refused); it changes nothing for a regular file.
  FileDescriptor file(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (!file.valid()) {
    const int error = errno;
    struct stat status {};
    // ELOOP is also a symlink loop in a parent; ENXIO is also a device without its driver.
    if ((error == ELOOP || error == ENXIO) && ::lstat(path.c_str(), &status) == 0) {
      if (S_ISLNK(status.st_mode)) {
        return InvalidArgumentError("cannot open '" + path + "': it is a symlink");
      }
      if (S_ISSOCK(status.st_mode)) {
        return InvalidArgumentError("cannot open '" + path + "': not a regular file");
      }
    }
    return ErrnoStatus(error, "open", path);
  }
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) return ErrnoStatus(errno, "open", path);
  if (S_ISDIR(status.st_mode)) {
    return InvalidArgumentError("cannot open '" + path + "': it is a directory");
  }
  if (!S_ISREG(status.st_mode)) {
    return InvalidArgumentError("cannot open '" + path + "': not a regular file");
  }
  return OpenedFile{std::make_unique<PosixReadableFile>(path, std::move(file)),
                    PosixFileInfo(status)};
}

Result<std::unique_ptr<WritableFile>> PosixCreateFile(const std::string& path, mode_t mode,
                                                      CreateMode create_mode) {
  const int disposition = create_mode == CreateMode::kCreateNew ? O_EXCL : O_TRUNC;
  FileDescriptor file(
      ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | disposition, 0600));
  if (!file.valid()) {
    const int error = errno;
    if (error == ELOOP && IsSymlink(path)) {
      return InvalidArgumentError("cannot create '" + path + "': it is a symlink");
    }
    return CreationStatus(error, "cannot create '" + path + "'");
  }
  // open(2) applies the umask; the caller asked for exactly `mode` (and an existing file being
  // truncated keeps its old mode otherwise).
  if (::fchmod(file.get(), mode & 07777) != 0) return ErrnoStatus(errno, "create", path);
  return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, std::move(file)));
}

Status HardLinkAcrossFilesystemsError(const std::string& existing, const std::string& new_path) {
  return FailedPreconditionError("cannot link '" + new_path + "' to '" + existing +
                                 "': not on the same filesystem");
}

Status PosixCreateHardLink(const std::string& existing, const std::string& new_path) {
  if (::linkat(AT_FDCWD, existing.c_str(), AT_FDCWD, new_path.c_str(), 0) == 0) {
    return Status::Ok();
  }
  return LinkStatus(errno, existing, new_path);
}

Status PosixLinkOpenFile(const ReadableFile& file, const std::string& new_path) {
  const int descriptor = file.descriptor();
  if (descriptor < 0) {
    return InvalidArgumentError("cannot link '" + new_path + "' to '" + file.path() +
                                "': the file was not opened by this filesystem");
  }
  // The /proc/self/fd link reaches exactly the open file, and, unlike AT_EMPTY_PATH, needs no
  // capability; AT_EMPTY_PATH is the way when /proc is not mounted.
  const std::string link = "/proc/self/fd/" + std::to_string(descriptor);
  if (::linkat(AT_FDCWD, link.c_str(), AT_FDCWD, new_path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    return Status::Ok();
  }
  const int error = errno;
  if (error == ENOENT && ::linkat(descriptor, "", AT_FDCWD, new_path.c_str(), AT_EMPTY_PATH) == 0) {
    return Status::Ok();
  }
  return LinkStatus(error, file.path(), new_path);
}

Status PosixCreateSymlink(const std::string& target, const std::string& path) {
  if (::symlink(target.c_str(), path.c_str()) == 0) return Status::Ok();
  return CreationStatus(errno, "cannot create symlink '" + path + "'");
}

Status PosixSyncDirectory(const std::string& path) {
  FileDescriptor directory(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory.valid()) return ErrnoStatus(errno, "sync directory", path);
  while (::fsync(directory.get()) != 0) {
    if (errno != EINTR) return ErrnoStatus(errno, "sync directory", path);
  }
  return Status::Ok();
}

Status PosixSetImmutable(const std::string& path, bool immutable) {
  const std::string action = "set the immutable attribute of";
  TSEQ_ASSIGN_OR_RETURN(const FileDescriptor file, OpenForAttributes(path, action));
  // The kernel reads and writes an int, whatever the ioctl number's declared type says.
  int flags = 0;
  int error = ::ioctl(file.get(), FS_IOC_GETFLAGS, &flags) == 0 ? 0 : errno;
  if (error == 0) {
    const int wanted = immutable ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
    if (wanted == flags) return Status::Ok();
    error = ::ioctl(file.get(), FS_IOC_SETFLAGS, &wanted) == 0 ? 0 : errno;
  }
  if (error == 0) return Status::Ok();
  if (IsUnsupportedAttribute(error)) {
    return FailedPreconditionError("cannot " + action + " '" + path +
                                   "': not supported by this filesystem");
  }
  return ErrnoStatus(error, action, path);
}

Result<bool> PosixIsImmutable(const std::string& path) {
  const std::string action = "read the immutable attribute of";
  TSEQ_ASSIGN_OR_RETURN(const FileDescriptor file, OpenForAttributes(path, action));
  int flags = 0;
  if (::ioctl(file.get(), FS_IOC_GETFLAGS, &flags) == 0) return (flags & FS_IMMUTABLE_FL) != 0;
  if (IsUnsupportedAttribute(errno)) return false;
  return ErrnoStatus(errno, action, path);
}

}  // namespace tseq
