#include "sequences/version_constraint.h"

#include <string>

#include <doctest/doctest.h>

namespace tseq {
namespace {

std::string Expected(std::string_view text) {
  return "invalid version constraint '" + std::string(text) +
         "' (expected a version such as 12 or 24.04, optionally after one of =, ==, !=, >, >=, "
         "<, <=)";
}

TEST_SUITE("ParseVersionConstraint") {
  TEST_CASE("every operator is read, with or without spaces, and none means equal") {
    const std::pair<const char*, VersionOperator> cases[] = {
        {"12", VersionOperator::kEqual},    {"= 12", VersionOperator::kEqual},
        {"==12", VersionOperator::kEqual},  {"!= 12", VersionOperator::kNotEqual},
        {">12", VersionOperator::kGreater}, {" >= 12 ", VersionOperator::kGreaterEqual},
        {"< 12", VersionOperator::kLess},   {"<=12", VersionOperator::kLessEqual},
    };
    for (const auto& [text_binding, op] : cases) {
      const auto& text = text_binding;  // clang 14 cannot capture a structured binding
      CAPTURE(text);
      const auto constraint = ParseVersionConstraint(text);
      REQUIRE(constraint.ok());
      CHECK(constraint->op == op);
      CHECK(constraint->version == "12");
    }
    CHECK(ParseVersionConstraint("< 24.04")->version == "24.04");
    CHECK(ParseVersionConstraint("3.18.4")->version == "3.18.4");
  }

  TEST_CASE("anything but dotted numbers after the operator is rejected") {
    for (const char* text :
         {"", ">=", "twelve", ">= 12.", "12..1", "=> 12", "~12", "12 13", ">= 12a", "> -1"}) {
      CAPTURE(text);
      const auto constraint = ParseVersionConstraint(text);
      REQUIRE_FALSE(constraint.ok());
      CHECK(constraint.status().code() == StatusCode::kInvalidArgument);
      CHECK(constraint.status().message() == Expected(text));
    }
  }
}

TEST_SUITE("CompareVersions") {
  TEST_CASE("parts compare as numbers, missing parts as zero") {
    CHECK(CompareVersions("12.10", "12.9") > 0);
    CHECK(CompareVersions("9", "10") < 0);
    CHECK(CompareVersions("12", "12.0") == 0);
    CHECK(CompareVersions("12.0.1", "12") > 0);
    CHECK(CompareVersions("007", "7") == 0);
    CHECK(CompareVersions("123456789012345678901234567890", "123456789012345678901234567891") < 0);
  }

  TEST_CASE("parts that are not numbers compare as text ignoring case") {
    CHECK(CompareVersions("rolling", "ROLLING") == 0);
    CHECK(CompareVersions("9.a", "9.b") < 0);
  }
}

TEST_SUITE("VersionConstraint") {
  TEST_CASE("Matches applies the operator to the comparison") {
    CHECK(ParseVersionConstraint(">= 12")->Matches("12"));
    CHECK(ParseVersionConstraint(">= 12")->Matches("13"));
    CHECK_FALSE(ParseVersionConstraint(">= 12")->Matches("11.9"));
    CHECK(ParseVersionConstraint("> 12")->Matches("12.1"));
    CHECK_FALSE(ParseVersionConstraint("> 12")->Matches("12.0"));
    CHECK(ParseVersionConstraint("< 24.04")->Matches("22.04"));
    CHECK_FALSE(ParseVersionConstraint("< 24.04")->Matches("24.04"));
    CHECK(ParseVersionConstraint("<= 24.04")->Matches("24.04"));
    CHECK(ParseVersionConstraint("12")->Matches("12.0"));
    CHECK(ParseVersionConstraint("!= 12")->Matches("11"));
    CHECK_FALSE(ParseVersionConstraint("!= 12")->Matches("12"));
  }

  TEST_CASE("operator symbols are the short forms") {
    CHECK(std::string(VersionOperatorSymbol(VersionOperator::kEqual)) == "=");
    CHECK(std::string(VersionOperatorSymbol(VersionOperator::kNotEqual)) == "!=");
    CHECK(std::string(VersionOperatorSymbol(VersionOperator::kGreaterEqual)) == ">=");
    CHECK(std::string(VersionOperatorSymbol(VersionOperator::kLessEqual)) == "<=");
  }
}

}  // namespace
}  // namespace tseq
