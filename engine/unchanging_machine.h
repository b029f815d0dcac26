// UnchangingMachineReads: what `os:` and `package:` condition leaves read from a machine that does
// not change while its conditions are evaluated. `tseq plan` evaluates thousands of conditions
// against a snapshot of the machine and writes nothing; reading and parsing /etc/os-release, and
// resolving the dpkg status file's path, for each leaf cost more than the leaves themselves.
#pragma once

#include <memory>
#include <optional>

#include "base/status.h"
#include "engine/os_release.h"
#include "engine/package_database.h"
#include "platform/machine_root.h"

namespace tseq {

// Each file is read and parsed on first use; that result, an error included, answers every later
// question. Not for a run, whose steps change the machine. Not thread-safe; `machine_root` must
// outlive this object.
class UnchangingMachineReads {
 public:
  explicit UnchangingMachineReads(const MachineRoot& machine_root) : machine_root_(machine_root) {}

  // ReadOsRelease(machine_root), read once.
  const Result<OsRelease>& os_release();
  // PackageDatabaseCache::Load(machine_root), read once: the same database and errors.
  const Result<std::shared_ptr<const PackageDatabase>>& package_database();

 private:
  const MachineRoot& machine_root_;
  std::optional<Result<OsRelease>> os_release_;
  std::optional<Result<std::shared_ptr<const PackageDatabase>>> package_database_;
};

}  // namespace tseq
