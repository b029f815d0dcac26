// Reading YAML text into a Value tree. The only place where yaml-cpp is called; its exceptions
// never leave this module.
//
// Every node keeps its 1-based line and column and the file name. Map keys must be scalars and
// unique (exact, case-sensitive comparison): a repeated key is reported as an error and only its
// first value is kept. Anchors and aliases are expanded (an alias is a copy of the anchored node,
// located where the alias is written); merge keys (`<<`) are not special. Quoted and block scalars
// are marked `quoted`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "sequences/value.h"

namespace tseq {

// Upper bound on the nodes of one document, aliases counted as copies, so that a small file built
// from nested aliases ("billion laughs") cannot exhaust memory.
inline constexpr size_t kMaxYamlNodes = 2'000'000;  // about 100,000 steps

// Parses one YAML document. Returns nullopt, after adding an error to `diagnostics`, when the text
// is not a single YAML document: a syntax error (at the position yaml-cpp reports), a second
// document, or more than kMaxYamlNodes nodes. Otherwise returns the root Value (kNull for an empty
// file or one of comments only); non-scalar and duplicate keys are then reported as errors too, but
// the tree is still returned (without those entries) so that the caller can go on validating.
// `file_name` is used only in locations. A large text is parsed in two parts on two threads when
// it can be (sequences/yaml_split.h); the result is the same.
std::optional<Value> ParseYaml(std::string_view text, const std::string& file_name,
                               Diagnostics& diagnostics);

}  // namespace tseq
