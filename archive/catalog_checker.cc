#include "archive/catalog_checker.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <string_view>

namespace tseq::archive {
namespace {

// The encoded size of an entry: a decoded catalog re-encodes to its bytes, so the sizes of the
// entries before one say where it starts. Positions are only needed for messages.
size_t EncodedSize(const CatalogEntry& entry) {
  size_t size = kMinimumEntrySize + entry.path.size() + entry.owner.size() + entry.group.size() +
                entry.symlink_target.size() + entry.access_acl.size() + entry.default_acl.size();
  for (const ExtendedAttribute& attribute : entry.extended_attributes) {
    size += 8 + attribute.name.size() + attribute.value.size();
  }
  return size;
}

// The entries' (root, path) pairs, to find a repeated path without a string per entry: an
// open-addressing table of entry indexes, at most two thirds full. A slot holds the index plus
// one (zero: free) in its low bits and the top bits of the pair's hash in the others, so a probe
// rarely needs to look at an entry.
class EntryPathSet {
 public:
  static uint64_t Hash(uint32_t root, std::string_view path) {
    uint64_t hash = std::hash<std::string_view>{}(path) ^ (uint64_t{root} * 0x9e3779b97f4a7c15u);
    // The SplitMix64 finalizer: every bit of the result depends on every bit of the input, so
    // both the low bits (the slot) and the high bits (the tag) are well spread.
    hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9u;
    hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebu;
    return hash ^ (hash >> 31);
  }

  // Adds the first hashes.size() entries, whose pairs have `hashes`, in order, and returns the
  // index of the first whose pair an earlier entry has, or hashes.size().
  static uint64_t FirstRepeated(const std::vector<CatalogEntry>& entries,
                                const std::vector<uint64_t>& hashes) {
    const uint64_t count = hashes.size();
    const unsigned index_bits = static_cast<unsigned>(std::bit_width(count));
    const uint64_t index_mask = index_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << index_bits) - 1;
    std::vector<uint64_t> slots(std::bit_ceil(std::max<uint64_t>(16, count + count / 2)), 0);
    const size_t slot_mask = slots.size() - 1;
    // The table is far bigger than the caches: asking for slots well ahead hides most of the
    // wait for memory.
    constexpr uint64_t kPrefetchDistance = 16;
    for (uint64_t index = 0; index < count; ++index) {
      if (index + kPrefetchDistance < count) {
        __builtin_prefetch(&slots[hashes[index + kPrefetchDistance] & slot_mask]);
      }
      const uint64_t hash = hashes[index];
      const uint64_t tag = hash & ~index_mask;
      for (size_t slot = static_cast<size_t>(hash) & slot_mask;; slot = (slot + 1) & slot_mask) {
        const uint64_t occupant = slots[slot];
        if (occupant == 0) {
          slots[slot] = tag | (index + 1);
          break;
        }
        if ((occupant & ~index_mask) != tag) continue;
        const CatalogEntry& entry = entries[index];
        const CatalogEntry& other = entries[(occupant & index_mask) - 1];
        if (other.root == entry.root && other.path == entry.path) return index;
      }
    }
    return count;
  }
};

}  // namespace

EntryChecker::EntryChecker(const std::vector<CatalogEntry>& entries, uint64_t entry_count,
                           size_t root_count, bool content_in_files)
    : entries_(entries), root_count_(root_count), content_in_files_(content_in_files) {
  hashes_.reserve(entry_count);
  is_file_.reserve(entry_count);
}

void EntryChecker::Add(uint64_t index) {
  // After the first problem found here, no later entry can be the first to break a rule.
  if (problem_.index != kNoProblem) return;
  const CatalogEntry& entry = entries_[index];
  is_file_.push_back(entry.type == EntryType::kFile);
  if (entry.root >= root_count_) {
    problem_ = {index,
                "names root " + std::to_string(entry.root) + " of " + std::to_string(root_count_)};
    return;
  }
  if (!IsValidEntryPath(entry.path)) {
    problem_ = {index, "has an invalid path"};
    return;
  }
  // Hashed while the path is in the cache; looked up in Finish.
  hashes_.push_back(EntryPathSet::Hash(entry.root, entry.path));
  if (entry.type == EntryType::kFile && !content_in_files_) {
    files_.push_back({entry.data_offset, entry.size, index});
  } else if (entry.type == EntryType::kHardLink &&
             (entry.link_entry >= index || !is_file_[entry.link_entry])) {
    problem_ = {index, "('" + entry.path + "') is a hard link to no earlier file"};
  }
}

std::optional<CatalogProblem> EntryChecker::Finish(uint64_t data_size, size_t entries_position) {
  Problem first = problem_;
  // A repeated path comes before the rest of its entry's rules; the hashed entries all come
  // before an entry whose root or path is wrong.
  const uint64_t repeated = EntryPathSet::FirstRepeated(entries_, hashes_);
  if (repeated < hashes_.size() && repeated <= first.index) {
    first = {repeated, "repeats the path '" + entries_[repeated].path + "'"};
  }
  for (const FileRange& file : files_) {
    if (file.entry >= first.index) break;
    if (file.offset > data_size || file.size > data_size - file.offset) {
      first = {file.entry,
               "('" + entries_[file.entry].path + "') has content outside the data stream"};
      break;
    }
  }
  if (first.index != kNoProblem) {
    return CatalogProblem{.rule = "entry " + std::to_string(first.index) + " " + first.rule,
                          .position = Position(first.index, entries_position)};
  }
  std::erase_if(files_, [](const FileRange& file) { return file.size == 0; });
  const auto by_offset = [](const FileRange& a, const FileRange& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.entry < b.entry;
  };
  // Writers lay content out in entry order, so the ranges are usually sorted already.
  if (!std::is_sorted(files_.begin(), files_.end(), by_offset)) {
    std::sort(files_.begin(), files_.end(), by_offset);
  }
  uint64_t end = 0;
  for (const FileRange& file : files_) {
    if (file.offset < end) {
      return CatalogProblem{
          .rule = "the content of entry " + std::to_string(file.entry) + " overlaps another's",
          .position = Position(file.entry, entries_position)};
    }
    end = file.offset + file.size;
  }
  return std::nullopt;
}

size_t EntryChecker::Position(uint64_t index, size_t entries_position) const {
  size_t position = entries_position;
  for (uint64_t i = 0; i < index; ++i) position += EncodedSize(entries_[i]);
  return position;
}

}  // namespace tseq::archive
