// User mapping for loadstate: /mu (rename a user) and /md (move users to another domain), applied
// to a profile recorded in a store, giving the account and home directory on the target machine.
//
// Rules (reference/usmt.md §3):
//  - /mu:OLDDOMAIN\OLDUSER:[NEWDOMAIN\]NEWUSER renames one user; /mu:OLDLOCALUSER:... renames a
//    local account of the source. No wildcards. Without NEWDOMAIN the user keeps its domain, which
//    /md may still move (`/md:contoso:fabrikam /mu:contoso\a:b` gives FABRIKAM\b).
//  - /md:OLDDOMAIN:NEWDOMAIN moves every user of OLDDOMAIN (which may use `*`; local profiles'
//    domain is the source machine name). The first matching /md wins; an OLDDOMAIN that matches
//    nothing is silently ignored, as in USMT.
//  - Names compare ignoring ASCII case; a domain is compared by its first label ("contoso.com"
//    is CONTOSO); `user@domain.tld` is accepted wherever `DOMAIN\user` is.
//
// The target is local when its domain is the target machine's name (a local profile that no rule
// moves stays local, under the target's name); otherwise it is a directory-service account.
// Home directories on the target:
//  - local: the target's passwd home when the account exists, else /home/USER (what
//    CreateLocalAccount gives it);
//  - directory-service, user and domain unchanged: the source home;
//  - otherwise the source layout is mirrored (profile_discovery.h):
//      /P/user@domain.tld -> /P/newuser@newdomain.tld (lower-cased, as SSSD names homes)
//      /P/DOMAIN/user     -> /P/NEWDOMAIN/newuser (the domain folder keeps the source's case style:
//                            all lower-case stays lower-case, else upper-case; a folder named by
//                            the full domain name gets the new full name)
//      a local source     -> /home/newuser@newdomain (lower-cased; realmd's default layout)
//      anything else      -> /P/newuser beside the source home's place.
//    The new full domain name is NEWDOMAIN when it has dots ("/md:contoso:fabrikam.com"), else the
//    source's full name with its first label replaced (contoso.com moved to fabrikam gives
//    fabrikam.com), else NEWDOMAIN as given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "migration/local_accounts.h"

namespace tseq {

// One /mu.
struct UserMappingRule {
  std::string old_domain;  // "" for the OLDLOCALUSER form: a local account of the source
  std::string old_user;
  std::string new_domain;  // as given ("FABRIKAM", "fabrikam.com"); "" when not given
  std::string new_user;
  std::string text;  // the value as given, for logs
};

// Parses /mu's value (after "/mu:"). InvalidArgument:
//   "invalid /mu value 'X': use /mu:OLDDOMAIN\OLDUSER:[NEWDOMAIN\]NEWUSER"
//   "invalid /mu value 'X': /mu does not accept wildcards"
Result<UserMappingRule> ParseUserMappingRule(std::string_view value);

// One /md.
struct DomainMappingRule {
  std::string old_domain;  // may hold `*` and `?`
  std::string new_domain;  // as given
  std::string text;
};

// Parses /md's value (after "/md:"). InvalidArgument:
//   "invalid /md value 'X': use /md:OLDDOMAIN:NEWDOMAIN"
//   "invalid /md value 'X': the new domain cannot contain wildcards"
Result<DomainMappingRule> ParseDomainMappingRule(std::string_view value);

struct UserMappingOptions {
  std::vector<UserMappingRule> users;      // /mu, in command-line order
  std::vector<DomainMappingRule> domains;  // /md, in command-line order
};

// USMT allows one /mu per user. InvalidArgument "/mu:A:B and /mu:C:D both rename the same user".
Status CheckUserMappingRules(const UserMappingOptions& options);

// A profile as the store records it.
struct StoredProfile {
  std::string name;  // "PC01\alice", "CONTOSO\bob"
  std::string home;  // its home on the source machine: "/home/alice", "/home/bob@contoso.com"
  bool local = false;
};

struct TargetMachine {
  std::string name;                         // the target's machine name ("PC02")
  const LocalAccounts* accounts = nullptr;  // the target root's accounts; required
};

struct MappedUser {
  std::string name;    // "PC02\alice", "FABRIKAM\bob"
  std::string domain;  // upper-case first label, or the target machine name when local
  std::string user;    // local: the passwd name to find or create
  bool local = false;
  std::string home;  // machine path on the target
  // Local targets: the target's passwd entry, when it has one (else /lac must create it).
  std::optional<PasswdEntry> existing_account;
  // The rules that applied, for the log: "/mu:contoso\a:b, /md:contoso:fabrikam"; "" for none.
  std::string applied_rules;
};

// Maps one stored profile. Never fails: a rule that matches nothing leaves the user unchanged.
MappedUser MapUser(const StoredProfile& profile, const UserMappingOptions& options,
                   const TargetMachine& target);

}  // namespace tseq
