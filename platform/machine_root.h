// MachineRoot: maps paths on the machine being worked on to host paths.
//
// `tseq --root DIR` makes DIR the machine's `/`: tests and the demo run whole machines inside
// directories. A machine path is resolved the way the machine itself would see it, component by
// component: `..` never climbs above the root, and a symlink inside the root whose target is
// absolute (`/etc/alternatives/x`) is followed inside the root, never out to the host. With root
// "/" the mapping is the identity (after normalisation). The Filesystem must outlive this object.
// Thread-safe (holds no mutable state).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq {

class MachineRoot {
 public:
  // `directory` is a host path; it is made absolute and normalised lexically.
  MachineRoot(std::string directory, const Filesystem& filesystem);

  // The root as an absolute host path without a trailing slash ("/" for the real machine).
  const std::string& directory() const { return directory_; }
  bool is_host_root() const { return directory_ == "/"; }
  const Filesystem& filesystem() const { return filesystem_; }

  // Maps `machine_path` (absolute; a relative path is taken from the machine's `/`) to the host
  // path the machine would reach, resolving symlinks inside the root. The final component is
  // followed only under SymlinkPolicy::kFollow. A missing component is fine: the rest is mapped
  // lexically (so the result can name a file that does not exist yet). Fails with
  // InvalidArgument for an empty path or a symlink loop (more than 40 hops).
  Result<std::string> Resolve(std::string_view machine_path, SymlinkPolicy final_component) const;

  // The lexical mapping with no symlink resolution: root + normalised path. For display and for
  // paths tseq itself creates.
  std::string HostPathLexical(std::string_view machine_path) const;

 private:
  std::string directory_;
  const Filesystem& filesystem_;
};

// Normalises an absolute path lexically: collapses "//", removes ".", resolves ".." (never above
// "/"), drops a trailing slash. A relative input is treated as relative to "/".
std::string NormalizeAbsolutePath(std::string_view path);

}  // namespace tseq
