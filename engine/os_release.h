// The machine's os-release (os-release(5)): which operating system the machine runs, read inside
// the machine root the way systemd reads it. Used by `os:` condition leaves.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "platform/machine_root.h"

namespace tseq {

inline constexpr std::string_view kOsReleasePath = "/etc/os-release";
inline constexpr std::string_view kOsReleaseFallbackPath = "/usr/lib/os-release";

struct OsRelease {
  std::map<std::string, std::string> fields;  // KEY -> value, unquoted and unescaped
  std::string source;  // the machine path it was read from (kOsReleasePath or the fallback)

  // The value of `key`, or "" when absent.
  std::string Get(std::string_view key) const;
  // ID, or "linux" when the file does not set it (the default os-release(5) gives).
  std::string Id() const;
};

// Parses os-release text: one KEY=VALUE assignment per line, the value optionally quoted and
// escaped as in a shell ("Debian GNU/Linux", 'x', \$). Blank lines, comments and lines that are
// not assignments are ignored, as systemd ignores them. A later assignment wins.
std::map<std::string, std::string> ParseOsRelease(std::string_view text);

// Reads /etc/os-release inside `machine_root`, or /usr/lib/os-release when /etc/os-release does
// not exist. Fails with NotFound ("no /etc/os-release or /usr/lib/os-release") when neither exists,
// and with the filesystem's error (naming the host path) when a file cannot be read.
Result<OsRelease> ReadOsRelease(const MachineRoot& machine_root);

}  // namespace tseq
