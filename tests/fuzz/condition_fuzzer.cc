// Fuzz target: arbitrary bytes as the YAML of one step's `condition:`. The input is indented under
// the key of a small sequence whose variables hold words, numbers, versions, wildcards, %NAME%
// references and a secret, so condition parsing, evaluation (every leaf, on the fake machine),
// variable expansion and wildcard/number/version comparison all meet fuzzed values.
//
// Beyond "no crash", evaluation is checked against the rules of SPEC §3: all/any/none agree with
// their children; `equals` and `notEquals` (and `exists: true` and `exists: false`) always
// disagree; each ordering operator and its complement disagree on a set variable and are both
// false on an unset one. The raw input also goes through the pure helpers with their own laws:
// a pattern matches itself, version comparison is antisymmetric, expansion keeps plain text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/strings.h"
#include "engine/condition_evaluator.h"
#include "sequences/loader.h"
#include "tests/fuzz/fuzz_machine.h"
#include "variables/expansion.h"

namespace tseq::fuzz {
namespace {

constexpr std::string_view kSequenceHead =
    "name: condition fuzzing\n"
    "variables:\n"
    "  Mode: Advanced\n"
    "  Count: \"12\"\n"
    "  Negative: \"-3.5\"\n"
    "  Version: \"12.10\"\n"
    "  Pattern: \"Adv*\"\n"
    "  Path: /home/alice\n"
    "  Spaces: \"  padded value  \"\n"
    "  Reference: \"%Mode%-%Count%\"\n"
    "  Percent: \"100%%\"\n"
    "  AdminPassword: { value: \"s3cret-value\", secret: true }\n"
    "steps:\n"
    "  - name: conditioned\n"
    "    type: SetVariable\n"
    "    with: { name: Result, value: \"%Mode%\" }\n"
    "    condition:\n"
    "      ";

// Puts every line of `input` under the `condition:` key.
std::string WrapCondition(std::string_view input) {
  std::string text(kSequenceHead);
  for (const char character : input) {
    text += character;
    if (character == '\n') text += "      ";
  }
  text += '\n';
  return text;
}

int Sign(int value) { return (value > 0) - (value < 0); }

bool Evaluate(const Condition& condition, const ConditionEnvironment& environment) {
  return EvaluateCondition(condition, environment).result;
}

// The operator whose result is the negation of `op` on a set variable, if there is one.
bool Complement(VariableOperator op, VariableOperator& complement) {
  switch (op) {
    case VariableOperator::kEquals:
      complement = VariableOperator::kNotEquals;
      return true;
    case VariableOperator::kNotEquals:
      complement = VariableOperator::kEquals;
      return true;
    case VariableOperator::kGreater:
      complement = VariableOperator::kLessEqual;
      return true;
    case VariableOperator::kLessEqual:
      complement = VariableOperator::kGreater;
      return true;
    case VariableOperator::kLess:
      complement = VariableOperator::kGreaterEqual;
      return true;
    case VariableOperator::kGreaterEqual:
      complement = VariableOperator::kLess;
      return true;
    case VariableOperator::kExists:
    case VariableOperator::kLike:
      return false;
  }
  return false;
}

void CheckVariableLeaf(const Condition& leaf, bool result,
                       const ConditionEnvironment& environment) {
  const std::string description = DescribeCondition(leaf);
  Condition other = leaf;
  if (leaf.op == VariableOperator::kExists) {
    other.expected = !leaf.expected;
    Check(Evaluate(other, environment) != result,
          "exists: true and exists: false agree for: " + description);
    return;
  }
  if (!Complement(leaf.op, other.op)) return;
  const bool other_result = Evaluate(other, environment);
  const bool ordering =
      leaf.op != VariableOperator::kEquals && leaf.op != VariableOperator::kNotEquals;
  if (ordering && !environment.variables.Contains(leaf.variable)) {
    Check(!result && !other_result,
          "an ordering operator is true on an unset variable: " + description);
    return;
  }
  Check(result != other_result, "an operator and its complement agree for: " + description);
}

// Evaluates `condition` and every node below it, checking each against the rules above.
bool EvaluateAndCheck(const Condition& condition, const ConditionEnvironment& environment) {
  const ConditionOutcome outcome = EvaluateCondition(condition, environment);
  Check(!outcome.explanation.empty(), "no explanation for: " + DescribeCondition(condition));
  Check(!outcome.trace.empty(), "no trace for: " + DescribeCondition(condition));

  std::vector<bool> children;
  for (const Condition& child : condition.children) {
    children.push_back(EvaluateAndCheck(child, environment));
  }
  size_t true_children = 0;
  for (const bool child : children) true_children += child ? 1 : 0;
  const std::string description = DescribeCondition(condition);
  switch (condition.kind) {
    case ConditionKind::kAll:
      if (!children.empty()) {
        Check(outcome.result == (true_children == children.size()),
              "all: disagrees: " + description);
      }
      break;
    case ConditionKind::kAny:
      if (!children.empty()) {
        Check(outcome.result == (true_children > 0), "any: disagrees: " + description);
      }
      break;
    case ConditionKind::kNone:
      if (!children.empty()) {
        Check(outcome.result == (true_children == 0), "none: disagrees: " + description);
      }
      break;
    case ConditionKind::kVariable:
      CheckVariableLeaf(condition, outcome.result, environment);
      break;
    case ConditionKind::kFile:
    case ConditionKind::kFolder:
    case ConditionKind::kOs:
    case ConditionKind::kPackage:
    case ConditionKind::kCommand:
      break;
  }
  return outcome.result;
}

// Laws of the pure comparison and expansion helpers, on the raw input split in two.
void CheckPureHelpers(std::string_view input, const VariableStore& variables) {
  const size_t split = input.find('\n');
  const std::string_view first = input.substr(0, split);
  const std::string_view second = split == std::string_view::npos ? "" : input.substr(split + 1);

  Check(WildcardMatch(first, first), "a pattern does not match itself");
  (void)WildcardMatch(first, second);
  (void)ParseNumber(first);

  Check(CompareVersions(first, first) == 0, "a version differs from itself");
  Check(Sign(CompareVersions(first, second)) == -Sign(CompareVersions(second, first)),
        "version comparison is not antisymmetric");

  const std::string expanded = ExpandVariables(input, variables, SecretDisplay::kMask);
  if (input.find('%') == std::string_view::npos) {
    Check(expanded == input, "expansion changed text without a '%'");
  }
  for (const VariableReference& reference : FindVariableReferences(input)) {
    Check(reference.offset < input.size() && input[reference.offset] == '%',
          "a reference does not start at a '%'");
    Check(VariableStore::ValidateName(reference.name).ok(),
          "a reference has an invalid name: " + reference.name);
  }
}

// One input: load the wrapped sequence, check the helpers, evaluate and plan.
void FuzzCondition(std::string_view input) {
  FuzzMachine machine;
  Diagnostics diagnostics;
  Result<SequencePointer> sequence =
      LoadSequence(WrapCondition(input), "condition.yaml", BuiltinRegistry(), diagnostics);
  Check(sequence.ok() != diagnostics.HasErrors(),
        sequence.ok() ? "loaded with errors:\n" + diagnostics.ToString()
                      : "failed without an error diagnostic: " + sequence.status().message());

  const VariableStore variables =
      sequence.ok() ? InitialVariables(**sequence, machine) : VariableStore();
  CheckPureHelpers(input, variables);
  // A line break YAML knows but the wrapper does not indent after (a lone '\r') can end the
  // condition early and even replace `steps:`; such inputs only exercise the loader.
  if (!sequence.ok() || (*sequence)->steps.empty()) return;

  const SequenceNode& node = (*sequence)->steps.front();
  if (node.condition.has_value()) {
    const ConditionEnvironment environment{variables, machine.root(), machine.process_runner(),
                                           machine.clock()};
    EvaluateAndCheck(*node.condition, environment);
  }
  PlanAndCheck(*sequence, machine);
}

}  // namespace
}  // namespace tseq::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tseq::fuzz::FuzzCondition(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
