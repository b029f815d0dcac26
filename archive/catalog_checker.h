// EntryChecker: the rules of docs/store-format.md ("Catalog") about a catalog's entries, checked
// while DecodeCatalog (catalog_decoder.cc) decodes them. Internal to archive/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archive/catalog.h"

namespace tseq::archive {

// The smallest encoded entry: fixed fields plus six empty strings and an empty xattr list.
inline constexpr size_t kMinimumEntrySize =
    4 + 4 + 1 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 8 + 8 + 4 + 8 + 4 + 4 + 4 + 4;

// A broken rule: the message and the catalog byte it names.
struct CatalogProblem {
  std::string rule;
  size_t position = 0;
};

// Checks each entry as soon as it is decoded for what can be checked then (root, path, hard
// link), and the rest (repeated paths, content ranges) once all are there. The problem reported
// is the one a check of the entries one after another would find first: within an entry the
// rules go root, path, repeated path, then content or hard link; overlapping content comes
// after every entry's own rules.
// EntryChecker's problem index when there is none.
inline constexpr uint64_t kNoProblem = UINT64_MAX;

class EntryChecker {
 public:
  // `entries` is the vector being decoded into; the checker reads it, by index, as it grows.
  EntryChecker(const std::vector<CatalogEntry>& entries, uint64_t entry_count, size_t root_count,
               bool content_in_files);

  // Entry `index`, just decoded; REQUIRES the entries before it were added.
  void Add(uint64_t index);

  // The first problem, given the catalog's data size and the catalog byte where the first entry
  // starts. REQUIRES every entry was added.
  std::optional<CatalogProblem> Finish(uint64_t data_size, size_t entries_position);

 private:
  struct FileRange {
    uint64_t offset;
    uint64_t size;
    uint64_t entry;
  };
  struct Problem {
    uint64_t index = kNoProblem;
    std::string rule;  // the message after "entry N "
  };

  // Catalog byte where entry `index` starts.
  size_t Position(uint64_t index, size_t entries_position) const;

  const std::vector<CatalogEntry>& entries_;
  size_t root_count_;
  bool content_in_files_;
  std::vector<uint64_t> hashes_;  // of the entries' (root, path), up to the first problem
  std::vector<bool> is_file_;     // of every entry added, for hard links
  std::vector<FileRange> files_;  // regular files with content in the stream, in entry order
  Problem problem_;               // the first entry that breaks a rule checked in Add
};

}  // namespace tseq::archive
