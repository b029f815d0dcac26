// ProfileRestorer: loadstate's restore of one profile's store entries into the profile's home on
// the target machine (SPEC §6 "Restore", docs/loadstate.md "Restoring").
//
// Every write goes through a RootedDirectory opened on the home, so nothing is ever written
// outside it and no symlink is ever followed, whether it was planted in the target home or
// restored from the store a moment earlier (a symlink entry "Documents -> /etc" followed by a file
// "Documents/passwd" fails on the second entry).
//
//   - Directories are created (missing parents too) and merged into when they exist; their mode,
//     owner, ACLs and time are applied after their content, deepest first.
//   - Regular files are streamed from the store into a temporary file that appears under its name
//     only when complete and on disk (never a half-written file, even after a power loss): files
//     are named in batches after one filesystem sync (RestoreBatch). With /hardlink the store's
//     content file is linked instead. Everything restored is on disk when Restore returns.
//   - Symlinks are created as links; hard links link to the name their first file was restored
//     under.
//   - Collisions: an existing file with the same content (a symlink with the same target, the
//     same inode for a hard link) is kept and gets the stored metadata again, so restoring twice
//     changes nothing. Anything else in the way gives the entry the next free name
//     "name (1).ext", "name (2).ext"..., each checked the same way first.
//   - Owners, groups and ACL qualifiers are mapped by name through the target's accounts; a name
//     the target does not have (or none: a directory-service owner) falls back to the restored
//     user's uid and gid, with a warning per name.
//   - Set-user-ID is kept only on files owned by the restored user, set-group-ID only on files
//     of the user's group (directories keep set-group-ID: it only makes new files inherit the
//     group).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "migration/local_accounts.h"
#include "migration/restore_batch.h"
#include "migration/store_access.h"
#include "migration/usmt_log.h"
#include "platform/file_metadata.h"
#include "platform/rooted_directory.h"

namespace tseq {

// /hardlink: where the content files of a hard-link store are linked from. `base` is a folder
// that holds both the store and the home, so that RootedDirectory::CreateHardLink can link them.
struct HardLinkSource {
  RootedDirectory* base = nullptr;
  std::string home;                              // the home, relative to `base`
  std::function<std::string(uint64_t)> content;  // an entry's content file, relative to `base`
};

// Who the restored files belong to.
struct RestoredUser {
  FileOwner ids;           // on the target
  std::string owner_name;  // the user's passwd name on the source ("" for directory-service users)
  std::string group_name;  // its group's name on the source
};

struct ProfileRestoreSummary {
  uint64_t restored = 0;   // entries written
  uint64_t unchanged = 0;  // entries already there (same content): metadata applied again
  uint64_t renamed = 0;    // entries written as "name (N).ext"
  uint64_t skipped = 0;    // entries that failed under /c
  uint64_t bytes = 0;      // content bytes written or linked
};

// Called for an entry that cannot be restored, with its machine path: true to skip it and go on
// (/c), false to stop the restore, which then fails with `status`.
using RestoreErrorHandler =
    std::function<bool(const std::string& machine_path, const Status& status)>;

class ProfileRestorer {
 public:
  // Every argument must outlive the restorer. `user` is the restored user's target uid and gid;
  // entries owned by `user.owner_name` / `user.group_name` (the user's names on the source, which
  // /mu may have changed) get them.
  ProfileRestorer(OpenedStore& store, RootedDirectory& home, const LocalAccounts& accounts,
                  RestoredUser user, UsmtLog& log, std::optional<HardLinkSource> hard_link);

  // Restores every entry of store root `root` (in catalog order) under the home, shown in
  // messages as `machine_home`. `on_bytes` (optional) learns the bytes of each file restored.
  // `selected` (optional, indexed like the catalog's entries; SelectEntriesToRestore in
  // restore_selection.h) leaves out the entries it marks false; a hard link whose first name is
  // left out is restored as a file with that content, and the hard links after it link to it.
  // Fails only when `on_error` says to stop, with the status it was given.
  Result<ProfileRestoreSummary> Restore(uint32_t root, const std::string& machine_home,
                                        const RestoreErrorHandler& on_error,
                                        const std::function<void(uint64_t)>& on_bytes = {},
                                        const std::vector<bool>* selected = nullptr);

  // Applied to the home folder itself by every later Restore, after all its entries, before the
  // final sync (loadstate gives a home it created the source home's mode and time). A failure is
  // handed to `on_error` with the home's machine path, as an entry's would be.
  void SetHomeMetadata(MetadataUpdate update) { home_metadata_ = std::move(update); }

  // The name of the `number`th collision copy of `relative`: "a/b (1).txt", "a/.bashrc (2)",
  // "a/archive.tar (1).gz".
  static std::string NumberedName(const std::string& relative, int number);

  // The mode to restore: `mode` without set-user-ID unless `owner` is the user, without
  // set-group-ID on non-directories unless the group is the user's.
  static mode_t SafeMode(uint32_t mode, bool directory, FileOwner owner, FileOwner user);

 private:
  struct Placement;
  Result<MetadataUpdate> UpdateFor(const archive::CatalogEntry& entry);
  uid_t MapOwner(const std::string& name, AclQualifierKind kind);
  Status EnsureParent(const std::string& relative);
  // Where an entry goes: its name, or the first "name (N)" that is free or already holds it.
  Result<Placement> Place(uint64_t index, const archive::CatalogEntry& entry);
  Result<bool> Matches(const std::string& relative, uint64_t index,
                       const archive::CatalogEntry& entry);
  // Writes the file (into the batch) or, with /hardlink, links it; true when it is in place.
  Result<bool> RestoreFile(uint64_t index, const Placement& placement,
                           const std::string& stored_path, const std::string& machine_path,
                           const MetadataUpdate& update);
  // Syncs and names the files of the batch. Fails only when the error handler says to stop
  // (the status is also kept in stop_).
  Status FlushBatch();
  // Counts and logs an entry now in place as `relative`, copy `number` of its name.
  void Counted(const std::string& machine_path, const std::string& stored_path,
               const std::string& relative, int number);

  OpenedStore& store_;
  RootedDirectory& home_;
  const LocalAccounts& accounts_;
  RestoredUser restored_user_;
  FileOwner user_;
  UsmtLog& log_;
  std::optional<HardLinkSource> hard_link_;
  std::set<std::string> warned_names_;
  std::map<uint64_t, std::string> restored_files_;  // file entry -> where it was restored
  std::set<std::string> known_folders_;             // folders made or found in this Restore
  ProfileRestoreSummary summary_;
  std::function<void(uint64_t)> on_bytes_;
  const RestoreErrorHandler* on_error_ = nullptr;
  RestoreBatch batch_;
  Status stop_;  // the error that stopped a batch, reported as it is by Restore
  std::optional<MetadataUpdate> home_metadata_;
};

}  // namespace tseq
