#include "platform/metadata_io.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <acl/libacl.h>
#include <fcntl.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "platform/errno_status.h"
#include "platform/file_descriptor.h"
#include "platform/posix_files.h"

namespace tseq {
namespace {

constexpr char kReadAction[] = "read the metadata of";
constexpr char kAccessAclAttribute[] = "system.posix_acl_access";
constexpr char kDefaultAclAttribute[] = "system.posix_acl_default";

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

// Owns an acl_t (or the text libacl allocates).
class AclHandle {
 public:
  explicit AclHandle(acl_t acl) : acl_(acl) {}
  ~AclHandle() {
    if (acl_ != nullptr) acl_free(acl_);
  }
  AclHandle(AclHandle&& other) noexcept : acl_(std::exchange(other.acl_, nullptr)) {}
  AclHandle& operator=(AclHandle&&) = delete;
  AclHandle(const AclHandle&) = delete;
  AclHandle& operator=(const AclHandle&) = delete;
  acl_t get() const { return acl_; }

 private:
  acl_t acl_;
};

// Where the extended attributes and ACLs of one file are read: through its descriptor when it
// was opened for reading, through its /proc/self/fd link for an O_PATH descriptor (which the
// f*xattr calls refuse; the link reaches exactly the same file), or by a path the caller alone
// can change (MetadataReader::ReadLinkedFile), which needs no descriptor at all.
class AttributeSource {
 public:
  enum class Kind { kOpenForReading, kPathDescriptor, kOwnPath };

  static AttributeSource OfDescriptor(int descriptor, bool opened_for_reading) {
    return opened_for_reading
               ? AttributeSource(Kind::kOpenForReading, descriptor, std::string())
               : AttributeSource(Kind::kPathDescriptor, descriptor, DescriptorPath(descriptor));
  }
  static AttributeSource OfOwnPath(std::string path) {
    return AttributeSource(Kind::kOwnPath, -1, std::move(path));
  }

  ssize_t List(char* buffer, size_t size) const {
    switch (kind_) {
      case Kind::kOpenForReading:
        return ::flistxattr(descriptor_, buffer, size);
      case Kind::kPathDescriptor:
        return ::listxattr(path_.c_str(), buffer, size);
      case Kind::kOwnPath:
        break;
    }
    return ::llistxattr(path_.c_str(), buffer, size);
  }
  ssize_t Get(const char* name, void* buffer, size_t size) const {
    switch (kind_) {
      case Kind::kOpenForReading:
        return ::fgetxattr(descriptor_, name, buffer, size);
      case Kind::kPathDescriptor:
        return ::getxattr(path_.c_str(), name, buffer, size);
      case Kind::kOwnPath:
        break;
    }
    return ::lgetxattr(path_.c_str(), name, buffer, size);
  }
  acl_t GetAcl(acl_type_t type) const {
    if (kind_ == Kind::kOpenForReading) {
      // libacl reads a default ACL by path only: the descriptor's link is that path.
      if (type == ACL_TYPE_ACCESS) return acl_get_fd(descriptor_);
      return acl_get_file(DescriptorPath(descriptor_).c_str(), type);
    }
    // An own path names a regular file or folder, never a symlink: acl_get_file follows none.
    return acl_get_file(path_.c_str(), type);
  }

 private:
  AttributeSource(Kind kind, int descriptor, std::string path)
      : kind_(kind), descriptor_(descriptor), path_(std::move(path)) {}

  Kind kind_;
  int descriptor_;
  std::string path_;  // the /proc/self/fd link, or the own path
};

// Which ACLs a file's attribute listing named.
struct ListedAcls {
  bool access = false;
  bool default_acl = false;
};

// Calls `call` once for the size and once for the bytes, again when the value grew in between.
// Returns 0 or the errno.
int ReadSized(const std::function<ssize_t(char*, size_t)>& call, std::string& out) {
  for (;;) {
    const ssize_t size = call(nullptr, 0);
    if (size < 0) return errno;
    out.assign(static_cast<size_t>(size), '\0');
    if (size == 0) return 0;
    const ssize_t read = call(out.data(), out.size());
    if (read >= 0) {
      out.resize(static_cast<size_t>(read));
      return 0;
    }
    if (errno != ERANGE) return errno;
  }
}

Result<std::string> ReadSymlinkTarget(int descriptor, const std::string& path) {
  std::string buffer(256, '\0');
  for (;;) {
    const ssize_t length = ::readlinkat(descriptor, "", buffer.data(), buffer.size());
    if (length < 0) return ErrnoStatus(errno, kReadAction, path);
    if (static_cast<size_t>(length) < buffer.size()) {
      buffer.resize(static_cast<size_t>(length));
      return buffer;
    }
    buffer.resize(buffer.size() * 2);
  }
}

Result<std::vector<ExtendedAttribute>> ReadExtendedAttributes(const AttributeSource& source,
                                                              const std::string& path,
                                                              ListedAcls& listed) {
  std::vector<ExtendedAttribute> attributes;
  std::string names;
  int error =
      ReadSized([&](char* buffer, size_t size) { return source.List(buffer, size); }, names);
  // EOPNOTSUPP (== ENOTSUP on Linux): the filesystem has no extended attributes at all.
  if (error == EOPNOTSUPP) return attributes;
  if (error != 0) return ErrnoStatus(error, "read the extended attributes of", path);
  for (size_t start = 0; start < names.size();) {
    const size_t end = names.find('\0', start);
    const std::string name = names.substr(start, end - start);
    start = end == std::string::npos ? names.size() : end + 1;
    if (name == kAccessAclAttribute) listed.access = true;
    if (name == kDefaultAclAttribute) listed.default_acl = true;
    if (name.empty() || name.starts_with("system.")) continue;
    std::string value;
    error = ReadSized(
        [&](char* buffer, size_t size) { return source.Get(name.c_str(), buffer, size); }, value);
    // Gone since the listing, or not for this process to read: the contract leaves those out.
    if (error == ENODATA || error == EPERM || error == EACCES || error == EOPNOTSUPP) continue;
    if (error != 0) {
      return ErrnoStatus(error,
                         "cannot read the extended attribute '" + name + "' of " + Quoted(path));
    }
    attributes.push_back(ExtendedAttribute{name, std::move(value)});
  }
  std::sort(attributes.begin(), attributes.end(),
            [](const ExtendedAttribute& a, const ExtendedAttribute& b) { return a.name < b.name; });
  return attributes;
}

// `listed`: whether the attribute listing named this ACL; `listing_is_complete`: whether the
// filesystem names every ACL a file has in its listing, so that an unnamed one is not there.
Result<std::string> ReadAcl(const AttributeSource& source, acl_type_t type, const std::string& path,
                            bool listed, bool listing_is_complete) {
  const bool is_default = type == ACL_TYPE_DEFAULT;
  if (listing_is_complete && !listed) return std::string();
  const std::string action = is_default ? "read the default ACL of" : "read the ACL of";
  // Most files have no ACL: asking for the attribute says so in one call, where libacl would
  // also stat the file to build an ACL from its mode bits.
  char probe[64];
  if (source.Get(is_default ? kDefaultAclAttribute : kAccessAclAttribute, probe, sizeof(probe)) <
      0) {
    if (errno == ENODATA || errno == EOPNOTSUPP) return std::string();
    if (errno != ERANGE) return ErrnoStatus(errno, action, path);
  }
  const AclHandle acl(source.GetAcl(type));
  if (acl.get() == nullptr) {
    if (errno == EOPNOTSUPP) return std::string();
    return ErrnoStatus(errno, action, path);
  }
  if (is_default ? acl_entries(acl.get()) <= 0 : acl_equiv_mode(acl.get(), nullptr) == 0) {
    return std::string();
  }
  char* text = acl_to_any_text(acl.get(), nullptr, ',', TEXT_NUMERIC_IDS);
  if (text == nullptr) return ErrnoStatus(errno, action, path);
  std::string result(text);
  acl_free(text);
  return result;
}

// Parses `text` up front, so that an invalid ACL changes nothing. Empty text stays unparsed: it
// means "no ACL beyond the mode bits".
Result<std::optional<AclHandle>> ParseAcl(const std::optional<std::string>& text, bool is_default,
                                          const std::string& path) {
  if (!text.has_value() || text->empty()) return std::optional<AclHandle>();
  AclHandle acl(acl_from_text(text->c_str()));
  if (acl.get() == nullptr || acl_valid(acl.get()) != 0) {
    return InvalidArgumentError(std::string("cannot set the ") + (is_default ? "default " : "") +
                                "ACL of " + Quoted(path) + ": '" + *text + "' is not a valid ACL");
  }
  return std::optional<AclHandle>(std::move(acl));
}

Status UnsupportedOrErrno(int error, const std::string& what) {
  if (error == EOPNOTSUPP)
    return FailedPreconditionError(what + ": not supported by this filesystem");
  return ErrnoStatus(error, what);
}

Status WriteAcl(const std::string& link, const std::optional<std::string>& text,
                const std::optional<AclHandle>& acl, bool is_default, const std::string& path) {
  if (!text.has_value()) return Status::Ok();
  const std::string what =
      std::string("cannot set the ") + (is_default ? "default " : "") + "ACL of " + Quoted(path);
  if (!acl.has_value()) {
    const char* attribute = is_default ? kDefaultAclAttribute : kAccessAclAttribute;
    // Nothing to remove, or a filesystem without ACLs: either way none is left.
    if (::removexattr(link.c_str(), attribute) == 0 || errno == ENODATA || errno == EOPNOTSUPP) {
      return Status::Ok();
    }
    return ErrnoStatus(errno, what);
  }
  const acl_type_t type = is_default ? ACL_TYPE_DEFAULT : ACL_TYPE_ACCESS;
  if (acl_set_file(link.c_str(), type, acl->get()) == 0) return Status::Ok();
  return UnsupportedOrErrno(errno, what);
}

}  // namespace

FileType FileTypeOfMode(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

std::string DescriptorPath(int descriptor) { return "/proc/self/fd/" + std::to_string(descriptor); }

namespace {

// The metadata `info` gives, with the symlink target, extended attributes and ACLs read through
// `source` (and `descriptor`, for a symlink's target).
Result<FileMetadata> ReadMetadataThroughSource(const AttributeSource& source, int descriptor,
                                               const FileInfo& info, const std::string& path,
                                               bool listing_is_complete) {
  FileMetadata metadata = MetadataOfFileInfo(info);
  if (metadata.type == FileType::kSymlink) {
    TSEQ_ASSIGN_OR_RETURN(metadata.symlink_target, ReadSymlinkTarget(descriptor, path));
  }
  ListedAcls listed;
  TSEQ_ASSIGN_OR_RETURN(metadata.extended_attributes, ReadExtendedAttributes(source, path, listed));
  if (metadata.type != FileType::kSymlink) {
    TSEQ_ASSIGN_OR_RETURN(metadata.access_acl, ReadAcl(source, ACL_TYPE_ACCESS, path, listed.access,
                                                       listing_is_complete));
  }
  if (metadata.type == FileType::kDirectory) {
    TSEQ_ASSIGN_OR_RETURN(metadata.default_acl, ReadAcl(source, ACL_TYPE_DEFAULT, path,
                                                        listed.default_acl, listing_is_complete));
  }
  return metadata;
}

// Filesystems whose attribute listing names every POSIX ACL a file has (their listxattr gives
// system.posix_acl_access and system.posix_acl_default when set), by statfs(2) f_type. Elsewhere
// (a FUSE or network filesystem may keep ACLs it does not list) every ACL is asked for.
bool ListsEveryAcl(int64_t filesystem_type) {
  switch (filesystem_type) {
    case 0xEF53:      // ext2, ext3, ext4
    case 0x58465342:  // xfs
    case 0x9123683E:  // btrfs
    case 0x01021994:  // tmpfs
      return true;
    default:
      return false;
  }
}

class PosixMetadataReader : public MetadataReader {
 public:
  Result<FileMetadata> Read(const std::string& path) const override {
    // O_PATH opens nothing (no FIFO blocks, no device driver runs) and, with O_NOFOLLOW, gives
    // the symlink itself; every later read goes through this descriptor.
    const FileDescriptor file(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!file.valid()) return ErrnoStatus(errno, kReadAction, path);
    struct stat status {};
    if (::fstat(file.get(), &status) != 0) return ErrnoStatus(errno, kReadAction, path);
    const FileInfo info = PosixFileInfo(status);
    return ReadMetadataThroughSource(
        AttributeSource::OfDescriptor(file.get(), /*opened_for_reading=*/false), file.get(), info,
        path, ListingIsComplete(info.device, [&](struct statfs& out) {
          return ::fstatfs(file.get(), &out);
        }));
  }

  Result<FileMetadata> ReadOpenFile(const ReadableFile& file, const FileInfo& info) const override {
    if (file.descriptor() < 0) return Read(file.path());
    const int descriptor = file.descriptor();
    return ReadMetadataThroughSource(
        AttributeSource::OfDescriptor(descriptor, /*opened_for_reading=*/true), descriptor, info,
        file.path(), ListingIsComplete(info.device, [&](struct statfs& out) {
          return ::fstatfs(descriptor, &out);
        }));
  }

  Result<FileMetadata> ReadLinkedFile(const std::string& path, const std::string& own_path,
                                      const FileInfo& info) const override {
    if (info.type != FileType::kRegular) {
      return InvalidArgumentError("cannot read the metadata of '" + path +
                                  "' through its link: not a regular file");
    }
    return ReadMetadataThroughSource(AttributeSource::OfOwnPath(own_path), -1, info, path,
                                     ListingIsComplete(info.device, [&](struct statfs& out) {
                                       return ::statfs(own_path.c_str(), &out);
                                     }));
  }

 private:
  // Whether device `device`'s filesystem lists every ACL; `statfs` describes it when the device
  // is new. Remembered per reader, which lives for one capture: a device could be formatted anew
  // between two.
  bool ListingIsComplete(uint64_t device, const std::function<int(struct statfs&)>& statfs) const {
    {
      const std::lock_guard lock(mutex_);
      if (const auto known = complete_listing_.find(device); known != complete_listing_.end()) {
        return known->second;
      }
    }
    struct statfs filesystem {};
    // Not known: ask for every ACL, this time and until the device can be described.
    if (statfs(filesystem) != 0) return false;
    const bool complete = ListsEveryAcl(static_cast<int64_t>(filesystem.f_type));
    const std::lock_guard lock(mutex_);
    complete_listing_.emplace(device, complete);
    return complete;
  }

  mutable std::mutex mutex_;
  mutable std::unordered_map<uint64_t, bool> complete_listing_;
};

}  // namespace

Result<FileMetadata> ReadMetadataThroughDescriptor(int descriptor, bool opened_for_reading,
                                                   const FileInfo& info, const std::string& path) {
  return ReadMetadataThroughSource(AttributeSource::OfDescriptor(descriptor, opened_for_reading),
                                   descriptor, info, path, /*listing_is_complete=*/false);
}

std::unique_ptr<MetadataReader> NewPosixMetadataReader() {
  return std::make_unique<PosixMetadataReader>();
}

Result<FileMetadata> ReadMetadataOfDescriptor(int descriptor, const std::string& path) {
  struct stat status {};
  if (::fstat(descriptor, &status) != 0) return ErrnoStatus(errno, kReadAction, path);
  return ReadMetadataThroughDescriptor(descriptor, /*opened_for_reading=*/false,
                                       PosixFileInfo(status), path);
}

Status ApplyMetadataToDescriptor(int descriptor, FileType type, const MetadataUpdate& update,
                                 const std::string& path) {
  if (type == FileType::kSymlink && update.access_acl.has_value()) {
    return InvalidArgumentError("cannot set the ACL of " + Quoted(path) + ": it is a symlink");
  }
  if (type != FileType::kDirectory && update.default_acl.has_value()) {
    return InvalidArgumentError("cannot set the default ACL of " + Quoted(path) +
                                ": it is not a folder");
  }
  TSEQ_ASSIGN_OR_RETURN(const std::optional<AclHandle> access_acl,
                        ParseAcl(update.access_acl, false, path));
  TSEQ_ASSIGN_OR_RETURN(const std::optional<AclHandle> default_acl,
                        ParseAcl(update.default_acl, true, path));
  const std::string link = DescriptorPath(descriptor);
  if (update.owner.has_value()) {
    const FileOwner owner = *update.owner;
    if (::fchownat(descriptor, "", owner.uid, owner.gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) !=
        0) {
      return ErrnoStatus(errno, "cannot change the owner of " + Quoted(path) + " to " +
                                    std::to_string(owner.uid) + ":" + std::to_string(owner.gid));
    }
  }
  for (const ExtendedAttribute& attribute : update.extended_attributes) {
    if (::setxattr(link.c_str(), attribute.name.c_str(), attribute.value.data(),
                   attribute.value.size(), 0) != 0) {
      return UnsupportedOrErrno(
          errno, "cannot set the extended attribute '" + attribute.name + "' of " + Quoted(path));
    }
  }
  TSEQ_RETURN_IF_ERROR(WriteAcl(link, update.access_acl, access_acl, false, path));
  TSEQ_RETURN_IF_ERROR(WriteAcl(link, update.default_acl, default_acl, true, path));
  // A symlink has no mode of its own, and chmod through its link would reach its target.
  if (update.mode.has_value() && type != FileType::kSymlink) {
    if (::chmod(link.c_str(), *update.mode & 07777) != 0) {
      return ErrnoStatus(errno, "change the mode of", path);
    }
  }
  if (update.modified.has_value()) {
    timespec times[2] = {};
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = static_cast<time_t>(update.modified->seconds);
    times[1].tv_nsec = static_cast<long>(update.modified->nanoseconds);  // NOLINT(runtime/int)
    if (::utimensat(descriptor, "", times, AT_EMPTY_PATH) != 0) {
      return ErrnoStatus(errno, "set the time of", path);
    }
  }
  return Status::Ok();
}

}  // namespace tseq
