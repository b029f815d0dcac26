// TestStepCatalog: a small StepCatalog for the sequences/ unit tests, so they do not depend on
// steps/. It covers every PropertyType, required properties, defaults, action variables and
// outputs. Test-only: included by *_test.cc files, never by the library.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "sequences/step_schema.h"

namespace tseq::testing {

class TestStepCatalog : public StepCatalog {
 public:
  TestStepCatalog() {
    schemas_.push_back({
        .type = "RunCommandLine",
        .description = "Runs a command line",
        .category = "core",
        .properties =
            {
                {.name = "commandLine",
                 .description = "the command to run",
                 .action_variable = "SMSTSRunCommandLine",
                 .required = true},
                {.name = "workingDirectory", .description = "where the command runs"},
                {.name = "successCodes",
                 .type = PropertyType::kStringList,
                 .description = "exit codes that mean success",
                 .default_value = "0 3010"},
                {.name = "outputVariable",
                 .type = PropertyType::kVariableName,
                 .description = "variable that receives the output"},
            },
    });
    schemas_.push_back({
        .type = "SetVariable",
        .description = "Sets a variable",
        .category = "core",
        .properties =
            {
                {.name = "name", .type = PropertyType::kVariableName, .required = true},
                {.name = "value", .required = true},
            },
    });
    schemas_.push_back({
        .type = "CaptureUserState",
        .description = "Captures user state",
        .category = "userstate",
        .properties =
            {
                {.name = "hardlinks",
                 .type = PropertyType::kBoolean,
                 .description = "use a hard-link store",
                 .default_value = "false",
                 .action_variable = "OSDMigrateUseHardlinks"},
                {.name = "mode",
                 .type = PropertyType::kEnum,
                 .default_value = "copy",
                 .allowed_values = {"copy", "move"}},
                {.name = "retries",
                 .type = PropertyType::kInteger,
                 .default_value = "3",
                 .minimum = 0,
                 .maximum = 10},
                {.name = "level", .type = PropertyType::kInteger, .minimum = 1},
                {.name = "retryDelay", .type = PropertyType::kDuration, .default_value = "5s"},
                {.name = "rules", .type = PropertyType::kMap},
                {.name = "extraArguments", .type = PropertyType::kList},
            },
    });
    schemas_.push_back({
        .type = "RequestStateStore",
        .description = "Requests a state store",
        .category = "userstate",
        .outputs = {{.variable = "OSDStateStorePath", .description = "the store"}},
    });
    schemas_.push_back({.type = "RestoreUserState", .category = "userstate"});
  }

  const StepSchema* FindStepSchema(std::string_view type) const override {
    for (const StepSchema& schema : schemas_) {
      if (schema.type == type) return &schema;
    }
    return nullptr;
  }

  std::vector<std::string> StepTypeNames() const override {
    std::vector<std::string> names;
    for (const StepSchema& schema : schemas_) names.push_back(schema.type);
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::vector<StepSchema> schemas_;
};

}  // namespace tseq::testing
