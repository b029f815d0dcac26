#include "platform/rooted_directory.h"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/beneath_resolver.h"
#include "platform/errno_status.h"
#include "platform/file_descriptor.h"
#include "platform/metadata_io.h"
#include "platform/posix_files.h"
#include "platform/rooted_directory_internal.h"

namespace tseq {
namespace {

constexpr int kTemporaryNameAttempts = 100;

Status TypeError(const std::string& action, const std::string& path, const std::string& why) {
  return FailedPreconditionError("cannot " + action + " '" + path + "': " + why);
}

// Owns a DIR* (which owns its descriptor).
class DirectoryStream {
 public:
  explicit DirectoryStream(DIR* stream) : stream_(stream) {}
  ~DirectoryStream() {
    if (stream_ != nullptr) ::closedir(stream_);
  }
  DirectoryStream(const DirectoryStream&) = delete;
  DirectoryStream& operator=(const DirectoryStream&) = delete;
  DIR* get() const { return stream_; }

 private:
  DIR* stream_;
};

class PosixRootedDirectory : public RootedDirectory {
 public:
  PosixRootedDirectory(std::string path, FileDescriptor root, PathResolution resolution,
                       FolderSync folder_sync)
      : path_(std::move(path)),
        root_(std::move(root)),
        resolver_(root_.get(), path_, resolution),
        folder_sync_(folder_sync),
        syncs_(std::make_shared<SyncLedger>()) {}

  const std::string& path() const override { return path_; }

  Result<FileInfo> Stat(const std::string& relative) const override {
    TSEQ_ASSIGN_OR_RETURN(const FileDescriptor entry, OpenPath(relative, "stat"));
    struct stat status {};
    if (::fstat(entry.get(), &status) != 0) {
      return ErrnoStatus(errno, "stat", resolver_.FullPath(relative));
    }
    return PosixFileInfo(status);
  }

  Result<FileMetadata> ReadMetadata(const std::string& relative) const override {
    TSEQ_ASSIGN_OR_RETURN(const FileDescriptor entry, OpenPath(relative, "read the metadata of"));
    return ReadMetadataOfDescriptor(entry.get(), resolver_.FullPath(relative));
  }

  Result<std::vector<std::string>> List(const std::string& relative) const override {
    const std::string action = "list";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, true));
    TSEQ_ASSIGN_OR_RETURN(FileDescriptor folder,
                          resolver_.Open(relative, O_RDONLY | O_DIRECTORY, action));
    const std::string full_path = resolver_.FullPath(relative);
    // fdopendir takes over the descriptor it is given: give it a duplicate.
    const int duplicate = ::fcntl(folder.get(), F_DUPFD_CLOEXEC, 0);
    if (duplicate < 0) return ErrnoStatus(errno, action, full_path);
    const DirectoryStream stream(::fdopendir(duplicate));
    if (stream.get() == nullptr) {
      const int error = errno;
      ::close(duplicate);
      return ErrnoStatus(error, action, full_path);
    }
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(stream.get());
      if (entry == nullptr) break;
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    if (errno != 0) return ErrnoStatus(errno, action, full_path);
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& relative) const override {
    const std::string action = "open";
    TSEQ_ASSIGN_OR_RETURN(const FileDescriptor entry, OpenPath(relative, action));
    const std::string full_path = resolver_.FullPath(relative);
    struct stat status {};
    if (::fstat(entry.get(), &status) != 0) return ErrnoStatus(errno, action, full_path);
    if (S_ISLNK(status.st_mode)) return TypeError(action, full_path, "it is a symlink");
    if (S_ISDIR(status.st_mode)) return TypeError(action, full_path, "it is a folder");
    if (!S_ISREG(status.st_mode)) return TypeError(action, full_path, "it is not a regular file");
    // Reopening through /proc reads exactly the file examined above.
    FileDescriptor readable(
        ::open(DescriptorPath(entry.get()).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!readable.valid()) return ErrnoStatus(errno, action, full_path);
    return NewDescriptorReadableFile(full_path, std::move(readable));
  }

  Status CreateDirectory(const std::string& relative, mode_t mode) override {
    const std::string action = "create the folder";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, false));
    TSEQ_ASSIGN_OR_RETURN(const BeneathResolver::Parent parent,
                          resolver_.OpenParent(relative, action));
    const std::string full_path = resolver_.FullPath(relative);
    // 0700 until the exact mode is set, so nobody else can use the folder in between.
    if (::mkdirat(parent.directory.get(), parent.name.c_str(), 0700) != 0) {
      return BeneathResolver::EntryError(errno, parent, action, full_path);
    }
    TSEQ_ASSIGN_OR_RETURN(
        const FileDescriptor folder,
        BeneathResolver::OpenEntry(parent, O_PATH | O_DIRECTORY, 0, action, full_path));
    if (::chmod(DescriptorPath(folder.get()).c_str(), mode & 07777) != 0) {
      return ErrnoStatus(errno, action, full_path);
    }
    return Status::Ok();
  }

  Result<std::vector<std::string>> MakeDirectories(const std::string& relative,
                                                   mode_t mode) override {
    const std::string action = "create the folder";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, false));
    return resolver_.MakeDirectories(relative, mode, action);
  }

  Result<std::unique_ptr<PendingFile>> CreateFile(const std::string& relative) override {
    const std::string action = "create";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, false));
    TSEQ_ASSIGN_OR_RETURN(BeneathResolver::Parent parent, resolver_.OpenParent(relative, action));
    const std::string full_path = resolver_.FullPath(relative);
    for (int attempt = 1;; ++attempt) {
      std::string temporary = TemporaryEntryName();
      FileDescriptor file(::openat(parent.directory.get(), temporary.c_str(),
                                   O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (file.valid()) {
        // Exactly 0600 whatever the umask: Commit's "keeps mode 0600" starts here.
        if (::fchmod(file.get(), 0600) != 0) {
          const int error = errno;
          ::unlinkat(parent.directory.get(), temporary.c_str(), 0);
          return ErrnoStatus(error, action, full_path);
        }
        return NewPosixPendingFile(std::move(parent), std::move(temporary), std::move(file),
                                   full_path, syncs_);
      }
      if (errno != EEXIST || attempt == kTemporaryNameAttempts) {
        return ErrnoStatus(errno, action, full_path);
      }
    }
  }

  Status CreateSymlink(const std::string& target, const std::string& relative,
                       const MetadataUpdate& metadata, ReplacePolicy replace) override {
    const std::string action = "create the symlink";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, false));
    const std::string full_path = resolver_.FullPath(relative);
    if (metadata.access_acl.has_value() || metadata.default_acl.has_value()) {
      return InvalidArgumentError("cannot set the ACL of '" + full_path + "': it is a symlink");
    }
    TSEQ_ASSIGN_OR_RETURN(const BeneathResolver::Parent parent,
                          resolver_.OpenParent(relative, action));
    const int directory = parent.directory.get();
    std::string temporary;
    for (int attempt = 1;; ++attempt) {
      temporary = TemporaryEntryName();
      if (::symlinkat(target.c_str(), directory, temporary.c_str()) == 0) break;
      if (errno != EEXIST || attempt == kTemporaryNameAttempts) {
        return ErrnoStatus(errno, action, full_path);
      }
    }
    Status status = FinishSymlink(parent, temporary, metadata, replace, action, full_path);
    if (!status.ok()) {
      ::unlinkat(directory, temporary.c_str(), 0);
      return status;
    }
    return SyncFolder(directory, full_path);
  }

  Status CreateHardLink(const std::string& existing, const std::string& relative,
                        ReplacePolicy replace) override {
    const std::string action = "create the link";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(existing, "link to", false));
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, false));
    TSEQ_ASSIGN_OR_RETURN(const FileDescriptor source, OpenPath(existing, "link to"));
    const std::string existing_path = resolver_.FullPath(existing);
    struct stat status {};
    if (::fstat(source.get(), &status) != 0) return ErrnoStatus(errno, "link to", existing_path);
    if (S_ISLNK(status.st_mode)) return TypeError("link to", existing_path, "it is a symlink");
    if (!S_ISREG(status.st_mode)) {
      return TypeError("link to", existing_path, "it is not a regular file");
    }
    TSEQ_ASSIGN_OR_RETURN(const BeneathResolver::Parent parent,
                          resolver_.OpenParent(relative, action));
    const std::string full_path = resolver_.FullPath(relative);
    const int directory = parent.directory.get();
    // AT_SYMLINK_FOLLOW follows only the /proc link, to the regular file checked above.
    const std::string source_link = DescriptorPath(source.get());
    const auto link_to = [&](const std::string& name) {
      return ::linkat(AT_FDCWD, source_link.c_str(), directory, name.c_str(), AT_SYMLINK_FOLLOW);
    };
    if (replace == ReplacePolicy::kNoReplace) {
      if (link_to(parent.name) != 0) return LinkError(errno, parent, full_path, existing_path);
    } else {
      std::string temporary;
      for (int attempt = 1;; ++attempt) {
        temporary = TemporaryEntryName();
        if (link_to(temporary) == 0) break;
        if (errno != EEXIST || attempt == kTemporaryNameAttempts) {
          return LinkError(errno, parent, full_path, existing_path);
        }
      }
      // rename(2) does nothing when both names are already links to the same file.
      const Status placed = PlaceEntry(parent, temporary, replace, action, full_path);
      ::unlinkat(directory, temporary.c_str(), 0);
      TSEQ_RETURN_IF_ERROR(placed);
    }
    return SyncFolder(directory, full_path);
  }

  Status ApplyMetadata(const std::string& relative, const MetadataUpdate& metadata) override {
    TSEQ_ASSIGN_OR_RETURN(const FileDescriptor entry, OpenPath(relative, "change the metadata of"));
    const std::string full_path = resolver_.FullPath(relative);
    struct stat status {};
    if (::fstat(entry.get(), &status) != 0) {
      return ErrnoStatus(errno, "change the metadata of", full_path);
    }
    return ApplyMetadataToDescriptor(entry.get(), FileTypeOfMode(status.st_mode), metadata,
                                     full_path);
  }

  Status Remove(const std::string& relative) override {
    const std::string action = "remove";
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, false));
    TSEQ_ASSIGN_OR_RETURN(const BeneathResolver::Parent parent,
                          resolver_.OpenParent(relative, action));
    const std::string full_path = resolver_.FullPath(relative);
    const int directory = parent.directory.get();
    if (::unlinkat(directory, parent.name.c_str(), 0) == 0) return Status::Ok();
    if (errno == EISDIR && ::unlinkat(directory, parent.name.c_str(), AT_REMOVEDIR) == 0) {
      return Status::Ok();
    }
    return BeneathResolver::EntryError(errno, parent, action, full_path);
  }

  Status SyncFilesystem() override {
    const uint64_t number = syncs_->Start();
    const FileDescriptor readable(::openat(root_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (readable.valid()) {
      if (::syncfs(readable.get()) != 0) return ErrnoStatus(errno, "sync", path_);
    } else {
      // syncfs(2) refuses the O_PATH descriptor the handle holds: sync(2) covers this filesystem
      // with the others (and reports no errors).
      ::sync();
    }
    syncs_->Succeeded(number);
    return Status::Ok();
  }

 private:
  // The sync that follows a new symlink or hard link in the folder `directory` (of full_path).
  Status SyncFolder(int directory, const std::string& full_path) const {
    if (folder_sync_ == FolderSync::kDeferred) return Status::Ok();
    return SyncDirectoryDescriptor(directory, FolderOf(full_path));
  }

  // Checks `relative` ("" allowed) and opens it O_PATH, a symlink at it included.
  Result<FileDescriptor> OpenPath(const std::string& relative, const std::string& action) const {
    TSEQ_RETURN_IF_ERROR(resolver_.Check(relative, action, true));
    return resolver_.Open(relative, O_PATH, action);
  }

  static Status FinishSymlink(const BeneathResolver::Parent& parent, const std::string& temporary,
                              const MetadataUpdate& metadata, ReplacePolicy replace,
                              const std::string& action, const std::string& full_path) {
    const int directory = parent.directory.get();
    const FileDescriptor link(
        ::openat(directory, temporary.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!link.valid()) return ErrnoStatus(errno, action, full_path);
    // Someone with write access to the folder could have put another file under the temporary
    // name: only a symlink with no other name is ours to change.
    struct stat status {};
    if (::fstat(link.get(), &status) != 0) return ErrnoStatus(errno, action, full_path);
    if (!S_ISLNK(status.st_mode) || status.st_nlink != 1) {
      return FailedPreconditionError("cannot " + action + " '" + full_path +
                                     "': its temporary name was taken over");
    }
    TSEQ_RETURN_IF_ERROR(
        ApplyMetadataToDescriptor(link.get(), FileType::kSymlink, metadata, full_path));
    return PlaceEntry(parent, temporary, replace, action, full_path);
  }

  static Status LinkError(int error, const BeneathResolver::Parent& parent,
                          const std::string& full_path, const std::string& existing_path) {
    if (error == EXDEV) {
      return FailedPreconditionError("cannot link '" + full_path + "' to '" + existing_path +
                                     "': not on the same filesystem");
    }
    return BeneathResolver::EntryError(error, parent, "create the link", full_path);
  }

  const std::string path_;
  const FileDescriptor root_;
  const BeneathResolver resolver_;
  const FolderSync folder_sync_;
  const std::shared_ptr<SyncLedger> syncs_;
};

}  // namespace

Result<std::unique_ptr<RootedDirectory>> OpenRootedDirectory(const std::string& path,
                                                             PathResolution resolution,
                                                             FolderSync folder_sync) {
  // A trailing slash would make open(2) follow a symlink at the last component.
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  // O_PATH: a folder the process may search but not read is still a fine root.
  FileDescriptor root(::open(trimmed.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root.valid()) {
    const int error = errno;
    struct stat status {};
    const bool examined = ::lstat(trimmed.c_str(), &status) == 0;
    if ((error == ELOOP || error == ENOTDIR) && examined && S_ISLNK(status.st_mode)) {
      return TypeError("open", trimmed, "it is a symlink");
    }
    if (error == ENOTDIR && examined) return TypeError("open", trimmed, "it is not a folder");
    return ErrnoStatus(error, "open", trimmed);
  }
  return std::unique_ptr<RootedDirectory>(std::make_unique<PosixRootedDirectory>(
      std::move(trimmed), std::move(root), resolution, folder_sync));
}

}  // namespace tseq
