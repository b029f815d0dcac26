#include "migration/rule_file.h"

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

const std::array<std::string, 2> kFileKeys = {"description", "components"};
const std::array<std::string, 6> kComponentKeys = {
    "name", "description", "enabled", "include", "exclude", "unconditionalExclude"};
constexpr std::array<RuleKind, 3> kRuleKinds = {RuleKind::kInclude, RuleKind::kExclude,
                                                RuleKind::kUnconditionalExclude};

bool IsValidName(std::string_view name) {
  if (name.empty() || TrimWhitespace(name).size() != name.size()) return false;
  for (const char character : name) {
    const auto code = static_cast<unsigned char>(character);
    if (code < 0x20 || code == 0x7f) return false;
  }
  return true;
}

class RuleFileParser {
 public:
  RuleFileParser(const std::string& file_name, Diagnostics& diagnostics)
      : file_(file_name), diagnostics_(diagnostics) {}

  void ParseFile(const YAML::Node& root, RuleFile& result) {
    if (!root.IsMap()) {
      diagnostics_.AddError(
          Locate(root, file_),
          std::string("a rule file must be a map with 'components', not ") + KindName(root));
      return;
    }
    rule_yaml::CheckKeys(root, kFileKeys, "rule file", file_, diagnostics_);
    if (const std::optional<YAML::Node> description = Find(root, "description")) {
      result.description =
          rule_yaml::ReadString(*description, "description", file_, diagnostics_).value_or("");
    }
    const std::optional<YAML::Node> components = Find(root, "components");
    if (!components) {
      diagnostics_.AddError(Locate(root, file_), "rule file is missing required key 'components'");
      return;
    }
    if (!components->IsSequence()) {
      diagnostics_.AddError(
          Locate(*components, file_),
          std::string("'components' must be a list of components, not ") + KindName(*components));
      return;
    }
    std::unordered_map<std::string, SourceLocation> names;
    for (const YAML::Node& node : *components) {
      std::optional<RuleComponent> component = ParseComponent(node);
      if (!component) continue;
      const auto [existing, added] =
          names.emplace(ToLowerAscii(component->name), component->location);
      if (!added) {
        diagnostics_.AddError(component->location, "component '" + component->name +
                                                       "' is already defined at " +
                                                       existing->second.ToString());
        continue;
      }
      result.components.push_back(std::move(*component));
    }
  }

 private:
  std::optional<RuleComponent> ParseComponent(const YAML::Node& node) {
    if (!node.IsMap()) {
      diagnostics_.AddError(Locate(node, file_),
                            std::string("a component must be a map with 'name' and its "
                                        "rules, not ") +
                                KindName(node));
      return std::nullopt;
    }
    const size_t errors_before = static_cast<size_t>(diagnostics_.error_count());
    RuleComponent component;
    component.location = Locate(node, file_);
    std::string what = "component";
    const std::optional<YAML::Node> name = Find(node, "name");
    if (!name) {
      diagnostics_.AddError(component.location, "component is missing required key 'name'");
    } else if (std::optional<std::string> text =
                   rule_yaml::ReadString(*name, "name", file_, diagnostics_)) {
      component.location = Locate(*name, file_);
      if (IsValidName(*text)) {
        component.name = std::move(*text);
        what = "component '" + component.name + "'";
      } else {
        diagnostics_.AddError(component.location,
                              "invalid component name '" + *text +
                                  "': names are non-empty text without control characters or "
                                  "surrounding spaces");
      }
    }
    rule_yaml::CheckKeys(node, kComponentKeys, what, file_, diagnostics_);
    if (const std::optional<YAML::Node> description = Find(node, "description")) {
      component.description =
          rule_yaml::ReadString(*description, "description", file_, diagnostics_).value_or("");
    }
    if (const std::optional<YAML::Node> enabled = Find(node, "enabled")) {
      component.enabled =
          rule_yaml::ReadBoolean(*enabled, "enabled", file_, diagnostics_).value_or(true);
    }
    for (const RuleKind kind : kRuleKinds) {
      if (const std::optional<YAML::Node> list = Find(node, RuleKindName(kind))) {
        ParseRules(*list, kind, component);
      }
    }
    if (static_cast<size_t>(diagnostics_.error_count()) != errors_before) return std::nullopt;
    return component;
  }

  void ParseRules(const YAML::Node& list, RuleKind kind, RuleComponent& component) {
    if (list.IsNull()) return;  // "exclude:" with nothing after it: no rules
    if (!list.IsSequence()) {
      diagnostics_.AddError(Locate(list, file_), "'" + std::string(RuleKindName(kind)) +
                                                     "' must be a list of patterns, not " +
                                                     KindName(list));
      return;
    }
    for (const YAML::Node& item : list) {
      if (++pattern_count_ > kMaxRulePatterns) {
        if (pattern_count_ == kMaxRulePatterns + 1) {
          diagnostics_.AddError(Locate(item, file_), "the file has more than " +
                                                         std::to_string(kMaxRulePatterns) +
                                                         " patterns (aliases count as copies)");
        }
        return;
      }
      if (!item.IsScalar()) {
        std::string message = std::string("a pattern must be a string, not ") + KindName(item);
        if (item.IsNull()) message += " (quote a pattern that is just \"~\")";
        diagnostics_.AddError(Locate(item, file_), std::move(message));
        continue;
      }
      Result<RulePattern> pattern = ParseRulePattern(item.Scalar());
      if (!pattern.ok()) {
        diagnostics_.AddError(Locate(item, file_), pattern.status().message());
        continue;
      }
      component.rules.push_back({kind, std::move(pattern).value(), Locate(item, file_)});
    }
  }

  SourceFile file_;
  Diagnostics& diagnostics_;
  size_t pattern_count_ = 0;
};

// Every diagnostic, one per line, as one message.
std::string JoinDiagnostics(const Diagnostics& diagnostics) {
  std::string text = diagnostics.ToString();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

std::string_view RuleKindName(RuleKind kind) {
  switch (kind) {
    case RuleKind::kInclude:
      return "include";
    case RuleKind::kExclude:
      return "exclude";
    case RuleKind::kUnconditionalExclude:
      return "unconditionalExclude";
  }
  return "include";
}

std::optional<RuleFile> ParseRuleFile(std::string_view text, const std::string& file_name,
                                      Diagnostics& diagnostics) {
  const int errors_before = diagnostics.error_count();
  const std::optional<YAML::Node> root =
      rule_yaml::ParseDocument(text, SourceFile(file_name), diagnostics);
  if (!root) return std::nullopt;
  RuleFile result;
  result.file_name = file_name;
  // yaml-cpp reports problems with its own data (a bad alias, say) by throwing from the
  // accessors too.
  try {
    RuleFileParser(file_name, diagnostics).ParseFile(*root, result);
  } catch (const YAML::Exception& error) {
    diagnostics.AddError({SourceFile(file_name), error.mark.line + 1, error.mark.column + 1},
                         "YAML error: " + error.msg);
  }
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return result;
}

Result<RuleFile> ReadRuleFile(const Filesystem& filesystem, const std::string& path) {
  TSEQ_ASSIGN_OR_RETURN(const std::string text, filesystem.ReadFile(path));
  Diagnostics diagnostics;
  std::optional<RuleFile> file = ParseRuleFile(text, path, diagnostics);
  if (!file) return InvalidArgumentError(JoinDiagnostics(diagnostics));
  return std::move(*file);
}

std::optional<std::string_view> FindShippedRuleFile(std::string_view name) {
  for (const ShippedRuleFile& file : ShippedRuleFiles()) {
    if (file.name == name) return file.text;
  }
  return std::nullopt;
}

Result<std::vector<RuleFile>> ParseShippedRuleFiles() {
  std::vector<RuleFile> files;
  Diagnostics diagnostics;
  for (const ShippedRuleFile& shipped : ShippedRuleFiles()) {
    std::optional<RuleFile> file =
        ParseRuleFile(shipped.text, std::string(shipped.name), diagnostics);
    if (file) files.push_back(std::move(*file));
  }
  // Only a broken build gets here: a test parses the shipped files.
  if (diagnostics.HasErrors()) return InternalError(JoinDiagnostics(diagnostics));
  return files;
}

}  // namespace tseq
