#include "steps/plugins/plugin_json.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <set>

#include "base/strings.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

using Json = nlohmann::ordered_json;

struct TypeName {
  const char* name;
  PropertyType type;
};

constexpr TypeName kTypeNames[] = {
    {"string", PropertyType::kString},
    {"boolean", PropertyType::kBoolean},
    {"integer", PropertyType::kInteger},
    {"duration", PropertyType::kDuration},
    {"enum", PropertyType::kEnum},
    {"stringList", PropertyType::kStringList},
    {"variableName", PropertyType::kVariableName},
    {"map", PropertyType::kMap},
    {"list", PropertyType::kList},
};

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::optional<std::string> match = ClosestMatch(word, candidates);
  return match.has_value() ? " (did you mean '" + *match + "'?)" : "";
}

Result<PropertyType> ParseTypeName(const std::string& name) {
  std::vector<std::string> names;
  for (const TypeName& entry : kTypeNames) {
    if (name == entry.name) return entry.type;
    names.push_back(entry.name);
  }
  return InvalidArgumentError("unknown type '" + name + "'" + DidYouMean(name, names) +
                              "; types: " + Join(names, ", "));
}

bool IsLetter(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

bool IsNameCharacter(char character) {
  return IsLetter(character) || (character >= '0' && character <= '9') || character == '_' ||
         character == '-';
}

Result<std::string> ReadString(const Json& object, const char* key, bool required) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) return InvalidArgumentError(std::string("'") + key + "' is missing");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgumentError(std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

Result<bool> ReadBoolean(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return false;
  if (!it->is_boolean())
    return InvalidArgumentError(std::string("'") + key + "' must be true or false");
  return it->get<bool>();
}

Result<std::optional<long long>> ReadInteger(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<long long>();
  if (it->is_number_integer() &&
      (!it->is_number_unsigned() || it->get<unsigned long long>() <= LLONG_MAX)) {
    return std::optional<long long>(it->get<long long>());
  }
  return InvalidArgumentError(std::string("'") + key + "' must be a whole number");
}

// A default written as a JSON string, boolean, whole number or (for string lists) array of
// strings, as the text a `with:` value would be.
Result<std::string> DefaultText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number_integer()) return value.dump();
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const Json& item : value) {
      if (!item.is_string()) return InvalidArgumentError("'default' items must be strings");
      items.push_back(item.get<std::string>());
    }
    return Join(items, " ");
  }
  return InvalidArgumentError("'default' must be a string, a boolean or a whole number");
}

std::optional<long long> WholeNumber(std::string_view text) {
  const std::optional<double> number = ParseNumber(text);
  if (!number.has_value() || std::floor(*number) != *number || std::fabs(*number) > 9.0e15) {
    return std::nullopt;
  }
  return static_cast<long long>(*number);
}

const std::string* MatchAllowedValue(const PropertySchema& property, std::string_view text) {
  for (const std::string& allowed : property.allowed_values) {
    if (EqualsIgnoreCase(TrimWhitespace(text), allowed)) return &allowed;
  }
  return nullptr;
}

// Checks a default the way the sequence validator checks a `with:` value of the same type.
Status CheckDefault(const PropertySchema& property, const std::string& text) {
  const std::string shown = "default '" + text + "'";
  switch (property.type) {
    case PropertyType::kBoolean:
      if (!ParseBoolean(text).has_value()) return InvalidArgumentError(shown + " is not a boolean");
      return Status::Ok();
    case PropertyType::kInteger: {
      const std::optional<long long> number = WholeNumber(text);
      if (!number.has_value()) return InvalidArgumentError(shown + " is not a whole number");
      if (property.minimum.has_value() && *number < *property.minimum) {
        return InvalidArgumentError(shown + " is below the minimum " +
                                    std::to_string(*property.minimum));
      }
      if (property.maximum.has_value() && *number > *property.maximum) {
        return InvalidArgumentError(shown + " is above the maximum " +
                                    std::to_string(*property.maximum));
      }
      return Status::Ok();
    }
    case PropertyType::kDuration:
      return ParseDuration(text).status();
    case PropertyType::kEnum:
      if (MatchAllowedValue(property, text) == nullptr) {
        return InvalidArgumentError(shown + " is not one of the allowed values");
      }
      return Status::Ok();
    case PropertyType::kVariableName:
      return VariableStore::ValidateName(text);
    case PropertyType::kMap:
    case PropertyType::kList:
      return InvalidArgumentError("map and list properties cannot have a default");
    case PropertyType::kString:
    case PropertyType::kStringList:
      return Status::Ok();
  }
  return Status::Ok();
}

Result<PropertySchema> ParsePropertySchema(const Json& object) {
  TSEQ_RETURN_IF_ERROR(
      CheckKeys(object, {"name", "type", "description", "default", "actionVariable", "required",
                         "secret", "allowedValues", "minimum", "maximum"}));
  PropertySchema property;
  TSEQ_ASSIGN_OR_RETURN(property.name, ReadString(object, "name", true));
  TSEQ_ASSIGN_OR_RETURN(const std::string type, ReadString(object, "type", true));
  TSEQ_ASSIGN_OR_RETURN(property.type, ParseTypeName(type));
  TSEQ_ASSIGN_OR_RETURN(property.description, ReadString(object, "description", false));
  TSEQ_ASSIGN_OR_RETURN(property.action_variable, ReadString(object, "actionVariable", false));
  TSEQ_ASSIGN_OR_RETURN(property.required, ReadBoolean(object, "required"));
  TSEQ_ASSIGN_OR_RETURN(property.secret, ReadBoolean(object, "secret"));
  TSEQ_ASSIGN_OR_RETURN(property.minimum, ReadInteger(object, "minimum"));
  TSEQ_ASSIGN_OR_RETURN(property.maximum, ReadInteger(object, "maximum"));

  if (!property.action_variable.empty()) {
    TSEQ_RETURN_IF_ERROR(VariableStore::ValidateName(property.action_variable));
  }
  const auto allowed = object.find("allowedValues");
  if (allowed != object.end()) {
    if (property.type != PropertyType::kEnum) {
      return InvalidArgumentError("'allowedValues' is only for properties of type enum");
    }
    if (!allowed->is_array()) return InvalidArgumentError("'allowedValues' must be an array");
    for (const Json& value : *allowed) {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return InvalidArgumentError("'allowedValues' items must be non-empty strings");
      }
      property.allowed_values.push_back(value.get<std::string>());
    }
  }
  if (property.type == PropertyType::kEnum && property.allowed_values.empty()) {
    return InvalidArgumentError("an enum needs 'allowedValues'");
  }
  if ((property.minimum.has_value() || property.maximum.has_value()) &&
      property.type != PropertyType::kInteger) {
    return InvalidArgumentError("'minimum' and 'maximum' are only for properties of type integer");
  }
  if (property.minimum.has_value() && property.maximum.has_value() &&
      *property.minimum > *property.maximum) {
    return InvalidArgumentError("'minimum' is greater than 'maximum'");
  }
  const auto default_value = object.find("default");
  if (default_value != object.end()) {
    if (property.required) return InvalidArgumentError("a required property cannot have a default");
    TSEQ_ASSIGN_OR_RETURN(const std::string text, DefaultText(*default_value));
    TSEQ_RETURN_IF_ERROR(CheckDefault(property, text));
    property.default_value = text;
  }
  return property;
}

Result<OutputSchema> ParseOutputSchema(const Json& object) {
  TSEQ_RETURN_IF_ERROR(CheckKeys(object, {"variable", "description", "secret"}));
  OutputSchema output;
  TSEQ_ASSIGN_OR_RETURN(output.variable, ReadString(object, "variable", true));
  TSEQ_ASSIGN_OR_RETURN(output.description, ReadString(object, "description", false));
  TSEQ_ASSIGN_OR_RETURN(output.secret, ReadBoolean(object, "secret"));
  TSEQ_RETURN_IF_ERROR(VariableStore::ValidateName(output.variable));
  if (VariableStore::IsReadOnlyName(output.variable)) {
    return InvalidArgumentError("variable '" + output.variable + "' is read-only");
  }
  return output;
}

Status InvalidValue(const PropertySchema& property, const StepProperties& properties,
                    const std::string& text, const std::string& expected) {
  std::string message = "property '" + property.name + "' must be " + expected;
  if (!properties.IsSecret(property.name)) message += ", not '" + text + "'";
  return InvalidArgumentError(message);
}

}  // namespace

Result<Json> ParseJson(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    // error.byte is the 1-based offset of the character that could not be read.
    const size_t end = std::min<size_t>(error.byte == 0 ? 0 : error.byte - 1, text.size());
    size_t line = 1;
    size_t column = 1;
    for (size_t index = 0; index < end; ++index) {
      if (text[index] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return InvalidArgumentError("not valid JSON at line " + std::to_string(line) + ", column " +
                                std::to_string(column));
  } catch (const std::exception&) {
    return InvalidArgumentError("not valid JSON");
  }
}

std::string DumpJson(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Status CheckKeys(const Json& object, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return InvalidArgumentError("unknown key '" + key + "'" + DidYouMean(key, allowed));
    }
  }
  return Status::Ok();
}

Status ValidateStepTypeName(std::string_view type) {
  // Letters and digits only: the type is also the log component, which CMTrace wants
  // alphanumeric.
  bool valid = !type.empty() && type.size() <= 100 && IsLetter(type[0]);
  for (const char character : type) {
    valid = valid && (IsLetter(character) || (character >= '0' && character <= '9'));
  }
  if (valid) return Status::Ok();
  return InvalidArgumentError("step type '" + std::string(type) +
                              "' is not a valid name (1 to 100 letters and digits, starting with "
                              "a letter)");
}

Result<std::vector<PropertySchema>> ParsePropertySchemas(const Json& array) {
  if (!array.is_array()) return InvalidArgumentError("'properties' must be an array");
  std::vector<PropertySchema> properties;
  std::set<std::string> names;
  for (size_t index = 0; index < array.size(); ++index) {
    const Json& item = array[index];
    const std::string position = "properties[" + std::to_string(index) + "]";
    if (!item.is_object()) return InvalidArgumentError(position + " must be an object");
    const auto name = item.find("name");
    const bool named = name != item.end() && name->is_string() && !name->get<std::string>().empty();
    const std::string subject = named ? "property '" + name->get<std::string>() + "'" : position;
    Result<PropertySchema> property = ParsePropertySchema(item);
    if (!property.ok()) return property.status().WithContext(subject);
    if (!IsLetter(property->name.empty() ? ' ' : property->name[0]) ||
        !std::all_of(property->name.begin(), property->name.end(), IsNameCharacter)) {
      return InvalidArgumentError(subject +
                                  ": the name must be letters, digits, '_' and '-', starting "
                                  "with a letter");
    }
    if (!names.insert(property->name).second) {
      return InvalidArgumentError(subject + " is declared twice");
    }
    properties.push_back(std::move(property).value());
  }
  return properties;
}

Result<std::vector<OutputSchema>> ParseOutputSchemas(const Json& array) {
  if (!array.is_array()) return InvalidArgumentError("'outputs' must be an array");
  std::vector<OutputSchema> outputs;
  for (size_t index = 0; index < array.size(); ++index) {
    const Json& item = array[index];
    const std::string position = "outputs[" + std::to_string(index) + "]";
    if (!item.is_object()) return InvalidArgumentError(position + " must be an object");
    Result<OutputSchema> output = ParseOutputSchema(item);
    if (!output.ok()) return output.status().WithContext(position);
    outputs.push_back(std::move(output).value());
  }
  return outputs;
}

Result<nlohmann::ordered_json> PropertiesToJson(const StepSchema& schema,
                                                const StepProperties& properties) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const PropertySchema& property : schema.properties) {
    if (property.type == PropertyType::kMap || property.type == PropertyType::kList) {
      const Value* raw = properties.Raw(property.name);
      if (raw != nullptr) object[property.name] = ValueToJson(*raw);
      continue;
    }
    const std::optional<std::string> text = properties.Get(property.name);
    if (!text.has_value()) continue;
    switch (property.type) {
      case PropertyType::kBoolean: {
        const std::optional<bool> value = ParseBoolean(*text);
        if (!value.has_value()) return InvalidValue(property, properties, *text, "true or false");
        object[property.name] = *value;
        break;
      }
      case PropertyType::kInteger: {
        const std::optional<long long> value = WholeNumber(*text);
        if (!value.has_value()) return InvalidValue(property, properties, *text, "a whole number");
        if (property.minimum.has_value() && *value < *property.minimum) {
          return InvalidValue(property, properties, *text,
                              "at least " + std::to_string(*property.minimum));
        }
        if (property.maximum.has_value() && *value > *property.maximum) {
          return InvalidValue(property, properties, *text,
                              "at most " + std::to_string(*property.maximum));
        }
        object[property.name] = *value;
        break;
      }
      case PropertyType::kDuration: {
        const Result<std::chrono::milliseconds> value = ParseDuration(*text);
        if (!value.ok()) return InvalidValue(property, properties, *text, "a duration");
        object[property.name] = value->count();
        break;
      }
      case PropertyType::kEnum: {
        const std::string* value = MatchAllowedValue(property, *text);
        if (value == nullptr) {
          return InvalidValue(property, properties, *text,
                              "one of " + Join(property.allowed_values, ", "));
        }
        object[property.name] = *value;
        break;
      }
      case PropertyType::kStringList:
        object[property.name] = properties.GetList(property.name);
        break;
      case PropertyType::kString:
      case PropertyType::kVariableName:
      case PropertyType::kMap:
      case PropertyType::kList:
        object[property.name] = *text;
        break;
    }
  }
  return object;
}

nlohmann::ordered_json ValueToJson(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kScalar:
      return value.scalar;
    case Value::Kind::kList: {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const Value& item : value.items) array.push_back(ValueToJson(item));
      return array;
    }
    case Value::Kind::kMap: {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (const auto& [key, item] : value.entries) object[key] = ValueToJson(item);
      return object;
    }
  }
  return nullptr;
}

}  // namespace tseq
