#include "steps/plugins/plugin_protocol.h"

#include <doctest/doctest.h>

#include "steps/plugins/plugin_test_support.h"

namespace tseq {
namespace {

std::string AnswerError(const std::string& text) {
  Result<PluginAnswer> answer = ParsePluginAnswer(text);
  REQUIRE_FALSE(answer.ok());
  return answer.status().message();
}

TEST_SUITE("ParsePluginAnswer") {
  TEST_CASE("reads a full answer") {
    Result<PluginAnswer> answer = ParsePluginAnswer(R"({
      "exitCode": 3010,
      "variables": {"A": "1", "B": 2, "C": true, "D": ""},
      "secretVariables": ["a"],
      "log": [{"type": "warning", "message": "careful"}, {"message": "plain"}],
      "message": "why"})");
    REQUIRE(answer.ok());
    CHECK(answer->exit_code == 3010);
    REQUIRE(answer->variables.size() == 4);
    CHECK(answer->variables[0] == std::pair<std::string, std::string>("A", "1"));
    CHECK(answer->variables[1].second == "2");
    CHECK(answer->variables[2].second == "true");
    CHECK(answer->variables[3].second == "");
    CHECK(answer->secret_variables == std::vector<std::string>{"a"});
    REQUIRE(answer->log.size() == 2);
    CHECK(answer->log[0].type == PluginLogType::kWarning);
    CHECK(answer->log[0].message == "careful");
    CHECK(answer->log[1].type == PluginLogType::kInfo);
    CHECK(answer->message == "why");
  }

  TEST_CASE("says what is wrong with an answer") {
    CHECK(AnswerError("exit 0") ==
          "did not answer with valid JSON: not valid JSON at line 1, column 1");
    CHECK(AnswerError("[]") == "gave an invalid answer: the answer must be a JSON object");
    CHECK(AnswerError("{}") == "gave an invalid answer: 'exitCode' is missing");
    CHECK(AnswerError(R"({"exitCode": "0"})") ==
          "gave an invalid answer: 'exitCode' must be a whole number");
    CHECK(AnswerError(R"({"exitCode": 99999999999})") ==
          "gave an invalid answer: 'exitCode' must be a whole number");
    CHECK(AnswerError(R"({"exitCode": 0, "variable": {}})") ==
          "gave an invalid answer: unknown key 'variable' (did you mean 'variables'?)");
    CHECK(AnswerError(R"({"exitCode": 0, "variables": {"A": [1]}})") ==
          "gave an invalid answer: variable 'A' must be a string, a number or a boolean");
    CHECK(AnswerError(R"({"exitCode": 0, "variables": {"A": "1"}, "secretVariables": ["B"]})") ==
          "gave an invalid answer: 'secretVariables' names 'B', which is not in 'variables'");
    CHECK(AnswerError(R"({"exitCode": 0, "log": [{"type": "debug", "message": "x"}]})") ==
          "gave an invalid answer: log[0]: 'type' must be info, warning or error");
    CHECK(AnswerError(R"({"exitCode": 0, "log": [{"type": "info"}]})") ==
          "gave an invalid answer: log[0]: 'message' must be a string");
    CHECK(AnswerError(R"({"exitCode": 0, "message": 5})") ==
          "gave an invalid answer: 'message' must be a string");
  }
}

TEST_SUITE("MaskStepSecrets") {
  TEST_CASE("masks the store's secrets and the step's secret properties") {
    testing::PluginHarness harness;
    REQUIRE(harness.variables.Set("Token", "t0k3n", {.secrecy = Secrecy::kSecret}).ok());
    StepSchema schema;
    schema.properties = {{.name = "pin", .secret = true}, {.name = "plain"}};
    harness.node.properties.kind = Value::Kind::kMap;
    harness.node.properties.entries = {{"pin", testing::Scalar("4711")},
                                       {"plain", testing::Scalar("4711x")}};
    const StepProperties properties =
        StepProperties::Resolve(harness.node, schema, harness.variables);
    StepContext context{harness.node,        properties,        harness.variables, harness.root,
                        *harness.filesystem, harness.processes, harness.clock,     harness.log};
    CHECK(MaskStepSecrets(context, "pin 4711, token t0k3n, 4711x") ==
          "pin ********, token ********, ********x");
  }
}

}  // namespace
}  // namespace tseq
