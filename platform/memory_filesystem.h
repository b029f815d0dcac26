// MemoryFilesystem: an in-memory Filesystem for tests. Paths must be absolute; "." and ".."
// components are normalised lexically. Supports regular files, directories, symlinks (followed
// by Stat/ReadFile/ListDirectory under kFollow, up to 40 hops, like Linux) and hard links (names
// sharing one inode). Thread-safe (one mutex). Times come from SetModified or default to the
// epoch; owners from SetOwner or default to root. Every entry is on device 1; inode numbers are
// assigned in creation order (the root is 1).
//
// The immutable attribute is supported, with Linux's rules: an immutable file cannot be removed,
// renamed, replaced, linked to or opened for writing, and entries cannot be created, removed or
// renamed inside an immutable directory; such calls fail with PermissionDenied ("Operation not
// permitted"). Privileges are not modelled: SetImmutable always may.
//
// Open files share the inode with the filesystem, as a descriptor would: a ReadableFile sees later
// writes, a WritableFile's data is visible as soon as Append returns, and both keep working after
// the name is removed. They may outlive the MemoryFilesystem.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "platform/filesystem.h"

namespace tseq {

class MemoryFilesystem : public Filesystem {
 public:
  MemoryFilesystem();

  Result<FileInfo> Stat(const std::string& path, SymlinkPolicy policy) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ReadSymlink(const std::string& path) const override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) const override;
  Status CreateDirectories(const std::string& path, mode_t mode) override;
  Status WriteFileAtomically(const std::string& path, std::string_view contents,
                             mode_t mode) override;
  Status WriteFileAtomicallyOwnedBy(const std::string& path, std::string_view contents, mode_t mode,
                                    uid_t owner, gid_t group) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                    SymlinkPolicy policy) const override;
  Result<OpenedFile> OpenRegularFile(const std::string& path) const override;
  Result<std::unique_ptr<WritableFile>> CreateFile(const std::string& path, mode_t mode,
                                                   CreateMode create_mode) override;
  Status CreateHardLink(const std::string& existing, const std::string& new_path) override;
  Status LinkOpenFile(const ReadableFile& file, const std::string& new_path) override;
  Status CreateSymlink(const std::string& target, const std::string& path) override;
  Status SyncDirectory(const std::string& path) override;
  Status SetImmutable(const std::string& path, bool immutable) override;
  Result<bool> IsImmutable(const std::string& path) const override;

  // Test set-up helpers; parents are created as needed (mode 0755). A path that cannot be created
  // (say, under a regular file) aborts the process with a message: set-up errors are bugs.
  void AddFile(const std::string& path, std::string_view contents, mode_t mode = 0644);
  void AddSymlink(const std::string& path, const std::string& target);
  // These act on the entry itself, not a symlink's target; a missing path aborts.
  void SetModified(const std::string& path, std::chrono::system_clock::time_point modified);
  void SetOwner(const std::string& path, uid_t owner, gid_t group);

 private:
  // What a name points at; hard links share one.
  struct Inode {
    FileType type = FileType::kRegular;
    std::string contents;  // file data, or symlink target
    mode_t mode = 0644;
    uid_t owner = 0;
    gid_t group = 0;
    std::chrono::system_clock::time_point modified;
    uint64_t number = 0;
    uint64_t link_count = 1;  // names referring to it (directories: see Stat)
    bool immutable = false;
  };
  class OpenReadableFile;
  class OpenWritableFile;

  // What stat(2) would say of `inode` (a directory's size and link count aside: see Stat).
  static FileInfo InfoOf(const Inode& inode);

  // REQUIRES: *mutex_ held. Resolves symlinks in every component; the final one per `policy`.
  // Errors carry only the reason ("No such file or directory"); callers add "cannot X 'PATH'".
  // The final component may be missing; every earlier one exists and is a directory.
  Result<std::string> ResolveLocked(const std::string& path, SymlinkPolicy policy) const;
  // REQUIRES: *mutex_ held. The inode at a resolved path, or null.
  std::shared_ptr<Inode> FindLocked(const std::string& resolved) const;
  // REQUIRES: *mutex_ held. A new inode with the next number and one link.
  std::shared_ptr<Inode> NewInodeLocked(FileType type, std::string contents, mode_t mode);
  // REQUIRES: *mutex_ held. EPERM (reason only) when the directory holding `resolved` is
  // immutable, or the entry at `resolved` exists and is.
  Status CheckChangeableLocked(const std::string& resolved) const;
  // REQUIRES: *mutex_ held. Links `inode` as `new_path`, with CreateHardLink's checks and errors
  // (`existing` names the file; a null `inode` is a missing one).
  Status LinkInodeLocked(const std::shared_ptr<Inode>& inode, const std::string& existing,
                         const std::string& new_path);
  // REQUIRES: *mutex_ held. Points `resolved` at `inode`, dropping a link of what was there.
  void LinkLocked(const std::string& resolved, std::shared_ptr<Inode> inode);
  // REQUIRES: *mutex_ held. The same contract as the public methods, without the lock.
  Status CreateDirectoriesLocked(const std::string& path, mode_t mode);
  Status PutLocked(const std::string& path, std::shared_ptr<Inode> inode);

  // Shared with open files, which lock it too.
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
  uint64_t next_inode_number_ = 1;
  // Normalised absolute path -> inode; "/" always present.
  std::map<std::string, std::shared_ptr<Inode>> entries_;
};

}  // namespace tseq
