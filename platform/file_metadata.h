// FileMetadata and MetadataReader: everything scanstate records about one file (type, mode, owner,
// time, extended attributes, POSIX ACLs), read without ever following a symlink at the path.
// MetadataUpdate is the other direction: what RootedDirectory (platform/rooted_directory.h)
// writes onto a file when loadstate restores it.
//
// ACL text form, as read and as written: long-form entries separated by commas, with numeric
// user and group qualifiers, e.g. "user::rw-,user:1000:r--,group::r-x,mask::r-x,other::r--".
// Numbers, not names, because the names must come from the machine being captured or restored
// (which may be an offline `--root`, not the host): RewriteAclQualifiers maps them either way.
// The text written may also name users and groups; the host's name service resolves those.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq {

struct ExtendedAttribute {
  std::string name;   // with its namespace: "user.comment", "security.capability"
  std::string value;  // raw bytes
  bool operator==(const ExtendedAttribute&) const = default;
};

struct FileTime {
  int64_t seconds = 0;  // since the epoch
  uint32_t nanoseconds = 0;
  bool operator==(const FileTime&) const = default;
};

struct FileMetadata {
  FileType type = FileType::kRegular;
  mode_t mode = 0;  // permission bits only (07777)
  uid_t uid = 0;
  gid_t gid = 0;
  FileTime modified;
  uint64_t size = 0;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t link_count = 1;
  std::string symlink_target;  // symlinks: the target as stored
  // Sorted by name. Every attribute the process may read, except the "system." namespace (ACLs
  // are below, in text form; the rest belongs to the filesystem). Attributes the OS refuses to
  // give this process (EPERM, EACCES) are left out, as are ones removed while being read.
  std::vector<ExtendedAttribute> extended_attributes;
  std::string access_acl;   // empty when the mode bits say it all (and for symlinks)
  std::string default_acl;  // directories with a default ACL; empty otherwise
  bool operator==(const FileMetadata&) const = default;
};

class MetadataReader {
 public:
  virtual ~MetadataReader() = default;
  // The metadata of `path` itself: a symlink at `path` is described, never followed (symlinks in
  // its parent folders are followed: `path` is trusted down to its last component). A filesystem
  // without extended attributes or ACLs gives none, not an error. Errors name the path: NotFound
  // "cannot read the metadata of 'PATH': No such file or directory", PermissionDenied, IoError.
  // Needs /proc mounted (the attributes are read through /proc/self/fd, so that what is read is
  // the file that was examined, even if the path is changed meanwhile).
  virtual Result<FileMetadata> Read(const std::string& path) const = 0;
  // The metadata of the regular file open as `file` (Filesystem::OpenRegularFile), which `info`
  // describes: `info`'s fields, and the extended attributes and ACLs read through the open file
  // itself, so that they are those of the file whose content is read however its path changes
  // (and no second open is needed). Errors as Read, naming file.path(). A file without a
  // descriptor (an in-memory one) is read by its path, as Read does; so is every file by a reader
  // that does not override this.
  virtual Result<FileMetadata> ReadOpenFile(const ReadableFile& file, const FileInfo& info) const;
  // The metadata of the regular file at `path` that the caller has linked as `own_path`, a name
  // no one else can change (in a folder of the caller's own, such as the store being written),
  // and whose (device, inode) it has checked: `info` (an lstat of `own_path`) describes it. The
  // extended attributes and ACLs are read by `own_path` itself (llistxattr, lgetxattr: no open).
  // Errors as Read, naming `path`; InvalidArgument when `info` is not a regular file's. A reader
  // that does not override this answers as Read(`path`) does (a reader of in-memory files, whose
  // answers are by the users' paths).
  virtual Result<FileMetadata> ReadLinkedFile(const std::string& path, const std::string& own_path,
                                              const FileInfo& info) const;
};

// Through lstat-like open(O_PATH|O_NOFOLLOW) (or the open file's own descriptor), fstat(2),
// the *xattr(2) calls and libacl. Thread-safe. On ext2/3/4, xfs, btrfs and tmpfs (statfs(2),
// asked once per device and reader), whose attribute listing names every POSIX ACL a file has, an
// ACL the listing does not name is not asked for; elsewhere every one is.
std::unique_ptr<MetadataReader> NewPosixMetadataReader();

// What `info` tells of a file: everything but a symlink's target, the extended attributes and the
// ACLs (left empty).
FileMetadata MetadataOfFileInfo(const FileInfo& info);

struct FileOwner {
  uid_t uid = 0;
  gid_t gid = 0;
  bool operator==(const FileOwner&) const = default;
};

// What to set on a file; unset fields are left as they are. Applied in this order, so that each
// step cannot undo an earlier one: owner (chown clears set-ID bits and file capabilities),
// extended attributes, access ACL, default ACL, mode, modification time.
struct MetadataUpdate {
  std::optional<FileOwner> owner;
  // Applied as given, set-user-ID and set-group-ID bits included: dropping them (for a file whose
  // owner is not restored, say) is the caller's choice. Ignored for symlinks, which have none.
  std::optional<mode_t> mode;
  // Each is created or replaced; attributes not listed are left alone.
  std::vector<ExtendedAttribute> extended_attributes;
  std::optional<std::string> access_acl;   // not for symlinks
  std::optional<std::string> default_acl;  // folders only
  std::optional<FileTime> modified;        // the access time is left alone
};

enum class AclQualifierKind { kUser, kGroup };

// Returns `acl_text` with the qualifier of every named user and group entry ("user:Q:rwx",
// "group:Q:r-x"; also the abbreviated "u:" and "g:") replaced by `map(kind, Q)`. Entries are
// separated by commas or newlines; the separators, comments ("#...") and every other entry are
// kept as they are. The first error of `map` is returned with the context "in the ACL 'TEXT'".
Result<std::string> RewriteAclQualifiers(
    const std::string& acl_text,
    const std::function<Result<std::string>(AclQualifierKind kind, const std::string& qualifier)>&
        map);

}  // namespace tseq
