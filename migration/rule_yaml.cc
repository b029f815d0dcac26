#include "migration/rule_yaml.h"

#include <exception>
#include <unordered_set>
#include <vector>

#include "base/strings.h"

namespace tseq::rule_yaml {

std::optional<YAML::Node> ParseDocument(std::string_view text, const SourceFile& file,
                                        Diagnostics& diagnostics) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& error) {
    SourceLocation location{file, 0, 0};
    if (!error.mark.is_null()) location = {file, error.mark.line + 1, error.mark.column + 1};
    diagnostics.AddError(std::move(location), "YAML syntax error: " + error.msg);
    return std::nullopt;
  } catch (const std::exception& error) {
    diagnostics.AddError({file, 0, 0}, std::string("cannot read YAML: ") + error.what());
    return std::nullopt;
  }
  if (documents.empty()) return YAML::Node();
  if (documents.size() > 1) {
    diagnostics.AddError(Locate(documents[1], file),
                         "the file holds one YAML document, but a second one starts here");
    return std::nullopt;
  }
  return documents.front();
}

SourceLocation Locate(const YAML::Node& node, const SourceFile& file) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

const char* KindName(const YAML::Node& node) {
  if (node.IsScalar()) return "a string";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

void CheckKeys(const YAML::Node& map, std::span<const std::string> known, std::string_view what,
               const SourceFile& file, Diagnostics& diagnostics) {
  std::unordered_set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      diagnostics.AddError(Locate(key, file),
                           "a key must be a string, not " + std::string(KindName(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (!seen.insert(name).second) {
      diagnostics.AddError(Locate(key, file), "key '" + name + "' is repeated");
      continue;
    }
    bool is_known = false;
    for (const std::string& candidate : known) is_known = is_known || candidate == name;
    if (is_known) continue;
    std::string message = "unknown key '" + name + "' in " + std::string(what);
    if (std::optional<std::string> close = ClosestMatch(name, known)) {
      message += " (did you mean '" + *close + "'?)";
    }
    diagnostics.AddError(Locate(key, file), std::move(message));
  }
}

std::optional<YAML::Node> Find(const YAML::Node& map, std::string_view key) {
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return std::nullopt;
}

std::optional<std::string> ReadString(const YAML::Node& node, std::string_view key,
                                      const SourceFile& file, Diagnostics& diagnostics) {
  if (node.IsScalar()) return node.Scalar();
  diagnostics.AddError(Locate(node, file),
                       "'" + std::string(key) + "' must be a string, not " + KindName(node));
  return std::nullopt;
}

std::optional<bool> ReadBoolean(const YAML::Node& node, std::string_view key,
                                const SourceFile& file, Diagnostics& diagnostics) {
  if (node.IsScalar()) {
    const std::string lower = ToLowerAscii(node.Scalar());
    if (lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "no" || lower == "off") return false;
  }
  const std::string shown = node.IsScalar() ? "'" + node.Scalar() + "'" : KindName(node);
  diagnostics.AddError(Locate(node, file),
                       "'" + std::string(key) + "' must be true or false, not " + shown);
  return std::nullopt;
}

}  // namespace tseq::rule_yaml
