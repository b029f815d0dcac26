#include "archive/store_format.h"

#include <algorithm>

#include <openssl/evp.h>
#include <zstd.h>

#include "archive/little_endian.h"

namespace tseq::archive {
namespace {

constexpr size_t kChecksummedHeaderBytes = 112;

std::array<uint8_t, 16> HeaderChecksum(std::string_view bytes) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::array<uint8_t, 16> checksum{};
  std::copy_n(digest.begin(), checksum.size(), checksum.begin());
  return checksum;
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

template <size_t N>
void CopyOut(const std::array<uint8_t, N>& from, char* to) {
  std::copy(from.begin(), from.end(), reinterpret_cast<uint8_t*>(to));
}

template <size_t N>
void CopyIn(const char* from, std::array<uint8_t, N>& to) {
  std::copy_n(reinterpret_cast<const uint8_t*>(from), N, to.begin());
}

Status HeaderCorruption(const std::string& path, const std::string& what) {
  return CorruptionError(path + ": the store header is damaged (" + what + ")");
}

}  // namespace

std::string EncodeHeader(const StoreHeader& header) {
  std::string bytes(kHeaderSize, '\0');
  char* out = bytes.data();
  std::copy(kHeaderMagic.begin(), kHeaderMagic.end(), out);
  StoreLittleEndian<uint16_t>(out + 8, header.format_version);
  StoreLittleEndian<uint16_t>(out + 10, header.minimum_reader_version);
  StoreLittleEndian<uint32_t>(out + 12, static_cast<uint32_t>(kHeaderSize));
  StoreLittleEndian<uint32_t>(out + 16, header.block_size);
  out[20] = static_cast<char>(header.compression);
  out[21] = static_cast<char>(header.compression_level);
  out[22] = static_cast<char>(header.encryption);
  out[23] = static_cast<char>(header.key_derivation);
  out[24] = static_cast<char>(header.scrypt.log2_n);
  StoreLittleEndian<uint32_t>(out + 28, header.scrypt.r);
  StoreLittleEndian<uint32_t>(out + 32, header.scrypt.p);
  CopyOut(header.store_id, out + 40);
  CopyOut(header.salt, out + 56);
  CopyOut(header.key_check, out + 88);
  StoreLittleEndian<uint64_t>(out + 104, static_cast<uint64_t>(header.created_seconds));
  CopyOut(HeaderChecksum(std::string_view(bytes).substr(0, kChecksummedHeaderBytes)), out + 112);
  return bytes;
}

Result<StoreHeader> DecodeHeader(std::string_view bytes, const std::string& path) {
  if (bytes.size() < kHeaderMagic.size() || bytes.substr(0, kHeaderMagic.size()) != kHeaderMagic) {
    return CorruptionError(path + ": not a tseq store (no store header at offset 0)");
  }
  if (bytes.size() < kHeaderSize) {
    return CorruptionError(path + ": the store is truncated inside its header (" +
                           std::to_string(bytes.size()) + " of " + std::to_string(kHeaderSize) +
                           " bytes)");
  }
  const char* in = bytes.data();
  std::array<uint8_t, 16> stored_checksum{};
  CopyIn(in + 112, stored_checksum);
  if (stored_checksum != HeaderChecksum(bytes.substr(0, kChecksummedHeaderBytes))) {
    return HeaderCorruption(path, "checksum mismatch at offset 112");
  }
  StoreHeader header;
  header.format_version = LoadLittleEndian<uint16_t>(in + 8);
  header.minimum_reader_version = LoadLittleEndian<uint16_t>(in + 10);
  if (header.minimum_reader_version > kFormatVersion) {
    return FailedPreconditionError(
        path + ": the store was written by a newer tseq (format version " +
        std::to_string(header.format_version) + ", readable from version " +
        std::to_string(header.minimum_reader_version) + "); this tseq reads versions " +
        std::to_string(kOldestReadableVersion) + " to " + std::to_string(kFormatVersion));
  }
  if (header.format_version < kOldestReadableVersion) {
    return FailedPreconditionError(
        path + ": the store's format version " + std::to_string(header.format_version) +
        " is too old; this tseq reads versions " + std::to_string(kOldestReadableVersion) + " to " +
        std::to_string(kFormatVersion));
  }
  if (LoadLittleEndian<uint32_t>(in + 12) != kHeaderSize) {
    return HeaderCorruption(path, "header size at offset 12 is not 128");
  }
  header.block_size = LoadLittleEndian<uint32_t>(in + 16);
  if (header.block_size < kMinimumBlockSize || header.block_size > kMaximumBlockSize) {
    return HeaderCorruption(
        path, "block size " + std::to_string(header.block_size) + " at offset 16 is out of range");
  }
  const auto compression = static_cast<uint8_t>(in[20]);
  const auto encryption = static_cast<uint8_t>(in[22]);
  const auto key_derivation = static_cast<uint8_t>(in[23]);
  if (compression > 1) return HeaderCorruption(path, "unknown compression at offset 20");
  if (encryption > 1) return HeaderCorruption(path, "unknown encryption at offset 22");
  if (key_derivation > 1) return HeaderCorruption(path, "unknown key derivation at offset 23");
  if ((encryption == 1) != (key_derivation == 1)) {
    return HeaderCorruption(path, "encryption and key derivation at offsets 22-23 disagree");
  }
  header.compression = static_cast<Compression>(compression);
  header.compression_level = static_cast<uint8_t>(in[21]);
  header.encryption = static_cast<Encryption>(encryption);
  header.key_derivation = static_cast<KeyDerivation>(key_derivation);
  header.scrypt.log2_n = static_cast<uint8_t>(in[24]);
  header.scrypt.r = LoadLittleEndian<uint32_t>(in + 28);
  header.scrypt.p = LoadLittleEndian<uint32_t>(in + 32);
  if (header.key_derivation == KeyDerivation::kScrypt &&
      (header.scrypt.log2_n < kMinimumScryptLog2N || header.scrypt.log2_n > kMaximumScryptLog2N ||
       header.scrypt.r < 1 || header.scrypt.r > kMaximumScryptR || header.scrypt.p < 1 ||
       header.scrypt.p > kMaximumScryptP)) {
    return HeaderCorruption(path, "scrypt cost at offsets 24-35 is out of range");
  }
  if (header.key_derivation == KeyDerivation::kScrypt &&
      (uint64_t{128} * header.scrypt.r << header.scrypt.log2_n) > kMaximumScryptMemory) {
    return HeaderCorruption(path, "scrypt cost at offsets 24-35 needs more than 1 GiB");
  }
  if (!AllZero(bytes.substr(25, 3)) || !AllZero(bytes.substr(36, 4))) {
    return HeaderCorruption(path, "reserved bytes are not zero");
  }
  CopyIn(in + 40, header.store_id);
  CopyIn(in + 56, header.salt);
  CopyIn(in + 88, header.key_check);
  header.created_seconds = static_cast<int64_t>(LoadLittleEndian<uint64_t>(in + 104));
  return header;
}

size_t MaximumPayloadSize(uint32_t block_size) { return ZSTD_compressBound(block_size); }

std::string EncodeBlockHeader(const BlockHeader& header) {
  std::string bytes(kBlockHeaderSize, '\0');
  char* out = bytes.data();
  std::copy(kBlockMagic.begin(), kBlockMagic.end(), out);
  out[4] = static_cast<char>(header.kind);
  out[5] = static_cast<char>(header.flags);
  StoreLittleEndian<uint64_t>(out + 8, header.index);
  StoreLittleEndian<uint32_t>(out + 16, header.plain_size);
  StoreLittleEndian<uint32_t>(out + 20, header.payload_size);
  return bytes;
}

Result<BlockHeader> DecodeBlockHeader(std::string_view bytes, uint32_t block_size, uint64_t offset,
                                      const std::string& path) {
  const std::string where = path + ": block at offset " + std::to_string(offset);
  if (bytes.size() < kBlockHeaderSize) {
    return CorruptionError(where + " is truncated (the file ends inside its header)");
  }
  if (bytes.substr(0, kBlockMagic.size()) != kBlockMagic) {
    return CorruptionError(where + " has no block header (damaged, or misplaced data)");
  }
  BlockHeader header;
  const auto kind = static_cast<uint8_t>(bytes[4]);
  if (kind != static_cast<uint8_t>(BlockKind::kData) &&
      kind != static_cast<uint8_t>(BlockKind::kCatalog)) {
    return CorruptionError(where + " has an unknown kind " + std::to_string(kind));
  }
  header.kind = static_cast<BlockKind>(kind);
  header.flags = static_cast<uint8_t>(bytes[5]);
  if ((header.flags & ~kBlockFlagCompressed) != 0 || bytes[6] != 0 || bytes[7] != 0) {
    return CorruptionError(where + " has unknown flags or non-zero reserved bytes");
  }
  header.index = LoadLittleEndian<uint64_t>(bytes.data() + 8);
  header.plain_size = LoadLittleEndian<uint32_t>(bytes.data() + 16);
  header.payload_size = LoadLittleEndian<uint32_t>(bytes.data() + 20);
  if (header.plain_size == 0 || header.plain_size > block_size ||
      header.payload_size > MaximumPayloadSize(block_size)) {
    return CorruptionError(where + " has impossible sizes (plain " +
                           std::to_string(header.plain_size) + ", payload " +
                           std::to_string(header.payload_size) + ")");
  }
  return header;
}

std::string EncodeTrailerFields(const Trailer& trailer) {
  std::string bytes(kTrailerSize - kTagSize, '\0');
  char* out = bytes.data();
  std::copy(kTrailerMagic.begin(), kTrailerMagic.end(), out);
  StoreLittleEndian<uint64_t>(out + 8, trailer.catalog_offset);
  StoreLittleEndian<uint64_t>(out + 16, trailer.catalog_size);
  StoreLittleEndian<uint64_t>(out + 24, trailer.data_block_count);
  StoreLittleEndian<uint64_t>(out + 32, trailer.catalog_block_count);
  StoreLittleEndian<uint64_t>(out + 40, trailer.store_size);
  return bytes;
}

std::string EncodeTrailer(const Trailer& trailer) {
  std::string bytes = EncodeTrailerFields(trailer);
  bytes.append(reinterpret_cast<const char*>(trailer.tag.data()), trailer.tag.size());
  return bytes;
}

Result<Trailer> DecodeTrailer(std::string_view bytes, const std::string& path) {
  if (bytes.size() != kTrailerSize || bytes.substr(0, kTrailerMagic.size()) != kTrailerMagic) {
    return CorruptionError(path +
                           ": the store has no trailer at its end: it is truncated, or "
                           "bytes were appended to it");
  }
  Trailer trailer;
  const char* in = bytes.data();
  trailer.catalog_offset = LoadLittleEndian<uint64_t>(in + 8);
  trailer.catalog_size = LoadLittleEndian<uint64_t>(in + 16);
  trailer.data_block_count = LoadLittleEndian<uint64_t>(in + 24);
  trailer.catalog_block_count = LoadLittleEndian<uint64_t>(in + 32);
  trailer.store_size = LoadLittleEndian<uint64_t>(in + 40);
  CopyIn(in + 48, trailer.tag);
  return trailer;
}

std::array<uint8_t, kNonceSize> MakeNonce(NonceDomain domain, uint64_t counter) {
  std::array<uint8_t, kNonceSize> nonce{};
  StoreLittleEndian<uint32_t>(reinterpret_cast<char*>(nonce.data()), static_cast<uint32_t>(domain));
  StoreLittleEndian<uint64_t>(reinterpret_cast<char*>(nonce.data()) + 4, counter);
  return nonce;
}

std::string StoreIdText(const StoreId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : id) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 15]);
  }
  return text;
}

}  // namespace tseq::archive
