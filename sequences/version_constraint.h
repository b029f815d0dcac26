// Version constraints of `os` conditions: `version: ">= 12"`, `version: "< 24.04"`, `version: 12`.
//
// A constraint is an optional operator (=, ==, !=, >, >=, <, <=; none means equal) and a version of
// numbers separated by dots ("12", "24.04", "3.18.4"). Versions compare part by part, as numbers;
// a missing part counts as 0, so "12" equals "12.0". Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tseq {

enum class VersionOperator { kEqual, kNotEqual, kGreater, kGreaterEqual, kLess, kLessEqual };

// "=", "!=", ">", ">=", "<", "<=".
const char* VersionOperatorSymbol(VersionOperator op);

struct VersionConstraint {
  VersionOperator op = VersionOperator::kEqual;
  std::string version;  // the version part, trimmed: "12", "24.04"

  // Whether `actual` (an os-release VERSION_ID such as "12" or "22.04") satisfies the constraint,
  // compared with CompareVersions.
  bool Matches(std::string_view actual) const;
};

// Parses "[OP] VERSION" (spaces around the operator optional). Fails with InvalidArgument:
// "invalid version constraint 'TEXT' (expected a version such as 12 or 24.04, optionally after
// one of =, ==, !=, >, >=, <, <=)".
Result<VersionConstraint> ParseVersionConstraint(std::string_view text);

// Negative, zero or positive as `a` is older than, the same as, or newer than `b`. Dot-separated
// parts are compared in turn: as numbers when both are whole numbers, otherwise as text ignoring
// ASCII case (so "rolling" compares sensibly instead of failing); a missing part counts as "0".
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace tseq
