// How scanstate records a captured profile in the store, and how loadstate reads it back: one
// archive::CatalogRoot per profile (docs/store-format.md leaves a root's name, directory and
// attributes to the layers above; this is that layer's contract).
//
//   name        "PC01\alice" (DOMAIN\user)
//   directory   the home's machine path without its leading "/": "home/alice" (directory stores
//               keep the files under USMT/File/DIRECTORY; usmtutils /extract writes them there)
//   attributes  home=/home/alice  local=yes|no  uid=1000  gid=1000  owner=alice  group=alice
//               last_logon=SECONDS (since the epoch; absent when unknown)
//               last_logon_source=lastlog|wtmp|home directory   machine=PC01
//               home_mode=0755 (octal permission bits of the home folder)
//               home_modified=SECONDS.NANOSECONDS (its modification time; 9 digits after the dot)
//               (both or neither; stores written before they existed lack both)
//
// Entries of a root have paths relative to the home ("Documents/a.odt"); "" is never an entry:
// the home itself is recorded by the root.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <sys/types.h>

#include "archive/catalog.h"
#include "base/status.h"
#include "migration/profile_discovery.h"
#include "migration/user_mapping.h"
#include "platform/file_metadata.h"

namespace tseq {

// The catalog root scanstate writes for `profile`, discovered on machine `machine_name`.
archive::CatalogRoot ProfileToCatalogRoot(const Profile& profile, const std::string& machine_name);

// What loadstate needs of a recorded profile.
struct ProfileRecord {
  std::string name;    // "PC01\alice"
  std::string domain;  // "PC01"
  std::string user;    // "alice"
  std::string home;    // "/home/alice"
  bool local = false;
  std::optional<uint32_t> uid;  // the source's numbers: a hint only; owners are mapped by name
  std::optional<uint32_t> gid;
  std::string owner;  // "" when the source had no passwd name (directory-service users)
  std::string group;
  std::string machine;  // the source machine's name
  std::optional<std::chrono::system_clock::time_point> last_logon;
  // The home folder's own mode and time on the source; nullopt in stores that predate them.
  std::optional<mode_t> home_mode;
  std::optional<FileTime> home_modified;

  StoredProfile ToStoredProfile() const { return StoredProfile{name, home, local}; }
};

// Reads a root written by ProfileToCatalogRoot. InvalidArgument "store root N ('NAME') is not a
// profile: ..." when the name is not DOMAIN\user, or `home` is missing, not absolute or does not
// match the directory, or a number or the home's mode or time is malformed: a store from another
// tool, or damaged in a way its authentication could not see (an unencrypted, hand-edited directory
// store).
Result<ProfileRecord> ProfileRecordFromCatalogRoot(const archive::CatalogRoot& root, size_t index);

}  // namespace tseq
