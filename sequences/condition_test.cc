#include "sequences/condition.h"

#include <string>

#include <doctest/doctest.h>

namespace tseq {
namespace {

Condition Leaf(ConditionKind kind) {
  Condition condition;
  condition.kind = kind;
  return condition;
}

TEST_SUITE("DescribeCondition") {
  TEST_CASE("variable leaves read as written") {
    Condition condition = Leaf(ConditionKind::kVariable);
    condition.variable = "OSDStateStorePath";
    condition.op = VariableOperator::kExists;
    CHECK(DescribeCondition(condition) == "variable OSDStateStorePath exists");
    condition.expected = false;
    CHECK(DescribeCondition(condition) == "variable OSDStateStorePath does not exist");
    condition.op = VariableOperator::kNotEquals;
    condition.operand = "true";
    CHECK(DescribeCondition(condition) == "variable OSDStateStorePath notEquals true");
    condition.op = VariableOperator::kLike;
    condition.operand = "";
    CHECK(DescribeCondition(condition) == "variable OSDStateStorePath like \"\"");
    condition.operand = "a b";
    CHECK(DescribeCondition(condition) == "variable OSDStateStorePath like \"a b\"");
  }

  TEST_CASE("file and folder leaves show their timestamps") {
    Condition condition = Leaf(ConditionKind::kFile);
    condition.path = "/etc/os-release";
    CHECK(DescribeCondition(condition) == "file /etc/os-release exists");
    condition.modified_after = "2026-01-31";
    condition.modified_before = "2026-02-01T00:00Z";
    CHECK(DescribeCondition(condition) ==
          "file /etc/os-release exists modified after 2026-01-31 modified before "
          "2026-02-01T00:00Z");
    Condition folder = Leaf(ConditionKind::kFolder);
    folder.path = "/home";
    folder.expected = false;
    CHECK(DescribeCondition(folder) == "folder /home does not exist");
  }

  TEST_CASE("os, package and command leaves") {
    Condition os = Leaf(ConditionKind::kOs);
    os.os_id = "debian";
    CHECK(DescribeCondition(os) == "os debian");
    os.version_constraint = ">= 12";
    CHECK(DescribeCondition(os) == "os debian version >= 12");

    Condition package = Leaf(ConditionKind::kPackage);
    package.package = "rsync";
    CHECK(DescribeCondition(package) == "package rsync is installed");
    package.expected = false;
    CHECK(DescribeCondition(package) == "package rsync is not installed");

    Condition command = Leaf(ConditionKind::kCommand);
    command.command = "test -d /home";
    command.exit_code = 1;
    CHECK(DescribeCondition(command) == "command test -d /home exits with 1");
  }

  TEST_CASE("combinators count their conditions") {
    Condition all = Leaf(ConditionKind::kAll);
    all.children.resize(3);
    CHECK(DescribeCondition(all) == "all of 3 conditions");
    Condition any = Leaf(ConditionKind::kAny);
    any.children.resize(1);
    CHECK(DescribeCondition(any) == "any of 1 condition");
    Condition none = Leaf(ConditionKind::kNone);
    none.children.resize(2);
    CHECK(DescribeCondition(none) == "none of 2 conditions");
  }
}

TEST_SUITE("VariableOperatorName") {
  TEST_CASE("names are the YAML keys") {
    CHECK(std::string(VariableOperatorName(VariableOperator::kExists)) == "exists");
    CHECK(std::string(VariableOperatorName(VariableOperator::kNotEquals)) == "notEquals");
    CHECK(std::string(VariableOperatorName(VariableOperator::kGreaterEqual)) == "greaterEqual");
    CHECK(std::string(VariableOperatorName(VariableOperator::kLessEqual)) == "lessEqual");
    CHECK(std::string(VariableOperatorName(VariableOperator::kLike)) == "like");
  }
}

}  // namespace
}  // namespace tseq
