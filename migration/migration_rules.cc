#include "migration/migration_rules.h"

#include <algorithm>
#include <unordered_map>

#include "base/strings.h"

namespace tseq {
namespace {

std::string QuoteYaml(std::string_view text) {
  std::string quoted = "\"";
  for (const char character : text) {
    if (character == '"' || character == '\\') quoted += '\\';
    quoted += character;
  }
  return quoted + "\"";
}

// A description on one comment line.
std::string OneLine(std::string_view text) {
  std::string line;
  for (const char character : TrimWhitespace(text)) {
    const bool space = character == '\n' || character == '\r' || character == '\t';
    if (space && !line.empty() && line.back() == ' ') continue;
    line += space ? ' ' : character;
  }
  return line;
}

}  // namespace

Result<MigrationRules> MigrationRules::Merge(std::vector<RuleFile> files) {
  std::unordered_map<std::string, SourceLocation> defined;
  for (const RuleFile& file : files) {
    for (const RuleComponent& component : file.components) {
      const auto [existing, added] =
          defined.emplace(ToLowerAscii(component.name), component.location);
      if (!added) {
        return InvalidArgumentError("component '" + component.name + "' is defined in both " +
                                    existing->second.ToString() + " and " +
                                    component.location.ToString());
      }
    }
  }
  MigrationRules rules;
  rules.files_ = std::move(files);
  return rules;
}

Result<MigrationRules> MigrationRules::Shipped() {
  TSEQ_ASSIGN_OR_RETURN(std::vector<RuleFile> files, ParseShippedRuleFiles());
  return Merge(std::move(files));
}

Status MigrationRules::ApplyConfig(const MigrationConfig& config) {
  std::vector<RuleFile> files = files_;
  std::vector<std::string> names;
  for (const RuleFile& file : files) {
    for (const RuleComponent& component : file.components) names.push_back(component.name);
  }
  Diagnostics diagnostics;
  for (const ConfigEntry& entry : config.components) {
    bool found = false;
    for (RuleFile& file : files) {
      for (RuleComponent& component : file.components) {
        if (!EqualsIgnoreCase(component.name, entry.name)) continue;
        component.enabled = entry.migrate;
        found = true;
      }
    }
    if (found) continue;
    std::string message = "component '" + entry.name + "' is not in the loaded rule files";
    if (std::optional<std::string> close = ClosestMatch(entry.name, names)) {
      message += " (did you mean '" + *close + "'?)";
    }
    diagnostics.AddError(entry.location, std::move(message));
  }
  if (diagnostics.HasErrors()) {
    std::string message = diagnostics.ToString();
    message.pop_back();  // the last '\n'
    return InvalidArgumentError(std::move(message));
  }
  files_ = std::move(files);
  return Status::Ok();
}

std::string MigrationRules::GenerateConfig() const {
  std::string text =
      "# The components of the migration rule files, written by /genconfig. Set migrate: false\n"
      "# on what to leave out and give this file back with /config. A component left out of\n"
      "# this list keeps the default of its rule file.\n"
      "components:\n";
  for (const RuleFile& file : files_) {
    for (const RuleComponent& component : file.components) {
      text += "  # " + file.file_name;
      const std::string description = OneLine(component.description);
      if (!description.empty()) text += ": " + description;
      text += "\n  - name: " + QuoteYaml(component.name) + "\n";
      text += std::string("    migrate: ") + (component.enabled ? "true" : "false") + "\n";
    }
  }
  return text;
}

const RuleComponent* MigrationRules::FindComponent(std::string_view name) const {
  for (const RuleFile& file : files_) {
    for (const RuleComponent& component : file.components) {
      if (EqualsIgnoreCase(component.name, name)) return &component;
    }
  }
  return nullptr;
}

std::string RuleOrigin::ToString() const {
  return std::string(RuleKindName(kind)) + " '" + pattern + "' of component '" + component + "' (" +
         location.ToString() + ")";
}

}  // namespace tseq
