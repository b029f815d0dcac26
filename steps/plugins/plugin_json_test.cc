#include "steps/plugins/plugin_json.h"

#include <doctest/doctest.h>

#include "base/strings.h"
#include "steps/plugins/plugin_test_support.h"

namespace tseq {
namespace {

using testing::Scalar;

Result<std::vector<PropertySchema>> Properties(const std::string& text) {
  Result<nlohmann::ordered_json> json = ParseJson(text);
  REQUIRE(json.ok());
  return ParsePropertySchemas(*json);
}

std::string PropertiesError(const std::string& text) {
  Result<std::vector<PropertySchema>> properties = Properties(text);
  REQUIRE_FALSE(properties.ok());
  return properties.status().message();
}

TEST_SUITE("ParseJson") {
  TEST_CASE("reports the line and column of a syntax error") {
    CHECK(ParseJson("{\n  \"a\": 1,\n  \"b\" 2\n}").status().message() ==
          "not valid JSON at line 3, column 7");
    CHECK(ParseJson("").status().message() == "not valid JSON at line 1, column 1");
    CHECK(ParseJson("{} x").status().message() == "not valid JSON at line 1, column 4");
  }

  TEST_CASE("parses a valid document") {
    Result<nlohmann::ordered_json> json = ParseJson("{\"a\": [1, \"x\"]}");
    REQUIRE(json.ok());
    CHECK((*json)["a"][1] == "x");
  }
}

TEST_SUITE("ParsePropertySchemas") {
  TEST_CASE("reads every field of every type") {
    Result<std::vector<PropertySchema>> properties = Properties(R"([
      {"name": "path", "type": "string", "description": "Where.", "required": true},
      {"name": "force", "type": "boolean", "default": true, "actionVariable": "ProbeForce"},
      {"name": "count", "type": "integer", "default": 3, "minimum": 1, "maximum": 9},
      {"name": "wait", "type": "duration", "default": "90s"},
      {"name": "mode", "type": "enum", "allowedValues": ["Fast", "Slow"], "default": "fast"},
      {"name": "words", "type": "stringList", "default": ["a", "b c"]},
      {"name": "target", "type": "variableName"},
      {"name": "key", "type": "string", "secret": true},
      {"name": "settings", "type": "map"},
      {"name": "items", "type": "list"}])");
    REQUIRE(properties.ok());
    REQUIRE(properties->size() == 10);
    const std::vector<PropertySchema>& list = *properties;
    CHECK(list[0].name == "path");
    CHECK(list[0].required);
    CHECK(list[0].description == "Where.");
    CHECK_FALSE(list[0].default_value.has_value());
    CHECK(list[1].type == PropertyType::kBoolean);
    CHECK(list[1].default_value == "true");
    CHECK(list[1].action_variable == "ProbeForce");
    CHECK(list[2].default_value == "3");
    CHECK(list[2].minimum == 1);
    CHECK(list[2].maximum == 9);
    CHECK(list[3].type == PropertyType::kDuration);
    CHECK(list[4].allowed_values == std::vector<std::string>{"Fast", "Slow"});
    CHECK(list[5].default_value == "a b c");
    CHECK(list[6].type == PropertyType::kVariableName);
    CHECK(list[7].secret);
    CHECK(list[8].type == PropertyType::kMap);
    CHECK(list[9].type == PropertyType::kList);
  }

  TEST_CASE("names what is wrong with a property") {
    CHECK(PropertiesError("{}") == "'properties' must be an array");
    CHECK(PropertiesError("[1]") == "properties[0] must be an object");
    CHECK(PropertiesError(R"([{"type": "string"}])") == "properties[0]: 'name' is missing");
    CHECK(PropertiesError(R"([{"name": "x", "type": "strin"}])") ==
          "property 'x': unknown type 'strin' (did you mean 'string'?); types: string, boolean, "
          "integer, duration, enum, stringList, variableName, map, list");
    CHECK(PropertiesError(R"([{"name": "x", "type": "string", "defualt": "1"}])") ==
          "property 'x': unknown key 'defualt' (did you mean 'default'?)");
    CHECK(PropertiesError(R"([{"name": "x", "type": "boolean", "default": "maybe"}])") ==
          "property 'x': default 'maybe' is not a boolean");
    CHECK(PropertiesError(R"([{"name": "x", "type": "integer", "default": 0, "minimum": 1}])") ==
          "property 'x': default '0' is below the minimum 1");
    CHECK(PropertiesError(R"([{"name": "x", "type": "integer", "minimum": 5, "maximum": 1}])") ==
          "property 'x': 'minimum' is greater than 'maximum'");
    CHECK(PropertiesError(R"([{"name": "x", "type": "duration", "default": "soon"}])") ==
          "property 'x': " + ParseDuration("soon").status().message());
    CHECK(PropertiesError(R"([{"name": "x", "type": "enum"}])") ==
          "property 'x': an enum needs 'allowedValues'");
    CHECK(PropertiesError(R"([{"name": "x", "type": "string", "allowedValues": ["a"]}])") ==
          "property 'x': 'allowedValues' is only for properties of type enum");
    CHECK(
        PropertiesError(R"([{"name": "x", "type": "string", "required": true, "default": ""}])") ==
        "property 'x': a required property cannot have a default");
    CHECK(PropertiesError(R"([{"name": "x", "type": "map", "default": "a"}])") ==
          "property 'x': map and list properties cannot have a default");
    CHECK(PropertiesError(R"([{"name": "x", "type": "string", "actionVariable": "a b"}])") ==
          "property 'x': " + VariableStore::ValidateName("a b").message());
    CHECK(PropertiesError(R"([{"name": "x", "type": "string", "secret": "yes"}])") ==
          "property 'x': 'secret' must be true or false");
    CHECK(PropertiesError(R"([{"name": "a b", "type": "string"}])") ==
          "property 'a b': the name must be letters, digits, '_' and '-', starting with a letter");
    CHECK(PropertiesError(R"([{"name": "x", "type": "string"}, {"name": "x", "type": "map"}])") ==
          "property 'x' is declared twice");
  }
}

TEST_SUITE("ParseOutputSchemas") {
  TEST_CASE("reads outputs and refuses read-only or invalid variables") {
    Result<nlohmann::ordered_json> json =
        ParseJson(R"([{"variable": "Out", "description": "d", "secret": true}])");
    REQUIRE(json.ok());
    Result<std::vector<OutputSchema>> outputs = ParseOutputSchemas(*json);
    REQUIRE(outputs.ok());
    REQUIRE(outputs->size() == 1);
    CHECK((*outputs)[0].variable == "Out");
    CHECK((*outputs)[0].secret);

    Result<nlohmann::ordered_json> read_only = ParseJson(R"([{"variable": "_SMSTSLogPath"}])");
    REQUIRE(read_only.ok());
    CHECK(ParseOutputSchemas(*read_only).status().message() ==
          "outputs[0]: variable '_SMSTSLogPath' is read-only");
    Result<nlohmann::ordered_json> missing = ParseJson(R"([{"description": "x"}])");
    REQUIRE(missing.ok());
    CHECK(ParseOutputSchemas(*missing).status().message() == "outputs[0]: 'variable' is missing");
  }
}

TEST_SUITE("ValidateStepTypeName") {
  TEST_CASE("accepts type names and refuses others") {
    CHECK(ValidateStepTypeName("WriteMessageFile2").ok());
    CHECK_FALSE(ValidateStepTypeName("Write_Message").ok());
    CHECK(ValidateStepTypeName("2Fast").message() ==
          "step type '2Fast' is not a valid name (1 to 100 letters and digits, starting "
          "with a letter)");
    CHECK_FALSE(ValidateStepTypeName("").ok());
    CHECK_FALSE(ValidateStepTypeName("a b").ok());
    CHECK_FALSE(ValidateStepTypeName(std::string(101, 'a')).ok());
  }
}

TEST_SUITE("PropertiesToJson") {
  StepSchema TypedSchema() {
    StepSchema schema;
    schema.type = "Typed";
    Result<std::vector<PropertySchema>> properties = Properties(R"([
      {"name": "text", "type": "string"},
      {"name": "flag", "type": "boolean", "default": "yes"},
      {"name": "count", "type": "integer", "maximum": 10, "actionVariable": "TypedCount"},
      {"name": "wait", "type": "duration", "default": "1m30s"},
      {"name": "mode", "type": "enum", "allowedValues": ["Fast", "Slow"]},
      {"name": "words", "type": "stringList", "default": "a b"},
      {"name": "key", "type": "string", "secret": true, "actionVariable": "TypedKey"},
      {"name": "settings", "type": "map"},
      {"name": "unset", "type": "string"}])");
    REQUIRE(properties.ok());
    schema.properties = *properties;
    return schema;
  }

  TEST_CASE("gives each property its JSON type") {
    const StepSchema schema = TypedSchema();
    SequenceNode node;
    node.properties.kind = Value::Kind::kMap;
    Value settings;
    settings.kind = Value::Kind::kMap;
    settings.entries = {{"depth", Scalar("2")}};
    node.properties.entries = {{"text", Scalar("%Who%")},
                               {"count", Scalar("7")},
                               {"mode", Scalar("slow")},
                               {"settings", settings}};
    VariableStore variables;
    REQUIRE(variables.Set("Who", "me").ok());
    REQUIRE(variables.Set("TypedKey", "k3y").ok());
    Result<nlohmann::ordered_json> json =
        PropertiesToJson(schema, StepProperties::Resolve(node, schema, variables));
    REQUIRE(json.ok());
    CHECK(DumpJson(*json) ==
          R"({"text":"me","flag":true,"count":7,"wait":90000,"mode":"Slow","words":["a","b"],)"
          R"("key":"k3y","settings":{"depth":"2"}})");
  }

  TEST_CASE("a variable that makes a value invalid is reported, secrets not shown") {
    const StepSchema schema = TypedSchema();
    SequenceNode node;
    VariableStore variables;
    REQUIRE(variables.Set("TypedCount", "11").ok());
    CHECK(PropertiesToJson(schema, StepProperties::Resolve(node, schema, variables))
              .status()
              .message() == "property 'count' must be at most 10, not '11'");
    REQUIRE(variables.Set("TypedCount", "many").ok());
    CHECK(PropertiesToJson(schema, StepProperties::Resolve(node, schema, variables))
              .status()
              .message() == "property 'count' must be a whole number, not 'many'");

    StepSchema secret_schema;
    secret_schema.properties = {
        {.name = "pin", .type = PropertyType::kInteger, .action_variable = "Pin", .secret = true}};
    REQUIRE(variables.Set("Pin", "12a4").ok());
    CHECK(PropertiesToJson(secret_schema, StepProperties::Resolve(node, secret_schema, variables))
              .status()
              .message() == "property 'pin' must be a whole number");
  }
}

}  // namespace
}  // namespace tseq
