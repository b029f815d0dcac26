#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <random>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/errno_status.h"
#include "platform/file_descriptor.h"
#include "platform/filesystem.h"
#include "platform/posix_files.h"

namespace tseq {
namespace {

// Splits "DIR/NAME" into the directory ("." when there is none, "/" for top-level names).
std::string ParentDirectory(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string RandomSuffix() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx",
                static_cast<unsigned long long>(generator()));  // NOLINT(runtime/int)
  return buffer;
}

int WriteAll(int descriptor, std::string_view contents) {
  while (!contents.empty()) {
    const ssize_t written = ::write(descriptor, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
  return 0;
}

std::string JoinPath(const std::string& directory, const std::string& name) {
  return directory.ends_with('/') ? directory + name : directory + "/" + name;
}

// The names in the directory open as `descriptor` (`path` names it in errors), sorted bytewise.
Result<std::vector<std::string>> ReadNames(int descriptor, const std::string& path) {
  // getdents64(2) straight on the descriptor: opendir(3) would add an fstat per directory.
  std::vector<std::string> names;
  alignas(dirent64) char buffer[32 * 1024];
  while (true) {
    const ssize_t count = ::getdents64(descriptor, buffer, sizeof(buffer));
    if (count < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "list directory", path);
    }
    if (count == 0) break;
    for (ssize_t offset = 0; offset < count;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
      offset += entry->d_reclen;
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A directory open for reading its metadata through its descriptor (ScanDirectory).
class OpenDirectory : public ReadableFile {
 public:
  OpenDirectory(std::string path, FileDescriptor directory)
      : path_(std::move(path)), directory_(std::move(directory)) {}
  Result<size_t> ReadAt(uint64_t /*offset*/, char* /*buffer*/, size_t /*length*/) const override {
    return ErrnoStatus(EISDIR, "read", path_);
  }
  Result<uint64_t> Size() const override {
    struct stat status {};
    if (::fstat(directory_.get(), &status) != 0) return ErrnoStatus(errno, "stat", path_);
    return static_cast<uint64_t>(status.st_size);
  }
  const std::string& path() const override { return path_; }
  int descriptor() const override { return directory_.get(); }

 private:
  const std::string path_;
  const FileDescriptor directory_;
};

class PosixFilesystem : public Filesystem {
 public:
  Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const override {
    struct stat status {};
    const int result = policy == SymlinkPolicy::kFollow ? ::stat(path.c_str(), &status)
                                                        : ::lstat(path.c_str(), &status);
    if (result != 0) return ErrnoStatus(errno, "stat", path);
    return PosixFileInfo(status);
  }

  Result<std::string> ReadFile(const std::string& path) const override {
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file.valid()) return ErrnoStatus(errno, "read", path);
    std::string contents;
    char buffer[64 * 1024];
    while (true) {
      const ssize_t count = ::read(file.get(), buffer, sizeof(buffer));
      if (count < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "read", path);
      }
      if (count == 0) return contents;
      contents.append(buffer, static_cast<size_t>(count));
    }
  }

  Result<std::string> ReadSymlink(const std::string& path) const override {
    std::string target(256, '\0');
    while (true) {
      const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
      if (length < 0) {
        if (errno == EINVAL) {
          return InvalidArgumentError("cannot read symlink '" + path + "': not a symbolic link");
        }
        return ErrnoStatus(errno, "read symlink", path);
      }
      // A result that fills the buffer may have been truncated.
      if (static_cast<size_t>(length) < target.size()) {
        target.resize(static_cast<size_t>(length));
        return target;
      }
      target.resize(target.size() * 2);
    }
  }

  Result<std::vector<std::string>> ListDirectory(const std::string& path) const override {
    FileDescriptor directory(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!directory.valid()) return ErrnoStatus(errno, "list directory", path);
    return ReadNames(directory.get(), path);
  }

  Result<DirectoryScan> ScanDirectory(const std::string& path) const override {
    FileDescriptor directory(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!directory.valid()) {
      const int error = errno;
      // O_NOFOLLOW refuses a symlink with ELOOP, O_DIRECTORY with ENOTDIR: tell which it is.
      struct stat status {};
      if ((error == ELOOP || error == ENOTDIR) && ::lstat(path.c_str(), &status) == 0 &&
          S_ISLNK(status.st_mode)) {
        return InvalidArgumentError("cannot list directory '" + path + "': it is a symlink");
      }
      return ErrnoStatus(error, "list directory", path);
    }
    struct stat status {};
    if (::fstat(directory.get(), &status) != 0) return ErrnoStatus(errno, "list directory", path);
    DirectoryScan scan;
    scan.info = PosixFileInfo(status);
    TSEQ_ASSIGN_OR_RETURN(const std::vector<std::string> names, ReadNames(directory.get(), path));
    scan.entries.reserve(names.size());
    for (const std::string& name : names) {
      // Relative to the open directory: one lookup, not the whole path, per entry.
      if (::fstatat(directory.get(), name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0) {
        scan.entries.push_back({name, PosixFileInfo(status)});
      } else {
        scan.entries.push_back({name, ErrnoStatus(errno, "stat", JoinPath(path, name))});
      }
    }
    scan.directory = std::make_unique<OpenDirectory>(path, std::move(directory));
    return scan;
  }

  Result<FileInfo> StatBeneath(const std::string& folder,
                               const std::string& relative) const override {
    const std::string path = JoinPath(folder, relative);
    FileDescriptor directory(::open(folder.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!directory.valid()) return ErrnoStatus(errno, "stat", path);
    std::string walked = folder;
    size_t start = 0;
    for (size_t slash = relative.find('/'); slash != std::string::npos;
         start = slash + 1, slash = relative.find('/', start)) {
      if (slash == start) continue;
      const std::string name = relative.substr(start, slash - start);
      walked = JoinPath(walked, name);
      // Each folder is opened from the one before, and never through a symlink: the path cannot
      // be redirected however its folders change meanwhile.
      FileDescriptor next(
          ::openat(directory.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next.valid()) {
        const int error = errno;
        struct stat status {};
        if (::fstatat(directory.get(), name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(status.st_mode)) {
          return InvalidArgumentError("cannot examine '" + path + "': '" + walked +
                                      "' is a symlink");
        }
        return ErrnoStatus(error, "stat", path);
      }
      directory = std::move(next);
    }
    struct stat status {};
    if (::fstatat(directory.get(), relative.c_str() + start, &status, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoStatus(errno, "stat", path);
    }
    return PosixFileInfo(status);
  }

  Status CreateDirectories(const std::string& path, mode_t mode) override {
    if (path.empty()) return ErrnoStatus(ENOENT, "create directory", path);
    std::string target = path;
    while (target.size() > 1 && target.back() == '/') target.pop_back();
    return CreateDirectoriesFrom(path, target, target, mode, /*create_parents=*/true);
  }

  Status WriteFileAtomically(const std::string& path, std::string_view contents,
                             mode_t mode) override {
    return WriteAtomically(path, contents, mode, std::nullopt);
  }

  Status WriteFileAtomicallyOwnedBy(const std::string& path, std::string_view contents, mode_t mode,
                                    uid_t owner, gid_t group) override {
    return WriteAtomically(path, contents, mode, std::pair{owner, group});
  }

  Status WriteAtomically(const std::string& path, std::string_view contents, mode_t mode,
                         std::optional<std::pair<uid_t, gid_t>> owner) {
    const std::string directory = ParentDirectory(path);
    std::string temporary;
    int descriptor = -1;
    int error = EEXIST;
    // A random name makes a collision unlikely; O_EXCL makes one harmless.
    for (int attempt = 0; attempt < 10 && error == EEXIST; ++attempt) {
      temporary = directory + "/." + BaseName(path) + ".tmp-" + RandomSuffix();
      descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      error = descriptor >= 0 ? 0 : errno;
    }
    if (error != 0) return ErrnoStatus(error, "write", path);
    FileDescriptor file(descriptor);

    error = WriteAll(file.get(), contents);
    if (error == 0 && ::fsync(file.get()) != 0) error = errno;
    // Owner first: chown(2) clears set-user-ID and set-group-ID bits the mode may set.
    if (error == 0 && owner && ::fchown(file.get(), owner->first, owner->second) != 0) {
      error = errno;
    }
    if (error == 0 && ::fchmod(file.get(), mode) != 0) error = errno;
    const int close_error = file.Close();
    if (error == 0) error = close_error;
    if (error == 0 && ::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) {
      ::unlink(temporary.c_str());
      return ErrnoStatus(error, "write", path);
    }

    // The rename is durable only once the directory entry itself reaches the disk.
    return PosixSyncDirectory(directory);
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) == 0) return Status::Ok();
    int error = errno;
    // Linux reports EISDIR for a directory; POSIX allows EPERM.
    struct stat status {};
    if ((error == EISDIR || error == EPERM) && ::lstat(path.c_str(), &status) == 0 &&
        S_ISDIR(status.st_mode)) {
      if (::rmdir(path.c_str()) == 0) return Status::Ok();
      error = errno;
    }
    return ErrnoStatus(error, "remove", path);
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) == 0) return Status::Ok();
    return ErrnoStatus(errno, "cannot rename '" + from + "' to '" + to + "'");
  }

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                    SymlinkPolicy policy) const override {
    return PosixOpenForRead(path, policy);
  }

  Result<OpenedFile> OpenRegularFile(const std::string& path) const override {
    return PosixOpenRegularFile(path);
  }

  Result<std::unique_ptr<WritableFile>> CreateFile(const std::string& path, mode_t mode,
                                                   CreateMode create_mode) override {
    return PosixCreateFile(path, mode, create_mode);
  }

  Status CreateHardLink(const std::string& existing, const std::string& new_path) override {
    return PosixCreateHardLink(existing, new_path);
  }

  Status LinkOpenFile(const ReadableFile& file, const std::string& new_path) override {
    return PosixLinkOpenFile(file, new_path);
  }

  Status CreateSymlink(const std::string& target, const std::string& path) override {
    return PosixCreateSymlink(target, path);
  }

  Status SyncDirectory(const std::string& path) override { return PosixSyncDirectory(path); }

  Status SetImmutable(const std::string& path, bool immutable) override {
    return PosixSetImmutable(path, immutable);
  }

  Result<bool> IsImmutable(const std::string& path) const override {
    return PosixIsImmutable(path);
  }

 private:
  // Creates `directory`, a prefix of `target` (which is `path` without trailing slashes; errors
  // name `path`), and, with `create_parents`, its missing parents. The deepest directory is tried
  // first: when its parent exists, as it mostly does, that is one mkdir(2), not one per component.
  static Status CreateDirectoriesFrom(const std::string& path, const std::string& target,
                                      const std::string& directory, mode_t mode,
                                      bool create_parents) {
    if (::mkdir(directory.c_str(), mode) == 0) {
      // mkdir(2) applies the umask; the caller asked for exactly `mode`.
      if (::chmod(directory.c_str(), mode) != 0) {
        return ErrnoStatus(errno, "create directory", directory);
      }
      return Status::Ok();
    }
    const int error = errno;
    if (error == EEXIST) {
      struct stat status {};
      // A dangling symlink exists but leads nowhere.
      if (::stat(directory.c_str(), &status) != 0) {
        return ErrnoStatus(EEXIST, "create directory", directory);
      }
      if (S_ISDIR(status.st_mode)) return Status::Ok();
      return ErrnoStatus(directory == target ? EEXIST : ENOTDIR, "create directory", path);
    }
    if (error == ENOTDIR) return ErrnoStatus(ENOTDIR, "create directory", path);
    const size_t slash = directory.find_last_of('/');
    if (error != ENOENT || !create_parents || slash == std::string::npos || slash == 0) {
      return ErrnoStatus(error, "create directory", directory);
    }
    TSEQ_RETURN_IF_ERROR(
        CreateDirectoriesFrom(path, target, directory.substr(0, slash), mode, true));
    return CreateDirectoriesFrom(path, target, directory, mode, false);
  }
};

}  // namespace

// Filesystem's default (filesystem.h has no .cc of its own): the calls ScanDirectory saves.
Result<DirectoryScan> Filesystem::ScanDirectory(const std::string& path) const {
  const Result<FileInfo> info = Stat(path, SymlinkPolicy::kDoNotFollow);
  if (info.ok() && info->type == FileType::kSymlink) {
    return InvalidArgumentError("cannot list directory '" + path + "': it is a symlink");
  }
  if (info.ok() && info->type != FileType::kDirectory) {
    return ErrnoStatus(ENOTDIR, "list directory", path);
  }
  // A failed Stat is reported as the listing reports it, as the real filesystem does.
  TSEQ_ASSIGN_OR_RETURN(const std::vector<std::string> names, ListDirectory(path));
  if (!info.ok()) return info.status();
  DirectoryScan scan;
  scan.info = *info;
  scan.entries.reserve(names.size());
  for (const std::string& name : names) {
    scan.entries.push_back({name, Stat(JoinPath(path, name), SymlinkPolicy::kDoNotFollow)});
  }
  return scan;
}

Result<FileInfo> Filesystem::StatBeneath(const std::string& folder,
                                         const std::string& relative) const {
  const std::string path = JoinPath(folder, relative);
  std::string walked = folder;
  size_t start = 0;
  for (size_t slash = relative.find('/'); slash != std::string::npos;
       start = slash + 1, slash = relative.find('/', start)) {
    if (slash == start) continue;
    walked = JoinPath(walked, relative.substr(start, slash - start));
    const Result<FileInfo> info = Stat(walked, SymlinkPolicy::kDoNotFollow);
    // A folder that cannot be examined: the path below it cannot either, and says why.
    if (!info.ok()) return Stat(path, SymlinkPolicy::kDoNotFollow);
    if (info->type == FileType::kSymlink) {
      return InvalidArgumentError("cannot examine '" + path + "': '" + walked + "' is a symlink");
    }
    if (info->type != FileType::kDirectory) return ErrnoStatus(ENOTDIR, "stat", path);
  }
  return Stat(path, SymlinkPolicy::kDoNotFollow);
}

std::unique_ptr<Filesystem> NewPosixFilesystem() { return std::make_unique<PosixFilesystem>(); }

}  // namespace tseq
