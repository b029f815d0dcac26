// Opening a store whose catalog spans several blocks: the blocks are decoded on worker threads
// while the catalog is parsed, and what the reader reports must not depend on that.
#include "archive/store_reader.h"

#include <doctest/doctest.h>

#include "archive/archive_test_support.h"
#include "archive/block_codec.h"
#include "archive/store_crypto.h"

namespace tseq::archive {
namespace {

using testing::kTestKey;

// A store whose catalog takes several blocks of kMinimumBlockSize (64 KiB).
std::string ManyEntriesStore(Encryption encryption = Encryption::kAes256Gcm) {
  StoreWriterOptions options = testing::FastOptions();
  options.encryption = encryption;
  std::vector<testing::SampleFile> files;
  for (unsigned i = 0; i < 1500; ++i) {
    files.push_back({"docs/" + std::to_string(i) + "/a-file-name-long-enough-to-grow-the-catalog",
                     testing::SampleContent(size_t{i % 5} * 100, i)});
  }
  return testing::BuildStore(files, options, encryption == Encryption::kNone ? "" : kTestKey);
}

Result<std::unique_ptr<StoreReader>> Open(const std::string& store, size_t threads) {
  return StoreReader::Open(std::make_unique<testing::StringFile>(store), kTestKey,
                           StoreReaderOptions{.threads = threads});
}

// A store file whose reads that start at one offset fail.
class FailingReads : public ReadableFile {
 public:
  FailingReads(std::string contents, uint64_t failing)
      : file_(std::move(contents)), failing_(failing) {}
  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    if (offset == failing_) return IoError("cannot read at " + std::to_string(offset));
    return file_.ReadAt(offset, buffer, length);
  }
  Result<uint64_t> Size() const override { return file_.Size(); }
  const std::string& path() const override { return file_.path(); }

 private:
  testing::StringFile file_;
  uint64_t failing_;
};

// How to seal a new catalog into a store.
struct Sealing {
  size_t piece_size = kMinimumBlockSize;  // plaintext per catalog block
  int damaged_block = -1;                 // catalog block whose payload gets a flipped bit
  int64_t catalog_size_change = 0;        // what the trailer says, against the real size
};

// `store` with its catalog blocks replaced by `catalog` sealed as `sealing` says, and a trailer
// that is authentic for what it says.
std::string Reseal(const std::string& store, const std::string& catalog, const Sealing& sealing) {
  const StoreHeader header = *DecodeHeader(store.substr(0, kHeaderSize), "store");
  Result<StoreKeys> keys = DeriveKeys(header, kTestKey);
  REQUIRE(keys.ok());
  Trailer trailer = *DecodeTrailer(store.substr(store.size() - kTrailerSize), "store");
  std::string out = store.substr(0, trailer.catalog_offset);
  BlockCodec codec(header, *keys);
  uint64_t blocks = 0;
  for (size_t at = 0; at < catalog.size(); at += sealing.piece_size, ++blocks) {
    std::string block;
    REQUIRE(codec
                .Encode(BlockKind::kCatalog, trailer.data_block_count + blocks,
                        std::string_view(catalog).substr(at, sealing.piece_size), block)
                .ok());
    if (static_cast<int>(blocks) == sealing.damaged_block) block[kBlockHeaderSize + 3] ^= 1;
    out += block;
  }
  trailer.catalog_size =
      static_cast<uint64_t>(static_cast<int64_t>(catalog.size()) + sealing.catalog_size_change);
  trailer.catalog_block_count = blocks;
  trailer.store_size = out.size() + kTrailerSize;
  BlockSealer sealer(*keys, header.encryption, header.store_id);
  trailer.tag = *sealer.TrailerTag(EncodeTrailerFields(trailer));
  return out + EncodeTrailer(trailer);
}

// The file offset of catalog block `index` (0: the first) in `store`.
uint64_t CatalogBlockOffset(const std::string& store, uint64_t index) {
  const Trailer trailer = *DecodeTrailer(store.substr(store.size() - kTrailerSize), "store");
  uint64_t offset = trailer.catalog_offset;
  for (uint64_t i = 0; i < index; ++i) {
    const BlockHeader header =
        *DecodeBlockHeader(store.substr(offset, kBlockHeaderSize), kMinimumBlockSize, 0, "s");
    offset += kBlockHeaderSize + header.payload_size + kTagSize;
  }
  return offset;
}

TEST_SUITE("StoreReader") {
  TEST_CASE("a catalog of several blocks opens the same with any number of workers") {
    for (const Encryption encryption : {Encryption::kAes256Gcm, Encryption::kNone}) {
      const std::string store = ManyEntriesStore(encryption);
      const Trailer trailer = *DecodeTrailer(store.substr(store.size() - kTrailerSize), "store");
      REQUIRE(trailer.catalog_block_count >= 3);
      auto one = Open(store, 1);
      REQUIRE(one.ok());
      REQUIRE((*one)->catalog().entries.size() == 1501);
      for (const size_t threads : {size_t{2}, size_t{3}, size_t{8}}) {
        CAPTURE(threads);
        auto several = Open(store, threads);
        REQUIRE(several.ok());
        CHECK(EncodeCatalog((*several)->catalog()) == EncodeCatalog((*one)->catalog()));
      }
    }
  }

  TEST_CASE("catalog blocks of any size that add up to the catalog open") {
    const std::string store = ManyEntriesStore();
    auto reader = Open(store, 1);
    REQUIRE(reader.ok());
    const std::string catalog = EncodeCatalog((*reader)->catalog());
    for (const size_t piece_size : {size_t{1000}, size_t{4099}, size_t{kMinimumBlockSize - 1}}) {
      CAPTURE(piece_size);
      const std::string resealed = Reseal(store, catalog, {.piece_size = piece_size});
      for (const size_t threads : {size_t{1}, size_t{2}}) {
        auto reopened = Open(resealed, threads);
        REQUIRE(reopened.ok());
        CHECK(EncodeCatalog((*reopened)->catalog()) == catalog);
      }
    }
  }

  TEST_CASE("a damaged catalog block is reported before what the blocks before it hold") {
    const std::string store = ManyEntriesStore();
    auto reader = Open(store, 1);
    REQUIRE(reader.ok());
    Catalog catalog = (*reader)->catalog();
    // A problem the decoder stops at, in the first block: the blocks after it are not needed
    // to decode the catalog, but still read and checked.
    catalog.entries[10].mode = 010000;
    const std::string resealed = Reseal(store, EncodeCatalog(catalog), {.damaged_block = 2});
    const uint64_t index =
        DecodeTrailer(resealed.substr(resealed.size() - kTrailerSize), "store")->data_block_count +
        2;
    for (const size_t threads : {size_t{1}, size_t{2}, size_t{4}}) {
      CAPTURE(threads);
      auto reopened = Open(resealed, threads);
      REQUIRE(!reopened.ok());
      CHECK(reopened.status().message() == "/stores/USMT/USMT.MIG: block " + std::to_string(index) +
                                               " at offset " +
                                               std::to_string(CatalogBlockOffset(resealed, 2)) +
                                               " failed authentication: the data is corrupted");
    }
    // Without the damage, the catalog's own problem.
    const std::string undamaged = Reseal(store, EncodeCatalog(catalog), {});
    auto reopened = Open(undamaged, 2);
    REQUIRE(!reopened.ok());
    CHECK(reopened.status().message().find(
              ": the catalog is damaged: entry 10 has mode bits beyond 07777") !=
          std::string::npos);
  }

  TEST_CASE("catalog blocks that hold more or less than the trailer says are reported") {
    const std::string store = ManyEntriesStore();
    auto reader = Open(store, 1);
    REQUIRE(reader.ok());
    const std::string catalog = EncodeCatalog((*reader)->catalog());
    for (const int64_t change : {int64_t{-1}, int64_t{1}}) {
      CAPTURE(change);
      const std::string resealed = Reseal(store, catalog, {.catalog_size_change = change});
      for (const size_t threads : {size_t{1}, size_t{2}}) {
        auto reopened = Open(resealed, threads);
        REQUIRE(!reopened.ok());
        CHECK(reopened.status().message() ==
              "/stores/USMT/USMT.MIG: the catalog blocks do not fill the space before the "
              "trailer (trailer at offset " +
                  std::to_string(resealed.size() - kTrailerSize) + ")");
      }
    }
  }

  TEST_CASE("a read that fails in the catalog is reported as the file's error") {
    const std::string store = ManyEntriesStore();
    const uint64_t second_block = CatalogBlockOffset(store, 1);
    // A block's header, or only its payload: the reader finds the catalog's blocks by their
    // headers before it reads them whole.
    for (const uint64_t failing : {second_block, second_block + kBlockHeaderSize}) {
      CAPTURE(failing);
      for (const size_t threads : {size_t{1}, size_t{2}}) {
        auto reader = StoreReader::Open(std::make_unique<FailingReads>(store, failing), kTestKey,
                                        StoreReaderOptions{.threads = threads});
        REQUIRE(!reader.ok());
        CHECK(reader.status().code() == StatusCode::kIoError);
        CHECK(reader.status().message() == "cannot read at " + std::to_string(failing));
      }
    }
  }
}

}  // namespace
}  // namespace tseq::archive
