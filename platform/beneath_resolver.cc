#include "platform/beneath_resolver.h"

#include <atomic>
#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/errno_status.h"
#include "platform/metadata_io.h"

namespace tseq {
namespace {

// Set once a kernel without openat2(2) answered ENOSYS, so later calls go straight to the walk.
std::atomic<bool> openat2_missing{false};

constexpr int kOpenat2Attempts = 8;
constexpr int kDirectoryFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// glibc 2.36 has no openat2 wrapper. Returns the descriptor or -1 with errno set.
int Openat2(int directory, const std::string& path, int flags) {
  open_how how{};
  how.flags = static_cast<__u64>(static_cast<unsigned int>(flags));
  how.resolve = static_cast<__u64>(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  return static_cast<int>(::syscall(SYS_openat2, directory, path.c_str(), &how, sizeof(how)));
}

Status SymlinkError(const std::string& action, const std::string& full_path,
                    const std::string& culprit) {
  return FailedPreconditionError("cannot " + action + " '" + full_path + "': " + culprit +
                                 " is a symlink");
}

Status NotFolderError(const std::string& action, const std::string& full_path,
                      const std::string& culprit) {
  return FailedPreconditionError("cannot " + action + " '" + full_path + "': " + culprit +
                                 " is not a folder");
}

bool IsSymlinkAt(int directory, const std::string& name) {
  struct stat status {};
  return ::fstatat(directory, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISLNK(status.st_mode);
}

Status OsError(int error, const std::string& action, const std::string& full_path) {
  const Status status = ErrnoStatus(error, action, full_path);
  if (error == EEXIST) return Status(StatusCode::kAlreadyExists, status.message());
  return status;
}

}  // namespace

std::vector<std::string> SplitRelativePath(const std::string& relative) {
  std::vector<std::string> components;
  size_t start = 0;
  for (;;) {
    const size_t slash = relative.find('/', start);
    components.push_back(relative.substr(start, slash - start));
    if (slash == std::string::npos) return components;
    start = slash + 1;
  }
}

BeneathResolver::BeneathResolver(int root, std::string root_path, PathResolution resolution)
    : root_(root), root_path_(std::move(root_path)), resolution_(resolution) {}

Status BeneathResolver::Check(const std::string& relative, const std::string& action,
                              bool allow_root) const {
  bool valid = relative.find('\0') == std::string::npos;
  if (valid && relative.empty()) {
    valid = allow_root;
  } else if (valid) {
    for (const std::string& component : SplitRelativePath(relative)) {
      if (component.empty() || component == "." || component == "..") valid = false;
    }
  }
  if (valid) return Status::Ok();
  return InvalidArgumentError("cannot " + action + " '" + relative + "' under '" + root_path_ +
                              "': it must be a relative path without empty, '.' or '..' "
                              "components");
}

std::string BeneathResolver::FullPath(const std::string& relative) const {
  if (relative.empty()) return root_path_;
  if (!root_path_.empty() && root_path_.back() == '/') return root_path_ + relative;
  return root_path_ + "/" + relative;
}

std::string BeneathResolver::PrefixPath(const std::vector<std::string>& components,
                                        size_t count) const {
  std::string prefix;
  for (size_t index = 0; index < count; ++index) {
    if (index > 0) prefix += '/';
    prefix += components[index];
  }
  return "'" + FullPath(prefix) + "'";
}

Result<FileDescriptor> BeneathResolver::OpenDirectories(const std::vector<std::string>& components,
                                                        size_t count, const std::string& action,
                                                        const std::string& full_path) const {
  if (count == 0) {
    FileDescriptor self(::openat(root_, ".", kDirectoryFlags));
    if (!self.valid()) return OsError(errno, action, full_path);
    return self;
  }
  if (resolution_ == PathResolution::kAutomatic && !openat2_missing.load()) {
    std::string joined = components[0];
    for (size_t index = 1; index < count; ++index) joined += "/" + components[index];
    for (int attempt = 0; attempt < kOpenat2Attempts; ++attempt) {
      FileDescriptor directory(Openat2(root_, joined, O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (directory.valid()) return directory;
      const int error = errno;
      // EAGAIN: a rename elsewhere raced with the lookup; the kernel asks for a retry.
      if (error == EAGAIN) continue;
      if (error == ENOSYS) openat2_missing.store(true);
      // A symlink (ELOOP, EXDEV) or a file (ENOTDIR) in the way: the walk says which one.
      if (error != ENOSYS && error != ELOOP && error != EXDEV && error != ENOTDIR) {
        return OsError(error, action, full_path);
      }
      break;
    }
  }
  return WalkDirectories(components, count, action, full_path);
}

Result<FileDescriptor> BeneathResolver::WalkDirectories(const std::vector<std::string>& components,
                                                        size_t count, const std::string& action,
                                                        const std::string& full_path) const {
  FileDescriptor current;
  for (size_t index = 0; index < count; ++index) {
    const int parent = current.valid() ? current.get() : root_;
    FileDescriptor next(::openat(parent, components[index].c_str(), kDirectoryFlags));
    if (!next.valid()) {
      const int error = errno;
      if (error == ENOTDIR || error == ELOOP) {
        const std::string culprit = PrefixPath(components, index + 1);
        return IsSymlinkAt(parent, components[index]) ? SymlinkError(action, full_path, culprit)
                                                      : NotFolderError(action, full_path, culprit);
      }
      return OsError(error, action, full_path);
    }
    current = std::move(next);
  }
  return current;
}

Result<BeneathResolver::Parent> BeneathResolver::OpenParent(const std::string& relative,
                                                            const std::string& action) const {
  std::vector<std::string> components = SplitRelativePath(relative);
  const std::string full_path = FullPath(relative);
  TSEQ_ASSIGN_OR_RETURN(FileDescriptor directory,
                        OpenDirectories(components, components.size() - 1, action, full_path));
  return Parent{std::move(directory), std::move(components.back())};
}

Result<FileDescriptor> BeneathResolver::Open(const std::string& relative, int flags,
                                             const std::string& action) const {
  if (relative.empty()) {
    FileDescriptor self(::openat(root_, ".", flags | O_CLOEXEC));
    if (!self.valid()) return OsError(errno, action, root_path_);
    return self;
  }
  TSEQ_ASSIGN_OR_RETURN(const Parent parent, OpenParent(relative, action));
  return OpenEntry(parent, flags, 0, action, FullPath(relative));
}

Result<FileDescriptor> BeneathResolver::OpenEntry(const Parent& parent, int flags, mode_t mode,
                                                  const std::string& action,
                                                  const std::string& full_path) {
  FileDescriptor entry(
      ::openat(parent.directory.get(), parent.name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!entry.valid()) return EntryError(errno, parent, action, full_path);
  return entry;
}

Status BeneathResolver::EntryError(int error, const Parent& parent, const std::string& action,
                                   const std::string& full_path) {
  if (error == ELOOP) return SymlinkError(action, full_path, "it");
  if (error == ENOTDIR) {
    return IsSymlinkAt(parent.directory.get(), parent.name)
               ? SymlinkError(action, full_path, "it")
               : NotFolderError(action, full_path, "it");
  }
  return OsError(error, action, full_path);
}

Result<std::vector<std::string>> BeneathResolver::MakeDirectories(const std::string& relative,
                                                                  mode_t mode,
                                                                  const std::string& action) const {
  const std::vector<std::string> components = SplitRelativePath(relative);
  const std::string full_path = FullPath(relative);
  std::vector<std::string> created;
  std::string created_path;
  FileDescriptor current;
  for (size_t index = 0; index < components.size(); ++index) {
    const int parent = current.valid() ? current.get() : root_;
    const std::string& name = components[index];
    if (index > 0) created_path += '/';
    created_path += name;
    FileDescriptor next(::openat(parent, name.c_str(), kDirectoryFlags));
    if (!next.valid() && errno == ENOENT) {
      // 0700 until the exact mode is set, so nobody else can use the folder in between.
      const bool made = ::mkdirat(parent, name.c_str(), 0700) == 0;
      if (!made && errno != EEXIST) return OsError(errno, action, full_path);
      next = FileDescriptor(::openat(parent, name.c_str(), kDirectoryFlags));
      if (made && next.valid()) {
        if (::chmod(DescriptorPath(next.get()).c_str(), mode & 07777) != 0) {
          return ErrnoStatus(errno, action, full_path);
        }
        created.push_back(created_path);
      }
    }
    if (!next.valid()) {
      const int error = errno;
      if (error == ENOTDIR || error == ELOOP) {
        const std::string culprit = PrefixPath(components, index + 1);
        return IsSymlinkAt(parent, name) ? SymlinkError(action, full_path, culprit)
                                         : NotFolderError(action, full_path, culprit);
      }
      return OsError(error, action, full_path);
    }
    current = std::move(next);
  }
  return created;
}

}  // namespace tseq
