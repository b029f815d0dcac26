// DecodeCatalog (archive/catalog.h): parses an encoded catalog and checks the rules of
// docs/store-format.md ("Catalog").
//
// Opening a store decodes its whole catalog, hundreds of thousands of entries for a large one, so
// the decoder makes one pass over the bytes, which may arrive in pieces while later pieces are
// still being decrypted, builds each entry in place and checks it while it is in the cache
// (EntryChecker, catalog_checker.h). Problems with entries are held back until the catalog and
// its block table have been decoded and checked, so the problem reported, and its message, are
// those of checking everything after decoding, in the order of the specification.
#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>

#include <sys/mman.h>
#include <unistd.h>

#include "archive/catalog.h"
#include "archive/catalog_checker.h"
#include "archive/catalog_parser.h"
#include "archive/store_format.h"

namespace tseq::archive {
namespace {

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

constexpr size_t kMinimumMappedSize = 8 * 1024 * 1024;  // below, a thread costs more
constexpr uintptr_t kMappingChunkSize = 256 * 1024;

// Has the kernel map the pages of [begin, begin + size) on a helper thread, a chunk at a time,
// until done or destroyed. MADV_POPULATE_WRITE maps writable zeroed pages (or leaves a page that
// is already mapped alone) without writing to memory, so it cannot race with the owner of the
// memory filling it meanwhile. Failures (kernels before 5.14) only mean the pages get mapped when
// first written.
class MemoryMapper {
 public:
  MemoryMapper(const void* begin, size_t size) {
#ifdef MADV_POPULATE_WRITE
    const long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return;
    const auto page = static_cast<uintptr_t>(page_size);
    const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(begin) + size) & ~(page - 1);
    if (end <= first || end - first < kMinimumMappedSize) return;
    try {
      thread_ = std::thread([this, first, end] {
        for (uintptr_t at = first; at < end && !stop_.load(std::memory_order_relaxed);
             at += kMappingChunkSize) {
          if (madvise(reinterpret_cast<void*>(at), std::min<uintptr_t>(kMappingChunkSize, end - at),
                      MADV_POPULATE_WRITE) != 0) {
            return;
          }
        }
      });
    } catch (const std::system_error&) {
      // No thread to spare: the pages get mapped as they are written.
    }
#endif
  }
  ~MemoryMapper() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  MemoryMapper(const MemoryMapper&) = delete;
  MemoryMapper& operator=(const MemoryMapper&) = delete;

 private:
  std::atomic<bool> stop_ = false;
  std::thread thread_;
};

// Decodes the entry at the start of `bytes` when it is there whole, has no extended attributes
// and breaks none of the rules checked while decoding: the common case, without ReadEntry's
// check before each field. Returns its size, or 0 to leave it to ReadEntry (which overwrites
// whatever was set here).
size_t ReadEntryAtOnce(std::string_view bytes, CatalogEntry& entry) {
  const char* data = bytes.data();
  size_t at = 0;
  const auto fits = [&](uint64_t count) { return bytes.size() - at >= count; };
  const auto string_at = [&](size_t start, uint32_t size) {
    return std::string_view(data + start, size);
  };
  if (!fits(8)) return 0;
  const auto root = LoadUnsigned<uint32_t>(data);
  const auto path_size = LoadUnsigned<uint32_t>(data + 4);
  at = 8;
  if (!fits(uint64_t{path_size} + 1 + 12 + 4)) return 0;
  const size_t path_at = at;
  at += path_size;
  const auto type = static_cast<uint8_t>(data[at]);
  const auto mode = LoadUnsigned<uint32_t>(data + at + 1);
  const auto uid = LoadUnsigned<uint32_t>(data + at + 5);
  const auto gid = LoadUnsigned<uint32_t>(data + at + 9);
  const auto owner_size = LoadUnsigned<uint32_t>(data + at + 13);
  at += 17;
  if (!fits(uint64_t{owner_size} + 4)) return 0;
  const size_t owner_at = at;
  at += owner_size;
  const auto group_size = LoadUnsigned<uint32_t>(data + at);
  at += 4;
  if (!fits(uint64_t{group_size} + 28 + 4)) return 0;
  const size_t group_at = at;
  at += group_size;
  const auto mtime_seconds = LoadUnsigned<uint64_t>(data + at);
  const auto mtime_nanoseconds = LoadUnsigned<uint32_t>(data + at + 8);
  const auto size = LoadUnsigned<uint64_t>(data + at + 12);
  const auto data_offset = LoadUnsigned<uint64_t>(data + at + 20);
  const auto symlink_size = LoadUnsigned<uint32_t>(data + at + 28);
  at += 32;
  if (!fits(uint64_t{symlink_size} + 8 + 4 + 4)) return 0;
  const size_t symlink_at = at;
  at += symlink_size;
  const auto link_entry = LoadUnsigned<uint64_t>(data + at);
  const auto attribute_count = LoadUnsigned<uint32_t>(data + at + 8);
  const auto access_acl_size = LoadUnsigned<uint32_t>(data + at + 12);
  at += 16;
  if (attribute_count != 0 || !fits(uint64_t{access_acl_size} + 4)) return 0;
  const size_t access_acl_at = at;
  at += access_acl_size;
  const auto default_acl_size = LoadUnsigned<uint32_t>(data + at);
  at += 4;
  if (!fits(uint64_t{default_acl_size} + 4)) return 0;
  const size_t default_acl_at = at;
  at += default_acl_size;
  const auto flags = LoadUnsigned<uint32_t>(data + at);
  at += 4;
  if (type < 1 || type > 4 || flags != 0 || (mode & ~07777u) != 0 ||
      mtime_nanoseconds >= 1000000000u) {
    return 0;
  }
  entry.root = root;
  entry.path.assign(string_at(path_at, path_size));
  entry.type = static_cast<EntryType>(type);
  entry.mode = mode;
  entry.uid = uid;
  entry.gid = gid;
  entry.owner.assign(string_at(owner_at, owner_size));
  entry.group.assign(string_at(group_at, group_size));
  entry.mtime_seconds = static_cast<int64_t>(mtime_seconds);
  entry.mtime_nanoseconds = mtime_nanoseconds;
  entry.size = size;
  entry.data_offset = data_offset;
  entry.symlink_target.assign(string_at(symlink_at, symlink_size));
  entry.link_entry = link_entry;
  entry.access_acl.assign(string_at(access_acl_at, access_acl_size));
  entry.default_acl.assign(string_at(default_acl_at, default_acl_size));
  return at;
}

void ReadEntry(CatalogParser& parser, uint64_t index, CatalogEntry& entry) {
  if (const size_t size = ReadEntryAtOnce(parser.Ahead(), entry); size != 0) {
    parser.Skip(size);
    return;
  }
  entry.root = parser.Read<uint32_t>();
  parser.ReadString(entry.path);
  const auto type = parser.Read<uint8_t>();
  if (!parser.failed() && (type < 1 || type > 4)) {
    parser.Fail("entry " + std::to_string(index) + " has unknown type " + std::to_string(type));
  }
  entry.type = static_cast<EntryType>(type);
  entry.mode = parser.Read<uint32_t>();
  entry.uid = parser.Read<uint32_t>();
  entry.gid = parser.Read<uint32_t>();
  parser.ReadString(entry.owner);
  parser.ReadString(entry.group);
  entry.mtime_seconds = static_cast<int64_t>(parser.Read<uint64_t>());
  entry.mtime_nanoseconds = parser.Read<uint32_t>();
  entry.size = parser.Read<uint64_t>();
  entry.data_offset = parser.Read<uint64_t>();
  parser.ReadString(entry.symlink_target);
  entry.link_entry = parser.Read<uint64_t>();
  const uint64_t attribute_count = parser.ReadCount(&CatalogParser::ReadCount32, 8);
  if (attribute_count != 0) entry.extended_attributes.reserve(attribute_count);
  for (uint64_t i = 0; i < attribute_count && !parser.failed(); ++i) {
    ExtendedAttribute& attribute = entry.extended_attributes.emplace_back();
    parser.ReadString(attribute.name);
    parser.ReadString(attribute.value);
  }
  parser.ReadString(entry.access_acl);
  parser.ReadString(entry.default_acl);
  if (parser.Read<uint32_t>() != 0 && !parser.failed()) {
    parser.Fail("entry " + std::to_string(index) + " has unknown flags");
  }
  if (!parser.failed() && (entry.mode & ~07777u) != 0) {
    parser.Fail("entry " + std::to_string(index) + " has mode bits beyond 07777");
  }
  if (!parser.failed() && entry.mtime_nanoseconds >= 1000000000u) {
    parser.Fail("entry " + std::to_string(index) + " has a nanosecond field over a second");
  }
}

}  // namespace

Result<Catalog> DecodeCatalog(size_t size, const CatalogPieces& next_piece,
                              const CatalogLayout& layout, const std::string& path,
                              CatalogDecodeOptions options) {
  CatalogParser parser(size, next_piece, path);
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
    CatalogRoot& root = catalog.roots.emplace_back();
    parser.ReadString(root.name);
    parser.ReadString(root.directory);
    root.attributes = parser.ReadAttributes();
    if (!parser.failed() && !IsValidEntryPath(root.directory)) {
      parser.Fail("root " + std::to_string(i) + " has an invalid directory");
    }
  }
  const uint64_t entry_count = parser.ReadCount(&CatalogParser::ReadCount64, kMinimumEntrySize);
  const size_t entries_position = parser.position();
  EntryChecker checker(catalog.entries, entry_count, catalog.roots.size(), layout.content_in_files);
  catalog.entries.reserve(entry_count);
  {
    std::optional<MemoryMapper> mapper;
    if (options.map_memory_ahead) {
      mapper.emplace(catalog.entries.data(), entry_count * sizeof(CatalogEntry));
    }
    for (uint64_t i = 0; i < entry_count && !parser.failed(); ++i) {
      // Decoded in place: moving a finished entry into the vector would cost as much again.
      ReadEntry(parser, i, catalog.entries.emplace_back());
      if (!parser.failed()) checker.Add(i);
    }
  }
  const size_t table_position = parser.position();
  const uint64_t block_count = parser.ReadCount(&CatalogParser::ReadCount64, kBlockLocationSize);
  catalog.data_blocks.reserve(block_count);
  for (uint64_t i = 0; i < block_count && !parser.failed(); ++i) {
    BlockLocation& block = catalog.data_blocks.emplace_back();
    block.offset = parser.Read<uint64_t>();
    block.payload_size = parser.Read<uint32_t>();
    block.plain_size = parser.Read<uint32_t>();
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
    if (const auto problem = checker.Finish(catalog.data_size, entries_position)) {
      parser.FailAt(problem->rule, problem->position);
    }
  }
  if (parser.failed()) return parser.error();
  return catalog;
}

Result<Catalog> DecodeCatalog(std::string_view bytes, const CatalogLayout& layout,
                              const std::string& path) {
  bool given = false;
  const CatalogPieces whole = [&]() -> std::string_view {
    if (given) return {};
    given = true;
    return bytes;
  };
  return DecodeCatalog(bytes.size(), whole, layout, path);
}

}  // namespace tseq::archive
