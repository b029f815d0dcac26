#include "sequences/value.h"

#include "base/strings.h"

namespace tseq {

const Value* Value::Find(std::string_view key) const {
  for (const auto& [entry_key, entry_value] : entries) {
    if (entry_key == key) return &entry_value;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  for (auto& [entry_key, entry_value] : entries) {
    if (entry_key == key) return &entry_value;
  }
  return nullptr;
}

const char* Value::KindName() const {
  switch (kind) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return "a string";
    case Kind::kList:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "unknown";
}

std::optional<bool> ParseBoolean(std::string_view text) {
  const std::string lower = ToLowerAscii(TrimWhitespace(text));
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

}  // namespace tseq
