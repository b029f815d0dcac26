#include "engine/unchanging_machine.h"

namespace tseq {

const Result<OsRelease>& UnchangingMachineReads::os_release() {
  if (!os_release_.has_value()) os_release_.emplace(ReadOsRelease(machine_root_));
  return *os_release_;
}

const Result<std::shared_ptr<const PackageDatabase>>& UnchangingMachineReads::package_database() {
  if (!package_database_.has_value()) {
    PackageDatabaseCache cache;
    package_database_.emplace(cache.Load(machine_root_));
  }
  return *package_database_;
}

}  // namespace tseq
