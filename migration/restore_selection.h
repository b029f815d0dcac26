// Load-time rules: which entries of a store loadstate restores when it is given /i rule files or
// a /config file (docs/loadstate.md "Rules at load time"). USMT applies the rules of the load
// as well as those of the capture: a /config that turns a component off keeps what it captured
// in the store but does not restore it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive/catalog.h"
#include "migration/migration_rules.h"
#include "migration/store_access.h"
#include "migration/user_directories.h"

namespace tseq {

// The entries of store root `root` to restore, indexed like `catalog.entries` (false for every
// entry of another root): those `rules` include (a symlink or hard link is decided as a file),
// and the folders that lead to them, whatever the rules say of those folders. A hard link whose
// first name is left out is restored as a copy of the content (ProfileRestorer).
std::vector<bool> SelectEntriesToRestore(const archive::Catalog& catalog, uint32_t root,
                                         const CompiledRules& rules);

// The profile's XDG user directories as they were on the source: its captured
// .config/user-dirs.dirs, read from the store, parsed for `home` (the source home, "/home/alice").
// The defaults when the store has no such file. Fails with the store's errors reading it.
Result<UserDirectories> StoredUserDirectories(OpenedStore& store, uint32_t root,
                                              const std::string& home);

}  // namespace tseq
