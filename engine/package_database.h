// The machine's package database, as dpkg keeps it (var/lib/dpkg/status inside the machine root).
// Used by `package:` condition leaves. Nothing is cached: the machine may change between steps,
// so every query reads the database again.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "platform/machine_root.h"

namespace tseq {

inline constexpr std::string_view kDpkgStatusPath = "/var/lib/dpkg/status";

// One stanza of the status file, reduced to the fields a condition needs.
struct PackageRecord {
  std::string name;          // Package
  std::string architecture;  // Architecture ("amd64", "all", ...); "" when absent
  std::string version;       // Version; "" when absent
  std::string status;        // Status, e.g. "install ok installed", "deinstall ok config-files"

  // True when the package's files are on the machine: the status's last word is "installed"
  // ("install ok installed", "hold ok installed"), not "config-files", "half-installed", ...
  bool installed() const;
};

// The stanzas of a dpkg status file whose package matches `query`, in file order. `query` is a
// package name ("openssh-server", matching every architecture) or NAME:ARCH ("libc6:i386");
// names and architectures compare ignoring ASCII case. Stanzas are separated by blank lines;
// continuation lines (starting with a space or tab) are skipped; malformed lines are ignored.
std::vector<PackageRecord> FindPackageRecords(std::string_view status_text, std::string_view query);

// The text of the status file inside `machine_root`. NotFound when the machine has no dpkg
// database; otherwise the filesystem's error.
Result<std::string> ReadDpkgStatus(const MachineRoot& machine_root);

}  // namespace tseq
