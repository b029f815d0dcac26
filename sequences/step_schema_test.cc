#include "sequences/step_schema.h"

#include <string>

#include <doctest/doctest.h>

#include "sequences/test_step_catalog.h"

namespace tseq {
namespace {

TEST_SUITE("StepSchema") {
  TEST_CASE("FindProperty matches the exact name") {
    const testing::TestStepCatalog catalog;
    const StepSchema* schema = catalog.FindStepSchema("CaptureUserState");
    REQUIRE(schema != nullptr);
    REQUIRE(schema->FindProperty("hardlinks") != nullptr);
    CHECK(schema->FindProperty("hardlinks")->type == PropertyType::kBoolean);
    CHECK(schema->FindProperty("Hardlinks") == nullptr);
    CHECK(schema->FindProperty("nothing") == nullptr);
  }

  TEST_CASE("property types have readable names") {
    CHECK(std::string(PropertyTypeName(PropertyType::kString)) == "string");
    CHECK(std::string(PropertyTypeName(PropertyType::kBoolean)) == "boolean");
    CHECK(std::string(PropertyTypeName(PropertyType::kInteger)) == "integer");
    CHECK(std::string(PropertyTypeName(PropertyType::kDuration)) == "duration");
    CHECK(std::string(PropertyTypeName(PropertyType::kEnum)) == "one of");
    CHECK(std::string(PropertyTypeName(PropertyType::kStringList)) == "list of strings");
    CHECK(std::string(PropertyTypeName(PropertyType::kVariableName)) == "variable name");
    CHECK(std::string(PropertyTypeName(PropertyType::kMap)) == "map");
    CHECK(std::string(PropertyTypeName(PropertyType::kList)) == "list");
  }
}

}  // namespace
}  // namespace tseq
