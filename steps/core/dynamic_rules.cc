#include "steps/core/dynamic_rules.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "base/strings.h"
#include "steps/core/machine_facts.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

const std::vector<std::string> kRuleKeys = {"match", "set"};
const std::vector<std::string> kRuleKinds = {"computer", "location", "makeModel", "variable"};
const std::vector<std::string> kComputerKeys = {"assetTag", "uuid", "serial", "mac"};
const std::vector<std::string> kLocationKeys = {"gateway"};
const std::vector<std::string> kMakeModelKeys = {"make", "model"};
const std::vector<std::string> kAssignmentKeys = {"value", "secret"};

// Appended piece by piece: GCC 12 at -O3 misreads "'" + std::string(...) as an overlapping memcpy
// (-Wrestrict, GCC bug 105329).
std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '\'';
  quoted += text;
  quoted += '\'';
  return quoted;
}

bool MayReferenceVariables(std::string_view text) { return text.find('%') != text.npos; }

struct LocatedText {
  std::string text;
  SourceLocation location;
};

class SettingsReader {
 public:
  explicit SettingsReader(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  DynamicVariableSettings Read(const Value* rules, const Value* variables) {
    DynamicVariableSettings settings;
    if (variables != nullptr && variables->is_map()) {
      ReadAssignments(*variables, "property 'variables'", settings.variables);
    }
    if (rules != nullptr && rules->is_list()) {
      int number = 0;
      for (const Value& item : rules->items) {
        std::optional<DynamicRule> rule = ReadRule(item, ++number);
        if (rule.has_value()) settings.rules.push_back(std::move(*rule));
      }
    }
    return settings;
  }

 private:
  void AddError(const SourceLocation& location, std::string message) {
    diagnostics_.AddError(location, std::move(message));
  }

  void CheckKeys(const Value& map, const std::vector<std::string>& allowed,
                 std::string_view where) {
    for (const auto& [key, value] : map.entries) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      const std::optional<std::string> match = ClosestMatch(key, allowed);
      AddError(value.key_location, "unknown key " + Quote(key) + " in " + std::string(where) +
                                       (match ? " (did you mean " + Quote(*match) + "?)" : ""));
    }
  }

  const Value* Require(const Value& map, const std::string& key, std::string_view owner) {
    const Value* value = map.Find(key);
    if (value == nullptr) {
      AddError(map.location, std::string(owner) + " is missing required key " + Quote(key));
    }
    return value;
  }

  std::optional<std::string> ReadText(const Value& value, std::string_view subject,
                                      bool reject_empty) {
    if (reject_empty && (value.is_null() || (value.is_scalar() && value.scalar.empty()))) {
      AddError(value.location, std::string(subject) + " must not be empty");
      return std::nullopt;
    }
    if (!value.is_scalar()) {
      AddError(value.location, std::string(subject) + " must be a string, not " + value.KindName());
      return std::nullopt;
    }
    return value.scalar;
  }

  // One non-empty string, or a list of them.
  std::vector<LocatedText> ReadTexts(const Value& value, const std::string& key) {
    const std::string subject = Quote(key);
    std::vector<LocatedText> texts;
    if (value.is_list()) {
      if (value.items.empty()) AddError(value.location, subject + " needs at least one value");
      for (const Value& item : value.items) {
        if (std::optional<std::string> text = ReadText(item, "values of " + subject, true)) {
          texts.push_back({std::string(TrimWhitespace(*text)), item.location});
        }
      }
    } else if (std::optional<std::string> text = ReadText(value, subject, true)) {
      texts.push_back({std::string(TrimWhitespace(*text)), value.location});
    }
    return texts;
  }

  // `NAME: VALUE` or `NAME: {value: VALUE, secret: BOOLEAN}`, as in a sequence's `variables:`.
  void ReadAssignments(const Value& map, std::string_view owner,
                       std::vector<VariableAssignment>& assignments) {
    std::map<std::string, std::string> spellings;  // lower-cased name -> first spelling
    for (const auto& [key, value] : map.entries) {
      VariableAssignment assignment;
      assignment.name = std::string(TrimWhitespace(key));
      bool valid = true;
      if (const Status status = VariableStore::ValidateName(key); !status.ok()) {
        AddError(value.key_location, status.message());
        valid = false;
      } else if (VariableStore::IsReadOnlyName(assignment.name)) {
        AddError(value.key_location, "cannot set read-only variable " + Quote(assignment.name));
        valid = false;
      } else if (const auto [existing, inserted] =
                     spellings.emplace(ToLowerAscii(assignment.name), assignment.name);
                 !inserted) {
        AddError(value.key_location, "variable " + Quote(assignment.name) + " is already set as " +
                                         Quote(existing->second) + " in " + std::string(owner) +
                                         " (names ignore case)");
        valid = false;
      }
      const std::string subject = "variable " + Quote(assignment.name);
      if (value.is_scalar()) {
        assignment.value = value.scalar;
      } else if (value.is_map()) {
        CheckKeys(value, kAssignmentKeys, subject);
        const Value* text = Require(value, "value", subject);
        std::optional<std::string> read;
        if (text != nullptr) read = ReadText(*text, "'value'", false);
        valid = valid && read.has_value();
        assignment.value = read.value_or("");
        if (const Value* secret = value.Find("secret")) {
          const std::optional<bool> flag =
              secret->is_scalar() ? ParseBoolean(secret->scalar) : std::nullopt;
          if (!flag.has_value()) {
            AddError(secret->location, "'secret' must be true or false, not " +
                                           (secret->is_scalar() ? Quote(secret->scalar)
                                                                : std::string(secret->KindName())));
            valid = false;
          }
          assignment.secret = flag.value_or(false);
        }
      } else {
        AddError(value.location, subject +
                                     " must be a string or a map with 'value' and 'secret', not " +
                                     value.KindName());
        valid = false;
      }
      assignment.secret =
          assignment.secret || VariableStore::IsWellKnownSecretName(assignment.name);
      if (valid) assignments.push_back(std::move(assignment));
    }
  }

  std::optional<DynamicRule> ReadRule(const Value& item, int number) {
    const std::string owner = "rule " + std::to_string(number);
    if (!item.is_map()) {
      AddError(item.location,
               owner + " must be a map with 'match' and 'set', not " + item.KindName());
      return std::nullopt;
    }
    const int errors = diagnostics_.error_count();
    CheckKeys(item, kRuleKeys, owner);
    DynamicRule rule;
    rule.number = number;
    if (const Value* match = Require(item, "match", owner)) ReadMatch(*match, owner, rule);
    if (const Value* set = Require(item, "set", owner)) {
      const std::string subject = "'set' of " + owner;
      if (!set->is_map()) {
        AddError(set->location, subject + " must be a map of variables, not " + set->KindName());
      } else if (set->entries.empty()) {
        AddError(set->location, subject + " must set at least one variable");
      } else {
        ReadAssignments(*set, subject, rule.assignments);
      }
    }
    if (diagnostics_.error_count() != errors) return std::nullopt;
    return rule;
  }

  void ReadMatch(const Value& match, const std::string& owner, DynamicRule& rule) {
    const std::string subject = "'match' of " + owner;
    if (!match.is_map()) {
      AddError(match.location, subject + " must be a map, not " + match.KindName());
      return;
    }
    std::vector<const std::pair<std::string, Value>*> kinds;
    for (const auto& entry : match.entries) {
      if (std::find(kRuleKinds.begin(), kRuleKinds.end(), entry.first) != kRuleKinds.end()) {
        kinds.push_back(&entry);
      }
    }
    if (kinds.empty()) {
      if (match.entries.empty()) {
        AddError(match.location, subject + " needs one of: " + Join(kRuleKinds, ", "));
        return;
      }
      const auto& [key, value] = match.entries.front();
      const std::optional<std::string> suggestion = ClosestMatch(key, kRuleKinds);
      AddError(value.key_location, "unknown rule kind " + Quote(key) + " in " + owner +
                                       (suggestion ? " (did you mean " + Quote(*suggestion) + "?)"
                                                   : " (one of: " + Join(kRuleKinds, ", ") + ")"));
      return;
    }
    if (kinds.size() > 1) {
      AddError(kinds[1]->second.key_location,
               owner + " matches one thing, but its 'match' has both " + Quote(kinds[0]->first) +
                   " and " + Quote(kinds[1]->first) + " (write one rule for each)");
      return;
    }
    const std::string& kind = kinds[0]->first;
    const Value& value = kinds[0]->second;
    if (kind == "variable") {
      rule.kind = RuleKind::kVariable;
      if (value.is_map()) {
        AddError(value.location,
                 "'variable' names the variable to test, as in a condition: "
                 "{ variable: NAME, equals: VALUE }");
        return;
      }
      if (std::optional<VariableTest> test = ReadVariableTest(match, diagnostics_)) {
        rule.variable_test = std::move(*test);
      }
      return;
    }
    CheckKeys(match, {kind}, subject);
    if (kind == "computer") {
      ReadComputer(value, rule);
    } else if (kind == "location") {
      ReadLocation(value, rule);
    } else {
      ReadMakeModel(value, rule);
    }
  }

  void ReadComputer(const Value& value, DynamicRule& rule) {
    rule.kind = RuleKind::kComputer;
    if (!value.is_map()) {
      AddError(value.location, "'computer' must be a map of identifiers (" +
                                   Join(kComputerKeys, ", ") + "), not " + value.KindName());
      return;
    }
    if (value.entries.empty()) {
      AddError(value.location, "'computer' needs at least one of: " + Join(kComputerKeys, ", "));
      return;
    }
    CheckKeys(value, kComputerKeys, "computer rule");
    for (const auto& [key, entry] : value.entries) {
      if (std::find(kComputerKeys.begin(), kComputerKeys.end(), key) == kComputerKeys.end()) {
        continue;
      }
      for (LocatedText& text : ReadTexts(entry, key)) {
        if (key == "mac" && !MayReferenceVariables(text.text) &&
            !NormalizeMacAddress(text.text).has_value()) {
          AddError(text.location, Quote(text.text) +
                                      " is not a MAC address (write six hex bytes, e.g. "
                                      "00:1A:2B:3C:4D:5E or 00-1A-2B-3C-4D-5E)");
          continue;
        }
        rule.identifiers.push_back({key, std::move(text.text)});
      }
    }
  }

  void ReadLocation(const Value& value, DynamicRule& rule) {
    rule.kind = RuleKind::kLocation;
    if (!value.is_map()) {
      AddError(value.location,
               std::string("'location' must be a map with 'gateway', not ") + value.KindName());
      return;
    }
    CheckKeys(value, kLocationKeys, "location rule");
    const Value* gateway = Require(value, "gateway", "location rule");
    if (gateway == nullptr) return;
    for (LocatedText& text : ReadTexts(*gateway, "gateway")) {
      if (!MayReferenceVariables(text.text) && !NormalizeIpAddress(text.text).has_value()) {
        AddError(text.location, Quote(text.text) + " is not an IPv4 or IPv6 address");
        continue;
      }
      rule.gateways.push_back(std::move(text.text));
    }
  }

  void ReadMakeModel(const Value& value, DynamicRule& rule) {
    rule.kind = RuleKind::kMakeModel;
    if (!value.is_map()) {
      AddError(value.location, std::string("'makeModel' must be a map with 'make' and 'model', "
                                           "not ") +
                                   value.KindName());
      return;
    }
    CheckKeys(value, kMakeModelKeys, "makeModel rule");
    // Both are required, as in ConfigMgr, where '*' matches any make or model.
    for (const std::string& key : kMakeModelKeys) {
      const Value* pattern = value.Find(key);
      if (pattern == nullptr) {
        AddError(value.location, "makeModel rule is missing required key " + Quote(key) +
                                     " (use '*' to match any " + key + ")");
        continue;
      }
      (key == "make" ? rule.make_pattern : rule.model_pattern) =
          ReadText(*pattern, Quote(key), true).value_or("");
    }
  }

  Diagnostics& diagnostics_;
};

}  // namespace

const char* RuleKindDescription(RuleKind kind) {
  switch (kind) {
    case RuleKind::kComputer:
      return "computer";
    case RuleKind::kLocation:
      return "location";
    case RuleKind::kMakeModel:
      return "make and model";
    case RuleKind::kVariable:
      return "variable";
  }
  return "unknown";
}

DynamicVariableSettings ReadDynamicVariableSettings(const Value* rules, const Value* variables,
                                                    Diagnostics& diagnostics) {
  return SettingsReader(diagnostics).Read(rules, variables);
}

}  // namespace tseq
