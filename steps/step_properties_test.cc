#include "steps/step_properties.h"

#include <doctest/doctest.h>

#include "steps/step_test_support.h"

namespace tseq {
namespace {

using testing::Scalar;

StepSchema TestSchema() {
  StepSchema schema;
  schema.type = "Capture";
  schema.properties = {
      {.name = "mode",
       .type = PropertyType::kString,
       .default_value = "Simple",
       .action_variable = "OSDMigrateMode"},
      {.name = "verbose", .type = PropertyType::kBoolean, .default_value = "false"},
      {.name = "codes", .type = PropertyType::kStringList, .default_value = "0 3010"},
      {.name = "key", .type = PropertyType::kString, .secret = true},
      {.name = "path", .type = PropertyType::kString},
      {.name = "options", .type = PropertyType::kMap},
  };
  return schema;
}

SequenceNode NodeWith(std::vector<std::pair<std::string, Value>> entries) {
  SequenceNode node;
  node.name = "Capture";
  node.type = "Capture";
  node.properties.kind = Value::Kind::kMap;
  node.properties.entries = std::move(entries);
  return node;
}

TEST_SUITE("StepProperties") {
  TEST_CASE("defaults apply when neither the sequence nor a variable gives a value") {
    const StepSchema schema = TestSchema();
    const StepProperties properties =
        StepProperties::Resolve(NodeWith({}), schema, VariableStore());
    CHECK(properties.Get("mode") == "Simple");
    CHECK(properties.GetBoolean("verbose") == false);
    CHECK(properties.GetList("codes") == std::vector<std::string>{"0", "3010"});
    CHECK_FALSE(properties.Get("path").has_value());
    CHECK(properties.GetOr("path", "none") == "none");
  }

  TEST_CASE("a with: value beats the default and is expanded") {
    VariableStore variables;
    REQUIRE(variables.Set("Share", "/srv/state").ok());
    const StepSchema schema = TestSchema();
    const StepProperties properties = StepProperties::Resolve(
        NodeWith({{"path", Scalar("%Share%/pc01")}, {"verbose", Scalar("yes")}}), schema,
        variables);
    CHECK(properties.Get("path") == "/srv/state/pc01");
    CHECK(properties.GetBoolean("verbose") == true);
  }

  TEST_CASE("an action variable set in the environment beats the with: value") {
    VariableStore variables;
    REQUIRE(variables.Set("osdmigratemode", "Advanced").ok());
    const StepSchema schema = TestSchema();
    const StepProperties properties =
        StepProperties::Resolve(NodeWith({{"mode", Scalar("Simple")}}), schema, variables);
    CHECK(properties.Get("mode") == "Advanced");
  }

  TEST_CASE("lists come from YAML lists or from words of a scalar") {
    Value list;
    list.kind = Value::Kind::kList;
    list.items = {Scalar("0"), Scalar("%Extra%")};
    VariableStore variables;
    REQUIRE(variables.Set("Extra", "5").ok());
    const StepSchema schema = TestSchema();
    CHECK(
        StepProperties::Resolve(NodeWith({{"codes", list}}), schema, variables).GetList("codes") ==
        std::vector<std::string>{"0", "5"});
    CHECK(StepProperties::Resolve(NodeWith({{"codes", Scalar("1  2")}}), schema, variables)
              .GetList("codes") == std::vector<std::string>{"1", "2"});
  }

  TEST_CASE("secret properties and values from secret variables are marked secret") {
    VariableStore variables;
    SetOptions secret;
    secret.secrecy = Secrecy::kSecret;
    REQUIRE(variables.Set("OSDMigrateMode", "hidden", secret).ok());
    const StepSchema schema = TestSchema();
    const StepProperties properties =
        StepProperties::Resolve(NodeWith({{"key", Scalar("k")}}), schema, variables);
    CHECK(properties.IsSecret("key"));
    CHECK(properties.IsSecret("mode"));
    CHECK_FALSE(properties.IsSecret("verbose"));
  }

  TEST_CASE("map properties are passed through untouched") {
    Value map;
    map.kind = Value::Kind::kMap;
    map.entries = {{"a", Scalar("%X%")}};
    const StepSchema schema = TestSchema();
    const SequenceNode node = NodeWith({{"options", map}});  // Raw() points into the node
    const StepProperties properties = StepProperties::Resolve(node, schema, VariableStore());
    REQUIRE(properties.Raw("options") != nullptr);
    CHECK(properties.Raw("options")->entries[0].second.scalar == "%X%");
    CHECK_FALSE(properties.Get("options").has_value());
  }

  TEST_CASE("typed getters report a bad value from a variable as absent") {
    StepSchema schema = TestSchema();
    schema.properties[1].action_variable = "VerboseVariable";
    VariableStore variables;
    REQUIRE(variables.Set("VerboseVariable", "maybe").ok());
    const StepProperties properties = StepProperties::Resolve(NodeWith({}), schema, variables);
    CHECK(properties.Get("verbose") == "maybe");
    CHECK_FALSE(properties.GetBoolean("verbose").has_value());
  }
}

}  // namespace
}  // namespace tseq
