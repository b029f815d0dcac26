#include "engine/condition_evaluator.h"

#include <utility>

#include "base/strings.h"
#include "engine/condition_leaves.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

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

LeafOutcome EvaluateVariableLeaf(const Condition& condition, const VariableStore& variables) {
  const Variable* variable = variables.Find(condition.variable);
  std::string detail = "not set";
  if (variable != nullptr) {
    const std::string shown =
        variable->secret ? std::string(kMaskedValue)
                         : ExpandVariables(variable->value, variables, SecretDisplay::kMask);
    detail = "value is " + Quote(shown);
  }
  std::string description = "variable " + condition.variable + " ";
  if (condition.op == VariableOperator::kExists) {
    description += condition.expected ? "exists" : "does not exist";
    return ExplainLeaf(description, (variable != nullptr) == condition.expected, detail);
  }
  // The operand is what a secret value is compared with: showing it would tell the secret.
  const bool secret = variable != nullptr && variable->secret;
  description +=
      std::string(VariableOperatorName(condition.op)) + " " +
      Quote(secret ? std::string(kMaskedValue)
                   : ExpandVariables(condition.operand, variables, SecretDisplay::kMask));
  if (variable == nullptr) {
    // ConfigMgr: an unset variable differs from every value and compares with none.
    return ExplainLeaf(description, condition.op == VariableOperator::kNotEquals, detail);
  }
  const bool result =
      CompareVariableValue(condition.op, ExpandVariables(variable->value, variables),
                           ExpandVariables(condition.operand, variables));
  return ExplainLeaf(description, result, detail);
}

struct NodeOutcome {
  bool result = false;
  std::string explanation;
  const SourceLocation* location = nullptr;
};

class Evaluator {
 public:
  // Writes every node evaluated to `trace`, or nothing when it is null.
  Evaluator(const ConditionEnvironment& environment, std::vector<ConditionTraceLine>* trace)
      : environment_(environment), trace_(trace) {}

  NodeOutcome Evaluate(const Condition& condition, int depth) {
    switch (condition.kind) {
      case ConditionKind::kAll:
      case ConditionKind::kAny:
      case ConditionKind::kNone:
        return EvaluateList(condition, depth);
      case ConditionKind::kVariable:
        return Leaf(condition, depth, EvaluateVariableLeaf(condition, environment_.variables));
      case ConditionKind::kFile:
      case ConditionKind::kFolder:
        return Leaf(condition, depth, EvaluatePathLeaf(condition, environment_));
      case ConditionKind::kOs:
        return Leaf(condition, depth, EvaluateOsLeaf(condition, environment_));
      case ConditionKind::kPackage:
        return Leaf(condition, depth, EvaluatePackageLeaf(condition, environment_));
      case ConditionKind::kCommand:
        return Leaf(condition, depth, EvaluateCommandLeaf(condition, environment_));
    }
    return {false, "unknown condition kind", &condition.location};
  }

 private:
  NodeOutcome Leaf(const Condition& condition, int depth, LeafOutcome leaf) {
    if (trace_ != nullptr) trace_->push_back({depth, leaf.explanation, leaf.result});
    return {leaf.result, std::move(leaf.explanation), &condition.location};
  }

  // all: the first false child decides; any: the first true child; none: the first true child.
  // Later children are not evaluated, so a `command:` after the decider never runs.
  NodeOutcome EvaluateList(const Condition& condition, int depth) {
    const char* keyword = condition.kind == ConditionKind::kAll   ? "all"
                          : condition.kind == ConditionKind::kAny ? "any"
                                                                  : "none";
    const size_t line = trace_ != nullptr ? trace_->size() : 0;
    if (trace_ != nullptr) trace_->push_back({depth, "", false});
    const bool stop_at = condition.kind != ConditionKind::kAll;
    bool decided = false;
    NodeOutcome last;
    for (const Condition& child : condition.children) {
      last = Evaluate(child, depth + 1);
      if (last.result == stop_at) {
        decided = true;
        break;
      }
    }
    const size_t count = condition.children.size();
    NodeOutcome result;
    if (decided) {
      result = std::move(last);
      result.result = condition.kind == ConditionKind::kAny;
    } else {
      result.result = condition.kind != ConditionKind::kAny;
      result.location = &condition.location;
      if (count == 0) {
        result.explanation =
            std::string("empty '") + keyword + "' list is " + (result.result ? "true" : "false");
      } else if (count == 1) {
        // With one child, that child is the reason; its explanation says more than a count.
        result.explanation = std::move(last.explanation);
        result.location = last.location;
      } else if (condition.kind == ConditionKind::kAll) {
        result.explanation = "all " + std::to_string(count) + " conditions are true";
      } else {
        result.explanation = "none of the " + std::to_string(count) + " conditions is true";
      }
    }
    if (trace_ != nullptr) {
      ConditionTraceLine& trace_line = (*trace_)[line];
      trace_line.text = std::string(keyword) + " of " + std::to_string(count) + " condition" +
                        (count == 1 ? "" : "s") + " is " + (result.result ? "true" : "false");
      trace_line.result = result.result;
    }
    return result;
  }

  const ConditionEnvironment& environment_;
  std::vector<ConditionTraceLine>* trace_;
};

}  // namespace

LeafOutcome ExplainLeaf(std::string_view description, bool result, std::string_view detail) {
  std::string text(description);
  text += result ? " is true" : " is false";
  if (!detail.empty()) {
    text += " (";
    text += detail;
    text += ")";
  }
  return {result, std::move(text)};
}

ConditionOutcome EvaluateCondition(const Condition& condition,
                                   const ConditionEnvironment& environment,
                                   ConditionDetail detail) {
  ConditionOutcome outcome;
  Evaluator evaluator(environment, detail == ConditionDetail::kTrace ? &outcome.trace : nullptr);
  NodeOutcome node = evaluator.Evaluate(condition, 0);
  outcome.result = node.result;
  outcome.explanation = std::move(node.explanation);
  outcome.deciding_location = *node.location;
  return outcome;
}

}  // namespace tseq
