#include "sequences/json_schema.h"

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "sequences/test_step_catalog.h"

namespace tseq {
namespace {

using Json = nlohmann::json;

Json Schema() {
  const testing::TestStepCatalog catalog;
  return Json::parse(GenerateSequenceJsonSchema(catalog));
}

TEST_SUITE("GenerateSequenceJsonSchema") {
  TEST_CASE("the output is valid JSON of a draft 2020-12 schema") {
    const Json schema = Schema();
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema["type"] == "object");
    CHECK(schema["additionalProperties"] == false);
    CHECK(schema["required"] == Json::array({"name", "steps"}));
    CHECK(schema["properties"]["steps"]["$ref"] == "#/$defs/items");
  }

  TEST_CASE("the output is stable and pretty-printed with two spaces") {
    const testing::TestStepCatalog catalog;
    const std::string text = GenerateSequenceJsonSchema(catalog);
    CHECK(text == GenerateSequenceJsonSchema(catalog));
    CHECK(text.substr(0, 15) == "{\n  \"$defs\": {\n");
    CHECK(text.back() == '\n');
  }

  TEST_CASE("step types are an enum and each selects its own properties") {
    const Json schema = Schema();
    const Json& step = schema["$defs"]["step"];
    CHECK(step["properties"]["type"]["enum"] ==
          Json::array({"CaptureUserState", "RequestStateStore", "RestoreUserState",
                       "RunCommandLine", "SetVariable"}));
    CHECK(step["required"] == Json::array({"name", "type"}));
    CHECK(step["additionalProperties"] == false);
    REQUIRE(step["allOf"].size() == 5);
    const Json& first = step["allOf"][0];
    CHECK(first["if"]["properties"]["type"]["const"] == "CaptureUserState");
    CHECK(first["then"]["properties"]["with"]["$ref"] == "#/$defs/with.CaptureUserState");
    CHECK_FALSE(first["then"].contains("required"));
    const Json& run = step["allOf"][3];
    CHECK(run["if"]["properties"]["type"]["const"] == "RunCommandLine");
    CHECK(run["then"]["required"] == Json::array({"with"}));
  }

  TEST_CASE("properties carry descriptions, defaults, enums and ranges") {
    const Json schema = Schema();
    const Json& capture = schema["$defs"]["with.CaptureUserState"];
    CHECK(capture["additionalProperties"] == false);
    CHECK(capture["description"] == "Captures user state");
    const Json& hardlinks = capture["properties"]["hardlinks"];
    CHECK(hardlinks["default"] == false);
    CHECK(hardlinks["description"] ==
          "use a hard-link store (action variable OSDMigrateUseHardlinks)");
    CHECK(hardlinks["anyOf"][0]["$ref"] == "#/$defs/boolean");
    CHECK(hardlinks["anyOf"][1]["$ref"] == "#/$defs/variableReference");
    const Json& mode = capture["properties"]["mode"];
    CHECK(mode["default"] == "copy");
    CHECK(mode["anyOf"][0]["enum"] == Json::array({"copy", "move"}));
    CHECK(mode["anyOf"][1]["pattern"] == "^\\s*([Cc][Oo][Pp][Yy]|[Mm][Oo][Vv][Ee])\\s*$");
    CHECK(mode["anyOf"][2]["$ref"] == "#/$defs/variableReference");
    const Json& retries = capture["properties"]["retries"];
    CHECK(retries["default"] == 3);
    CHECK(retries["anyOf"][0]["minimum"] == 0);
    CHECK(retries["anyOf"][0]["maximum"] == 10);
    CHECK(capture["properties"]["rules"]["type"] == "object");
    CHECK(capture["properties"]["extraArguments"]["type"] == "array");

    const Json& run = schema["$defs"]["with.RunCommandLine"];
    CHECK(run["required"] == Json::array({"commandLine"}));
    CHECK(run["properties"]["successCodes"]["default"] == "0 3010");
  }

  TEST_CASE("conditions are a recursive choice of combinators and leaves") {
    const Json schema = Schema();
    const Json& definitions = schema["$defs"];
    REQUIRE(definitions["condition"]["oneOf"].size() == 9);
    CHECK(definitions["condition.all"]["properties"]["all"]["items"]["$ref"] ==
          "#/$defs/condition");
    CHECK(definitions["condition.variable"]["required"] == Json::array({"variable"}));
    CHECK(definitions["condition.variable"]["properties"].contains("greaterEqual"));
    CHECK(definitions["condition.file"]["properties"]["modifiedAfter"]["$ref"] ==
          "#/$defs/timestamp");
    CHECK(definitions["condition.command"]["properties"]["exitCode"]["default"] == 0);
    CHECK(definitions["group"]["required"] == Json::array({"group", "steps"}));
    CHECK(definitions["items"]["items"]["oneOf"].size() == 2);
  }
}

}  // namespace
}  // namespace tseq
