// Saving and loading a VariableStore for the engine's state file.
//
// The text is JSON: {"format": "tseq-variables", "version": 1, "variables": [...]}, one object per
// variable with its name, source and either "value" or, for a secret, "sealed" (the value sealed by
// a SecretSealer, base64). Secret values never appear in clear text in the output. Loading checks
// the format name and version and every field, and reports anything wrong as Corruption naming the
// field, never half-loading.
//
// Details: a plain value that is not valid UTF-8 (JSON strings must be) is stored base64-encoded
// as "valueBase64" instead of "value". Sources are spelled as VariableSourceName gives them.
// Errors read "state variables: entry N: ..." with N counting from 1, e.g.
// "state variables: entry 3: missing 'name'" or
// "state variables: unsupported version 2 (this tseq reads version 1)". Loading also refuses
// unknown fields, duplicate names, empty values and a well-known secret name stored in clear; a
// secret that does not unseal gives the sealer's Corruption with the entry as context. Entries
// are restored with VariableAccess::kEngine, so read-only names come back too.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "variables/variable_store.h"

namespace tseq {

// Seals and unseals secret values. Implementations must authenticate: Unseal of tampered or
// foreign data fails (Corruption), never returns garbage.
class SecretSealer {
 public:
  virtual ~SecretSealer() = default;
  virtual Result<std::string> Seal(std::string_view plaintext) const = 0;
  virtual Result<std::string> Unseal(std::string_view sealed) const = 0;
};

// AES-256-GCM with a random 96-bit nonce per value (OpenSSL). `key` must be 32 bytes
// (InvalidArgument otherwise). Sealed form: nonce || ciphertext || 16-byte tag. Thread-safe.
Result<std::unique_ptr<SecretSealer>> NewAesGcmSecretSealer(std::string_view key);
// 32 random bytes from the OS's CSPRNG, for a new sealing key.
Result<std::string> GenerateSealingKey();

Result<std::string> SerializeVariables(const VariableStore& store, const SecretSealer& sealer);
Result<VariableStore> DeserializeVariables(std::string_view text, const SecretSealer& sealer);

}  // namespace tseq
