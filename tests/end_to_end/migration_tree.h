// Helpers for the scanstate/loadstate round-trip tests: the multi-user source machine they
// capture, the target machine they restore onto, and a description of a home's tree read with
// plain system calls (not with tseq's metadata code, so that a bug there cannot hide itself).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>

#include "tests/support/temp_directory.h"

namespace tseq::round_trip {

// The uid and gid names of one machine root, from its etc/passwd and etc/group.
struct AccountNames {
  std::map<uint32_t, std::string> users;
  std::map<uint32_t, std::string> groups;
  std::map<std::string, uint32_t> user_ids;
  std::map<std::string, uint32_t> group_ids;

  static AccountNames Read(const std::string& root);
  // The name, or "#ID" for an ID without an account.
  std::string User(uint32_t id) const;
  std::string Group(uint32_t id) const;
};

// What the source machine has and which parts of the fixture the filesystem and the privileges
// allowed (each test says what it skipped).
struct SourceMachine {
  std::string root;
  bool as_root = false;      // owners other than the caller (bob's file, carol's home) exist
  bool user_xattrs = false;  // user.* extended attributes are set
  bool acls = false;         // POSIX ACLs are set (as root only: see MakeTargetMachine)
};

// Builds the source machine PC01 under `temp`/source:
//  - etc/passwd: root, a system account `svc` (uid 999, home /home/svc, with a file), alice
//    (1000) and bob (1001); etc/group with developers (1500); etc/hostname, etc/login.defs;
//  - alice: Documents (report.odt 0640 with a nanosecond mtime, a relative and an absolute
//    symlink, a hard-link pair, a 0750 Projects folder, a set-group-ID Shared folder of group
//    developers with a default ACL, a file owned by bob, a file with an access ACL naming bob and
//    developers, a user.* attribute), Pictures, .bashrc, .gitconfig, .ssh (0700) with id_ed25519
//    (0600), and a .cache and a Trash that are never migrated;
//  - bob: Documents, .bashrc, .cache;
//  - as root only: carol@contoso.com, a directory-service home owned by uid 5000 (no passwd line).
SourceMachine MakeSourceMachine(const testing::TempDirectory& temp);

// Builds the target machine PC02 under `temp`/target: alice and bob with other uids (2001, 2002;
// as non-root both are the caller, who cannot give files away), developers 3500, no carol, no
// homes. Returns the root.
std::string MakeTargetMachine(const testing::TempDirectory& temp);

// Every object below `home` (not the home itself), by relative path: type, permission bits,
// owner and group by name (only `with_owners`), modification time to the nanosecond, content or
// symlink target, the first path sharing its inode (hard links), user.* attributes, and the access
// and default ACLs with their qualifiers named. Empty when `home` does not exist.
std::map<std::string, std::string> DescribeTree(const std::string& home, const AccountNames& names,
                                                bool with_owners);

// `tree` without the objects below (and including) the relative folders `prefixes`.
std::map<std::string, std::string> Without(std::map<std::string, std::string> tree,
                                           std::initializer_list<std::string> prefixes);

}  // namespace tseq::round_trip
