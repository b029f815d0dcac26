// Value: a YAML node as tseq keeps it, without yaml-cpp types, with the location of every node.
// Step properties (`with:`) are Values, so plugins of any kind see the same tree. Immutable once
// loaded; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostics.h"

namespace tseq {

struct Value {
  enum class Kind { kNull, kScalar, kList, kMap };

  // Declared so that clang accepts the vectors of Value inside Value (libstdc++ checks
  // constructibility of the incomplete type otherwise).
  Value() = default;

  Kind kind = Kind::kNull;
  std::string scalar;        // kScalar: the text as written (quotes removed)
  bool quoted = false;       // kScalar: written in quotes, so never a boolean or a number
  std::vector<Value> items;  // kList
  std::vector<std::pair<std::string, Value>> entries;  // kMap, in file order, keys unique
  SourceLocation location;
  SourceLocation key_location;  // for a map entry's value: where its key was written

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_map() const { return kind == Kind::kMap; }
  // kMap: the value under `key` (exact match), or nullptr.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  // "a map", "a list", "a string", "nothing" — for error messages.
  const char* KindName() const;
};

// YAML 1.2 core booleans as tseq accepts them: true/false in any case, plus yes/no and on/off
// (YAML 1.1, which administrators write). nullopt for anything else.
std::optional<bool> ParseBoolean(std::string_view text);

}  // namespace tseq
