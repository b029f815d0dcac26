#include "archive/block_codec.h"

#include <zstd.h>

namespace tseq::archive {

struct BlockCodec::ZstdContexts {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> compress{ZSTD_createCCtx(), &ZSTD_freeCCtx};
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> decompress{ZSTD_createDCtx(),
                                                                  &ZSTD_freeDCtx};
};

BlockCodec::BlockCodec(const StoreHeader& header, const StoreKeys& keys)
    : store_header_(header),
      sealer_(keys, header.encryption, header.store_id),
      zstd_(std::make_unique<ZstdContexts>()) {}

BlockCodec::~BlockCodec() = default;

Status BlockCodec::Encode(BlockKind kind, uint64_t index, std::string_view plaintext,
                          std::string& out) {
  if (plaintext.empty() || plaintext.size() > store_header_.block_size) {
    return InternalError("a store block must hold 1 to block-size bytes");
  }
  std::string_view bytes = plaintext;
  uint8_t flags = 0;
  // Every block is compressed, with no guess beforehand: zstd is quick on bytes it cannot
  // shorten, and guesses from samples miss redundancy across the block (docs/store-format.md,
  // "Which blocks are compressed").
  if (store_header_.compression == Compression::kZstd) {
    scratch_.resize(ZSTD_compressBound(plaintext.size()));
    const size_t compressed =
        ZSTD_compressCCtx(zstd_->compress.get(), scratch_.data(), scratch_.size(), plaintext.data(),
                          plaintext.size(), store_header_.compression_level);
    if (ZSTD_isError(compressed)) {
      return InternalError(std::string("zstd cannot compress a store block: ") +
                           ZSTD_getErrorName(compressed));
    }
    if (compressed < plaintext.size()) {
      bytes = std::string_view(scratch_.data(), compressed);
      flags = kBlockFlagCompressed;
    }
  }
  const BlockHeader header{.kind = kind,
                           .flags = flags,
                           .index = index,
                           .plain_size = static_cast<uint32_t>(plaintext.size()),
                           .payload_size = static_cast<uint32_t>(bytes.size())};
  out = EncodeBlockHeader(header);
  out.reserve(kBlockHeaderSize + bytes.size() + kTagSize);
  return sealer_.Seal(std::string_view(out).substr(0, kBlockHeaderSize), bytes, index, out);
}

Status BlockCodec::Decode(const BlockHeader& header, std::string_view block, uint64_t offset,
                          const std::string& path, std::string& plaintext) {
  const std::string where =
      path + ": block " + std::to_string(header.index) + " at offset " + std::to_string(offset);
  if (block.size() != kBlockHeaderSize + header.payload_size + kTagSize) {
    return CorruptionError(where + " is truncated");
  }
  const std::string_view payload = block.substr(kBlockHeaderSize, header.payload_size);
  const std::string_view tag = block.substr(kBlockHeaderSize + header.payload_size);
  std::string& bytes = (header.flags & kBlockFlagCompressed) != 0 ? scratch_ : plaintext;
  TSEQ_ASSIGN_OR_RETURN(const bool authentic, sealer_.Open(block.substr(0, kBlockHeaderSize),
                                                           payload, tag, header.index, bytes));
  if (!authentic) {
    return CorruptionError(where + " failed authentication: the data is corrupted");
  }
  if ((header.flags & kBlockFlagCompressed) == 0) {
    if (bytes.size() != header.plain_size) {
      return CorruptionError(where + " holds " + std::to_string(bytes.size()) + " bytes, not the " +
                             std::to_string(header.plain_size) + " its header gives");
    }
    return Status::Ok();
  }
  plaintext.resize(header.plain_size);
  const size_t size = ZSTD_decompressDCtx(zstd_->decompress.get(), plaintext.data(),
                                          plaintext.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(size) || size != header.plain_size) {
    plaintext.clear();
    return CorruptionError(where + " does not decompress to its " +
                           std::to_string(header.plain_size) + " bytes");
  }
  return Status::Ok();
}

}  // namespace tseq::archive
