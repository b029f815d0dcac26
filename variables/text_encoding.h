// Base64 and UTF-8 checks for the variables state file. Internal to variables/. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tseq::text_encoding {

// Standard base64 (RFC 4648 §4) with '=' padding and no line breaks.
std::string Base64Encode(std::string_view bytes);
// The bytes, or nullopt unless `text` is exactly what Base64Encode produces for some input: no
// whitespace, padded to a multiple of 4, unused bits zero.
std::optional<std::string> Base64Decode(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF), i.e. it can be a JSON string as is.
bool IsValidUtf8(std::string_view text);

}  // namespace tseq::text_encoding
