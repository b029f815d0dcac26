#include "engine/plan_report.h"

#include <nlohmann/json.hpp>

namespace tseq {
namespace {

// Appends "NAME  (group)", "NAME  (TYPE)" or "NAME  (TYPE FILE: 'SEQUENCE')" to `text`.
void AppendDescription(const Instruction& instruction, std::string& text) {
  const SequenceNode& node = *instruction.node;
  text += node.name;
  switch (instruction.kind) {
    case InstructionKind::kGroup:
      text += "  (group)";
      return;
    case InstructionKind::kSequence:
      text.append("  (").append(node.type).append(" ").append(instruction.child->source_file);
      text.append(": '").append(instruction.child->name).append("')");
      return;
    case InstructionKind::kStep:
      break;
  }
  text.append("  (").append(node.type).append(")");
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

void AppendIndent(int depth, std::string& text) {
  text.append(static_cast<size_t>(depth) * 2, ' ');
}

// The detail lines of an instruction start in column 20, indented one level below it.
void AppendDetailIndent(int depth, std::string& text) {
  AppendIndent(depth + 1, text.append(19, ' '));
}

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
    const std::string pointer = std::to_string(entry.pointer);
    if (pointer.size() < 4) text.append(4 - pointer.size(), ' ');
    text.append(pointer).append("  ");
    const std::string_view decision = PlanDecisionName(entry.decision);
    text.append(decision);
    if (decision.size() < 12) text.append(12 - decision.size(), ' ');
    text += ' ';
    AppendIndent(instruction.depth, text);
    AppendDescription(instruction, text);
    text += '\n';
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
      const std::string location = entry.reason_location.ToString();
      AppendDetailIndent(instruction.depth, text);
      text += entry.reason;
      if (!location.empty()) text.append("  [").append(location).append("]");
      text += '\n';
    }
    if (options.show_condition_trace) {
      for (const ConditionTraceLine& line : entry.condition_trace) {
        AppendDetailIndent(instruction.depth, text);
        text += "? ";
        AppendIndent(line.depth, text);
        text.append(line.text).append("\n");
      }
    }
    for (const DeclaredOutput& output : entry.outputs) {
      AppendDetailIndent(instruction.depth, text);
      text.append("sets ").append(output.variable).append(" = ").append(output.value);
      text += '\n';
    }
    for (const std::string& warning : entry.warnings) {
      AppendDetailIndent(instruction.depth, text);
      text.append("warning: ").append(warning).append("\n");
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
