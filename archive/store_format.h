// The constants and fixed-size structures of the store format, shared by the writer and the
// reader. docs/store-format.md is the specification; this header must agree with it, and the
// golden stores in archive/testdata/ check that it does.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tseq::archive {

inline constexpr uint16_t kFormatVersion = 1;
inline constexpr uint16_t kOldestReadableVersion = 1;

inline constexpr size_t kHeaderSize = 128;
inline constexpr size_t kBlockHeaderSize = 24;
inline constexpr size_t kTagSize = 16;
inline constexpr size_t kTrailerSize = 64;
inline constexpr size_t kStoreIdSize = 16;
inline constexpr size_t kSaltSize = 32;
inline constexpr size_t kKeyCheckSize = 16;
inline constexpr size_t kKeySize = 32;
inline constexpr size_t kNonceSize = 12;

inline constexpr std::string_view kHeaderMagic{"\x89MIG\r\n\x1a\n", 8};
inline constexpr std::string_view kTrailerMagic{
    "\x89"
    "END\r\n\x1a\n",
    8};
inline constexpr std::string_view kBlockMagic{"MIGB", 4};
inline constexpr std::string_view kCatalogMagic{"MCAT", 4};
inline constexpr std::string_view kCatalogEndMagic{"MEND", 4};
inline constexpr uint32_t kCatalogVersion = 1;

inline constexpr uint32_t kMinimumBlockSize = 64 * 1024;
inline constexpr uint32_t kMaximumBlockSize = 16 * 1024 * 1024;
inline constexpr uint32_t kDefaultBlockSize = 1024 * 1024;

inline constexpr uint8_t kDefaultScryptLog2N = 16;
inline constexpr uint32_t kDefaultScryptR = 8;
inline constexpr uint32_t kDefaultScryptP = 1;
inline constexpr uint8_t kMinimumScryptLog2N = 10;
inline constexpr uint8_t kMaximumScryptLog2N = 20;
inline constexpr uint32_t kMaximumScryptR = 32;
inline constexpr uint32_t kMaximumScryptP = 16;
// scrypt needs 128 * r * N bytes; a store that asks for more is refused as damaged or hostile.
inline constexpr uint64_t kMaximumScryptMemory = uint64_t{1} << 30;

// The name of the store file inside the store directory, and of the file being written.
inline constexpr std::string_view kStoreFileName = "USMT/USMT.MIG";
inline constexpr std::string_view kPartialSuffix = ".partial";

enum class Compression : uint8_t { kNone = 0, kZstd = 1 };
enum class Encryption : uint8_t { kNone = 0, kAes256Gcm = 1 };
enum class KeyDerivation : uint8_t { kNone = 0, kScrypt = 1 };
enum class BlockKind : uint8_t { kData = 1, kCatalog = 2 };
inline constexpr uint8_t kBlockFlagCompressed = 1;

// The nonce domains of docs/store-format.md ("Nonces").
enum class NonceDomain : uint32_t { kBlock = 0, kTrailer = 1 };

using StoreId = std::array<uint8_t, kStoreIdSize>;

struct ScryptCost {
  uint8_t log2_n = kDefaultScryptLog2N;
  uint32_t r = kDefaultScryptR;
  uint32_t p = kDefaultScryptP;
};

struct StoreHeader {
  uint16_t format_version = kFormatVersion;
  uint16_t minimum_reader_version = kFormatVersion;
  uint32_t block_size = kDefaultBlockSize;
  Compression compression = Compression::kZstd;
  uint8_t compression_level = 3;
  Encryption encryption = Encryption::kAes256Gcm;
  KeyDerivation key_derivation = KeyDerivation::kScrypt;
  ScryptCost scrypt;
  StoreId store_id{};
  std::array<uint8_t, kSaltSize> salt{};
  std::array<uint8_t, kKeyCheckSize> key_check{};
  int64_t created_seconds = 0;
};

struct BlockHeader {
  BlockKind kind = BlockKind::kData;
  uint8_t flags = 0;
  uint64_t index = 0;
  uint32_t plain_size = 0;
  uint32_t payload_size = 0;
};

struct Trailer {
  uint64_t catalog_offset = 0;
  uint64_t catalog_size = 0;
  uint64_t data_block_count = 0;
  uint64_t catalog_block_count = 0;
  uint64_t store_size = 0;
  std::array<uint8_t, kTagSize> tag{};
};

// The 128 header bytes, checksum included.
std::string EncodeHeader(const StoreHeader& header);
// Parses and checks a header: magic, checksum, reserved bytes, ranges. `path` names the store in
// messages. Corruption for damage; FailedPrecondition "... written by a newer tseq ..." (or an
// older, unsupported version) when the version is outside what this reader reads.
Result<StoreHeader> DecodeHeader(std::string_view bytes, const std::string& path);

std::string EncodeBlockHeader(const BlockHeader& header);
// Checks the magic, kind, flags and reserved bytes and that the sizes are within the store's
// block size. `offset` is where the block starts in the file, for messages.
Result<BlockHeader> DecodeBlockHeader(std::string_view bytes, uint32_t block_size, uint64_t offset,
                                      const std::string& path);
// The largest payload a block of `block_size` plaintext bytes can have (zstd's bound).
size_t MaximumPayloadSize(uint32_t block_size);

// The first 48 trailer bytes (everything but the tag), and the whole trailer.
std::string EncodeTrailerFields(const Trailer& trailer);
std::string EncodeTrailer(const Trailer& trailer);
// Parses the trailer's fields (not its tag, which needs the key). Corruption when the magic is
// not there.
Result<Trailer> DecodeTrailer(std::string_view bytes, const std::string& path);

// The 12-byte AES-GCM nonce for `domain` and `counter`.
std::array<uint8_t, kNonceSize> MakeNonce(NonceDomain domain, uint64_t counter);

// Lower-case hex of the store id, for messages and the protected-store marker.
std::string StoreIdText(const StoreId& id);

}  // namespace tseq::archive
