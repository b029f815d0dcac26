#include "steps/core/variable_comparison.h"

#include <array>
#include <vector>

#include "base/strings.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

constexpr std::array<VariableOperator, 8> kOperators = {
    VariableOperator::kExists,    VariableOperator::kEquals,       VariableOperator::kNotEquals,
    VariableOperator::kGreater,   VariableOperator::kGreaterEqual, VariableOperator::kLess,
    VariableOperator::kLessEqual, VariableOperator::kLike,
};

std::vector<std::string> OperatorNames() {
  std::vector<std::string> names;
  for (const VariableOperator op : kOperators) names.emplace_back(VariableOperatorName(op));
  return names;
}

std::optional<VariableOperator> FindOperator(std::string_view name) {
  for (const VariableOperator op : kOperators) {
    if (name == VariableOperatorName(op)) return op;
  }
  return std::nullopt;
}

// Appended piece by piece: GCC 12 at -O3 misreads "'" + std::string(...) as an overlapping memcpy
// (-Wrestrict, GCC bug 105329).
std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '\'';
  quoted += text;
  quoted += '\'';
  return quoted;
}

std::optional<std::string> ReadText(const Value& value, std::string_view subject,
                                    Diagnostics& diagnostics) {
  if (!value.is_scalar()) {
    diagnostics.AddError(value.location,
                         std::string(subject) + " must be a string, not " + value.KindName());
    return std::nullopt;
  }
  return value.scalar;
}

}  // namespace

std::optional<VariableTest> ReadVariableTest(const Value& map, Diagnostics& diagnostics) {
  const int errors = diagnostics.error_count();
  VariableTest test;
  const Value* operator_value = nullptr;
  std::string operator_name;
  bool unknown_operator = false;
  const std::vector<std::string> operator_names = OperatorNames();
  for (const auto& [key, entry] : map.entries) {
    if (key == "variable") continue;
    const std::optional<VariableOperator> op = FindOperator(key);
    if (!op.has_value()) {
      std::string hint;
      if (key == "notExists") {
        hint = " (write 'exists: false')";
      } else if (std::optional<std::string> match = ClosestMatch(key, operator_names)) {
        hint = " (did you mean '" + *match + "'?)";
      }
      diagnostics.AddError(entry.key_location,
                           "unknown operator '" + key + "' for variable condition" + hint);
      unknown_operator = true;
      continue;
    }
    if (operator_value != nullptr) {
      diagnostics.AddError(entry.key_location, "variable condition has more than one operator: '" +
                                                   operator_name + "' and '" + key + "'");
      continue;
    }
    operator_value = &entry;
    operator_name = key;
    test.op = *op;
  }

  if (const Value* name_value = map.Find("variable")) {
    if (name_value->is_null() ||
        (name_value->is_scalar() && TrimWhitespace(name_value->scalar).empty())) {
      diagnostics.AddError(name_value->location, "'variable' must not be empty");
    } else if (const std::optional<std::string> name =
                   ReadText(*name_value, "'variable'", diagnostics)) {
      const Status status = VariableStore::ValidateName(*name);
      if (!status.ok()) diagnostics.AddError(name_value->location, status.message());
      test.variable = std::string(TrimWhitespace(*name));
    }
  }

  if (operator_value == nullptr) {
    if (!unknown_operator) {
      diagnostics.AddError(map.location,
                           "variable condition needs an operator: " + Join(operator_names, ", "));
    }
    return std::nullopt;
  }
  if (test.op == VariableOperator::kExists) {
    const std::optional<bool> expected =
        operator_value->is_scalar() ? ParseBoolean(operator_value->scalar) : std::nullopt;
    if (expected.has_value()) {
      test.expected = *expected;
    } else {
      const std::string shown =
          operator_value->is_scalar() ? Quote(operator_value->scalar) : operator_value->KindName();
      diagnostics.AddError(operator_value->location,
                           "'exists' must be true or false, not " + shown);
    }
  } else if (const std::optional<std::string> operand =
                 ReadText(*operator_value, Quote(operator_name), diagnostics)) {
    test.operand = *operand;
  }
  if (diagnostics.error_count() != errors) return std::nullopt;
  return test;
}

VariableTestOutcome EvaluateVariableTest(const VariableTest& test, const VariableStore& variables) {
  const Variable* variable = variables.Find(test.variable);
  std::string detail = "not set";
  if (variable != nullptr) {
    detail = "value is " + Quote(variable->secret ? std::string(kMaskedValue)
                                                  : ExpandVariables(variable->value, variables,
                                                                    SecretDisplay::kMask));
  }
  std::string description = "variable " + test.variable + " ";
  bool result = false;
  if (test.op == VariableOperator::kExists) {
    description += test.expected ? "exists" : "does not exist";
    result = (variable != nullptr) == test.expected;
  } else {
    // The operand is what a secret value is compared with: showing it would tell the secret.
    const bool secret = variable != nullptr && variable->secret;
    description += std::string(VariableOperatorName(test.op)) + " " +
                   Quote(secret ? std::string(kMaskedValue)
                                : ExpandVariables(test.operand, variables, SecretDisplay::kMask));
    // ConfigMgr: an unset variable differs from every value and compares with none.
    result = variable == nullptr
                 ? test.op == VariableOperator::kNotEquals
                 : CompareVariableValue(test.op, ExpandVariables(variable->value, variables),
                                        ExpandVariables(test.operand, variables));
  }
  return {result, description + (result ? " is true (" : " is false (") + detail + ")"};
}

}  // namespace tseq
