// The target side of a loadstate restore: the home folder a profile is restored into, opened as a
// RootedDirectory, and the folder hard links are made from (/hardlink).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "platform/file_metadata.h"
#include "platform/filesystem.h"
#include "platform/machine_root.h"
#include "platform/rooted_directory.h"

namespace tseq {

struct TargetHome {
  std::unique_ptr<RootedDirectory> directory;
  std::string host_path;  // where it is on the host
  bool created = false;   // it did not exist: created with mode 0700, owned by the user
};

// Opens the home `home` (a machine path) of `root`, creating it when missing. Its parent is
// resolved inside the root the way the machine would (a symlink /home -> /data/home inside the
// root is followed, inside the root) and created with mode 0755 when missing; the home itself must
// be a real folder: a symlink there is never followed. Errors: InvalidArgument "cannot restore
// into 'HOME': it is not an absolute path below /", FailedPrecondition "cannot restore into
// 'HOME': it is a symlink" / "...: it is not a folder" (also for the parent), and the
// filesystem's errors. The home is opened with FolderSync::kDeferred: the caller syncs it
// (ProfileRestorer::Restore does before it returns).
Result<TargetHome> OpenTargetHome(const MachineRoot& root, Filesystem& filesystem,
                                  const std::string& home, FileOwner owner);

// A folder holding both `first` and `second` (host paths of existing folders), and their paths
// relative to it, after resolving every symlink of both (std::filesystem::canonical).
struct CommonFolder {
  std::string folder;
  std::string first;  // "" when `first` is the folder itself
  std::string second;
};
Result<CommonFolder> FindCommonFolder(const std::string& first, const std::string& second);

}  // namespace tseq
