#include "archive/catalog.h"

#include <random>

#include <doctest/doctest.h>

#include "archive/archive_test_support.h"
#include "archive/store_format.h"

namespace tseq::archive {
namespace {

using testing::DirectoryEntry;
using testing::FileEntry;

constexpr char kPath[] = "/stores/USMT/catalog";

// A catalog of a store with two roots and no data stream (block table and data size come later).
Catalog TwoRoots() {
  Catalog catalog;
  catalog.properties = {{"program", "tseq"}};
  catalog.roots.push_back({.name = "PC\\alice", .directory = "home/alice", .attributes = {}});
  catalog.roots.push_back({.name = "PC\\bob", .directory = "home/bob", .attributes = {}});
  return catalog;
}

CatalogEntry File(const std::string& path, uint64_t offset, uint64_t size) {
  CatalogEntry entry = FileEntry(path);
  entry.data_offset = offset;
  entry.size = size;
  return entry;
}

CatalogEntry HardLink(const std::string& path, uint64_t target) {
  CatalogEntry entry = FileEntry(path);
  entry.type = EntryType::kHardLink;
  entry.link_entry = target;
  return entry;
}

// Gives the catalog a data stream of `data_size` bytes in blocks of kMinimumBlockSize that
// start at the header's end, and returns the layout that goes with it.
CatalogLayout WithDataStream(Catalog& catalog, uint64_t data_size) {
  catalog.data_size = data_size;
  catalog.data_blocks.clear();
  uint64_t offset = kHeaderSize;
  for (uint64_t at = 0; at < data_size; at += kMinimumBlockSize) {
    const auto plain = static_cast<uint32_t>(std::min<uint64_t>(kMinimumBlockSize, data_size - at));
    catalog.data_blocks.push_back({.offset = offset, .payload_size = plain, .plain_size = plain});
    offset += kBlockHeaderSize + plain + kTagSize;
  }
  return {.block_size = kMinimumBlockSize,
          .first_block_offset = kHeaderSize,
          .catalog_offset = offset,
          .data_block_count = catalog.data_blocks.size(),
          .content_in_files = false};
}

// The catalog byte where entry `index` starts: what precedes it, encoded.
size_t EntryPosition(const Catalog& catalog, size_t index) {
  Catalog prefix = catalog;
  prefix.entries.resize(index);
  prefix.data_blocks.clear();
  // Less the empty block table (count), the data size and the end magic.
  return EncodeCatalog(prefix).size() - 8 - 8 - 4;
}

std::string Damaged(const std::string& rule, size_t position) {
  return std::string(kPath) + ": the catalog is damaged: " + rule + " (at catalog byte " +
         std::to_string(position) + ")";
}

// What decoding gives: the message of the error, or "ok".
std::string Decode(const Catalog& catalog, const CatalogLayout& layout) {
  Result<Catalog> decoded = DecodeCatalog(EncodeCatalog(catalog), layout, kPath);
  return decoded.ok() ? "ok" : decoded.status().message();
}

// The rule as written in docs/store-format.md, one component at a time.
bool ReferenceIsValidEntryPath(std::string_view path) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (true) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view component = path.substr(start, end - start);
    if (component.empty() || component == "." || component == "..") return false;
    if (end == path.size()) return true;
    start = end + 1;
  }
}

TEST_SUITE("DecodeCatalog") {
  TEST_CASE("a catalog decodes to what was encoded") {
    Catalog catalog = TwoRoots();
    catalog.roots[1].attributes = {{"uid", "1001"}};
    catalog.entries.push_back(DirectoryEntry("docs"));
    catalog.entries.push_back(File("docs/a.txt", 0, 10));
    catalog.entries.back().extended_attributes = {{"user.tag", "blue"}, {"user.empty", ""}};
    catalog.entries.back().access_acl = "user::rw-,user:bob:r--,group::r--,mask::r--,other::---";
    catalog.entries.push_back(HardLink("docs/b.txt", 1));
    catalog.entries.push_back(File("docs/a.txt", 10, 0));
    catalog.entries.back().root = 1;
    const CatalogLayout layout = WithDataStream(catalog, 12);
    Result<Catalog> decoded = DecodeCatalog(EncodeCatalog(catalog), layout, kPath);
    REQUIRE(decoded.ok());
    CHECK(decoded->properties == catalog.properties);
    CHECK(decoded->roots[1].attributes == catalog.roots[1].attributes);
    CHECK(decoded->entries == catalog.entries);
    CHECK(decoded->data_blocks == catalog.data_blocks);
    CHECK(decoded->data_size == 12);
  }

  TEST_CASE("each rule about entries is reported with the entry and where it starts") {
    Catalog catalog = TwoRoots();
    catalog.entries.push_back(DirectoryEntry("docs"));
    catalog.entries.push_back(File("docs/a", 0, 100));
    catalog.entries.push_back(File("docs/b", 100, 50));
    const CatalogLayout layout = WithDataStream(catalog, 200);
    REQUIRE(Decode(catalog, layout) == "ok");

    SUBCASE("a root that does not exist") {
      catalog.entries[2].root = 2;
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 2 names root 2 of 2", EntryPosition(catalog, 2)));
    }
    SUBCASE("an invalid path") {
      catalog.entries[1].path = "docs/../etc";
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 1 has an invalid path", EntryPosition(catalog, 1)));
    }
    SUBCASE("a path used twice in one root, but not across roots") {
      catalog.entries.push_back(File("docs/a", 150, 10));
      catalog.entries.back().root = 1;
      CHECK(Decode(catalog, layout) == "ok");
      catalog.entries.back().root = 0;
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 3 repeats the path 'docs/a'", EntryPosition(catalog, 3)));
    }
    SUBCASE("content beyond the data stream") {
      catalog.entries[2].size = 101;
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 2 ('docs/b') has content outside the data stream",
                    EntryPosition(catalog, 2)));
    }
    SUBCASE("content that overlaps another file's, in either order") {
      catalog.entries[2].data_offset = 99;
      CHECK(Decode(catalog, layout) ==
            Damaged("the content of entry 2 overlaps another's", EntryPosition(catalog, 2)));
      catalog.entries[2].data_offset = 0;
      catalog.entries[1].data_offset = 49;
      CHECK(Decode(catalog, layout) ==
            Damaged("the content of entry 1 overlaps another's", EntryPosition(catalog, 1)));
    }
    SUBCASE("content in any order, with gaps and empty files, is fine") {
      std::swap(catalog.entries[1].data_offset, catalog.entries[2].data_offset);
      catalog.entries[1].data_offset = 60;
      catalog.entries.push_back(File("docs/empty", 10, 0));
      CHECK(Decode(catalog, layout) == "ok");
    }
    SUBCASE("a hard link to a later entry, to itself or to a directory") {
      for (const uint64_t target : {uint64_t{4}, uint64_t{3}, uint64_t{0}}) {
        CAPTURE(target);
        catalog.entries.push_back(HardLink("docs/link", target));
        CHECK(Decode(catalog, layout) ==
              Damaged("entry 3 ('docs/link') is a hard link to no earlier file",
                      EntryPosition(catalog, 3)));
        catalog.entries.pop_back();
      }
    }
    SUBCASE("a directory store's files need no data stream") {
      catalog.entries[2].data_offset = 5000;
      CHECK(Decode(catalog, layout) != "ok");
      Catalog directory_store = catalog;
      CatalogLayout directory_layout = WithDataStream(directory_store, 0);
      directory_layout.content_in_files = true;
      CHECK(Decode(directory_store, directory_layout) == "ok");
    }
  }

  TEST_CASE("a field that breaks a rule is reported where the decoder finds it") {
    Catalog catalog = TwoRoots();
    catalog.entries.push_back(DirectoryEntry("docs"));
    catalog.entries.push_back(File("docs/a", 0, 10));
    catalog.entries.push_back(File("docs/b", 10, 10));
    const CatalogLayout layout = WithDataStream(catalog, 20);
    const size_t start = EntryPosition(catalog, 1);
    const size_t end = EntryPosition(catalog, 2);

    SUBCASE("an unknown type, right after it") {
      catalog.entries[1].type = static_cast<EntryType>(7);
      CHECK(Decode(catalog, layout) == Damaged("entry 1 has unknown type 7",
                                               start + 4 + 4 + std::string("docs/a").size() + 1));
    }
    SUBCASE("mode bits and nanoseconds, at the end of the entry") {
      catalog.entries[1].mode = 017777;
      CHECK(Decode(catalog, layout) == Damaged("entry 1 has mode bits beyond 07777", end));
      catalog.entries[1].mode = 0644;
      catalog.entries[1].mtime_nanoseconds = 1000000000;
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 1 has a nanosecond field over a second", end));
    }
    SUBCASE("flags") {
      std::string bytes = EncodeCatalog(catalog);
      bytes[end - 4] = 1;
      Result<Catalog> decoded = DecodeCatalog(bytes, layout, kPath);
      REQUIRE(!decoded.ok());
      CHECK(decoded.status().message() == Damaged("entry 1 has unknown flags", end));
    }
    SUBCASE("a string longer than the rest of the catalog") {
      std::string bytes = EncodeCatalog(catalog);
      bytes[start + 4 + 3] = 0x7f;  // the top byte of the path's length
      Result<Catalog> decoded = DecodeCatalog(bytes, layout, kPath);
      REQUIRE(!decoded.ok());
      CHECK(decoded.status().message() == Damaged("it ends early", start + 8));
    }
  }

  TEST_CASE("the first entry that breaks a rule is reported, whichever rule it breaks") {
    Catalog catalog = TwoRoots();
    for (uint64_t i = 0; i < 8; ++i) {
      catalog.entries.push_back(File("f" + std::to_string(i), 10 * i, 10));
    }
    const CatalogLayout layout = WithDataStream(catalog, 80);
    const auto position = [&](size_t index) { return EntryPosition(catalog, index); };

    SUBCASE("a repeated path before a bad root") {
      catalog.entries[6].root = 9;
      catalog.entries[5].path = "f1";
      CHECK(Decode(catalog, layout) == Damaged("entry 5 repeats the path 'f1'", position(5)));
    }
    SUBCASE("a bad hard link before a repeated path") {
      catalog.entries[3] = HardLink("f3", 7);
      catalog.entries[5].path = "f1";
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 3 ('f3') is a hard link to no earlier file", position(3)));
    }
    SUBCASE("an entry that repeats a path and is a bad hard link: the path comes first") {
      catalog.entries[3] = HardLink("f1", 7);
      CHECK(Decode(catalog, layout) == Damaged("entry 3 repeats the path 'f1'", position(3)));
    }
    SUBCASE("content outside the stream before a repeated path and a bad path") {
      catalog.entries[2].data_offset = 81;
      catalog.entries[4].path = "f0";
      catalog.entries[6].path = "/f6";
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 2 ('f2') has content outside the data stream", position(2)));
    }
    SUBCASE("a repeated path before content outside the stream") {
      catalog.entries[2].path = "f0";
      catalog.entries[4].data_offset = 81;
      CHECK(Decode(catalog, layout) == Damaged("entry 2 repeats the path 'f0'", position(2)));
    }
    SUBCASE("any entry's rule before overlapping content") {
      catalog.entries[1].data_offset = 5;
      catalog.entries[7] = HardLink("f7", 7);
      CHECK(Decode(catalog, layout) ==
            Damaged("entry 7 ('f7') is a hard link to no earlier file", position(7)));
    }
    SUBCASE("a damaged block table before any entry's rule") {
      catalog.entries[1].root = 5;
      catalog.data_blocks[0].offset += 1;
      CHECK(Decode(catalog, layout) ==
            Damaged("data block 0 is not where or what the block table says",
                    EncodeCatalog(catalog).size() - 4 - 8 - 16 - 8));
    }
  }

  TEST_CASE("a catalog in pieces decodes as the whole, wherever it is cut") {
    Catalog catalog = TwoRoots();
    for (uint64_t i = 0; i < 300; ++i) {
      catalog.entries.push_back(File("docs/" + std::to_string(i) + "/a-long-name", 3 * i, 3));
      if (i % 7 == 0) catalog.entries.back().extended_attributes = {{"user.x", "value"}};
    }
    const CatalogLayout layout = WithDataStream(catalog, 900);
    const std::string good = EncodeCatalog(catalog);
    catalog.entries[250].path = "docs/3/a-long-name";
    const std::string repeated = EncodeCatalog(catalog);
    std::mt19937 random(7);
    for (const std::string& bytes : {good, repeated, good.substr(0, good.size() - 1)}) {
      Result<Catalog> whole = DecodeCatalog(bytes, layout, kPath);
      for (const size_t largest_piece : {size_t{1}, size_t{3}, size_t{100}, bytes.size()}) {
        CAPTURE(largest_piece);
        std::vector<std::string> pieces;
        for (size_t at = 0; at < bytes.size();) {
          const size_t size = std::min(bytes.size() - at, 1 + random() % largest_piece);
          pieces.push_back(bytes.substr(at, size));
          at += size;
        }
        size_t next = 0;
        std::string current;  // each piece must only live until the next is asked for
        const CatalogPieces source = [&]() -> std::string_view {
          current = next < pieces.size() ? pieces[next++] : "";
          return current;
        };
        Result<Catalog> in_pieces = DecodeCatalog(bytes.size(), source, layout, kPath);
        REQUIRE(in_pieces.ok() == whole.ok());
        if (whole.ok()) {
          CHECK(in_pieces->entries == whole->entries);
        } else {
          CHECK(in_pieces.status().message() == whole.status().message());
        }
      }
    }
  }

  TEST_CASE("pieces that stop before the catalog's size fail the decode") {
    Catalog catalog = TwoRoots();
    catalog.entries.push_back(DirectoryEntry("docs"));
    const std::string bytes = EncodeCatalog(catalog);
    bool given = false;
    const CatalogPieces source = [&]() -> std::string_view {
      if (given) return {};
      given = true;
      return std::string_view(bytes).substr(0, 30);
    };
    Result<Catalog> decoded = DecodeCatalog(bytes.size(), source, {}, kPath);
    REQUIRE(!decoded.ok());
    CHECK(decoded.status().code() == StatusCode::kCorruption);
    CHECK(decoded.status().message().find("it ends early") != std::string::npos);
  }
}

TEST_SUITE("IsValidEntryPath") {
  TEST_CASE("agrees with the rule on every path of up to nine bytes of 'a', '.', '/' and NUL") {
    const char alphabet[] = {'a', '.', '/', '\0'};
    for (size_t length = 0; length <= 9; ++length) {
      size_t combinations = 1;
      for (size_t i = 0; i < length; ++i) combinations *= 4;
      for (size_t code = 0; code < combinations; ++code) {
        std::string path;
        for (size_t rest = code, i = 0; i < length; ++i, rest /= 4) path += alphabet[rest % 4];
        CAPTURE(path);
        REQUIRE(IsValidEntryPath(path) == ReferenceIsValidEntryPath(path));
      }
    }
  }

  TEST_CASE("checks long paths through to the end") {
    const std::string long_name(40, 'x');
    const std::string good = "home/" + long_name + "/..." + "/.config/" + long_name;
    CHECK(IsValidEntryPath(good));
    CHECK_FALSE(IsValidEntryPath(good + "/.."));
    CHECK_FALSE(IsValidEntryPath(good + "/"));
    CHECK_FALSE(IsValidEntryPath(good + "//x"));
    CHECK_FALSE(IsValidEntryPath("/" + good));
    std::string with_nul = good;
    with_nul[37] = '\0';
    CHECK_FALSE(IsValidEntryPath(with_nul));
    CHECK_FALSE(IsValidEntryPath(good.substr(0, 20) + "/./" + good));
  }
}

}  // namespace
}  // namespace tseq::archive
