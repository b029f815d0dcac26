#include "engine/plan_report.h"

#include <nlohmann/json.hpp>

namespace tseq {
namespace {

std::string Describe(const Instruction& instruction) {
  const SequenceNode& node = *instruction.node;
  switch (instruction.kind) {
    case InstructionKind::kGroup:
      return node.name + "  (group)";
    case InstructionKind::kSequence:
      return node.name + "  (" + node.type + " " + instruction.child->source_file + ": '" +
             instruction.child->name + "')";
    case InstructionKind::kStep:
      break;
  }
  return node.name + "  (" + node.type + ")";
}

const char* KindName(InstructionKind kind) {
  switch (kind) {
    case InstructionKind::kGroup:
      return "group";
    case InstructionKind::kSequence:
      return "sequence";
    case InstructionKind::kStep:
      break;
  }
  return "step";
}

std::string Indent(int depth) { return std::string(static_cast<size_t>(depth) * 2, ' '); }

}  // namespace

std::string FormatPlanText(const InstructionTable& table, const Plan& plan,
                           const PlanReportOptions& options) {
  const Sequence& sequence = table.sequence();
  std::string text = "Plan for '" + sequence.name + "' (" + sequence.source_file +
                     "): " + std::to_string(table.size()) + " instructions, machine root " +
                     options.machine_root + "\n\n";
  text += "   #  decision     instruction\n";
  int skipped = 0;
  int disabled = 0;
  int not_reached = 0;
  for (const PlanEntry& entry : plan.entries) {
    const Instruction& instruction = table[entry.pointer];
    std::string pointer = std::to_string(entry.pointer);
    if (pointer.size() < 4) pointer.insert(0, 4 - pointer.size(), ' ');
    std::string decision = PlanDecisionName(entry.decision);
    decision.resize(12, ' ');
    text +=
        pointer + "  " + decision + " " + Indent(instruction.depth) + Describe(instruction) + "\n";
    const std::string detail_indent = std::string(19, ' ') + Indent(instruction.depth + 1);
    if (!instruction.has_children()) {
      switch (entry.decision) {
        case PlanDecision::kSkipped:
          ++skipped;
          break;
        case PlanDecision::kDisabled:
          ++disabled;
          break;
        case PlanDecision::kParentSkipped:
          ++not_reached;
          break;
        case PlanDecision::kRun:
          break;
      }
    }
    if (entry.decision != PlanDecision::kRun && !entry.reason.empty()) {
      std::string location = entry.reason_location.ToString();
      text +=
          detail_indent + entry.reason + (location.empty() ? "" : "  [" + location + "]") + "\n";
    }
    if (options.show_condition_trace) {
      for (const ConditionTraceLine& line : entry.condition_trace) {
        text += detail_indent + "? " + Indent(line.depth) + line.text + "\n";
      }
    }
    for (const DeclaredOutput& output : entry.outputs) {
      text += detail_indent + "sets " + output.variable + " = " + output.value + "\n";
    }
    for (const std::string& warning : entry.warnings) {
      text += detail_indent + "warning: " + warning + "\n";
    }
    if (entry.reboot_after) {
      text +=
          "      --- restart: the run saves its state and exits with code 3; `tseq resume` "
          "continues at instruction " +
          std::to_string(entry.pointer + 1) + " ---\n";
    }
  }
  const int steps_total = plan.steps_run + skipped + disabled + not_reached;
  text += "\n" + std::to_string(plan.steps_run) + " of " + std::to_string(steps_total) +
          " steps would run; " + std::to_string(skipped) + " skipped by a condition, " +
          std::to_string(disabled) + " disabled, " + std::to_string(not_reached) +
          " in groups that do not run; " + std::to_string(plan.reboots) + " restart(s).\n";
  return text;
}

std::string FormatPlanJson(const InstructionTable& table, const Plan& plan,
                           const PlanReportOptions& options) {
  nlohmann::ordered_json document;
  document["sequence"] = table.sequence().name;
  document["file"] = table.sequence().source_file;
  document["machineRoot"] = options.machine_root;
  nlohmann::ordered_json instructions = nlohmann::ordered_json::array();
  for (const PlanEntry& entry : plan.entries) {
    const Instruction& instruction = table[entry.pointer];
    const SequenceNode& node = *instruction.node;
    nlohmann::ordered_json item;
    item["pointer"] = entry.pointer;
    item["name"] = node.name;
    item["kind"] = KindName(instruction.kind);
    if (!node.is_group()) item["type"] = node.type;
    if (instruction.child != nullptr) {
      item["childFile"] = instruction.child->source_file;
      item["childSequence"] = instruction.child->name;
    }
    item["depth"] = instruction.depth;
    item["parent"] = instruction.parent;
    item["location"] = node.location.ToString();
    item["decision"] = PlanDecisionName(entry.decision);
    if (!entry.reason.empty()) {
      item["reason"] = entry.reason;
      item["reasonLocation"] = entry.reason_location.ToString();
    }
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (const ConditionTraceLine& line : entry.condition_trace) {
      trace.push_back({{"depth", line.depth}, {"text", line.text}, {"result", line.result}});
    }
    item["conditionTrace"] = std::move(trace);
    nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
    for (const DeclaredOutput& output : entry.outputs) {
      outputs.push_back(
          {{"variable", output.variable}, {"value", output.value}, {"secret", output.secret}});
    }
    item["outputs"] = std::move(outputs);
    item["warnings"] = entry.warnings;
    item["restartAfter"] = entry.reboot_after;
    instructions.push_back(std::move(item));
  }
  document["instructions"] = std::move(instructions);
  document["stepsRun"] = plan.steps_run;
  document["restarts"] = plan.reboots;
  nlohmann::ordered_json variables = nlohmann::ordered_json::object();
  for (const Variable* variable : plan.final_variables.List()) {
    variables[variable->name] = variable->secret
                                    ? std::string(kMaskedValue)
                                    : plan.final_variables.MaskSecrets(variable->value);
  }
  document["finalVariables"] = std::move(variables);
  // Names come from user files and may hold invalid UTF-8; show it as U+FFFD rather than fail.
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace tseq
