#include "steps/step_registry.h"

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "steps/step_documentation.h"

namespace tseq {
namespace {

class NamedStep : public Step {
 public:
  explicit NamedStep(std::string type, std::vector<std::string> properties = {}) {
    schema_.type = std::move(type);
    schema_.category = "test";
    schema_.description = "A step for tests.";
    for (std::string& name : properties) {
      schema_.properties.push_back({.name = std::move(name), .type = PropertyType::kString});
    }
  }
  const StepSchema& schema() const override { return schema_; }
  StepResult Run(StepContext& /*context*/) const override { return {}; }

 private:
  StepSchema schema_;
};

TEST_SUITE("StepRegistry") {
  TEST_CASE("built-in steps are registered and listed in sorted order") {
    StepRegistry registry;
    RegisterBuiltinSteps(registry);
    const std::vector<std::string> names = registry.StepTypeNames();
    CHECK(names == std::vector<std::string>{"RestartComputer", "RunCommandLine", "RunSequence",
                                            "SetDynamicVariables", "SetVariable"});
    REQUIRE(registry.Find("SetVariable") != nullptr);
    CHECK(registry.FindStepSchema("SetVariable")->type == "SetVariable");
    CHECK(registry.Find("setvariable") == nullptr);
  }

  TEST_CASE("a duplicate type name is refused with a clear error") {
    StepRegistry registry;
    CHECK(registry.Register(std::make_unique<NamedStep>("Echo")).ok());
    const Status status = registry.Register(std::make_unique<NamedStep>("Echo"));
    CHECK(status.code() == StatusCode::kAlreadyExists);
    CHECK(status.message() == "step type 'Echo' is already registered");
  }

  TEST_CASE("a schema that declares a property twice is refused") {
    StepRegistry registry;
    const Status status =
        registry.Register(std::make_unique<NamedStep>("Echo", std::vector<std::string>{"a", "a"}));
    CHECK(status.message() == "step type 'Echo' declares property 'a' twice");
  }

  TEST_CASE("steps TYPE suggests the closest type for a typo") {
    StepRegistry registry;
    RegisterBuiltinSteps(registry);
    Result<std::string> reference = FormatStepReference(registry, "RunComandLine");
    REQUIRE_FALSE(reference.ok());
    CHECK(reference.status().message() ==
          "unknown step type 'RunComandLine' (did you mean 'RunCommandLine'?)");
    Result<std::string> known = FormatStepReference(registry, "RunCommandLine");
    REQUIRE(known.ok());
    CHECK(known->find("successCodes: list of strings, default 0 3010, variable SuccessCodes") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace tseq

namespace tseq {
namespace {

TEST_SUITE("Step reference") {
  TEST_CASE("docs/steps.md is the generated reference (run `tseq steps --markdown`)") {
    std::ifstream file(std::string(TSEQ_SOURCE_DIR) + "/docs/steps.md");
    REQUIRE(file.good());
    std::ostringstream contents;
    contents << file.rdbuf();
    const std::string committed = contents.str();
    StepRegistry registry;
    RegisterBuiltinSteps(registry);
    CHECK_MESSAGE(committed == FormatStepsMarkdown(registry),
                  "docs/steps.md is stale: regenerate it with `tseq steps --markdown > "
                  "docs/steps.md`");
  }
}

}  // namespace
}  // namespace tseq
