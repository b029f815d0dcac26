#include "sequences/loader.h"

#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "sequences/condition_parser.h"
#include "sequences/property_validation.h"
#include "sequences/validation_context.h"
#include "sequences/yaml_conversion.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

const std::vector<std::string> kSequenceKeys = {"name", "description", "variables", "steps"};
const std::vector<std::string> kStepKeys = {
    "name",      "type", "description", "enabled", "continueOnError",
    "condition", "with", "timeout",     "retry"};
const std::vector<std::string> kGroupKeys = {"group",           "description", "enabled",
                                             "continueOnError", "condition",   "steps"};
const std::vector<std::string> kStepOnlyKeys = {"type", "with", "timeout", "retry"};
const std::vector<std::string> kGroupOnlyKeys = {"group", "steps"};
const std::vector<std::string> kVariableKeys = {"value", "secret"};
const std::vector<std::string> kRetryKeys = {"count", "delay"};

class SequenceReader {
 public:
  explicit SequenceReader(ValidationContext& context) : context_(context) {}

  // Consumes `root`: each step's `with:` map is moved into the step, not copied.
  void Read(Value& root, Sequence& sequence) {
    if (root.is_null()) {
      SourceLocation location = root.location;
      location.file = sequence.source_file;
      context_.AddError(location, "the file is empty: a sequence needs 'name' and 'steps'");
      return;
    }
    if (!root.is_map()) {
      context_.AddError(root.location, std::string("a sequence must be a map with 'name' and "
                                                   "'steps', not ") +
                                           root.KindName());
      return;
    }
    context_.CheckKeys(root, kSequenceKeys, "sequence");
    if (const Value* name = Require(root, "name", "sequence")) {
      if (auto text = context_.ReadText(*name, "'name'", ValidationContext::Emptiness::kRejected)) {
        sequence.name = std::move(*text);
        context_.NoteText(sequence.name, name->location);
      }
    }
    sequence.description = ReadDescription(root);
    const Value* variables = root.Find("variables");
    // `variables:` with every entry commented out is an empty map, not a mistake.
    if (variables != nullptr && !variables->is_null()) {
      ReadVariables(*variables, sequence.variables);
    }
    if (Value* steps = Require(root, "steps", "sequence")) {
      if (ReadItems(*steps, sequence.steps) && steps->items.empty()) {
        context_.AddWarning(steps->location, "sequence '" + sequence.name + "' has no steps");
      }
    }
  }

 private:
  // Value* for a Value the reader may consume, const Value* otherwise.
  template <typename MapValue>
  auto Require(MapValue& map, std::string_view key, const Phrase& owner)
      -> decltype(map.Find(key)) {
    auto* value = map.Find(key);
    if (value == nullptr) {
      context_.AddError(map.location,
                        owner.str() + " is missing required key '" + std::string(key) + "'");
    }
    return value;
  }

  std::string ReadDescription(const Value& map) {
    const Value* description = map.Find("description");
    if (description == nullptr || description->is_null()) return "";
    return context_.ReadText(*description, "'description'").value_or("");
  }

  void ReadVariables(const Value& variables, std::vector<VariableDefinition>& definitions) {
    if (!variables.is_map()) {
      context_.AddError(variables.location,
                        std::string("'variables' must be a map, not ") + variables.KindName());
      return;
    }
    std::map<std::string, std::string> spellings;  // lower-cased name -> first spelling
    for (const auto& [key, value] : variables.entries) {
      VariableDefinition definition;
      definition.name = std::string(TrimWhitespace(key));
      definition.location = value.key_location;
      bool valid = CheckVariableName(key, value.key_location);
      const auto [existing, inserted] =
          spellings.emplace(ToLowerAscii(definition.name), definition.name);
      if (valid && !inserted) {
        context_.AddError(value.key_location, "variable '" + definition.name +
                                                  "' is already defined as '" + existing->second +
                                                  "' (names ignore case)");
        valid = false;
      }
      const Phrase owner("variable '", definition.name, "'");
      if (value.is_scalar()) {
        definition.value = value.scalar;
        context_.NoteText(value.scalar, value.location);
      } else if (value.is_map()) {
        context_.CheckKeys(value, kVariableKeys, owner);
        if (const Value* text = Require(value, "value", owner)) {
          if (auto read = context_.ReadText(*text, "'value'")) {
            definition.value = std::move(*read);
            context_.NoteText(definition.value, text->location);
          }
        }
        if (const Value* secret = value.Find("secret")) {
          definition.secret = context_.ReadBoolean(*secret, "'secret'").value_or(false);
        }
      } else {
        context_.AddError(value.location, owner.str() +
                                              " must be a string or a map with 'value' and "
                                              "'secret', not " +
                                              value.KindName());
      }
      definition.secret =
          definition.secret || VariableStore::IsWellKnownSecretName(definition.name);
      context_.NoteKnownVariable(definition.name);
      if (valid) definitions.push_back(std::move(definition));
    }
  }

  bool CheckVariableName(const std::string& name, const SourceLocation& location) {
    const Status status = VariableStore::ValidateName(name);
    if (!status.ok()) {
      context_.AddError(location, status.message());
      return false;
    }
    const std::string_view trimmed = TrimWhitespace(name);
    if (VariableStore::IsReadOnlyName(trimmed)) {
      context_.AddError(location, "cannot set read-only variable '" + std::string(trimmed) + "'");
      return false;
    }
    return true;
  }

  // Returns whether `list` was a list; its items that are valid are appended to `nodes`.
  bool ReadItems(Value& list, std::vector<SequenceNode>& nodes) {
    if (!list.is_list()) {
      context_.AddError(list.location,
                        std::string("'steps' must be a list, not ") + list.KindName());
      return false;
    }
    nodes.reserve(nodes.size() + list.items.size());
    for (Value& item : list.items) {
      if (std::optional<SequenceNode> node = ReadItem(item)) nodes.push_back(std::move(*node));
    }
    return true;
  }

  std::optional<SequenceNode> ReadItem(Value& item) {
    if (!item.is_map()) {
      context_.AddError(item.location,
                        std::string("an item in 'steps' must be a map, not ") + item.KindName());
      return std::nullopt;
    }
    const bool has_name = item.Find("name") != nullptr;
    const bool has_group = item.Find("group") != nullptr;
    if (has_name && has_group) {
      context_.AddError(item.location,
                        "an item in 'steps' needs either 'name' (a step) or 'group' (a group), "
                        "not both");
      return std::nullopt;
    }
    if (!has_name && !has_group) {
      context_.AddError(item.location,
                        "an item in 'steps' needs either 'name' (a step) or 'group' (a group)");
      // Go on as the kind the other keys suggest, so their own mistakes are reported too.
      if (item.Find("steps") != nullptr) {
        ReadGroup(item);
      } else if (HasAnyKey(item, kStepOnlyKeys)) {
        ReadStep(item);
      }
      return std::nullopt;
    }
    const int errors = context_.error_count();
    SequenceNode node = has_group ? ReadGroup(item) : ReadStep(item);
    if (context_.error_count() != errors) return std::nullopt;
    return node;
  }

  static bool HasAnyKey(const Value& map, const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      if (map.Find(key) != nullptr) return true;
    }
    return false;
  }

  void ReadCommon(const Value& item, std::string_view name_key, SequenceNode& node) {
    node.location = item.location;
    if (const Value* name = item.Find(name_key)) {
      if (auto text = context_.ReadText(*name, Phrase("'", name_key, "'"),
                                        ValidationContext::Emptiness::kRejected)) {
        node.name = std::move(*text);
        context_.NoteText(node.name, name->location);
      }
    }
    node.description = ReadDescription(item);
    if (const Value* enabled = item.Find("enabled")) {
      node.enabled = context_.ReadBoolean(*enabled, "'enabled'").value_or(true);
    }
    if (const Value* continue_on_error = item.Find("continueOnError")) {
      node.continue_on_error =
          context_.ReadBoolean(*continue_on_error, "'continueOnError'").value_or(false);
    }
    if (const Value* condition = item.Find("condition")) {
      node.condition = ParseCondition(context_, *condition, "'condition'");
    }
  }

  // "step 'NAME'", or "step" for a step without a name; refers to `node`'s name.
  static Phrase Owner(std::string_view kind, std::string_view kind_and_quote,
                      const SequenceNode& node) {
    return node.name.empty() ? Phrase(kind) : Phrase(kind_and_quote, node.name, "'");
  }

  SequenceNode ReadStep(Value& item) {
    SequenceNode node;
    node.kind = NodeKind::kStep;
    ReadCommon(item, "name", node);
    const Phrase owner = Owner("step", "step '", node);
    context_.CheckKeys(item, kStepKeys, owner, kGroupOnlyKeys, "a step");

    Value* with = item.Find("with");
    if (with != nullptr && !with->is_map() && !with->is_null()) {
      context_.AddError(with->location,
                        std::string("'with' must be a map of properties, not ") + with->KindName());
      with = nullptr;
    }
    // The step takes the map over (the tree is not read again), before validation: step types'
    // own checks (StepCatalog::ValidateStep) read node.properties.
    if (with != nullptr && with->is_map()) {
      node.properties = std::move(*with);
      with = &node.properties;
    }

    const StepSchema* schema = nullptr;
    if (const Value* type = Require(item, "type", owner)) {
      if (auto text = context_.ReadText(*type, "'type'", ValidationContext::Emptiness::kRejected)) {
        node.type = std::string(TrimWhitespace(*text));
        schema = context_.catalog().FindStepSchema(node.type);
        if (schema == nullptr) {
          context_.AddError(type->location,
                            "unknown step type '" + node.type + "'" +
                                DidYouMean(node.type, context_.catalog().StepTypeNames()));
        }
      }
    }
    if (schema != nullptr) {
      context_.NoteStepType(*schema);
      ValidateStepProperties(context_, node.name, *schema, with, item.location);
      context_.catalog().ValidateStep(node, context_.diagnostics());
    } else if (with != nullptr) {
      context_.NoteTexts(*with);
    }

    if (const Value* timeout = item.Find("timeout")) node.timeout = ReadTimeout(*timeout);
    if (const Value* retry = item.Find("retry")) node.retry = ReadRetry(*retry);
    return node;
  }

  std::optional<std::chrono::milliseconds> ReadDuration(const Value& value,
                                                        std::string_view subject) {
    if (!value.is_scalar()) {
      context_.AddError(
          value.location,
          std::string(subject) + " must be a duration such as 90s or 15m, not " + value.KindName());
      return std::nullopt;
    }
    auto duration = ParseDuration(value.scalar);
    if (!duration.ok()) {
      context_.AddError(value.location, duration.status().message());
      return std::nullopt;
    }
    return *duration;
  }

  std::optional<std::chrono::milliseconds> ReadTimeout(const Value& value) {
    const auto timeout = ReadDuration(value, "'timeout'");
    if (timeout && timeout->count() == 0) {
      context_.AddError(value.location, "'timeout' must be longer than 0s");
      return std::nullopt;
    }
    return timeout;
  }

  std::optional<RetryPolicy> ReadRetry(const Value& value) {
    if (!value.is_map()) {
      context_.AddError(value.location, std::string("'retry' must be a map with 'count' and "
                                                    "'delay', not ") +
                                            value.KindName());
      return std::nullopt;
    }
    context_.CheckKeys(value, kRetryKeys, "'retry'");
    RetryPolicy policy;
    if (const Value* count = Require(value, "count", "'retry'")) {
      const std::optional<long long> number =
          context_.ReadInteger(*count, "'count'", 0, std::nullopt);
      if (number && *number > std::numeric_limits<int>::max()) {
        context_.AddError(count->location, "'count' must be at most " +
                                               std::to_string(std::numeric_limits<int>::max()));
      } else {
        policy.count = static_cast<int>(number.value_or(0));
      }
    }
    if (const Value* delay = value.Find("delay")) {
      policy.delay = ReadDuration(*delay, "'delay'").value_or(std::chrono::milliseconds(0));
    }
    return policy;
  }

  SequenceNode ReadGroup(Value& item) {
    SequenceNode node;
    node.kind = NodeKind::kGroup;
    ReadCommon(item, "group", node);
    const Phrase owner = Owner("group", "group '", node);
    context_.CheckKeys(item, kGroupKeys, owner, kStepOnlyKeys, "a group");
    if (Value* steps = Require(item, "steps", owner)) {
      if (ReadItems(*steps, node.children) && steps->items.empty()) {
        context_.AddWarning(steps->location, owner.str() + " has no steps");
      }
    }
    return node;
  }

  ValidationContext& context_;
};

}  // namespace

Result<SequencePointer> LoadSequence(std::string_view text, const std::string& file_name,
                                     const StepCatalog& catalog, Diagnostics& diagnostics) {
  const int errors_before = diagnostics.error_count();
  auto sequence = std::make_shared<Sequence>();
  sequence->source_file = file_name;
  if (std::optional<Value> root = ParseYaml(text, file_name, diagnostics)) {
    ValidationContext context(catalog, diagnostics);
    SequenceReader(context).Read(*root, *sequence);
    context.ReportUnknownReferences();
  }
  const int errors = diagnostics.error_count() - errors_before;
  if (errors > 0) {
    return InvalidArgumentError(file_name + ": " + std::to_string(errors) +
                                (errors == 1 ? " error" : " errors"));
  }
  return SequencePointer(std::move(sequence));
}

}  // namespace tseq
