// Reading the migration YAML files (rule files, /config files) with yaml-cpp. Internal to
// migration/rule_file.cc and migration/rule_config.cc: yaml-cpp types appear here and in those
// files only, and its exceptions never leave them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "base/diagnostics.h"

namespace tseq::rule_yaml {

// Parses `text` as one YAML document. On a syntax error, or a second document, adds an error and
// returns nullopt. An empty text is a null node.
std::optional<YAML::Node> ParseDocument(std::string_view text, const SourceFile& file,
                                        Diagnostics& diagnostics);

SourceLocation Locate(const YAML::Node& node, const SourceFile& file);

// "a string", "a list", "a map", "nothing".
const char* KindName(const YAML::Node& node);

// Reports the keys of `map` that are not scalars, repeated or not in `known` ("unknown key 'K'
// in WHAT (did you mean 'X'?)"). Known keys are compared exactly.
void CheckKeys(const YAML::Node& map, std::span<const std::string> known, std::string_view what,
               const SourceFile& file, Diagnostics& diagnostics);

// The first value of `key` in `map`, or nullopt.
std::optional<YAML::Node> Find(const YAML::Node& map, std::string_view key);

// A scalar's text; reports "'KEY' must be a string, not a list" otherwise.
std::optional<std::string> ReadString(const YAML::Node& node, std::string_view key,
                                      const SourceFile& file, Diagnostics& diagnostics);

// true/yes/on or false/no/off, ignoring case; reports "'KEY' must be true or false, not 'X'".
std::optional<bool> ReadBoolean(const YAML::Node& node, std::string_view key,
                                const SourceFile& file, Diagnostics& diagnostics);

}  // namespace tseq::rule_yaml
