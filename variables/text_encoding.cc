#include "variables/text_encoding.h"

#include <array>
#include <cstdint>

namespace tseq::text_encoding {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr uint8_t kInvalid = 0xFF;

constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (uint8_t& entry : table) entry = kInvalid;
  for (size_t index = 0; index < kAlphabet.size(); ++index) {
    table[static_cast<unsigned char>(kAlphabet[index])] = static_cast<uint8_t>(index);
  }
  return table;
}
constexpr std::array<uint8_t, 256> kDecodeTable = MakeDecodeTable();

uint32_t Byte(std::string_view text, size_t index) {
  return static_cast<unsigned char>(text[index]);
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string encoded;
  encoded.reserve((bytes.size() + 2) / 3 * 4);
  size_t index = 0;
  for (; index + 3 <= bytes.size(); index += 3) {
    const uint32_t group =
        Byte(bytes, index) << 16 | Byte(bytes, index + 1) << 8 | Byte(bytes, index + 2);
    encoded.push_back(kAlphabet[group >> 18 & 0x3F]);
    encoded.push_back(kAlphabet[group >> 12 & 0x3F]);
    encoded.push_back(kAlphabet[group >> 6 & 0x3F]);
    encoded.push_back(kAlphabet[group & 0x3F]);
  }
  const size_t rest = bytes.size() - index;
  if (rest > 0) {
    uint32_t group = Byte(bytes, index) << 16;
    if (rest == 2) group |= Byte(bytes, index + 1) << 8;
    encoded.push_back(kAlphabet[group >> 18 & 0x3F]);
    encoded.push_back(kAlphabet[group >> 12 & 0x3F]);
    encoded.push_back(rest == 2 ? kAlphabet[group >> 6 & 0x3F] : '=');
    encoded.push_back('=');
  }
  return encoded;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;

  std::string decoded;
  decoded.reserve(text.size() / 4 * 3);
  for (size_t index = 0; index < text.size(); index += 4) {
    const bool last = index + 4 == text.size();
    const size_t digits = last ? 4 - padding : 4;
    uint32_t group = 0;
    for (size_t offset = 0; offset < 4; ++offset) {
      uint32_t value = 0;
      if (offset < digits) {
        value = kDecodeTable[static_cast<unsigned char>(text[index + offset])];
        if (value == kInvalid) return std::nullopt;
      }
      group = group << 6 | value;
    }
    decoded.push_back(static_cast<char>(group >> 16 & 0xFF));
    if (digits >= 3) decoded.push_back(static_cast<char>(group >> 8 & 0xFF));
    if (digits == 4) decoded.push_back(static_cast<char>(group & 0xFF));
    // Non-zero bits below the last whole byte mean the text was not produced by Base64Encode.
    if ((digits == 2 && (group & 0xFFFF) != 0) || (digits == 3 && (group & 0xFF) != 0)) {
      return std::nullopt;
    }
  }
  return decoded;
}

bool IsValidUtf8(std::string_view text) {
  size_t index = 0;
  while (index < text.size()) {
    const uint32_t lead = Byte(text, index);
    if (lead < 0x80) {
      ++index;
      continue;
    }
    // Sequence length, the smallest code point that needs it, and the lead byte's payload.
    size_t length = 0;
    uint32_t minimum = 0;
    uint32_t code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      minimum = 0x80;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      minimum = 0x800;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      minimum = 0x10000;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (text.size() - index < length) return false;
    for (size_t offset = 1; offset < length; ++offset) {
      const uint32_t continuation = Byte(text, index + offset);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = code_point << 6 | (continuation & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    index += length;
  }
  return true;
}

}  // namespace tseq::text_encoding
