// Catalog: what a store holds — its roots (the users, to the layers above; opaque names here),
// every entry with its metadata, and where the data blocks are. Encoded as in
// docs/store-format.md ("Catalog"); DecodeCatalog checks every rule listed there, so code that
// reads a decoded catalog can trust its indexes and ranges.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tseq::archive {

enum class EntryType : uint8_t { kFile = 1, kDirectory = 2, kSymlink = 3, kHardLink = 4 };

// "file", "directory", "symlink", "hard link".
const char* EntryTypeName(EntryType type);

using Attributes = std::vector<std::pair<std::string, std::string>>;

struct CatalogRoot {
  std::string name;       // e.g. "PC02\alice"; not interpreted by archive/
  std::string directory;  // relative directory for directory stores and extraction: "home/alice"
  Attributes attributes;  // free-form, for the layers above (uid, home, last logon, ...)
};

struct ExtendedAttribute {
  std::string name;
  std::string value;
  bool operator==(const ExtendedAttribute&) const = default;
};

struct CatalogEntry {
  uint32_t root = 0;
  std::string path;  // relative to the root, "/"-separated
  EntryType type = EntryType::kFile;
  uint32_t mode = 0;  // permission bits, 07777
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string owner;  // names: restores map owners by name
  std::string group;
  int64_t mtime_seconds = 0;
  uint32_t mtime_nanoseconds = 0;
  uint64_t size = 0;         // regular files
  uint64_t data_offset = 0;  // regular files: where the content starts in the data stream
  std::string symlink_target;
  uint64_t link_entry = 0;  // hard links: index of the earlier regular file
  std::vector<ExtendedAttribute> extended_attributes;
  std::string access_acl;   // text form, empty when the mode bits say it all
  std::string default_acl;  // directories
  bool operator==(const CatalogEntry&) const = default;
};

struct BlockLocation {
  uint64_t offset = 0;        // where the block starts in the store file
  uint32_t payload_size = 0;  // its payload (the block is 24 + payload + 16 bytes)
  uint32_t plain_size = 0;
  bool operator==(const BlockLocation&) const = default;
};

struct Catalog {
  Attributes properties;  // program, version, host, command line, time
  std::vector<CatalogRoot> roots;
  std::vector<CatalogEntry> entries;
  std::vector<BlockLocation> data_blocks;
  uint64_t data_size = 0;
};

std::string EncodeCatalog(const Catalog& catalog);

// What DecodeCatalog checks the block table against.
struct CatalogLayout {
  uint32_t block_size = 0;
  uint64_t first_block_offset = 0;  // the header's size
  uint64_t catalog_offset = 0;      // from the trailer: where the data blocks must end
  uint64_t data_block_count = 0;    // from the trailer
  // Directory stores keep content in files beside the catalog: no data stream, so file entries'
  // sizes are not checked against it (data size and data blocks must be zero).
  bool content_in_files = false;
};

// Parses and checks an encoded catalog. Corruption "PATH: the catalog is damaged: RULE (at
// catalog byte N)" on any violation of docs/store-format.md's rules.
Result<Catalog> DecodeCatalog(std::string_view bytes, const CatalogLayout& layout,
                              const std::string& path);

// Gives the bytes of an encoded catalog in order, piece by piece: each call returns the next
// piece, which must stay valid until the next call, or an empty view when there are no more.
using CatalogPieces = std::function<std::string_view()>;

// How DecodeCatalog goes about its work; the result is the same either way.
struct CatalogDecodeOptions {
  // The entries of a large catalog fill many pages of fresh memory, each of which the kernel
  // must map and zero when it is first written. With this set, a helper thread has them mapped
  // ahead of the decoder (Linux 5.14 and later; elsewhere nothing happens). For a machine with
  // a core to spare.
  bool map_memory_ahead = false;
};

// DecodeCatalog for a catalog of `size` bytes that arrives in pieces, e.g. block by block while
// later blocks are still being decoded; the same result and errors as for the concatenated
// pieces. Asks for no piece beyond `size` bytes; the part of a piece beyond them is ignored.
// Pieces that end before `size` bytes fail the decode, as a catalog that ends early.
Result<Catalog> DecodeCatalog(size_t size, const CatalogPieces& next_piece,
                              const CatalogLayout& layout, const std::string& path,
                              CatalogDecodeOptions options = {});

// Builds a catalog entry by entry, refusing what a reader would reject. Both store writers use it.
class CatalogBuilder {
 public:
  // InvalidArgument when the root's directory is not a valid relative path.
  Result<uint32_t> AddRoot(CatalogRoot root);
  // InvalidArgument "entry 'PATH' ..." for an unknown root, an invalid or repeated path, mode
  // bits beyond 07777, nanoseconds over a second, or a hard link to no earlier regular file.
  Status Check(const CatalogEntry& entry) const;
  // The part of Check that reads only the roots (not the entries): an unknown root, an invalid
  // path. Safe to call while another thread calls Add.
  Status CheckRootAndPath(const CatalogEntry& entry) const;
  // Appends an entry that passed Check and returns its index.
  uint64_t Add(CatalogEntry entry);

  Catalog& catalog() { return catalog_; }
  const Catalog& catalog() const { return catalog_; }

 private:
  Catalog catalog_;
  std::unordered_set<std::string> paths_;  // "ROOT/PATH" of every entry
};

// Whether `path` is an acceptable entry path: non-empty, relative, no empty, "." or ".."
// components, no NUL. Writers check it too.
bool IsValidEntryPath(std::string_view path);

}  // namespace tseq::archive
