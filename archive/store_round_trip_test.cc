#include <doctest/doctest.h>

#include "archive/archive_test_support.h"

namespace tseq::archive {
namespace {

using testing::BuildStore;
using testing::OpenString;
using testing::RandomBytes;
using testing::ReadAll;
using testing::SampleContent;

TEST_SUITE("StoreWriter and StoreReader") {
  TEST_CASE("files of every size come back byte for byte, with their metadata") {
    const std::vector<testing::SampleFile> files = {
        {"docs/empty.txt", ""},
        {"docs/small.txt", "hello"},
        {"docs/one-block.bin", SampleContent(kMinimumBlockSize, 1)},
        {"docs/spanning.bin", SampleContent(3 * kMinimumBlockSize + 17, 2)},
        {"docs/after.txt", SampleContent(1000, 3)},
    };
    const std::string store = BuildStore(files);
    auto reader = OpenString(store);
    REQUIRE(reader.ok());
    const Catalog& catalog = (*reader)->catalog();
    REQUIRE(catalog.roots.size() == 1);
    CHECK(catalog.roots[0].name == "PC\\alice");
    REQUIRE(catalog.entries.size() == files.size() + 1);
    CHECK(catalog.entries[0].type == EntryType::kDirectory);
    for (size_t i = 0; i < files.size(); ++i) {
      CAPTURE(files[i].path);
      const CatalogEntry& entry = catalog.entries[i + 1];
      CHECK(entry.path == files[i].path);
      CHECK(entry.size == files[i].content.size());
      CHECK(entry.owner == "alice");
      CHECK(entry.mtime_nanoseconds == 123456789);
      CHECK(ReadAll(**reader, i + 1) == files[i].content);
    }
  }

  TEST_CASE("an unencrypted, uncompressed store round-trips and needs no key") {
    StoreWriterOptions options = testing::FastOptions();
    options.encryption = Encryption::kNone;
    options.compression = Compression::kNone;
    const std::string content = SampleContent(200000, 4);
    const std::string store = BuildStore({{"docs/a", content}}, options, "");
    auto reader = OpenString(store, "");
    REQUIRE(reader.ok());
    CHECK(ReadAll(**reader, 1) == content);
    CHECK(store.find(content.substr(0, 1000)) != std::string::npos);
  }

  TEST_CASE("encrypted stores do not contain the plaintext") {
    const std::string content(100000, 'z');
    StoreWriterOptions options = testing::FastOptions();
    options.compression = Compression::kNone;
    const std::string store = BuildStore({{"docs/a", content}}, options);
    CHECK(store.find(std::string(64, 'z')) == std::string::npos);
    CHECK(store.find("docs/a") == std::string::npos);
  }

  TEST_CASE("a wrong or missing key is reported as such") {
    const std::string store = BuildStore({{"docs/a", "secret"}});
    auto wrong = OpenString(store, "not the key");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.status().code() == StatusCode::kUnauthenticated);
    CHECK(wrong.status().message() ==
          "/stores/USMT/USMT.MIG: wrong key: the key given does not open this store");
    auto missing = OpenString(store, "");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().message() ==
          "/stores/USMT/USMT.MIG: the store is encrypted and no key was given");
  }

  TEST_CASE("scanstate's 2 MiB blocks round-trip: random ones stored raw, the others compressed") {
    constexpr size_t kBlock = 2 * 1024 * 1024;
    StoreWriterOptions options = testing::FastOptions();
    options.block_size = kBlock;
    // Block 0: a random file; block 1: text; block 2: the end of the text and a random file.
    const std::vector<testing::SampleFile> files = {
        {"docs/photo.jpg", RandomBytes(kBlock, 1)},
        {"docs/notes.txt", std::string(kBlock + kBlock / 4, 'n')},
        {"docs/archive.gz", RandomBytes(kBlock / 2, 2)},
    };
    const std::string store = BuildStore(files, options);
    auto reader = OpenString(store);
    REQUIRE(reader.ok());
    CHECK((*reader)->header().block_size == kBlock);
    const std::vector<BlockLocation>& blocks = (*reader)->catalog().data_blocks;
    REQUIRE(blocks.size() == 3);
    CHECK(blocks[0].plain_size == kBlock);
    CHECK(blocks[0].payload_size == kBlock);
    CHECK(blocks[1].payload_size < kBlock / 100);
    CHECK(blocks[2].plain_size == kBlock / 4 + kBlock / 2);
    CHECK(blocks[2].payload_size < kBlock / 2 + 1000);
    for (size_t i = 0; i < files.size(); ++i) {
      CAPTURE(files[i].path);
      CHECK(ReadAll(**reader, i + 1) == files[i].content);
    }
  }

  TEST_CASE("all data blocks stream in order on the worker threads") {
    const std::string content = SampleContent(10 * kMinimumBlockSize + 5, 5);
    const std::string store = BuildStore({{"docs/big", content}});
    auto reader = OpenString(store);
    REQUIRE(reader.ok());
    std::string joined;
    uint64_t expected_index = 0;
    const Status status = (*reader)->ReadDataBlocks(0, (*reader)->catalog().data_blocks.size(),
                                                    [&](uint64_t index, std::string_view bytes) {
                                                      CHECK(index == expected_index++);
                                                      joined.append(bytes);
                                                      return Status::Ok();
                                                    });
    CHECK(status.ok());
    CHECK(joined == content);
  }
}

}  // namespace
}  // namespace tseq::archive
