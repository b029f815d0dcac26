// The character rules for variable names, shared by VariableStore::ValidateName and the %NAME%
// scanner so the two can never disagree. Internal to variables/.
#pragma once

#include <cstddef>

namespace tseq::variable_name {

inline constexpr size_t kMaxLength = 256;

constexpr bool IsStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool IsCharacter(char c) { return IsStart(c) || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace tseq::variable_name
