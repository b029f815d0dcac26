// BeneathResolver: opens relative paths below a directory descriptor without ever following a
// symlink or leaving the directory, and explains refusals in RootedDirectory's terms
// (platform/rooted_directory.h has the messages). Internal to platform/. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "platform/file_descriptor.h"
#include "platform/rooted_directory.h"

namespace tseq {

class BeneathResolver {
 public:
  // `root` must stay open while the resolver is used; `root_path` names it in errors.
  BeneathResolver(int root, std::string root_path, PathResolution resolution);

  // OK when `relative` is a valid relative path, or "" and `allow_root`; the InvalidArgument
  // "cannot ACTION 'REL' under 'ROOT': ..." otherwise.
  Status Check(const std::string& relative, const std::string& action, bool allow_root) const;
  // "ROOT/REL", or "ROOT" for "".
  std::string FullPath(const std::string& relative) const;

  struct Parent {
    FileDescriptor directory;  // O_PATH | O_DIRECTORY
    std::string name;          // the last component of the relative path
  };
  // Opens the folder holding `relative` (checked, not ""). Errors name ROOT/REL; a symlink or
  // file among the folders is "'ROOT/PREFIX' is a symlink" / "... is not a folder".
  Result<Parent> OpenParent(const std::string& relative, const std::string& action) const;

  // Opens `relative` ("" is the root itself) with `flags` | O_NOFOLLOW | O_CLOEXEC.
  Result<FileDescriptor> Open(const std::string& relative, int flags,
                              const std::string& action) const;

  // Creates each missing folder of `relative` with exactly `mode`; returns those it created.
  Result<std::vector<std::string>> MakeDirectories(const std::string& relative, mode_t mode,
                                                   const std::string& action) const;

  // openat(2) of `parent.name` with `flags` | O_NOFOLLOW | O_CLOEXEC, failures explained by
  // EntryError. `full_path` names the entry.
  static Result<FileDescriptor> OpenEntry(const Parent& parent, int flags, mode_t mode,
                                          const std::string& action, const std::string& full_path);
  // The Status for `error` from an operation on `parent.name`: ELOOP is "it is a symlink",
  // ENOTDIR "it is a symlink" or "it is not a folder" (whichever it is), EEXIST AlreadyExists,
  // anything else ErrnoStatus.
  static Status EntryError(int error, const Parent& parent, const std::string& action,
                           const std::string& full_path);

 private:
  // Opens the first `count` components of `components` as folders.
  Result<FileDescriptor> OpenDirectories(const std::vector<std::string>& components, size_t count,
                                         const std::string& action,
                                         const std::string& full_path) const;
  Result<FileDescriptor> WalkDirectories(const std::vector<std::string>& components, size_t count,
                                         const std::string& action,
                                         const std::string& full_path) const;
  // The prefix of `count` components, as "ROOT/A/B".
  std::string PrefixPath(const std::vector<std::string>& components, size_t count) const;

  const int root_;
  const std::string root_path_;
  const PathResolution resolution_;
};

// "/"-separated components of a path that Check accepted.
std::vector<std::string> SplitRelativePath(const std::string& relative);

}  // namespace tseq
