#include "migration/restore_selection.h"

#include <set>
#include <string_view>

namespace tseq {

std::vector<bool> SelectEntriesToRestore(const archive::Catalog& catalog, uint32_t root,
                                         const CompiledRules& rules) {
  const std::vector<archive::CatalogEntry>& entries = catalog.entries;
  std::vector<bool> selected(entries.size(), false);
  std::set<std::string_view> leading_folders;
  for (size_t index = 0; index < entries.size(); ++index) {
    const archive::CatalogEntry& entry = entries[index];
    if (entry.root != root) continue;
    const bool directory = entry.type == archive::EntryType::kDirectory;
    if (!rules.Decide(entry.path, directory).included()) continue;
    selected[index] = true;
    const std::string_view path = entry.path;
    for (size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      leading_folders.insert(path.substr(0, slash));
    }
  }
  // A second pass: the catalog lists a folder before what it holds.
  for (size_t index = 0; index < entries.size(); ++index) {
    const archive::CatalogEntry& entry = entries[index];
    if (entry.root == root && entry.type == archive::EntryType::kDirectory &&
        leading_folders.contains(entry.path)) {
      selected[index] = true;
    }
  }
  return selected;
}

Result<UserDirectories> StoredUserDirectories(OpenedStore& store, uint32_t root,
                                              const std::string& home) {
  const std::vector<archive::CatalogEntry>& entries = store.catalog().entries;
  for (uint64_t index = 0; index < entries.size(); ++index) {
    const archive::CatalogEntry& entry = entries[index];
    if (entry.root != root || entry.path != ".config/user-dirs.dirs") continue;
    if (entry.type != archive::EntryType::kFile && entry.type != archive::EntryType::kHardLink) {
      break;
    }
    std::string text;
    TSEQ_RETURN_IF_ERROR(store.ReadContent(index, [&text](std::string_view data) {
      text.append(data);
      return Status();
    }));
    return UserDirectories::Parse(text, home);
  }
  return UserDirectories();
}

}  // namespace tseq
