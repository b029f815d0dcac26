#include "sequences/json_schema.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sequences/validation_context.h"
#include "sequences/value.h"

namespace tseq {
namespace {

using Json = nlohmann::json;

// JSON Schema patterns are ECMA-262 regular expressions, which have no case-insensitive flag:
// each letter becomes a class of both cases, and every other character is escaped.
std::string AnyCase(std::string_view word) {
  std::string pattern;
  for (const char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalpha(byte)) {
      pattern += '[';
      pattern += static_cast<char>(std::toupper(byte));
      pattern += static_cast<char>(std::tolower(byte));
      pattern += ']';
    } else if (std::isalnum(byte) || c == ' ' || c == '_' || c == '-') {
      pattern += c;
    } else {
      pattern += '\\';
      pattern += c;
    }
  }
  return pattern;
}

Json Ref(const std::string& name) { return Json{{"$ref", "#/$defs/" + name}}; }

// JSON Pointer escaping, so any step type name can be a $defs key.
std::string PointerEscape(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

Json OrReference(Json schema) {
  return Json{{"anyOf", Json::array({std::move(schema), Ref("variableReference")})}};
}

Json BasicDefinitions() {
  Json definitions;
  std::string boolean_words;
  for (const char* word : {"true", "false", "yes", "no", "on", "off"}) {
    if (!boolean_words.empty()) boolean_words += "|";
    boolean_words += AnyCase(word);
  }
  definitions["boolean"] = {
      {"description", "true or false; yes/no and on/off are accepted too"},
      {"anyOf", Json::array({{{"type", "boolean"}},
                             {{"type", "string"}, {"pattern", "^(" + boolean_words + ")$"}}})}};
  definitions["duration"] = {
      {"description", "a duration such as 90s, 15m, 2h, 1h30m or 500ms; a bare number is seconds"},
      {"anyOf",
       Json::array({{{"type", "string"}, {"pattern", "^\\s*([0-9]+|([0-9]+(ms|s|m|h|d))+)\\s*$"}},
                    {{"type", "integer"}, {"minimum", 0}}})}};
  definitions["scalar"] = {{"type", Json::array({"string", "number", "boolean"})}};
  definitions["variableReference"] = {
      {"description", "a value given by a variable, expanded at run time"},
      {"type", "string"},
      {"pattern", "%[A-Za-z_][A-Za-z0-9_-]*%"}};
  definitions["variableName"] = {
      {"description",
       "a variable the sequence may set: letters, digits, '_' and '-', starting with a letter"},
      {"type", "string"},
      {"pattern", "^\\s*[A-Za-z][A-Za-z0-9_-]{0,255}\\s*$"}};
  definitions["timestamp"] = OrReference(
      {{"description",
        "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally with Z, +HH:MM or -HH:MM; "
        "no zone means UTC"},
       {"type", "string"},
       {"pattern",
        "^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
        "\\s*$"}});
  definitions["variables"] = {
      {"description", "initial values of variables, lowest precedence"},
      {"type", "object"},
      {"propertyNames", Ref("variableName")},
      {"additionalProperties",
       {{"anyOf", Json::array({Ref("scalar"),
                               {{"type", "object"},
                                {"additionalProperties", false},
                                {"required", Json::array({"value"})},
                                {"properties",
                                 {{"value", Ref("scalar")}, {"secret", Ref("boolean")}}}}})}}}};
  return definitions;
}

Json ObjectWith(Json properties, std::vector<std::string> required) {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", required},
          {"properties", std::move(properties)}};
}

void AddConditionDefinitions(Json& definitions) {
  Json choices = Json::array();
  for (const char* combinator : {"all", "any", "none"}) {
    const std::string name = std::string("condition.") + combinator;
    definitions[name] = ObjectWith(
        {{combinator, {{"type", "array"}, {"minItems", 1}, {"items", Ref("condition")}}}},
        {combinator});
    choices.push_back(Ref(name));
  }

  Json variable = {{"variable", {{"type", "string"}, {"description", "the variable's name"}}},
                   {"exists", Ref("boolean")}};
  for (const char* op :
       {"equals", "notEquals", "greater", "greaterEqual", "less", "lessEqual", "like"}) {
    variable[op] = Ref("scalar");
  }
  variable["like"]["description"] = "wildcards: * any run of characters, ? one character";
  Json variable_schema = ObjectWith(variable, {"variable"});
  variable_schema["minProperties"] = 2;
  variable_schema["maxProperties"] = 2;
  definitions["condition.variable"] = variable_schema;

  for (const char* kind : {"file", "folder"}) {
    definitions[std::string("condition.") + kind] =
        ObjectWith({{kind, {{"type", "string"}, {"description", "a path on the machine"}}},
                    {"exists", Ref("boolean")},
                    {"modifiedAfter", Ref("timestamp")},
                    {"modifiedBefore", Ref("timestamp")}},
                   {kind});
  }
  definitions["condition.os"] = ObjectWith(
      {{"os", {{"type", "string"}, {"description", "the os-release ID, wildcards allowed"}}},
       {"version",
        {{"type", Json::array({"string", "number"})},
         {"description", "a version constraint such as \">= 12\" or \"< 24.04\""}}}},
      {"os"});
  definitions["condition.package"] =
      ObjectWith({{"package", {{"type", "string"}}}, {"installed", Ref("boolean")}}, {"package"});
  definitions["condition.command"] = ObjectWith(
      {{"command",
        {{"type", "string"},
         {"description", "a read-only query, split like a shell quotes; no shell"}}},
       {"exitCode", {{"type", "integer"}, {"minimum", 0}, {"maximum", 255}, {"default", 0}}}},
      {"command"});
  for (const char* leaf : {"variable", "file", "folder", "os", "package", "command"}) {
    choices.push_back(Ref(std::string("condition.") + leaf));
  }
  definitions["condition"] = {{"oneOf", std::move(choices)}};
}

Json DefaultValue(const PropertySchema& property) {
  const std::string& text = *property.default_value;
  if (property.type == PropertyType::kBoolean) {
    if (const std::optional<bool> boolean = ParseBoolean(text)) return *boolean;
  }
  if (property.type == PropertyType::kInteger) {
    if (const std::optional<long long> number = ParseInteger(text)) return *number;
  }
  return text;
}

Json PropertyDefinition(const PropertySchema& property) {
  Json schema;
  switch (property.type) {
    case PropertyType::kString:
      schema = Ref("scalar");
      break;
    case PropertyType::kBoolean:
      schema = OrReference(Ref("boolean"));
      break;
    case PropertyType::kInteger: {
      Json integer = {{"type", "integer"}};
      if (property.minimum) integer["minimum"] = *property.minimum;
      if (property.maximum) integer["maximum"] = *property.maximum;
      schema = OrReference(std::move(integer));
      break;
    }
    case PropertyType::kDuration:
      schema = OrReference(Ref("duration"));
      break;
    case PropertyType::kEnum: {
      // The enum offers completion; the pattern accepts the other spellings the loader accepts.
      std::string any_case;
      for (const std::string& allowed : property.allowed_values) {
        if (!any_case.empty()) any_case += "|";
        any_case += AnyCase(allowed);
      }
      schema = {
          {"anyOf", Json::array({{{"enum", property.allowed_values}},
                                 {{"type", "string"}, {"pattern", "^\\s*(" + any_case + ")\\s*$"}},
                                 Ref("variableReference")})}};
      break;
    }
    case PropertyType::kStringList:
      schema = {
          {"anyOf", Json::array({Ref("scalar"), {{"type", "array"}, {"items", Ref("scalar")}}})}};
      break;
    case PropertyType::kVariableName:
      schema = OrReference(Ref("variableName"));
      break;
    case PropertyType::kMap:
      schema = {{"type", "object"}};
      break;
    case PropertyType::kList:
      schema = {{"type", "array"}};
      break;
  }
  std::string description = property.description;
  if (!property.action_variable.empty()) {
    description += (description.empty() ? "" : " ") + std::string("(action variable ") +
                   property.action_variable + ")";
  }
  if (!description.empty()) schema["description"] = description;
  if (property.default_value) schema["default"] = DefaultValue(property);
  return schema;
}

Json StepPropertiesDefinition(const StepSchema& step) {
  Json properties = Json::object();
  std::vector<std::string> required;
  for (const PropertySchema& property : step.properties) {
    properties[property.name] = PropertyDefinition(property);
    if (property.required) required.push_back(property.name);
  }
  Json schema = ObjectWith(std::move(properties), required);
  if (!step.description.empty()) schema["description"] = step.description;
  return schema;
}

Json CommonItemProperties() {
  return {{"description", {{"type", "string"}}},
          {"enabled", Ref("boolean")},
          {"continueOnError", Ref("boolean")},
          {"condition", Ref("condition")}};
}

void AddItemDefinitions(const StepCatalog& catalog, Json& definitions) {
  const std::vector<std::string> types = catalog.StepTypeNames();
  Json step = CommonItemProperties();
  step["name"] = {{"type", "string"}, {"minLength", 1}};
  step["type"] = {{"enum", types}, {"description", "a registered step type"}};
  step["with"] = {{"type", "object"}, {"description", "the step's properties"}};
  step["timeout"] = Ref("duration");
  step["retry"] = ObjectWith(
      {{"count", {{"type", "integer"}, {"minimum", 0}}}, {"delay", Ref("duration")}}, {"count"});
  Json step_schema = ObjectWith(std::move(step), {"name", "type"});
  Json selections = Json::array();
  for (const std::string& type : types) {
    const StepSchema* schema = catalog.FindStepSchema(type);
    if (schema == nullptr) continue;
    const std::string name = "with." + PointerEscape(type);
    definitions[name] = StepPropertiesDefinition(*schema);
    Json then = {{"properties", {{"with", Ref(name)}}}};
    const bool any_required = std::any_of(schema->properties.begin(), schema->properties.end(),
                                          [](const PropertySchema& p) { return p.required; });
    if (any_required) then["required"] = Json::array({"with"});
    selections.push_back(
        {{"if",
          {{"properties", {{"type", {{"const", type}}}}}, {"required", Json::array({"type"})}}},
         {"then", std::move(then)}});
  }
  if (!selections.empty()) step_schema["allOf"] = std::move(selections);
  definitions["step"] = std::move(step_schema);

  Json group = CommonItemProperties();
  group["group"] = {{"type", "string"}, {"minLength", 1}, {"description", "the group's name"}};
  group["steps"] = Ref("items");
  definitions["group"] = ObjectWith(std::move(group), {"group", "steps"});
  definitions["items"] = {{"type", "array"},
                          {"items", {{"oneOf", Json::array({Ref("step"), Ref("group")})}}}};
}

}  // namespace

std::string GenerateSequenceJsonSchema(const StepCatalog& catalog) {
  Json definitions = BasicDefinitions();
  AddConditionDefinitions(definitions);
  AddItemDefinitions(catalog, definitions);
  const Json root = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                     {"title", "tseq task sequence"},
                     {"description", "A task sequence file for tseq; see docs/sequence-format.md."},
                     {"type", "object"},
                     {"additionalProperties", false},
                     {"required", Json::array({"name", "steps"})},
                     {"properties",
                      {{"name", {{"type", "string"}, {"minLength", 1}}},
                       {"description", {{"type", "string"}}},
                       {"variables", Ref("variables")},
                       {"steps", Ref("items")}}},
                     {"$defs", std::move(definitions)}};
  return root.dump(2) + "\n";
}

}  // namespace tseq
