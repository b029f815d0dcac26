#include "migration/rule_config.h"

#include <array>
#include <unordered_map>
#include <utility>

#include "base/strings.h"
#include "migration/rule_yaml.h"

namespace tseq {
namespace {

using rule_yaml::Find;
using rule_yaml::KindName;
using rule_yaml::Locate;

const std::array<std::string, 1> kFileKeys = {"components"};
const std::array<std::string, 2> kEntryKeys = {"name", "migrate"};

void ParseConfig(const YAML::Node& root, const SourceFile& file, MigrationConfig& config,
                 Diagnostics& diagnostics) {
  if (!root.IsMap()) {
    diagnostics.AddError(
        Locate(root, file),
        std::string("a config file must be a map with 'components', not ") + KindName(root));
    return;
  }
  rule_yaml::CheckKeys(root, kFileKeys, "config file", file, diagnostics);
  const std::optional<YAML::Node> components = Find(root, "components");
  if (!components) {
    diagnostics.AddError(Locate(root, file), "config file is missing required key 'components'");
    return;
  }
  if (components->IsNull()) return;  // "components:" with nothing: changes nothing
  if (!components->IsSequence()) {
    diagnostics.AddError(
        Locate(*components, file),
        std::string("'components' must be a list of components, not ") + KindName(*components));
    return;
  }
  std::unordered_map<std::string, SourceLocation> listed;
  for (const YAML::Node& node : *components) {
    if (!node.IsMap()) {
      diagnostics.AddError(Locate(node, file),
                           std::string("a component must be a map with 'name' and 'migrate', "
                                       "not ") +
                               KindName(node));
      continue;
    }
    ConfigEntry entry;
    entry.location = Locate(node, file);
    std::string what = "component";
    bool complete = true;
    if (const std::optional<YAML::Node> name = Find(node, "name")) {
      std::optional<std::string> text = rule_yaml::ReadString(*name, "name", file, diagnostics);
      complete = text.has_value();
      if (text) {
        entry.name = std::move(*text);
        entry.location = Locate(*name, file);
        what = "component '" + entry.name + "'";
      }
    } else {
      diagnostics.AddError(entry.location, "component is missing required key 'name'");
      complete = false;
    }
    rule_yaml::CheckKeys(node, kEntryKeys, what, file, diagnostics);
    if (const std::optional<YAML::Node> migrate = Find(node, "migrate")) {
      const std::optional<bool> value =
          rule_yaml::ReadBoolean(*migrate, "migrate", file, diagnostics);
      complete = complete && value.has_value();
      entry.migrate = value.value_or(true);
    } else {
      diagnostics.AddError(entry.location, what + " is missing required key 'migrate'");
      complete = false;
    }
    if (!complete) continue;
    const auto [existing, added] = listed.emplace(ToLowerAscii(entry.name), entry.location);
    if (!added) {
      diagnostics.AddError(entry.location, "component '" + entry.name + "' is already listed at " +
                                               existing->second.ToString());
      continue;
    }
    config.components.push_back(std::move(entry));
  }
}

}  // namespace

std::optional<MigrationConfig> ParseMigrationConfig(std::string_view text,
                                                    const std::string& file_name,
                                                    Diagnostics& diagnostics) {
  const int errors_before = diagnostics.error_count();
  const SourceFile file(file_name);
  const std::optional<YAML::Node> root = rule_yaml::ParseDocument(text, file, diagnostics);
  if (!root) return std::nullopt;
  MigrationConfig config;
  config.file_name = file_name;
  try {
    ParseConfig(*root, file, config, diagnostics);
  } catch (const YAML::Exception& error) {
    diagnostics.AddError({file, error.mark.line + 1, error.mark.column + 1},
                         "YAML error: " + error.msg);
  }
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return config;
}

Result<MigrationConfig> ReadMigrationConfig(const Filesystem& filesystem, const std::string& path) {
  TSEQ_ASSIGN_OR_RETURN(const std::string text, filesystem.ReadFile(path));
  Diagnostics diagnostics;
  std::optional<MigrationConfig> config = ParseMigrationConfig(text, path, diagnostics);
  if (!config) {
    std::string message = diagnostics.ToString();
    if (!message.empty() && message.back() == '\n') message.pop_back();
    return InvalidArgumentError(std::move(message));
  }
  return std::move(*config);
}

}  // namespace tseq
