#include "sequences/condition_parser.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "sequences/timestamp.h"
#include "sequences/version_constraint.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

const std::vector<std::string>& KindKeys() {
  static const std::vector<std::string> keys = {"all",    "any", "none",    "variable", "file",
                                                "folder", "os",  "package", "command"};
  return keys;
}

constexpr std::array<std::pair<std::string_view, ConditionKind>, 9> kKinds = {{
    {"all", ConditionKind::kAll},
    {"any", ConditionKind::kAny},
    {"none", ConditionKind::kNone},
    {"variable", ConditionKind::kVariable},
    {"file", ConditionKind::kFile},
    {"folder", ConditionKind::kFolder},
    {"os", ConditionKind::kOs},
    {"package", ConditionKind::kPackage},
    {"command", ConditionKind::kCommand},
}};

constexpr std::array<VariableOperator, 8> kOperators = {
    VariableOperator::kExists,    VariableOperator::kEquals,       VariableOperator::kNotEquals,
    VariableOperator::kGreater,   VariableOperator::kGreaterEqual, VariableOperator::kLess,
    VariableOperator::kLessEqual, VariableOperator::kLike,
};

const std::vector<std::string>& OperatorNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const VariableOperator op : kOperators) list.emplace_back(VariableOperatorName(op));
    return list;
  }();
  return names;
}

std::optional<VariableOperator> FindOperator(std::string_view name) {
  for (const VariableOperator op : kOperators) {
    if (name == VariableOperatorName(op)) return op;
  }
  return std::nullopt;
}

class ConditionParser {
 public:
  explicit ConditionParser(ValidationContext& context) : context_(context) {}

  std::optional<Condition> Parse(const Value& value, std::string_view subject) {
    if (!value.is_map()) {
      context_.AddError(value.location,
                        std::string(subject) + " must be a map, not " + value.KindName());
      return std::nullopt;
    }
    // The map's keys that name a kind, in file order; keys are unique, so at most one per kind.
    std::array<const std::pair<std::string, Value>*, kKinds.size()> kind_entries{};
    std::array<ConditionKind, kKinds.size()> entry_kinds{};
    size_t kind_count = 0;
    for (const auto& entry : value.entries) {
      for (const auto& [name, kind] : kKinds) {
        if (entry.first == name) {
          kind_entries[kind_count] = &entry;
          entry_kinds[kind_count] = kind;
          ++kind_count;
          break;
        }
      }
    }
    if (kind_count == 0) {
      ReportMissingKind(value);
      return std::nullopt;
    }
    if (kind_count > 1) {
      context_.AddError(kind_entries[1]->second.key_location,
                        "a condition tests one thing, but this one has both '" +
                            kind_entries[0]->first + "' and '" + kind_entries[1]->first +
                            "' (combine conditions with 'all' or 'any')");
      return std::nullopt;
    }
    Condition condition;
    condition.location = value.location;
    condition.kind = entry_kinds[0];
    bool valid = true;
    switch (condition.kind) {
      case ConditionKind::kAll:
      case ConditionKind::kAny:
      case ConditionKind::kNone:
        valid = ParseCombinator(value, *kind_entries[0], condition);
        break;
      case ConditionKind::kVariable:
        valid = ParseVariable(value, condition);
        break;
      case ConditionKind::kFile:
      case ConditionKind::kFolder:
        valid = ParsePath(value, kind_entries[0]->first, condition);
        break;
      case ConditionKind::kOs:
        valid = ParseOs(value, condition);
        break;
      case ConditionKind::kPackage:
        valid = ParsePackage(value, condition);
        break;
      case ConditionKind::kCommand:
        valid = ParseCommand(value, condition);
        break;
    }
    if (!valid) return std::nullopt;
    return condition;
  }

 private:
  void ReportMissingKind(const Value& map) {
    for (const auto& [key, entry] : map.entries) {
      const std::string suggestion = DidYouMean(key, KindKeys());
      if (!suggestion.empty()) {
        context_.AddError(entry.key_location, "unknown condition '" + key + "'" + suggestion);
        return;
      }
    }
    context_.AddError(map.location, "a condition needs one of: " + Join(KindKeys(), ", "));
  }

  bool ParseCombinator(const Value& map, const std::pair<std::string, Value>& entry,
                       Condition& condition) {
    const int errors = Errors();
    const std::string& name = entry.first;
    context_.CheckKeys(map, std::span<const std::string>(&name, 1),
                       Phrase("'", name, "' condition"));
    const Value& list = entry.second;
    if (!list.is_list()) {
      context_.AddError(list.location,
                        "'" + name + "' must be a list of conditions, not " + list.KindName());
      return false;
    }
    if (list.items.empty()) {
      context_.AddError(list.location, "'" + name + "' needs at least one condition");
      return false;
    }
    for (const Value& item : list.items) {
      std::optional<Condition> child = Parse(item, "a condition");
      if (child) condition.children.push_back(std::move(*child));
    }
    return Errors() == errors;
  }

  bool ParseVariable(const Value& map, Condition& condition) {
    const int errors = Errors();
    const Value* operator_value = nullptr;
    std::string operator_name;
    bool unknown_operator = false;
    const std::vector<std::string>& operator_names = OperatorNames();
    for (const auto& [key, entry] : map.entries) {
      if (key == "variable") continue;
      const std::optional<VariableOperator> op = FindOperator(key);
      if (!op) {
        const std::string hint =
            key == "notExists" ? " (write 'exists: false')" : DidYouMean(key, operator_names);
        context_.AddError(entry.key_location,
                          "unknown operator '" + key + "' for variable condition" + hint);
        unknown_operator = true;
        continue;
      }
      if (operator_value != nullptr) {
        context_.AddError(entry.key_location, "variable condition has more than one operator: '" +
                                                  operator_name + "' and '" + key + "'");
        continue;
      }
      operator_value = &entry;
      operator_name = key;
      condition.op = *op;
    }

    const Value& name_value = *map.Find("variable");
    if (const auto name =
            context_.ReadText(name_value, "'variable'", ValidationContext::Emptiness::kRejected)) {
      const Status status = VariableStore::ValidateName(*name);
      if (!status.ok()) context_.AddError(name_value.location, status.message());
      condition.variable = std::string(TrimWhitespace(*name));
    }

    if (operator_value == nullptr) {
      if (!unknown_operator) {
        context_.AddError(map.location,
                          "variable condition needs an operator: " + Join(operator_names, ", "));
      }
      return false;
    }
    if (condition.op == VariableOperator::kExists) {
      if (const auto expected = context_.ReadBoolean(*operator_value, "'exists'")) {
        condition.expected = *expected;
      }
    } else if (const auto operand =
                   context_.ReadText(*operator_value, Phrase("'", operator_name, "'"))) {
      condition.operand = *operand;
      context_.NoteText(*operand, operator_value->location);
    }
    return Errors() == errors;
  }

  bool ParsePath(const Value& map, const std::string& kind, Condition& condition) {
    const int errors = Errors();
    static const std::vector<std::string> kFileKeys = {"file", "exists", "modifiedAfter",
                                                       "modifiedBefore"};
    static const std::vector<std::string> kFolderKeys = {"folder", "exists", "modifiedAfter",
                                                         "modifiedBefore"};
    context_.CheckKeys(map, kind == "file" ? kFileKeys : kFolderKeys,
                       Phrase(kind, " condition", ""));
    const Value& path = *map.Find(kind);
    if (const auto text = context_.ReadText(path, Phrase("'", kind, "'"),
                                            ValidationContext::Emptiness::kRejected)) {
      condition.path = *text;
      context_.NoteText(*text, path.location);
    }
    if (const Value* exists = map.Find("exists")) {
      if (const auto expected = context_.ReadBoolean(*exists, "'exists'")) {
        condition.expected = *expected;
      }
    }
    condition.modified_after = ReadTimestamp(map, "modifiedAfter", condition);
    condition.modified_before = ReadTimestamp(map, "modifiedBefore", condition);
    return Errors() == errors;
  }

  std::optional<std::string> ReadTimestamp(const Value& map, std::string_view key,
                                           const Condition& condition) {
    const Value* value = map.Find(key);
    if (value == nullptr) return std::nullopt;
    const std::optional<std::string> text = context_.ReadText(*value, Phrase("'", key, "'"));
    if (!text) return std::nullopt;
    context_.NoteText(*text, value->location);
    if (!condition.expected) {
      context_.AddError(value->key_location,
                        Phrase("'", key, "' cannot be combined with 'exists: false'").str());
    }
    if (!MayReferenceVariables(*text)) {
      const auto parsed = ParseTimestamp(*text);
      if (!parsed.ok()) context_.AddError(value->location, parsed.status().message());
    }
    return std::string(TrimWhitespace(*text));
  }

  bool ParseOs(const Value& map, Condition& condition) {
    const int errors = Errors();
    static const std::vector<std::string> allowed = {"os", "version"};
    context_.CheckKeys(map, allowed, "os condition");
    const Value& id = *map.Find("os");
    if (const auto text = context_.ReadText(id, "'os'", ValidationContext::Emptiness::kRejected)) {
      condition.os_id = std::string(TrimWhitespace(*text));
      context_.NoteText(*text, id.location);
    }
    if (const Value* version = map.Find("version")) {
      if (const auto text = context_.ReadText(*version, "'version'")) {
        context_.NoteText(*text, version->location);
        if (!MayReferenceVariables(*text)) {
          const auto parsed = ParseVersionConstraint(*text);
          if (!parsed.ok()) context_.AddError(version->location, parsed.status().message());
        }
        condition.version_constraint = std::string(TrimWhitespace(*text));
      }
    }
    return Errors() == errors;
  }

  bool ParsePackage(const Value& map, Condition& condition) {
    const int errors = Errors();
    static const std::vector<std::string> allowed = {"package", "installed"};
    context_.CheckKeys(map, allowed, "package condition");
    const Value& name = *map.Find("package");
    if (const auto text =
            context_.ReadText(name, "'package'", ValidationContext::Emptiness::kRejected)) {
      condition.package = std::string(TrimWhitespace(*text));
      context_.NoteText(*text, name.location);
    }
    if (const Value* installed = map.Find("installed")) {
      if (const auto expected = context_.ReadBoolean(*installed, "'installed'")) {
        condition.expected = *expected;
      }
    }
    return Errors() == errors;
  }

  bool ParseCommand(const Value& map, Condition& condition) {
    const int errors = Errors();
    static const std::vector<std::string> allowed = {"command", "exitCode"};
    context_.CheckKeys(map, allowed, "command condition");
    const Value& command = *map.Find("command");
    if (const auto text =
            context_.ReadText(command, "'command'", ValidationContext::Emptiness::kRejected)) {
      condition.command = *text;
      context_.NoteText(*text, command.location);
      const auto arguments = SplitCommandLine(*text);
      if (!arguments.ok()) context_.AddError(command.location, arguments.status().message());
    }
    if (const Value* exit_code = map.Find("exitCode")) {
      if (const auto number = context_.ReadInteger(*exit_code, "'exitCode'", 0, 255)) {
        condition.exit_code = static_cast<int>(*number);
      }
    }
    return Errors() == errors;
  }

  int Errors() const { return context_.error_count(); }

  ValidationContext& context_;
};

}  // namespace

std::optional<Condition> ParseCondition(ValidationContext& context, const Value& value,
                                        std::string_view subject) {
  return ConditionParser(context).Parse(value, subject);
}

}  // namespace tseq
