// Condition: the parsed form of a step's or group's `condition:` (SPEC §3).
//
// A tree of combinators (all / any / none) over leaves (variable, file, folder, os, package,
// command). Values may contain %NAME% references; they are expanded when the condition is
// evaluated, not when it is loaded. Evaluation lives in engine/condition_evaluator.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"

namespace tseq {

enum class ConditionKind { kAll, kAny, kNone, kVariable, kFile, kFolder, kOs, kPackage, kCommand };

enum class VariableOperator {
  kExists,
  kEquals,
  kNotEquals,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  kLike,
};

// The YAML key of an operator: "exists", "equals", "notEquals", ...
const char* VariableOperatorName(VariableOperator op);

struct Condition {
  ConditionKind kind = ConditionKind::kAll;
  SourceLocation location;

  // kAll, kAny, kNone.
  std::vector<Condition> children;

  // kVariable: `{variable: NAME, OP: VALUE}`. For kExists, `expected` holds the boolean.
  std::string variable;
  VariableOperator op = VariableOperator::kEquals;
  std::string operand;

  // kVariable (exists), kFile, kFolder (exists), kPackage (installed): the wanted truth.
  bool expected = true;

  // kFile, kFolder: machine path; optional timestamps (ISO 8601: "2026-01-31",
  // "2026-01-31T08:00:00Z", "2026-01-31T08:00:00+01:00"; no zone means UTC).
  std::string path;
  std::optional<std::string> modified_after;
  std::optional<std::string> modified_before;

  // kOs: the os-release ID (wildcards allowed) and an optional version constraint such as
  // ">= 12", "< 24.04", "12" (equal), compared part by part as numbers.
  std::string os_id;
  std::optional<std::string> version_constraint;

  // kPackage: a package name as the package database knows it.
  std::string package;

  // kCommand: a command line (split like a shell quotes, no shell) and the exit code that makes
  // the leaf true.
  std::string command;
  int exit_code = 0;
};

// Compares a variable's value with an operand, the rule of every variable test (conditions and
// SetDynamicVariables rules): `like` matches `*` and `?` wildcards ignoring case; the others
// compare numerically when both sides are numbers, else as text ignoring case.
// REQUIRES: op is not kExists (existence is decided before any comparison).
bool CompareVariableValue(VariableOperator op, std::string_view value, std::string_view operand);

// One-line description of a leaf, as written by the user: "variable OSDStateStorePath exists",
// "file /etc/os-release exists", "os debian version >= 12". For combinators: "all of 3 conditions".
std::string DescribeCondition(const Condition& condition);

}  // namespace tseq
