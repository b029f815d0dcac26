#include "platform/system_process_runner_setup.h"

#include <cerrno>
#include <cstring>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace tseq {
namespace {

// The supplementary groups of `name` (whose primary group is `gid`), as initgroups would set them.
Result<std::vector<gid_t>> GroupsOf(const std::string& name, gid_t gid) {
  int count = 32;
  std::vector<gid_t> groups;
  for (int attempt = 0; attempt < 8; ++attempt) {
    groups.resize(static_cast<size_t>(count));
    int found = count;
    if (::getgrouplist(name.c_str(), gid, groups.data(), &found) >= 0) {
      groups.resize(static_cast<size_t>(found));
      return groups;
    }
    // -1: the buffer was too small and `found` holds the size needed.
    count = found > count ? found : count * 2;
  }
  return IoError("runAs: cannot list the groups of user '" + name + "'");
}

}  // namespace

Result<ChildIdentity> LookUpRunAsUser(const std::string& name) {
  long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<size_t>(suggested) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  int error = 0;
  while ((error = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
         ERANGE) {
    if (buffer.size() >= (1U << 24)) break;
    buffer.resize(buffer.size() * 2);
  }
  // "Not found" is a null result with 0, or one of the errors glibc documents for it.
  if (found == nullptr &&
      (error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM)) {
    return NotFoundError("runAs: no user '" + name + "' on this system");
  }
  if (found == nullptr) {
    return IoError("runAs: cannot look up user '" + name + "': " + std::strerror(error));
  }

  ChildIdentity identity;
  identity.uid = entry.pw_uid;
  identity.gid = entry.pw_gid;
  const uid_t caller = ::geteuid();
  if (caller != 0 && identity.uid != caller) {
    return PermissionDeniedError("runAs '" + name + "' needs tseq to run as root");
  }
  identity.switch_user = caller == 0;
  if (identity.switch_user) {
    TSEQ_ASSIGN_OR_RETURN(identity.groups, GroupsOf(name, identity.gid));
  }
  identity.environment = {
      {"HOME", entry.pw_dir}, {"USER", entry.pw_name}, {"LOGNAME", entry.pw_name}};
  return identity;
}

std::string ReadFailedStage(int stage_read, const ProcessRequest& request,
                            const ChildIdentity* identity) {
  char stage = 0;
  ssize_t count = 0;
  while ((count = ::read(stage_read, &stage, 1)) < 0 && errno == EINTR) {
  }
  if (count != 1) return "";
  switch (stage) {
    case kStageProcessGroup:
      return "cannot create its process group";
    case kStageStandardStreams:
      return "cannot connect its standard streams";
    case kStageGroups:
      return "cannot take the groups of user '" + request.run_as + "' (setgroups)";
    case kStageGroup:
      return "cannot take group id " + std::to_string(identity == nullptr ? 0 : identity->gid) +
             " (setgid)";
    case kStageUser:
      return "cannot become user '" + request.run_as + "' (setuid)";
    case kStageDirectory:
      return "cannot change to the working directory '" + request.working_directory + "'";
    default:
      return "";
  }
}

}  // namespace tseq
