// BlockCodec: turns a block's plaintext into the complete block of the store format (header,
// payload, tag) and back: zstd compression plus BlockSealer. One per thread: not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "archive/store_crypto.h"
#include "archive/store_format.h"
#include "base/status.h"

namespace tseq::archive {

class BlockCodec {
 public:
  // `header` and `keys` must be the store's; the codec copies what it needs.
  BlockCodec(const StoreHeader& header, const StoreKeys& keys);
  ~BlockCodec();
  BlockCodec(const BlockCodec&) = delete;
  BlockCodec& operator=(const BlockCodec&) = delete;

  // Replaces `out` with the complete block for `plaintext` (1 to block-size bytes). The payload is
  // compressed when the store compresses and that makes it smaller.
  Status Encode(BlockKind kind, uint64_t index, std::string_view plaintext, std::string& out);

  // Authenticates and decodes a complete block (`block` starts with its 24-byte header, already
  // parsed into `header`) read from file offset `offset` of `path`, and replaces `plaintext` with
  // its content. Corruption naming the path, the block index and the offset when the tag fails,
  // the payload does not decompress, or the size is not the header's.
  Status Decode(const BlockHeader& header, std::string_view block, uint64_t offset,
                const std::string& path, std::string& plaintext);

 private:
  struct ZstdContexts;
  StoreHeader store_header_;
  BlockSealer sealer_;
  std::unique_ptr<ZstdContexts> zstd_;
  std::string scratch_;
};

}  // namespace tseq::archive
