#include "archive/store_crypto.h"

#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

namespace tseq::archive {
namespace {

constexpr std::string_view kDataKeyInfo = "tseq-mig v1 data key";
constexpr std::string_view kKeyCheckInfo = "tseq-mig v1 key check";
constexpr std::string_view kIntegrityKeyInfo = "tseq-mig v1 integrity key";

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// HKDF-SHA256 (RFC 5869) into `out`. An empty salt means HKDF's default (zeros).
bool Hkdf(const uint8_t* ikm, size_t ikm_size, std::string_view salt, std::string_view info,
          uint8_t* out, size_t out_size) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), &EVP_PKEY_CTX_free);
  if (!context || EVP_PKEY_derive_init(context.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(context.get(), ikm, static_cast<int>(ikm_size)) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(context.get(), Bytes(info), static_cast<int>(info.size())) <= 0) {
    return false;
  }
  if (!salt.empty() &&
      EVP_PKEY_CTX_set1_hkdf_salt(context.get(), Bytes(salt), static_cast<int>(salt.size())) <= 0) {
    return false;
  }
  size_t length = out_size;
  return EVP_PKEY_derive(context.get(), out, &length) > 0 && length == out_size;
}

std::string_view AsText(const StoreId& id) {
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}

}  // namespace

StoreKeys::~StoreKeys() {
  OPENSSL_cleanse(data_key.data(), data_key.size());
  OPENSSL_cleanse(key_check.data(), key_check.size());
}

StoreKeys::StoreKeys(StoreKeys&& other) noexcept
    : data_key(other.data_key), key_check(other.key_check) {
  OPENSSL_cleanse(other.data_key.data(), other.data_key.size());
}

StoreKeys& StoreKeys::operator=(StoreKeys&& other) noexcept {
  if (this != &other) {
    data_key = other.data_key;
    key_check = other.key_check;
    OPENSSL_cleanse(other.data_key.data(), other.data_key.size());
  }
  return *this;
}

Result<StoreKeys> DeriveKeys(const StoreHeader& header, std::string_view key_text) {
  StoreKeys keys;
  if (header.encryption == Encryption::kNone) {
    if (!Hkdf(header.store_id.data(), header.store_id.size(), "", kIntegrityKeyInfo,
              keys.data_key.data(), keys.data_key.size()) ||
        !Hkdf(header.store_id.data(), header.store_id.size(), "", kKeyCheckInfo,
              keys.key_check.data(), keys.key_check.size())) {
      return InternalError("cannot derive the store's integrity key (OpenSSL HKDF failed)");
    }
    return keys;
  }
  std::array<uint8_t, kKeySize> master{};
  const uint64_t n = uint64_t{1} << header.scrypt.log2_n;
  const uint64_t memory = 128 * uint64_t{header.scrypt.r} * n * header.scrypt.p + (1u << 20);
  const bool derived =
      EVP_PBE_scrypt(key_text.data(), key_text.size(), header.salt.data(), header.salt.size(), n,
                     header.scrypt.r, header.scrypt.p, memory, master.data(), master.size()) == 1 &&
      Hkdf(master.data(), master.size(), AsText(header.store_id), kDataKeyInfo,
           keys.data_key.data(), keys.data_key.size()) &&
      Hkdf(master.data(), master.size(), AsText(header.store_id), kKeyCheckInfo,
           keys.key_check.data(), keys.key_check.size());
  OPENSSL_cleanse(master.data(), master.size());
  if (!derived) {
    return InternalError("cannot derive the store key (OpenSSL scrypt failed: out of memory?)");
  }
  return keys;
}

bool KeyCheckMatches(const StoreKeys& keys, const StoreHeader& header) {
  return CRYPTO_memcmp(keys.key_check.data(), header.key_check.data(), kKeyCheckSize) == 0;
}

Status FillRandom(uint8_t* bytes, size_t count) {
  if (RAND_bytes(bytes, static_cast<int>(count)) != 1) {
    return InternalError("the system's random number generator failed");
  }
  return Status::Ok();
}

struct BlockSealer::Context {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> encrypt{EVP_CIPHER_CTX_new(),
                                                                          &EVP_CIPHER_CTX_free};
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> decrypt{EVP_CIPHER_CTX_new(),
                                                                          &EVP_CIPHER_CTX_free};
  bool ready = false;
};

BlockSealer::BlockSealer(const StoreKeys& keys, Encryption encryption, const StoreId& store_id)
    : context_(std::make_unique<Context>()), encryption_(encryption), store_id_(store_id) {
  // The key schedule is set up once; each block only sets its nonce. The contexts keep their own
  // copy of the expanded key, which EVP_CIPHER_CTX_free wipes.
  context_->ready = context_->encrypt && context_->decrypt &&
                    EVP_EncryptInit_ex(context_->encrypt.get(), EVP_aes_256_gcm(), nullptr,
                                       keys.data_key.data(), nullptr) == 1 &&
                    EVP_DecryptInit_ex(context_->decrypt.get(), EVP_aes_256_gcm(), nullptr,
                                       keys.data_key.data(), nullptr) == 1;
}

BlockSealer::~BlockSealer() = default;

Status BlockSealer::Seal(std::string_view block_header, std::string_view bytes, uint64_t index,
                         std::string& out) {
  EVP_CIPHER_CTX* context = context_->encrypt.get();
  const auto nonce = MakeNonce(NonceDomain::kBlock, index);
  int length = 0;
  const size_t start = out.size();
  const bool encrypt = encryption_ == Encryption::kAes256Gcm;
  out.resize(start + bytes.size() + kTagSize);
  auto* payload = reinterpret_cast<unsigned char*>(out.data() + start);
  bool ok = context_->ready &&
            EVP_EncryptInit_ex(context, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
            EVP_EncryptUpdate(context, nullptr, &length, store_id_.data(),
                              static_cast<int>(store_id_.size())) == 1 &&
            EVP_EncryptUpdate(context, nullptr, &length, Bytes(block_header),
                              static_cast<int>(block_header.size())) == 1;
  if (ok && encrypt) {
    ok = EVP_EncryptUpdate(context, payload, &length, Bytes(bytes),
                           static_cast<int>(bytes.size())) == 1 &&
         static_cast<size_t>(length) == bytes.size();
  } else if (ok) {
    std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<ptrdiff_t>(start));
    ok = bytes.empty() || EVP_EncryptUpdate(context, nullptr, &length, Bytes(bytes),
                                            static_cast<int>(bytes.size())) == 1;
  }
  ok = ok && EVP_EncryptFinal_ex(context, payload + bytes.size(), &length) == 1 &&
       EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                           payload + bytes.size()) == 1;
  if (!ok) {
    out.resize(start);
    return InternalError("cannot seal a store block (OpenSSL AES-GCM failed)");
  }
  return Status::Ok();
}

Result<bool> BlockSealer::Open(std::string_view block_header, std::string_view payload,
                               std::string_view tag, uint64_t index, std::string& bytes_out) {
  EVP_CIPHER_CTX* context = context_->decrypt.get();
  const auto nonce = MakeNonce(NonceDomain::kBlock, index);
  int length = 0;
  const bool decrypt = encryption_ == Encryption::kAes256Gcm;
  bytes_out.resize(decrypt ? payload.size() : 0);
  bool ok = context_->ready &&
            EVP_DecryptInit_ex(context, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
            EVP_DecryptUpdate(context, nullptr, &length, store_id_.data(),
                              static_cast<int>(store_id_.size())) == 1 &&
            EVP_DecryptUpdate(context, nullptr, &length, Bytes(block_header),
                              static_cast<int>(block_header.size())) == 1;
  if (ok && !payload.empty()) {
    ok = decrypt ? EVP_DecryptUpdate(context, reinterpret_cast<unsigned char*>(bytes_out.data()),
                                     &length, Bytes(payload), static_cast<int>(payload.size())) == 1
                 : EVP_DecryptUpdate(context, nullptr, &length, Bytes(payload),
                                     static_cast<int>(payload.size())) == 1;
  }
  if (!ok) return InternalError("cannot open a store block (OpenSSL AES-GCM failed)");
  std::array<unsigned char, kTagSize> expected_tag{};
  std::copy(tag.begin(), tag.end(), reinterpret_cast<char*>(expected_tag.data()));
  if (EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          expected_tag.data()) != 1) {
    return InternalError("cannot open a store block (OpenSSL AES-GCM failed)");
  }
  unsigned char final_block[16];
  if (EVP_DecryptFinal_ex(context, final_block, &length) != 1) {
    OPENSSL_cleanse(bytes_out.data(), bytes_out.size());
    bytes_out.clear();
    return false;
  }
  if (!decrypt) bytes_out.assign(payload);
  return true;
}

Result<std::array<uint8_t, kTagSize>> BlockSealer::TrailerTag(std::string_view trailer_fields) {
  EVP_CIPHER_CTX* context = context_->encrypt.get();
  const auto nonce = MakeNonce(NonceDomain::kTrailer, 0);
  std::array<uint8_t, kTagSize> tag{};
  int length = 0;
  unsigned char final_block[16];
  const bool ok = context_->ready &&
                  EVP_EncryptInit_ex(context, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
                  EVP_EncryptUpdate(context, nullptr, &length, store_id_.data(),
                                    static_cast<int>(store_id_.size())) == 1 &&
                  EVP_EncryptUpdate(context, nullptr, &length, Bytes(trailer_fields),
                                    static_cast<int>(trailer_fields.size())) == 1 &&
                  EVP_EncryptFinal_ex(context, final_block, &length) == 1 &&
                  EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                                      tag.data()) == 1;
  if (!ok) return InternalError("cannot compute the store trailer's tag (OpenSSL failed)");
  return tag;
}

}  // namespace tseq::archive
