#include "archive/catalog.h"

#include <bit>
#include <cstring>
#include <unordered_set>

#include "archive/little_endian.h"
#include "archive/store_format.h"

namespace tseq::archive {
namespace {

void PutString(std::string& out, std::string_view text) {
  AppendLittleEndian<uint32_t>(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

void PutAttributes(std::string& out, const Attributes& attributes) {
  AppendLittleEndian<uint32_t>(out, static_cast<uint32_t>(attributes.size()));
  for (const auto& [key, value] : attributes) {
    PutString(out, key);
    PutString(out, value);
  }
}

// Eight bytes, the first in the lowest bits (one load where the machine is little-endian).
uint64_t LoadWord(const char* bytes) {
  if constexpr (std::endian::native == std::endian::little) {
    uint64_t word;
    std::memcpy(&word, bytes, sizeof(word));
    return word;
  } else {
    return LoadLittleEndian<uint64_t>(bytes);
  }
}

// The bytes of `word` that are zero, as the top bit of each such byte (exact, unlike the
// shorter formula that can also flag a 0x01 byte next to a zero).
uint64_t ZeroBytes(uint64_t word) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fu;
  return ~(((word & kLow7) + kLow7) | word | kLow7);
}

// Whether the `size` bytes at `component` start with a valid component: not empty, "." or "..".
bool IsValidComponentStart(const char* component, size_t size) {
  if (size == 0 || component[0] == '/') return false;
  if (component[0] != '.') return true;
  if (size == 1 || component[1] == '/') return false;
  if (component[1] != '.') return true;
  return size > 2 && component[2] != '/';
}

}  // namespace

const char* EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kFile:
      return "file";
    case EntryType::kDirectory:
      return "directory";
    case EntryType::kSymlink:
      return "symlink";
    case EntryType::kHardLink:
      return "hard link";
  }
  return "unknown";
}

bool IsValidEntryPath(std::string_view path) {
  const char* bytes = path.data();
  const size_t size = path.size();
  if (!IsValidComponentStart(bytes, size)) return false;
  // Every path of a store is checked when it is opened: eight bytes at a time, looking only at
  // the NULs and the slashes (after each of which a component starts).
  size_t at = 0;
  for (; at + 8 <= size; at += 8) {
    const uint64_t word = LoadWord(bytes + at);
    if (ZeroBytes(word) != 0) return false;
    for (uint64_t slashes = ZeroBytes(word ^ 0x2f2f2f2f2f2f2f2fu); slashes != 0;
         slashes &= slashes - 1) {
      const size_t next = at + static_cast<size_t>(std::countr_zero(slashes)) / 8 + 1;
      if (!IsValidComponentStart(bytes + next, size - next)) return false;
    }
  }
  for (; at < size; ++at) {
    if (bytes[at] == '\0') return false;
    if (bytes[at] == '/' && !IsValidComponentStart(bytes + at + 1, size - at - 1)) return false;
  }
  return true;
}

Result<uint32_t> CatalogBuilder::AddRoot(CatalogRoot root) {
  if (!IsValidEntryPath(root.directory)) {
    return InvalidArgumentError("root directory '" + root.directory +
                                "' is not a relative path without '.' or '..'");
  }
  catalog_.roots.push_back(std::move(root));
  return static_cast<uint32_t>(catalog_.roots.size() - 1);
}

Status CatalogBuilder::CheckRootAndPath(const CatalogEntry& entry) const {
  if (entry.root >= catalog_.roots.size()) {
    return InvalidArgumentError("entry '" + entry.path + "' names root " +
                                std::to_string(entry.root) + ", which was not added");
  }
  if (!IsValidEntryPath(entry.path)) {
    return InvalidArgumentError("entry '" + entry.path +
                                "' is not a relative path without '.' or '..'");
  }
  return Status::Ok();
}

Status CatalogBuilder::Check(const CatalogEntry& entry) const {
  TSEQ_RETURN_IF_ERROR(CheckRootAndPath(entry));
  if (paths_.count(std::to_string(entry.root) + '/' + entry.path) != 0) {
    return InvalidArgumentError("entry '" + entry.path + "' was already added");
  }
  if ((entry.mode & ~07777u) != 0 || entry.mtime_nanoseconds >= 1000000000u) {
    return InvalidArgumentError("entry '" + entry.path + "' has an invalid mode or time");
  }
  if (entry.type == EntryType::kHardLink &&
      (entry.link_entry >= catalog_.entries.size() ||
       catalog_.entries[entry.link_entry].type != EntryType::kFile)) {
    return InvalidArgumentError("entry '" + entry.path + "' is a hard link to no earlier file");
  }
  return Status::Ok();
}

uint64_t CatalogBuilder::Add(CatalogEntry entry) {
  paths_.insert(std::to_string(entry.root) + '/' + entry.path);
  catalog_.entries.push_back(std::move(entry));
  return catalog_.entries.size() - 1;
}

std::string EncodeCatalog(const Catalog& catalog) {
  std::string out;
  out.append(kCatalogMagic);
  AppendLittleEndian<uint32_t>(out, kCatalogVersion);
  PutAttributes(out, catalog.properties);
  AppendLittleEndian<uint32_t>(out, static_cast<uint32_t>(catalog.roots.size()));
  for (const CatalogRoot& root : catalog.roots) {
    PutString(out, root.name);
    PutString(out, root.directory);
    PutAttributes(out, root.attributes);
  }
  AppendLittleEndian<uint64_t>(out, catalog.entries.size());
  for (const CatalogEntry& entry : catalog.entries) {
    AppendLittleEndian<uint32_t>(out, entry.root);
    PutString(out, entry.path);
    out.push_back(static_cast<char>(entry.type));
    AppendLittleEndian<uint32_t>(out, entry.mode);
    AppendLittleEndian<uint32_t>(out, entry.uid);
    AppendLittleEndian<uint32_t>(out, entry.gid);
    PutString(out, entry.owner);
    PutString(out, entry.group);
    AppendLittleEndian<uint64_t>(out, static_cast<uint64_t>(entry.mtime_seconds));
    AppendLittleEndian<uint32_t>(out, entry.mtime_nanoseconds);
    AppendLittleEndian<uint64_t>(out, entry.size);
    AppendLittleEndian<uint64_t>(out, entry.data_offset);
    PutString(out, entry.symlink_target);
    AppendLittleEndian<uint64_t>(out, entry.link_entry);
    AppendLittleEndian<uint32_t>(out, static_cast<uint32_t>(entry.extended_attributes.size()));
    for (const ExtendedAttribute& attribute : entry.extended_attributes) {
      PutString(out, attribute.name);
      PutString(out, attribute.value);
    }
    PutString(out, entry.access_acl);
    PutString(out, entry.default_acl);
    AppendLittleEndian<uint32_t>(out, 0);  // flags
  }
  AppendLittleEndian<uint64_t>(out, catalog.data_blocks.size());
  for (const BlockLocation& block : catalog.data_blocks) {
    AppendLittleEndian<uint64_t>(out, block.offset);
    AppendLittleEndian<uint32_t>(out, block.payload_size);
    AppendLittleEndian<uint32_t>(out, block.plain_size);
  }
  AppendLittleEndian<uint64_t>(out, catalog.data_size);
  out.append(kCatalogEndMagic);
  return out;
}

}  // namespace tseq::archive
