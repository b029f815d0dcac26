// What SystemProcessRunner's child does between fork and exec, prepared by the parent: the
// identity it takes on for ProcessRequest::run_as, and the codes it reports a failed set-up step
// with. Internal to platform/ (system_process_runner.cc).
//
// The lookup happens in the parent: it reads the user and group databases and allocates, which
// the child may not do between fork and exec. The child then only makes the setgroups, setgid and
// setuid system calls.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "platform/process_runner.h"

namespace tseq {

struct ChildIdentity {
  // Whether the child must switch to uid/gid/groups: only when the caller is root. A caller that
  // is not root may only name itself, and then nothing switches.
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;              // the primary group
  std::vector<gid_t> groups;  // the supplementary groups (getgrouplist), primary included
  // HOME, USER and LOGNAME of the user, for the child's environment.
  std::vector<std::pair<std::string, std::string>> environment;
};

// Looks up the user `name` of the running system (getpwnam_r, getgrouplist). Names only: a
// number is looked up as a name. Fails with NotFound "runAs: no user 'NAME' on this system",
// PermissionDenied "runAs 'NAME' needs tseq to run as root" when the caller is not root and NAME
// is not the caller, and IoError "runAs: cannot look up user 'NAME': REASON" when the user
// database cannot be read.
Result<ChildIdentity> LookUpRunAsUser(const std::string& name);

// The set-up steps the child takes between fork and exec. When one fails, the child writes its
// code (one byte) to a pipe before it exits, since Boost.Process passes the errno on to the
// parent but not the message.
enum SetupStage : char {
  kStageProcessGroup = 'p',
  kStageStandardStreams = 's',
  kStageGroups = 'g',
  kStageGroup = 'G',
  kStageUser = 'u',
  kStageDirectory = 'd',
};

// Reads the code the child wrote to `stage_read` (non-blocking; the child has exited) and says
// what failed, e.g. "cannot change to the working directory '/x'"; "" when the child wrote none
// (it got as far as exec). `identity` is the run_as identity, or nullptr.
std::string ReadFailedStage(int stage_read, const ProcessRequest& request,
                            const ChildIdentity* identity);

}  // namespace tseq
