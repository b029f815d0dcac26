// The character rules for variable names, shared by VariableStore::ValidateName and the %NAME%
// scanner so the two can never disagree. Internal to variables/.
#pragma once

#include <array>
#include <cstddef>

namespace tseq::variable_name {

inline constexpr size_t kMaxLength = 256;

constexpr bool IsStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// IsCharacter for every byte, looked up: names are checked on every Set and scanned in every text.
inline constexpr std::array<bool, 256> kCharacterTable = [] {
  std::array<bool, 256> table{};
  for (size_t byte = 0; byte < table.size(); ++byte) {
    const char c = static_cast<char>(static_cast<unsigned char>(byte));
    table[byte] = IsStart(c) || (c >= '0' && c <= '9') || c == '-';
  }
  return table;
}();

constexpr bool IsCharacter(char c) { return kCharacterTable[static_cast<unsigned char>(c)]; }

}  // namespace tseq::variable_name
