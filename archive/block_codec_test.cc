// Which blocks BlockCodec stores compressed: exactly those that zstd makes smaller, however random
// parts of them look (docs/store-format.md, "Writing").
#include "archive/block_codec.h"

#include <doctest/doctest.h>

#include "archive/archive_test_support.h"

namespace tseq::archive {
namespace {

using testing::RandomBytes;

std::string Text(size_t size) {
  std::string text;
  for (unsigned line = 0; text.size() < size; ++line) {
    text += "line " + std::to_string(line) + ": the quick brown fox jumps over the lazy dog\n";
  }
  text.resize(size);
  return text;
}

StoreHeader Header(Encryption encryption) {
  StoreHeader header;
  header.block_size = kMinimumBlockSize;
  header.compression = Compression::kZstd;
  header.compression_level = 3;
  header.encryption = encryption;
  const bool encrypted = encryption == Encryption::kAes256Gcm;
  header.key_derivation = encrypted ? KeyDerivation::kScrypt : KeyDerivation::kNone;
  header.scrypt = encrypted ? ScryptCost{.log2_n = kMinimumScryptLog2N, .r = 8, .p = 1}
                            : ScryptCost{.log2_n = 0, .r = 0, .p = 0};
  header.store_id.fill(7);
  header.salt.fill(9);
  return header;
}

struct Encoded {
  BlockHeader header;
  std::string block;
};

// Encodes `plaintext` as data block 5, checks that it decodes back, and returns it.
Encoded EncodeAndDecode(const std::string& plaintext,
                        Encryption encryption = Encryption::kAes256Gcm) {
  const StoreHeader store_header = Header(encryption);
  Result<StoreKeys> keys = DeriveKeys(store_header, testing::kTestKey);
  REQUIRE(keys.ok());
  BlockCodec codec(store_header, *keys);
  Encoded encoded;
  REQUIRE(codec.Encode(BlockKind::kData, 5, plaintext, encoded.block).ok());
  Result<BlockHeader> header =
      DecodeBlockHeader(std::string_view(encoded.block).substr(0, kBlockHeaderSize),
                        store_header.block_size, 128, "store");
  REQUIRE(header.ok());
  encoded.header = *header;
  CHECK(header->index == 5);
  CHECK(header->plain_size == plaintext.size());
  CHECK(encoded.block.size() == kBlockHeaderSize + header->payload_size + kTagSize);
  std::string decoded;
  REQUIRE(codec.Decode(*header, encoded.block, 128, "store", decoded).ok());
  CHECK(decoded == plaintext);
  return encoded;
}

bool Compressed(const Encoded& encoded) {
  return (encoded.header.flags & kBlockFlagCompressed) != 0;
}

TEST_SUITE("BlockCodec") {
  TEST_CASE("a random block is stored raw, its payload as long as the plaintext") {
    for (const Encryption encryption : {Encryption::kAes256Gcm, Encryption::kNone}) {
      const std::string plaintext = RandomBytes(kMinimumBlockSize, 1);
      const Encoded encoded = EncodeAndDecode(plaintext, encryption);
      CHECK_FALSE(Compressed(encoded));
      CHECK(encoded.header.payload_size == plaintext.size());
    }
  }

  TEST_CASE("a text block is stored compressed") {
    const std::string plaintext = Text(kMinimumBlockSize);
    const Encoded encoded = EncodeAndDecode(plaintext);
    CHECK(Compressed(encoded));
    CHECK(encoded.header.payload_size < plaintext.size() / 4);
  }

  TEST_CASE("a block shared by an already-compressed file and a text file is compressed") {
    // The random half costs its own size, the text half almost nothing.
    const std::string plaintext =
        RandomBytes(kMinimumBlockSize / 2, 2) + Text(kMinimumBlockSize / 2);
    const Encoded encoded = EncodeAndDecode(plaintext);
    CHECK(Compressed(encoded));
    CHECK(encoded.header.payload_size < plaintext.size() * 5 / 8);
  }

  TEST_CASE("a block that is mostly random but repeats itself is compressed") {
    // Two copies of the same compressed file: any small sample of the block looks random, so
    // a sampling heuristic would store it raw at twice the size.
    const std::string file = RandomBytes(kMinimumBlockSize / 2, 3);
    const std::string plaintext = file + file;
    const Encoded encoded = EncodeAndDecode(plaintext);
    CHECK(Compressed(encoded));
    CHECK(encoded.header.payload_size < plaintext.size() * 5 / 8);
  }

  TEST_CASE("a block that zstd cannot shorten is stored raw, even with a short repeat in it") {
    // zstd's frame costs more than the 8-byte repeat saves.
    std::string plaintext = RandomBytes(4096, 4);
    plaintext += plaintext.substr(0, 8);
    const Encoded encoded = EncodeAndDecode(plaintext);
    CHECK_FALSE(Compressed(encoded));
    CHECK(encoded.header.payload_size == plaintext.size());
  }

  TEST_CASE("an empty or oversized block is refused") {
    const StoreHeader store_header = Header(Encryption::kNone);
    Result<StoreKeys> keys = DeriveKeys(store_header, "");
    REQUIRE(keys.ok());
    BlockCodec codec(store_header, *keys);
    std::string out;
    CHECK(codec.Encode(BlockKind::kData, 0, "", out).message() ==
          "a store block must hold 1 to block-size bytes");
    CHECK(codec.Encode(BlockKind::kData, 0, Text(kMinimumBlockSize + 1), out).message() ==
          "a store block must hold 1 to block-size bytes");
  }
}

}  // namespace
}  // namespace tseq::archive
