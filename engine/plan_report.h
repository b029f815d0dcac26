// Rendering a Plan for people (`tseq plan`) and for tools (`tseq plan --json`). Secret values
// are already masked in the Plan; these functions add nothing secret.
#pragma once

#include <string>

#include "engine/instruction_table.h"
#include "engine/plan.h"

namespace tseq {

struct PlanReportOptions {
  std::string machine_root;           // shown in the header
  bool show_condition_trace = false;  // every evaluated condition node, not only the decider
};

// A table, one line per instruction indented by depth, with the reason under skipped ones, the
// variables each step would set, restart boundaries, and a summary line.
std::string FormatPlanText(const InstructionTable& table, const Plan& plan,
                           const PlanReportOptions& options);

// One JSON document (pretty-printed) describing the same, for tools. Documented in
// docs/sequence-format.md ("tseq plan --json").
std::string FormatPlanJson(const InstructionTable& table, const Plan& plan,
                           const PlanReportOptions& options);

}  // namespace tseq
