// Variable tests for steps: the `{variable: NAME, OP: VALUE}` leaf of conditions
// (docs/sequence-format.md), read and evaluated with the same rules and messages as
// sequences/condition_parser.cc and engine/condition_evaluator.cc, which steps/ may not call
// (steps never include engine/, and the condition parser is internal to sequences/). Used by the
// Task Sequence Variable rules of SetDynamicVariables. Pure functions; thread-safe for a const
// store.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "sequences/condition.h"
#include "sequences/value.h"
#include "variables/variable_store.h"

namespace tseq {

struct VariableTest {
  std::string variable;  // trimmed
  VariableOperator op = VariableOperator::kEquals;
  std::string operand;   // as written; %NAME% expanded when evaluated
  bool expected = true;  // kExists: the wanted truth
};

// Reads `map` (a map holding the `variable` key) as a variable test, reporting every problem to
// `diagnostics` with the condition parser's messages: "unknown operator 'equal' for variable
// condition (did you mean 'equals'?)", "variable condition has more than one operator: 'equals'
// and 'like'", "variable condition needs an operator: exists, equals, ...", "'variable' must not
// be empty", an invalid name, "'exists' must be true or false, not 'x'", "'equals' must be a
// string, not a list". nullopt when there was any problem.
std::optional<VariableTest> ReadVariableTest(const Value& map, Diagnostics& diagnostics);

// The comparison itself is CompareVariableValue (sequences/condition.h), shared with the
// condition evaluator so both apply the same rules.

struct VariableTestOutcome {
  bool result = false;
  // "variable Mode equals 'Advanced' is false (value is 'Simple')", secrets masked.
  std::string explanation;
};

// Evaluates `test` against `variables`. An unset variable makes every operator false except
// `exists: false` and `notEquals`, as in ConfigMgr.
VariableTestOutcome EvaluateVariableTest(const VariableTest& test, const VariableStore& variables);

}  // namespace tseq
