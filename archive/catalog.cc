#include "archive/catalog.h"

#include <algorithm>
#include <set>
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

// Reads the encoded catalog front to back; the first failure sticks and names the byte.
class CatalogParser {
 public:
  CatalogParser(std::string_view bytes, std::string path) : bytes_(bytes), path_(std::move(path)) {}

  bool failed() const { return !error_.ok(); }
  const Status& error() const { return error_; }
  size_t position() const { return position_; }
  size_t remaining() const { return bytes_.size() - position_; }

  void Fail(const std::string& rule) { FailAt(rule, position_); }
  void FailAt(const std::string& rule, size_t position) {
    if (failed()) return;
    error_ = CorruptionError(path_ + ": the catalog is damaged: " + rule + " (at catalog byte " +
                             std::to_string(position) + ")");
  }

  template <typename Unsigned>
  Unsigned Read() {
    if (failed()) return 0;
    if (remaining() < sizeof(Unsigned)) {
      Fail("it ends early");
      return 0;
    }
    const auto value = LoadLittleEndian<Unsigned>(bytes_.data() + position_);
    position_ += sizeof(Unsigned);
    return value;
  }

  std::string_view ReadBytes(size_t count) {
    if (failed()) return {};
    if (remaining() < count) {
      Fail("it ends early");
      return {};
    }
    const std::string_view result = bytes_.substr(position_, count);
    position_ += count;
    return result;
  }

  std::string ReadString() { return std::string(ReadBytes(Read<uint32_t>())); }

  // A count of items each at least `minimum_size` bytes long must fit in what is left.
  uint64_t ReadCount(uint64_t (CatalogParser::*reader)(), size_t minimum_size) {
    const size_t at = position_;
    const uint64_t count = (this->*reader)();
    if (!failed() && count > remaining() / minimum_size) {
      FailAt("a count of " + std::to_string(count) + " does not fit in the catalog", at);
      return 0;
    }
    return count;
  }
  uint64_t ReadCount32() { return Read<uint32_t>(); }
  uint64_t ReadCount64() { return Read<uint64_t>(); }

  Attributes ReadAttributes() {
    Attributes attributes;
    const uint64_t count = ReadCount(&CatalogParser::ReadCount32, 8);
    for (uint64_t i = 0; i < count && !failed(); ++i) {
      std::string key = ReadString();
      std::string value = ReadString();
      attributes.emplace_back(std::move(key), std::move(value));
    }
    return attributes;
  }

 private:
  std::string_view bytes_;
  std::string path_;
  size_t position_ = 0;
  Status error_;
};

// The smallest encoded entry: fixed fields plus six empty strings and an empty xattr list.
constexpr size_t kMinimumEntrySize =
    4 + 4 + 1 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 8 + 8 + 4 + 8 + 4 + 4 + 4 + 4;
constexpr size_t kBlockLocationSize = 16;

void CheckBlockTable(CatalogParser& parser, const Catalog& catalog, const CatalogLayout& layout,
                     size_t table_position) {
  if (catalog.data_blocks.size() != layout.data_block_count) {
    parser.FailAt("the block table lists " + std::to_string(catalog.data_blocks.size()) +
                      " data blocks, the trailer " + std::to_string(layout.data_block_count),
                  table_position);
    return;
  }
  uint64_t expected_offset = layout.first_block_offset;
  uint64_t total = 0;
  for (size_t i = 0; i < catalog.data_blocks.size(); ++i) {
    const BlockLocation& block = catalog.data_blocks[i];
    const bool last = i + 1 == catalog.data_blocks.size();
    if (block.offset != expected_offset || block.plain_size == 0 ||
        block.plain_size > layout.block_size || (!last && block.plain_size != layout.block_size) ||
        block.payload_size > MaximumPayloadSize(layout.block_size)) {
      parser.FailAt(
          "data block " + std::to_string(i) + " is not where or what the block " + "table says",
          table_position + i * kBlockLocationSize);
      return;
    }
    expected_offset += kBlockHeaderSize + block.payload_size + kTagSize;
    total += block.plain_size;
  }
  if (expected_offset != layout.catalog_offset) {
    parser.FailAt("the data blocks do not end where the catalog starts", table_position);
  } else if (total != catalog.data_size) {
    parser.FailAt("the data blocks hold " + std::to_string(total) + " bytes, not the " +
                      std::to_string(catalog.data_size) + " of the data size",
                  table_position);
  }
}

void CheckEntries(CatalogParser& parser, const Catalog& catalog, bool content_in_files,
                  const std::vector<size_t>& entry_positions) {
  std::unordered_set<std::string> seen_paths;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // offset, entry index
  for (size_t i = 0; i < catalog.entries.size() && !parser.failed(); ++i) {
    const CatalogEntry& entry = catalog.entries[i];
    const size_t at = entry_positions[i];
    const std::string which = "entry " + std::to_string(i);
    if (entry.root >= catalog.roots.size()) {
      parser.FailAt(which + " names root " + std::to_string(entry.root) + " of " +
                        std::to_string(catalog.roots.size()),
                    at);
    } else if (!IsValidEntryPath(entry.path)) {
      parser.FailAt(which + " has an invalid path", at);
    } else if (!seen_paths.insert(std::to_string(entry.root) + '/' + entry.path).second) {
      parser.FailAt(which + " repeats the path '" + entry.path + "'", at);
    } else if (entry.type == EntryType::kFile && !content_in_files) {
      if (entry.data_offset > catalog.data_size ||
          entry.size > catalog.data_size - entry.data_offset) {
        parser.FailAt(which + " ('" + entry.path + "') has content outside the data stream", at);
      } else if (entry.size > 0) {
        ranges.emplace_back(entry.data_offset, i);
      }
    } else if (entry.type == EntryType::kHardLink) {
      if (entry.link_entry >= i || catalog.entries[entry.link_entry].type != EntryType::kFile) {
        parser.FailAt(which + " ('" + entry.path + "') is a hard link to no earlier file", at);
      }
    }
  }
  std::sort(ranges.begin(), ranges.end());
  uint64_t end = 0;
  for (const auto& [offset, index] : ranges) {
    if (parser.failed()) return;
    if (offset < end) {
      parser.FailAt("the content of entry " + std::to_string(index) + " overlaps another's",
                    entry_positions[index]);
    }
    end = offset + catalog.entries[index].size;
  }
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
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos) {
    return false;
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view component = path.substr(start, end - start);
    if (component.empty() || component == "." || component == "..") return false;
    start = end + 1;
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

Status CatalogBuilder::Check(const CatalogEntry& entry) const {
  const std::string which = "entry '" + entry.path + "'";
  if (entry.root >= catalog_.roots.size()) {
    return InvalidArgumentError(which + " names root " + std::to_string(entry.root) +
                                ", which was not added");
  }
  if (!IsValidEntryPath(entry.path)) {
    return InvalidArgumentError(which + " is not a relative path without '.' or '..'");
  }
  if (paths_.count(std::to_string(entry.root) + '/' + entry.path) != 0) {
    return InvalidArgumentError(which + " was already added");
  }
  if ((entry.mode & ~07777u) != 0 || entry.mtime_nanoseconds >= 1000000000u) {
    return InvalidArgumentError(which + " has an invalid mode or time");
  }
  if (entry.type == EntryType::kHardLink &&
      (entry.link_entry >= catalog_.entries.size() ||
       catalog_.entries[entry.link_entry].type != EntryType::kFile)) {
    return InvalidArgumentError(which + " is a hard link to no earlier file");
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

Result<Catalog> DecodeCatalog(std::string_view bytes, const CatalogLayout& layout,
                              const std::string& path) {
  CatalogParser parser(bytes, path);
  Catalog catalog;
  if (parser.ReadBytes(kCatalogMagic.size()) != kCatalogMagic && !parser.failed()) {
    parser.FailAt("no catalog magic", 0);
  }
  if (const uint32_t version = parser.Read<uint32_t>();
      !parser.failed() && version != kCatalogVersion) {
    parser.FailAt("unknown catalog version " + std::to_string(version), 4);
  }
  catalog.properties = parser.ReadAttributes();
  const uint64_t root_count = parser.ReadCount(&CatalogParser::ReadCount32, 12);
  for (uint64_t i = 0; i < root_count && !parser.failed(); ++i) {
    CatalogRoot root;
    root.name = parser.ReadString();
    root.directory = parser.ReadString();
    root.attributes = parser.ReadAttributes();
    if (!parser.failed() && !IsValidEntryPath(root.directory)) {
      parser.Fail("root " + std::to_string(i) + " has an invalid directory");
    }
    catalog.roots.push_back(std::move(root));
  }
  const uint64_t entry_count = parser.ReadCount(&CatalogParser::ReadCount64, kMinimumEntrySize);
  std::vector<size_t> entry_positions;
  catalog.entries.reserve(entry_count);
  entry_positions.reserve(entry_count);
  for (uint64_t i = 0; i < entry_count && !parser.failed(); ++i) {
    entry_positions.push_back(parser.position());
    CatalogEntry entry;
    entry.root = parser.Read<uint32_t>();
    entry.path = parser.ReadString();
    const auto type = parser.Read<uint8_t>();
    if (!parser.failed() && (type < 1 || type > 4)) {
      parser.Fail("entry " + std::to_string(i) + " has unknown type " + std::to_string(type));
    }
    entry.type = static_cast<EntryType>(type);
    entry.mode = parser.Read<uint32_t>();
    entry.uid = parser.Read<uint32_t>();
    entry.gid = parser.Read<uint32_t>();
    entry.owner = parser.ReadString();
    entry.group = parser.ReadString();
    entry.mtime_seconds = static_cast<int64_t>(parser.Read<uint64_t>());
    entry.mtime_nanoseconds = parser.Read<uint32_t>();
    entry.size = parser.Read<uint64_t>();
    entry.data_offset = parser.Read<uint64_t>();
    entry.symlink_target = parser.ReadString();
    entry.link_entry = parser.Read<uint64_t>();
    const uint64_t attribute_count = parser.ReadCount(&CatalogParser::ReadCount32, 8);
    for (uint64_t a = 0; a < attribute_count && !parser.failed(); ++a) {
      ExtendedAttribute attribute;
      attribute.name = parser.ReadString();
      attribute.value = parser.ReadString();
      entry.extended_attributes.push_back(std::move(attribute));
    }
    entry.access_acl = parser.ReadString();
    entry.default_acl = parser.ReadString();
    if (parser.Read<uint32_t>() != 0 && !parser.failed()) {
      parser.Fail("entry " + std::to_string(i) + " has unknown flags");
    }
    if (!parser.failed() && (entry.mode & ~07777u) != 0) {
      parser.Fail("entry " + std::to_string(i) + " has mode bits beyond 07777");
    }
    if (!parser.failed() && entry.mtime_nanoseconds >= 1000000000u) {
      parser.Fail("entry " + std::to_string(i) + " has a nanosecond field over a second");
    }
    catalog.entries.push_back(std::move(entry));
  }
  const size_t table_position = parser.position();
  const uint64_t block_count = parser.ReadCount(&CatalogParser::ReadCount64, kBlockLocationSize);
  catalog.data_blocks.reserve(block_count);
  for (uint64_t i = 0; i < block_count && !parser.failed(); ++i) {
    BlockLocation block;
    block.offset = parser.Read<uint64_t>();
    block.payload_size = parser.Read<uint32_t>();
    block.plain_size = parser.Read<uint32_t>();
    catalog.data_blocks.push_back(block);
  }
  catalog.data_size = parser.Read<uint64_t>();
  if (parser.ReadBytes(kCatalogEndMagic.size()) != kCatalogEndMagic && !parser.failed()) {
    parser.Fail("no end magic");
  }
  if (!parser.failed() && parser.remaining() != 0) parser.Fail("bytes follow the end magic");
  if (!parser.failed()) CheckBlockTable(parser, catalog, layout, table_position);
  if (!parser.failed() && layout.content_in_files && catalog.data_size != 0) {
    parser.FailAt("a directory store's catalog has a data stream", table_position);
  }
  if (!parser.failed()) {
    CheckEntries(parser, catalog, layout.content_in_files, entry_positions);
  }
  if (parser.failed()) return parser.error();
  return catalog;
}

}  // namespace tseq::archive
