// The local accounts of a machine root: its etc/passwd, etc/group and etc/login.defs, read through
// a MachineRoot, and the creation of a missing local account for loadstate's /lac and /lae.
//
// Owners are mapped by name, never by number: a restore looks the stored owner and group names up
// here (UserId, GroupId) and uses the target machine's numbers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "migration/usmt_return_codes.h"
#include "platform/filesystem.h"
#include "platform/machine_root.h"

namespace tseq {

// One line of etc/passwd.
struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string gecos;
  std::string home;  // a machine path, as written in the file
  std::string shell;
};

// One line of etc/group.
struct GroupEntry {
  std::string name;
  gid_t gid = 0;
  std::vector<std::string> members;
};

struct IdRange {
  uint32_t min = 1000;
  uint32_t max = 60000;
  bool Contains(uint32_t id) const { return id >= min && id <= max; }
};

// The settings of etc/login.defs that tseq uses, with Debian's defaults when the file or a key is
// missing.
struct LoginDefinitions {
  IdRange user_ids;               // UID_MIN, UID_MAX: the accounts of people (default 1000..60000)
  IdRange group_ids;              // GID_MIN, GID_MAX (default 1000..60000)
  int password_min_days = 0;      // PASS_MIN_DAYS, for the shadow line of a created account
  int password_max_days = 99999;  // PASS_MAX_DAYS
  int password_warn_days = 7;     // PASS_WARN_AGE
};

// Parses login.defs text ("KEY VALUE" lines, `#` comments). Only the keys above are read, as
// decimal numbers; every other line is ignored. Fails with InvalidArgument naming `file_name` and
// the line: "FILE:3: UID_MIN 'abc' is not a number", "FILE: UID_MIN 5000 is greater than UID_MAX
// 4000" (a wrong range would make system accounts look like people, so it is never guessed).
Result<LoginDefinitions> ParseLoginDefinitions(std::string_view text, std::string_view file_name);

// A snapshot of a machine root's account files. Cheap to copy; immutable.
//
// Malformed lines of etc/passwd and etc/group are skipped, never fatal, each with a warning
// "FILE:LINE: REASON; the line is ignored" (a wrong field count, an empty name, an ID that is not
// a number, a name defined twice: the first definition wins, as getpwnam(3) does). Empty lines,
// `#` comments and NIS `+`/`-` lines are skipped silently. FILE is the host path of the file.
class LocalAccounts {
 public:
  // Reads etc/passwd (required: a root without one is not a Linux machine), etc/group and
  // etc/login.defs (both optional: missing means no groups and the defaults). Fails with the
  // Filesystem's error for an unreadable file, or ParseLoginDefinitions' error.
  static Result<LocalAccounts> Read(const MachineRoot& root);
  // The same from file contents (tests, and callers that already hold them). `passwd_file` and
  // `group_file` name the files in warnings.
  static LocalAccounts Parse(std::string_view passwd, std::string_view passwd_file,
                             std::string_view group, std::string_view group_file,
                             LoginDefinitions login_definitions);

  const std::vector<PasswdEntry>& users() const { return users_; }
  const std::vector<GroupEntry>& groups() const { return groups_; }
  const LoginDefinitions& login_definitions() const { return login_definitions_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Lookups by exact (case-sensitive) name or by number; null when absent.
  const PasswdEntry* FindUser(std::string_view name) const;
  const PasswdEntry* FindUserById(uid_t uid) const;
  const GroupEntry* FindGroup(std::string_view name) const;
  const GroupEntry* FindGroupById(gid_t gid) const;
  std::optional<uid_t> UserId(std::string_view name) const;
  std::optional<gid_t> GroupId(std::string_view name) const;

  // Whether `uid` belongs to a person by login.defs (UID_MIN..UID_MAX).
  bool IsPersonId(uid_t uid) const { return login_definitions_.user_ids.Contains(uid); }

 private:
  std::vector<PasswdEntry> users_;
  std::vector<GroupEntry> groups_;
  LoginDefinitions login_definitions_;
  std::vector<std::string> warnings_;
};

// Whether `name` is a user name useradd accepts: a lower-case letter or `_`, then lower-case
// letters, digits, `_` or `-`, optionally ending in `$`; at most 32 characters.
bool IsValidUserName(std::string_view name);

// Hashes `password` with yescrypt ("$y$...", crypt(3) from libcrypt) and a fresh random salt.
// Fails with Internal "cannot hash the password: REASON"; the password never appears in errors.
Result<std::string> HashPassword(std::string_view password);

// How /lac and /lae create a missing local account.
struct NewAccountOptions {
  std::string password;  // /lac:PASSWORD (plain text; "" when /lac has no value, as in USMT)
  bool enable = false;   // /lae: without it the shadow password is locked with a leading "!"
  std::chrono::system_clock::time_point now;  // the shadow line's "last changed" day
};

struct CreatedAccount {
  PasswdEntry account;
};

// Creates the local account `name` in the root's etc/passwd, etc/shadow, etc/group (and
// etc/gshadow when the root has one): the next free uid in UID_MIN..UID_MAX (the highest used
// plus one, else the lowest free, as useradd does), a user-private group named `name` (gid equal
// to the uid when that gid is free and in GID_MIN..GID_MAX, else the next free gid), GECOS empty,
// home /home/NAME, shell /bin/bash, the hashed password. The home directory itself is not created:
// the restore creates it with the profile's content and owners.
//
// Each file is rewritten with Filesystem::WriteFileAtomicallyOwnedBy, keeping its permission bits
// and its owner and group (etc/shadow stays root:shadow, which unix_chkpwd needs to read it); a
// missing shadow is created 0640, a missing group 0644, both owned by the writing process. The
// order is group, gshadow, shadow, passwd: the account exists once passwd has its line, so an
// interruption never leaves a passwd line without its group or shadow entry. What an interruption
// can leave behind is repaired by the next attempt: an existing group named `name` becomes the
// primary group, and an existing shadow line for `name` is replaced. Files are not locked
// (lckpwdf): the caller must be the only writer.
//
// `root` reads through the same filesystem as `filesystem`. Errors (never containing the
// password): InvalidArgument "cannot create local account 'NAME': not a valid user name (...)",
// AlreadyExists "cannot create local account 'NAME': it already exists", FailedPrecondition
// "cannot create local account 'NAME': no free user ID in 1000..60000" (or group ID), and the
// Filesystem's errors.
Result<CreatedAccount> CreateLocalAccount(const MachineRoot& root, Filesystem& filesystem,
                                          std::string_view name, const NewAccountOptions& options);

// The error for a local account that is missing on the target without /lac: code 14,
// "Unable to create a local account because /lac was not specified: NAME".
UsmtError MissingLocalAccountError(std::string_view name);

struct EnsuredAccount {
  PasswdEntry account;
  bool created = false;
};

// Looks the local account `name` up in the target root and, when it is missing, creates it if
// `create` is given (/lac) or fails with MissingLocalAccountError (14). Other failures map with
// ReturnCodeForStatus (an invalid name 11, permission denied 34, an I/O error 61).
UsmtResult<EnsuredAccount> EnsureLocalAccount(const MachineRoot& root, Filesystem& filesystem,
                                              std::string_view name,
                                              const std::optional<NewAccountOptions>& create);

}  // namespace tseq
