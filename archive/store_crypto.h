// Key derivation and block sealing for the store format (docs/store-format.md, "Keys", "Nonces",
// "Blocks"). The only OpenSSL user in archive/. Key material is wiped when its holder is
// destroyed and never appears in a message.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "archive/store_format.h"
#include "base/status.h"

namespace tseq::archive {

// The keys of one store. Movable, not copyable; wiped on destruction.
class StoreKeys {
 public:
  StoreKeys() = default;
  ~StoreKeys();
  StoreKeys(StoreKeys&& other) noexcept;
  StoreKeys& operator=(StoreKeys&& other) noexcept;
  StoreKeys(const StoreKeys&) = delete;
  StoreKeys& operator=(const StoreKeys&) = delete;

  std::array<uint8_t, kKeySize> data_key{};
  std::array<uint8_t, kKeyCheckSize> key_check{};
};

// Derives the keys for `header`: from `key_text` with scrypt for encrypted stores, from the store
// id for unencrypted ones (key_text ignored). Internal on an OpenSSL failure (out of memory).
Result<StoreKeys> DeriveKeys(const StoreHeader& header, std::string_view key_text);

// Whether the derived key check equals the header's, compared in constant time.
bool KeyCheckMatches(const StoreKeys& keys, const StoreHeader& header);

// Cryptographically random bytes. Internal if the system has no entropy to give.
Status FillRandom(uint8_t* bytes, size_t count);

// Seals and opens blocks of one store. One per thread: not thread-safe. Construction copies the
// data key; the object wipes it on destruction.
class BlockSealer {
 public:
  BlockSealer(const StoreKeys& keys, Encryption encryption, const StoreId& store_id);
  ~BlockSealer();
  BlockSealer(const BlockSealer&) = delete;
  BlockSealer& operator=(const BlockSealer&) = delete;

  // Appends the payload and the tag for a block with this header and these bytes to `out`.
  Status Seal(std::string_view block_header, std::string_view bytes, uint64_t index,
              std::string& out);
  // Authenticates a block and, when the tag is right, replaces `bytes_out` with its bytes
  // (decrypted for encrypted stores). Returns false, leaving `bytes_out` empty, when the tag
  // does not match.
  Result<bool> Open(std::string_view block_header, std::string_view payload, std::string_view tag,
                    uint64_t index, std::string& bytes_out);
  // The trailer's tag over its first 48 bytes.
  Result<std::array<uint8_t, kTagSize>> TrailerTag(std::string_view trailer_fields);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  Encryption encryption_;
  StoreId store_id_;
};

}  // namespace tseq::archive
