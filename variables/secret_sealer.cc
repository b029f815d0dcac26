// AES-256-GCM sealing of secret values (persistence.h), the only OpenSSL user in variables/.
#include <array>
#include <climits>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "variables/persistence.h"

namespace tseq {
namespace {

constexpr size_t kKeyLength = 32;
constexpr size_t kNonceLength = 12;
constexpr size_t kTagLength = 16;
constexpr const char* kUnsealFailed =
    "secret value could not be decrypted: wrong key or damaged state file";

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

unsigned char* Bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }
const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The oldest queued OpenSSL error as text, and an empty queue afterwards so a later, unrelated
// failure in this thread is not reported with a stale reason.
std::string TakeOpenSslError() {
  const unsigned long code = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  std::array<char, 256> buffer{};
  ERR_error_string_n(code, buffer.data(), buffer.size());
  return buffer.data();
}

Status SealError(std::string_view what) {
  return InternalError("could not seal a secret value: " + std::string(what) + ": " +
                       TakeOpenSslError());
}

class AesGcmSecretSealer final : public SecretSealer {
 public:
  explicit AesGcmSecretSealer(std::string_view key) : key_(key) {}
  ~AesGcmSecretSealer() override { OPENSSL_cleanse(key_.data(), key_.size()); }
  AesGcmSecretSealer(const AesGcmSecretSealer&) = delete;
  AesGcmSecretSealer& operator=(const AesGcmSecretSealer&) = delete;

  Result<std::string> Seal(std::string_view plaintext) const override {
    if (plaintext.size() > static_cast<size_t>(INT_MAX) - kNonceLength - kTagLength) {
      return InvalidArgumentError("secret value is too large to seal");
    }
    std::string sealed(kNonceLength + plaintext.size() + kTagLength, '\0');
    unsigned char* nonce = Bytes(sealed);
    unsigned char* ciphertext = nonce + kNonceLength;
    unsigned char* tag = ciphertext + plaintext.size();
    if (RAND_bytes(nonce, static_cast<int>(kNonceLength)) != 1) return SealError("no nonce");

    CipherContext context(EVP_CIPHER_CTX_new());
    int written = 0;
    int final_written = 0;
    if (context == nullptr ||
        EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceLength),
                            nullptr) != 1 ||
        EVP_EncryptInit_ex(context.get(), nullptr, nullptr, Bytes(key_), nonce) != 1 ||
        EVP_EncryptUpdate(context.get(), ciphertext, &written, Bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(context.get(), ciphertext + written, &final_written) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagLength),
                            tag) != 1) {
      return SealError("encryption failed");
    }
    if (static_cast<size_t>(written) + static_cast<size_t>(final_written) != plaintext.size()) {
      return InternalError("could not seal a secret value: short encryption");
    }
    return sealed;
  }

  Result<std::string> Unseal(std::string_view sealed) const override {
    if (sealed.size() < kNonceLength + kTagLength || sealed.size() > static_cast<size_t>(INT_MAX)) {
      return CorruptionError(kUnsealFailed);
    }
    const std::string_view nonce = sealed.substr(0, kNonceLength);
    const std::string_view ciphertext =
        sealed.substr(kNonceLength, sealed.size() - kNonceLength - kTagLength);
    // EVP_CTRL_GCM_SET_TAG takes a non-const pointer.
    std::string tag(sealed.substr(sealed.size() - kTagLength));

    std::string plaintext(ciphertext.size(), '\0');
    CipherContext context(EVP_CIPHER_CTX_new());
    int written = 0;
    int final_written = 0;
    const bool ok =
        context != nullptr &&
        EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceLength),
                            nullptr) == 1 &&
        EVP_DecryptInit_ex(context.get(), nullptr, nullptr, Bytes(key_), Bytes(nonce)) == 1 &&
        EVP_DecryptUpdate(context.get(), Bytes(plaintext), &written, Bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagLength),
                            tag.data()) == 1 &&
        EVP_DecryptFinal_ex(context.get(), Bytes(plaintext) + written, &final_written) == 1;
    if (!ok) {
      // Never hand back (or leave lying in memory) bytes that failed authentication.
      OPENSSL_cleanse(plaintext.data(), plaintext.size());
      ERR_clear_error();
      return CorruptionError(kUnsealFailed);
    }
    plaintext.resize(static_cast<size_t>(written) + static_cast<size_t>(final_written));
    return plaintext;
  }

 private:
  std::string key_;  // wiped by the destructor
};

}  // namespace

Result<std::unique_ptr<SecretSealer>> NewAesGcmSecretSealer(std::string_view key) {
  if (key.size() != kKeyLength) {
    return InvalidArgumentError("sealing key must be 32 bytes, not " + std::to_string(key.size()));
  }
  return std::unique_ptr<SecretSealer>(std::make_unique<AesGcmSecretSealer>(key));
}

Result<std::string> GenerateSealingKey() {
  std::string key(kKeyLength, '\0');
  if (RAND_priv_bytes(Bytes(key), static_cast<int>(kKeyLength)) != 1) {
    return IoError("could not generate a sealing key: " + TakeOpenSslError());
  }
  return key;
}

}  // namespace tseq
