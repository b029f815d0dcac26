#include "sequences/condition.h"

#include <algorithm>

#include "base/strings.h"

namespace tseq {
namespace {

// Operands are shown as written, in quotes only when they would otherwise be invisible or
// ambiguous (empty, or containing spaces).
std::string ShowOperand(const std::string& text) {
  const bool plain = !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n';
  });
  return plain ? text : "\"" + text + "\"";
}

std::string DescribeCombinator(const char* word, size_t count) {
  return std::string(word) + " of " + std::to_string(count) +
         (count == 1 ? " condition" : " conditions");
}

std::string DescribePathLeaf(const char* kind, const Condition& condition) {
  std::string text = std::string(kind) + " " + ShowOperand(condition.path) +
                     (condition.expected ? " exists" : " does not exist");
  if (condition.modified_after) text += " modified after " + *condition.modified_after;
  if (condition.modified_before) text += " modified before " + *condition.modified_before;
  return text;
}

}  // namespace

const char* VariableOperatorName(VariableOperator op) {
  switch (op) {
    case VariableOperator::kExists:
      return "exists";
    case VariableOperator::kEquals:
      return "equals";
    case VariableOperator::kNotEquals:
      return "notEquals";
    case VariableOperator::kGreater:
      return "greater";
    case VariableOperator::kGreaterEqual:
      return "greaterEqual";
    case VariableOperator::kLess:
      return "less";
    case VariableOperator::kLessEqual:
      return "lessEqual";
    case VariableOperator::kLike:
      return "like";
  }
  return "unknown";
}

std::string DescribeCondition(const Condition& condition) {
  switch (condition.kind) {
    case ConditionKind::kAll:
      return DescribeCombinator("all", condition.children.size());
    case ConditionKind::kAny:
      return DescribeCombinator("any", condition.children.size());
    case ConditionKind::kNone:
      return DescribeCombinator("none", condition.children.size());
    case ConditionKind::kVariable:
      if (condition.op == VariableOperator::kExists) {
        return "variable " + condition.variable +
               (condition.expected ? " exists" : " does not exist");
      }
      return "variable " + condition.variable + " " + VariableOperatorName(condition.op) + " " +
             ShowOperand(condition.operand);
    case ConditionKind::kFile:
      return DescribePathLeaf("file", condition);
    case ConditionKind::kFolder:
      return DescribePathLeaf("folder", condition);
    case ConditionKind::kOs:
      return "os " + condition.os_id +
             (condition.version_constraint ? " version " + *condition.version_constraint : "");
    case ConditionKind::kPackage:
      return "package " + condition.package +
             (condition.expected ? " is installed" : " is not installed");
    case ConditionKind::kCommand:
      return "command " + condition.command + " exits with " + std::to_string(condition.exit_code);
  }
  return "unknown condition";
}

bool CompareVariableValue(VariableOperator op, std::string_view value, std::string_view operand) {
  if (op == VariableOperator::kLike) return WildcardMatch(operand, value);
  int order = 0;
  const std::optional<double> value_number = ParseNumber(value);
  const std::optional<double> operand_number = ParseNumber(operand);
  if (value_number.has_value() && operand_number.has_value()) {
    order = *value_number < *operand_number ? -1 : (*value_number > *operand_number ? 1 : 0);
  } else {
    order = CompareIgnoreCase(value, operand);
  }
  switch (op) {
    case VariableOperator::kEquals:
      return order == 0;
    case VariableOperator::kNotEquals:
      return order != 0;
    case VariableOperator::kGreater:
      return order > 0;
    case VariableOperator::kGreaterEqual:
      return order >= 0;
    case VariableOperator::kLess:
      return order < 0;
    case VariableOperator::kLessEqual:
      return order <= 0;
    case VariableOperator::kExists:
    case VariableOperator::kLike:
      break;
  }
  return false;
}

}  // namespace tseq
