// The machine's package database, as dpkg keeps it (var/lib/dpkg/status inside the machine root).
// Used by `package:` condition leaves. The machine may change between steps, so every query
// checks the status file again (one stat); it is read and parsed again only when it changed (dpkg
// replaces it by rename, which changes its inode, and any write changes its size or time).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
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

// A parsed status file. Stanzas are separated by blank lines; continuation lines (starting with a
// space or tab) are skipped; malformed lines are ignored. Immutable once built.
class PackageDatabase {
 public:
  static PackageDatabase Parse(std::string_view status_text);

  // The stanzas whose package matches `query`, in file order. `query` is a package name
  // ("openssh-server", matching every architecture) or NAME:ARCH ("libc6:i386"); names and
  // architectures compare ignoring ASCII case.
  std::vector<PackageRecord> Find(std::string_view query) const;

 private:
  // By package name in lower case; each list in file order.
  std::unordered_map<std::string, std::vector<PackageRecord>> by_name_;
};

// PackageDatabase::Parse(status_text).Find(query).
std::vector<PackageRecord> FindPackageRecords(std::string_view status_text, std::string_view query);

// The text of the status file inside `machine_root`. NotFound when the machine has no dpkg
// database; otherwise the filesystem's error.
Result<std::string> ReadDpkgStatus(const MachineRoot& machine_root);

// Keeps the last status file parsed, for one plan or run. Thread-safe.
class PackageDatabaseCache {
 public:
  // The parsed status file inside `machine_root`, as ReadDpkgStatus reads it: the one parsed
  // last while the file's host path, device, inode, size and modification time are unchanged.
  // The same errors as ReadDpkgStatus.
  Result<std::shared_ptr<const PackageDatabase>> Load(const MachineRoot& machine_root);

 private:
  std::mutex mutex_;
  std::string host_path_;
  FileInfo info_;
  std::shared_ptr<const PackageDatabase> database_;
};

// Reads and parses the status file without a cache.
Result<std::shared_ptr<const PackageDatabase>> LoadPackageDatabase(const MachineRoot& machine_root);

}  // namespace tseq
