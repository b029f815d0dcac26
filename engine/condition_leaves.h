// Internal to engine/: the leaves of condition evaluation that read the machine (file, folder,
// os, package, command), and the one explanation format every leaf uses. The public interface is
// engine/condition_evaluator.h.
#pragma once

#include <string>
#include <string_view>

#include "engine/condition_evaluator.h"

namespace tseq {

struct LeafOutcome {
  bool result = false;
  std::string explanation;  // "DESCRIPTION is true|false[ (DETAIL)]", secrets masked
};

// "DESCRIPTION is RESULT", plus " (DETAIL)" when there is a detail.
LeafOutcome ExplainLeaf(std::string_view description, bool result, std::string_view detail);

// `{file: ...}` and `{folder: ...}`.
LeafOutcome EvaluatePathLeaf(const Condition& condition, const ConditionEnvironment& environment);
// `{os: ID, version: CONSTRAINT}`.
LeafOutcome EvaluateOsLeaf(const Condition& condition, const ConditionEnvironment& environment);
// `{package: NAME, installed: BOOL}`.
LeafOutcome EvaluatePackageLeaf(const Condition& condition,
                                const ConditionEnvironment& environment);
// `{command: LINE, exitCode: N}`.
LeafOutcome EvaluateCommandLeaf(const Condition& condition,
                                const ConditionEnvironment& environment);

}  // namespace tseq
