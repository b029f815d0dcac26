// Profile discovery: the user profiles of a machine root, as scanstate sees them (SPEC §6 "Users").
//
// Everything is read through the MachineRoot's Filesystem (no direct system calls), so a root can
// be a real directory or a MemoryFilesystem. Homes are resolved inside the root: a profile never
// names a directory outside it.
//
// Which directories are profiles:
//  - Local accounts: etc/passwd entries whose uid is within login.defs UID_MIN..UID_MAX and whose
//    home is an existing directory other than the root's `/`. Named `HOST\user`, HOST being the
//    machine name (below). Two accounts sharing one home give one profile (the first in passwd).
//  - Directory-service accounts (SSSD, winbind), which are not in etc/passwd:
//      /home/user@domain.tld  -> DOMAIN\user (DOMAIN: the domain's first label, upper-cased);
//      /home/X/Y              -> X\Y (X's first label upper-cased), when X is not a local home,
//                                is owned by a local account (normally root) and Y is not.
//    In both cases the profile directory must be owned by a uid that is not a local account (any
//    passwd entry, system ones included). Other directories of /home (an orphaned home whose
//    owner was deleted, say) are skipped with a warning; `lost+found` and symlinks silently.
//  - Never: a home that is or lies inside an excluded path (the store), with a warning. A home
//    that contains an excluded path is a profile (the walker leaves the store itself out).
// A name found twice (compared ignoring case) keeps its first profile, local ones first, and warns.
//
// Machine name: the first line of etc/hostname that is not empty or a `#` comment, up to its
// first '.', upper-cased. Without one, ProfileDiscoveryOptions::fallback_machine_name, with a
// warning.
//
// Last logon (for /uel): the latest of var/log/lastlog (struct lastlog records indexed by uid)
// and var/log/wtmp (struct utmp USER_PROCESS records, by login name); when neither has a record
// for the profile, the home directory's mtime. `logged_on` comes from var/run/utmp's
// USER_PROCESS records. Records are read with the layouts of <utmp.h>/<lastlog.h> on this
// architecture (292-byte lastlog and 384-byte utmp records on x86_64); a truncated last record
// is ignored. A login name matches a local profile when it equals the passwd name, and a
// directory-service profile when it equals, ignoring case, `DOMAIN\user`, the home's directory
// name (`user@domain.tld`), or the bare user name when no local account has that name.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "migration/local_accounts.h"
#include "platform/machine_root.h"

namespace tseq {

enum class LastLogonSource {
  kNone,           // nothing known: the default (discovery always has the home's mtime)
  kLastlog,        // var/log/lastlog
  kWtmp,           // var/log/wtmp
  kHomeDirectory,  // the home directory's modification time
};

// "lastlog", "wtmp", "home directory" or "none", for logs.
const char* LastLogonSourceName(LastLogonSource source);

struct Profile {
  std::string name;        // "PC01\alice", "CONTOSO\bob"
  std::string domain;      // "PC01" (the machine name) or "CONTOSO"
  std::string user;        // the passwd name, or the directory-service user name ("bob")
  std::string home;        // machine path: "/home/alice", "/home/bob@contoso.com"
  std::string host_home;   // the host path `home` resolves to inside the root
  uid_t uid = 0;           // the home directory's owner for directory-service accounts
  gid_t gid = 0;           // passwd gid (local) or the home directory's group
  std::string owner_name;  // the passwd name of uid; "" for directory-service accounts
  std::string group_name;  // the etc/group name of gid; "" when etc/group does not have it
  bool local = false;
  std::optional<std::chrono::system_clock::time_point> last_logon;
  LastLogonSource last_logon_source = LastLogonSource::kNone;
  bool logged_on = false;  // a USER_PROCESS record in var/run/utmp names this user
  // The home folder itself (discovery always fills both), which a restore that creates the home
  // gives back.
  std::optional<mode_t> home_mode;  // permission bits (07777)
  std::optional<std::chrono::system_clock::time_point> home_modified;
};

struct ProfileDiscoveryOptions {
  // Host paths never captured (the store, the tool's logs): a home that is one of them or lies
  // inside one is skipped. Absolute, compared lexically after normalisation, so give canonical
  // paths (no symlinks).
  std::vector<std::string> excluded_host_paths;
  // The machine name when etc/hostname has none (e.g. the host's name for the root "/").
  std::string fallback_machine_name = "LOCALHOST";
};

struct DiscoveredProfiles {
  std::string machine_name;       // "PC01"
  std::vector<Profile> profiles;  // sorted by name ignoring case, then bytewise
  // Skipped lines and directories, for the log: "/r/etc/passwd:4: ...; the line is ignored",
  // "skipping '/home/old': owned by uid 1234, which is not an account, ...".
  std::vector<std::string> warnings;
};

// Discovers the profiles of `root`. Fails with LocalAccounts::Read's errors (no etc/passwd, a bad
// login.defs) and with Filesystem errors other than NotFound reading the hostname or the logon
// records; a missing /home, lastlog, wtmp or utmp just means nothing found there.
Result<DiscoveredProfiles> DiscoverProfiles(const MachineRoot& root,
                                            const ProfileDiscoveryOptions& options);

// The machine name from etc/hostname text, or "" when it has none.
std::string MachineNameFromHostname(std::string_view hostname_file);

// The login names with a USER_PROCESS record in utmp-format data (utmp or wtmp), each with its
// latest time. Records of another type are ignored.
std::map<std::string, std::chrono::system_clock::time_point> UserProcessRecords(
    std::string_view utmp_data);

}  // namespace tseq
