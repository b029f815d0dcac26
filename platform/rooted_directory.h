// RootedDirectory: a handle on one directory (a target profile, a capture source) through which
// every operation on a relative path stays inside it and never follows a symlink, even when
// someone who owns part of the tree plants symlinks in it, hostile or not.
//
// Paths are relative and "/"-separated, without empty, "." or ".." components (and without NUL
// bytes); anything else is InvalidArgument "cannot ACTION 'RELATIVE' under 'ROOT': it must be a
// relative path without empty, '.' or '..' components". Where stated, "" names the directory
// itself. Every component is resolved from the handle's descriptor, never following a symlink:
//   - a symlink where a folder must be is FailedPrecondition
//     "cannot ACTION 'ROOT/REL': 'ROOT/PREFIX' is a symlink", a file there
//     "cannot ACTION 'ROOT/REL': 'ROOT/PREFIX' is not a folder";
//   - a symlink at REL itself, for an operation that needs a file or folder, is FailedPrecondition
//     "cannot ACTION 'ROOT/REL': it is a symlink".
// Other errors are the OS's, as ErrnoStatus gives them ("cannot ACTION 'ROOT/REL': REASON"), with
// EEXIST as AlreadyExists. Owner changes refused by the OS are PermissionDenied "cannot change the
// owner of 'ROOT/REL' to UID:GID: Operation not permitted".
//
// The handle's directory is held open: renaming or replacing ROOT afterwards does not move the
// handle. Entries are changed through descriptors of the folders holding them, so a folder moved
// meanwhile by its owner takes the change with it (still never through a symlink). Reading and
// changing metadata, hard links and OpenForRead go through /proc/self/fd, which must be mounted.
// Implementations are thread-safe; a PendingFile is used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "platform/file_metadata.h"
#include "platform/filesystem.h"

namespace tseq {

enum class ReplacePolicy {
  kNoReplace,  // AlreadyExists when anything (even a dangling symlink) has the name
  kReplace,    // replaces a file or symlink (never following it); a folder is never replaced
};

// A file being written: the content goes to a temporary file beside its final name, which only
// appears, complete and with its metadata, when Commit succeeds. Destroying a PendingFile that
// was not committed removes the temporary file. One thread at a time.
class PendingFile {
 public:
  virtual ~PendingFile() = default;
  // Writes every byte or fails (IoError "cannot write 'ROOT/REL': REASON").
  virtual Status Append(std::string_view data) = 0;
  // Applies `metadata` to the temporary file (when `metadata.mode` is unset the file has mode
  // 0600, or the permissions its access ACL gives), syncs it, renames it to its name under
  // `replace`, and syncs the folder. On
  // failure nothing appeared under the name and the file is still pending: Commit may be called
  // again (without the owner, say, after a PermissionDenied) or the object destroyed. Once the
  // rename succeeded the file is committed, even if syncing the folder then fails (that error is
  // returned). After that every call is FailedPrecondition "cannot ACTION 'ROOT/REL': the file is
  // committed". A default ACL is InvalidArgument: files have none.
  virtual Status Commit(const MetadataUpdate& metadata, ReplacePolicy replace) = 0;

  // The two halves of Commit for a caller that writes many files and makes them durable
  // together: Seal each, RootedDirectory::SyncFilesystem once, then Publish each. Two syncs per
  // file become one per batch, and still no name ever appears before its content is on disk.
  //
  // Seal applies `metadata` as Commit does but neither syncs nor renames: the file stays pending
  // under its temporary name, and Append and Commit are FailedPrecondition "cannot ACTION
  // 'ROOT/REL': the file is sealed". On failure it is not sealed (Seal may be called again).
  virtual Status Seal(const MetadataUpdate& metadata) = 0;
  // Renames the sealed file to its name under `replace`, syncing nothing (the next
  // SyncFilesystem makes the name durable). It must be sealed ("...: the file is not sealed")
  // and a SyncFilesystem of its directory must have started after Seal and succeeded ("...: the
  // file was not synced since it was sealed"), both FailedPrecondition. On failure it is still
  // pending and sealed; once renamed it is committed, as after Commit.
  virtual Status Publish(ReplacePolicy replace) = 0;
  // ROOT/REL, the file's final path.
  virtual const std::string& path() const = 0;
};

class RootedDirectory {
 public:
  virtual ~RootedDirectory() = default;

  // The path the handle was opened with.
  virtual const std::string& path() const = 0;

  // lstat(2) semantics: a symlink at REL is described, not followed. "" is the directory itself.
  virtual Result<FileInfo> Stat(const std::string& relative) const = 0;
  // Everything MetadataReader gives, for REL (never followed). "" is the directory itself.
  virtual Result<FileMetadata> ReadMetadata(const std::string& relative) const = 0;
  // The names in the folder REL ("" for the directory itself), sorted bytewise, without "." and
  // "..". A symlink at REL is "it is a symlink"; anything else not a folder "it is not a folder".
  virtual Result<std::vector<std::string>> List(const std::string& relative) const = 0;
  // Opens the regular file REL for reading (for "is it the same content?" checks, see
  // HasSameContent). A symlink is "it is a symlink", a folder "it is a folder", anything else
  // "it is not a regular file" (all FailedPrecondition; a FIFO or device is never opened).
  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& relative) const = 0;

  // Creates the folder REL (one level: its parent must exist) with exactly `mode` (07777, not
  // reduced by the umask). AlreadyExists when anything has the name.
  virtual Status CreateDirectory(const std::string& relative, mode_t mode) = 0;
  // Creates each missing folder of REL, shallowest first, with exactly `mode`; existing folders
  // are kept as they are. Returns the relative paths of the folders it created, shallowest first.
  // A symlink or a non-folder at any level is the FailedPrecondition described above; nothing
  // deeper is created.
  virtual Result<std::vector<std::string>> MakeDirectories(const std::string& relative,
                                                           mode_t mode) = 0;
  // Starts writing the regular file REL (its parent must exist), under a temporary name chosen
  // by the handle (".tseq-...tmp") in the same folder.
  virtual Result<std::unique_ptr<PendingFile>> CreateFile(const std::string& relative) = 0;
  // Creates the symlink REL with content `target` (never interpreted: it may point anywhere, it
  // is not followed here), with the owner, extended attributes and time of `metadata` set on the
  // symlink itself before it appears under its name. A mode is ignored; an ACL is InvalidArgument.
  virtual Status CreateSymlink(const std::string& target, const std::string& relative,
                               const MetadataUpdate& metadata, ReplacePolicy replace) = 0;
  // Makes REL another name of the regular file EXISTING (both relative to this handle). EXISTING
  // must be a regular file: a symlink (never followed) is FailedPrecondition "cannot link to
  // 'ROOT/EXISTING': it is a symlink", anything else "...: it is not a regular file". Across
  // filesystems (a mount inside the root) it is FailedPrecondition "cannot link 'ROOT/REL' to
  // 'ROOT/EXISTING': not on the same filesystem".
  virtual Status CreateHardLink(const std::string& existing, const std::string& relative,
                                ReplacePolicy replace) = 0;
  // Applies `metadata` to whatever is at REL ("" for the directory itself), a symlink included
  // (its own owner, attributes and time; never its target's). An ACL on a symlink, or a default
  // ACL on anything but a folder, is InvalidArgument.
  virtual Status ApplyMetadata(const std::string& relative, const MetadataUpdate& metadata) = 0;
  // Removes the file, symlink or empty folder REL (never following a symlink). NotFound if absent.
  virtual Status Remove(const std::string& relative) = 0;
  // syncfs(2): everything written on the filesystem holding the directory so far, names included,
  // is on disk when it returns OK (IoError "cannot sync 'ROOT': REASON" otherwise). Where the
  // directory cannot be opened for reading, sync(2) does it for every filesystem.
  virtual Status SyncFilesystem() = 0;
};

// When the folder holding a new symlink or hard link is synced (files: see PendingFile).
enum class FolderSync {
  kEachChange,  // CreateSymlink and CreateHardLink sync the folder before returning
  kDeferred,    // they do not: the caller's SyncFilesystem makes the names durable
};

enum class PathResolution {
  kAutomatic,      // openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or, on kernels
                   // without it, kComponentWalk
  kComponentWalk,  // one openat(O_NOFOLLOW) per component (tests use it to cover the fallback)
};

// Opens the directory at `path` (which must not itself be a symlink; symlinks in its parents are
// followed: the caller trusts the path down to its last component). NotFound, PermissionDenied,
// FailedPrecondition "cannot open 'PATH': it is a symlink" / "...: it is not a folder".
Result<std::unique_ptr<RootedDirectory>> OpenRootedDirectory(
    const std::string& path, PathResolution resolution = PathResolution::kAutomatic,
    FolderSync folder_sync = FolderSync::kEachChange);

// Writes the content of one file to the sink it is given; returns the sink's error as it comes.
using ContentSource = std::function<Status(const std::function<Status(std::string_view)>&)>;

// Whether `file` holds exactly the bytes `source` produces, reading `file` in step with it and
// stopping at the first difference. The source's own errors are returned as they are.
Result<bool> HasSameContent(const ReadableFile& file, const ContentSource& source);

}  // namespace tseq
