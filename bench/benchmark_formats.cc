// The two renderings of a Benchmark. The Ansible `when:` expressions follow tseq's rules (SPEC §3)
// so that both tools make the same decisions: text compares ignoring case, numbers as numbers, an
// unset variable makes every test false except `exists: false` and `notEquals`.
#include <string_view>

#include "bench/benchmark_model.h"

namespace tseq::bench {
namespace {

std::string Indent(int depth) { return std::string(static_cast<size_t>(depth) * 2, ' '); }

const char* OperatorKey(Operator op) {
  switch (op) {
    case Operator::kExists:
      return "exists";
    case Operator::kEquals:
      return "equals";
    case Operator::kNotEquals:
      return "notEquals";
    case Operator::kGreater:
      return "greater";
    case Operator::kGreaterEqual:
      return "greaterEqual";
    case Operator::kLess:
      return "less";
    case Operator::kLessEqual:
      return "lessEqual";
    case Operator::kLike:
      return "like";
  }
  return "";
}

const char* JinjaOperator(Operator op) {
  switch (op) {
    case Operator::kEquals:
      return "==";
    case Operator::kNotEquals:
      return "!=";
    case Operator::kGreater:
      return ">";
    case Operator::kGreaterEqual:
      return ">=";
    case Operator::kLess:
      return "<";
    case Operator::kLessEqual:
      return "<=";
    case Operator::kExists:
    case Operator::kLike:
      return "";
  }
  return "";
}

const char* Boolean(bool value) { return value ? "true" : "false"; }

std::string ToLower(std::string text) {
  for (char& character : text) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character + 32);
  }
  return text;
}

// ---- tseq ----

std::string SequenceCondition(const Condition& condition) {
  switch (condition.kind) {
    case Condition::Kind::kAll:
    case Condition::Kind::kAny:
    case Condition::Kind::kNone: {
      std::string text = condition.kind == Condition::Kind::kAll   ? "{ all: ["
                         : condition.kind == Condition::Kind::kAny ? "{ any: ["
                                                                   : "{ none: [";
      for (size_t index = 0; index < condition.children.size(); ++index) {
        text += (index == 0 ? " " : ", ") + SequenceCondition(condition.children[index]);
      }
      return text + " ] }";
    }
    case Condition::Kind::kLeaf:
      break;
  }
  switch (condition.leaf) {
    case LeafKind::kVariable:
      if (condition.op == Operator::kExists) {
        return "{ variable: " + condition.variable + ", exists: " + Boolean(condition.expected) +
               " }";
      }
      return "{ variable: " + condition.variable + ", " + OperatorKey(condition.op) + ": \"" +
             condition.operand + "\" }";
    case LeafKind::kFile:
      return "{ file: " + condition.subject + ", exists: " + Boolean(condition.expected) + " }";
    case LeafKind::kFolder:
      return "{ folder: " + condition.subject + ", exists: " + Boolean(condition.expected) + " }";
    case LeafKind::kOs:
      return "{ os: " + condition.subject + ", version: \"" + condition.version_operator + " " +
             condition.version + "\" }";
    case LeafKind::kPackage:
      return "{ package: " + condition.subject + ", installed: " + Boolean(condition.expected) +
             " }";
  }
  return "";
}

void AppendSequenceNode(const Node& node, int depth, const std::string& secret, std::string& out) {
  const std::string pad = Indent(depth);
  if (node.is_group) {
    out += pad + "- group: " + node.name + "\n";
  } else {
    out += pad + "- name: " + node.name + "\n";
  }
  const std::string field = pad + "  ";
  if (!node.enabled) out += field + "enabled: false\n";
  if (node.continue_on_error) out += field + "continueOnError: true\n";
  if (node.condition.has_value())
    out += field + "condition: " + SequenceCondition(*node.condition) + "\n";
  if (node.is_group) {
    out += field + "steps:\n";
    for (const Node& child : node.children) AppendSequenceNode(child, depth + 2, secret, out);
    return;
  }
  if (node.timeout_seconds > 0)
    out += field + "timeout: " + std::to_string(node.timeout_seconds) + "s\n";
  if (node.retry_count > 0) {
    out += field + "retry: { count: " + std::to_string(node.retry_count) + ", delay: 5s }\n";
  }
  switch (node.step_kind) {
    case StepKind::kSetVariable:
      out += field + "type: SetVariable\n" + field + "with: { name: " + node.variable +
             ", value: \"" + node.value + "\" }\n";
      break;
    case StepKind::kCommand:
      out += field + "type: RunCommandLine\n" + field + "with: { commandLine: \"echo " + node.name +
             " %" + node.referenced_variable + "%\" }\n";
      break;
    case StepKind::kCommandWithOutput:
      out += field + "type: RunCommandLine\n" + field +
             "with: { commandLine: \"uname -r\", outputVariable: " + node.variable + " }\n";
      break;
    case StepKind::kSecretCommand:
      out += field + "type: RunCommandLine\n" + field +
             "with: { commandLine: \"echo deploy --token %" + secret + "%\" }\n";
      break;
    case StepKind::kRestart:
      out += field + "type: RestartComputer\n";
      break;
  }
}

// ---- Ansible ----

std::string WhenExpression(const Condition& condition) {
  if (condition.kind != Condition::Kind::kLeaf) {
    const std::string_view joiner = condition.kind == Condition::Kind::kAll ? " and " : " or ";
    std::string text;
    for (size_t index = 0; index < condition.children.size(); ++index) {
      if (index > 0) text += joiner;
      text += WhenExpression(condition.children[index]);
    }
    return condition.kind == Condition::Kind::kNone ? "not (" + text + ")" : "(" + text + ")";
  }
  const std::string& name = condition.variable;
  switch (condition.leaf) {
    case LeafKind::kVariable:
      switch (condition.op) {
        case Operator::kExists:
          return name + (condition.expected ? " is defined" : " is not defined");
        case Operator::kLike: {
          std::string regex;
          for (const char character : condition.operand) {
            regex += character == '*'   ? std::string(".*")
                     : character == '?' ? "."
                                        : std::string(1, character);
          }
          return "(" + name + " is defined and (" + name + " | string) is match('^" + regex +
                 "$', ignorecase=true))";
        }
        default: {
          const std::string value =
              condition.numeric ? "(" + name + " | float)" : "(" + name + " | string | lower)";
          // Quoted by appending: GCC 12's -Wrestrict misfires on "'" + std::string&& at -O3.
          std::string operand = condition.numeric ? condition.operand : "'";
          if (!condition.numeric) operand += ToLower(condition.operand) + "'";
          const std::string test = value + " " + JinjaOperator(condition.op) + " " + operand;
          if (condition.op == Operator::kNotEquals) {
            return "(" + name + " is not defined or " + test + ")";
          }
          return "(" + name + " is defined and " + test + ")";
        }
      }
    case LeafKind::kFile:
      return std::string("((machine_root ~ '") + condition.subject + "') is " +
             (condition.expected ? "" : "not ") + "file)";
    case LeafKind::kFolder:
      return std::string("((machine_root ~ '") + condition.subject + "') is " +
             (condition.expected ? "" : "not ") + "directory)";
    case LeafKind::kOs:
      return "(ansible_facts['distribution'] | lower == '" + condition.subject +
             "' and ansible_facts['distribution_version'] is version('" + condition.version +
             "', '" + condition.version_operator + "'))";
    case LeafKind::kPackage:
      // The Jinja literal's \n is a newline: Status follows Package in the generated database.
      return std::string(condition.expected ? "" : "not ") + "('Package: " + condition.subject +
             "\\nStatus: install ok installed' in dpkg_status)";
  }
  return "";
}

void AppendTask(const Node& node, int depth, const std::string& secret, std::string& out) {
  const std::string pad = Indent(depth);
  const std::string field = pad + "  ";
  out += pad + "- name: " + node.name + "\n";
  if (!node.enabled) {
    out += field + "when: false\n";
  } else if (node.condition.has_value()) {
    out += field + "when: >-\n" + field + "  " + WhenExpression(*node.condition) + "\n";
  }
  if (node.continue_on_error) out += field + "ignore_errors: true\n";
  if (node.is_group) {
    out += field + "block:\n";
    for (const Node& child : node.children) AppendTask(child, depth + 2, secret, out);
    return;
  }
  if (node.timeout_seconds > 0)
    out += field + "timeout: " + std::to_string(node.timeout_seconds) + "\n";
  switch (node.step_kind) {
    case StepKind::kSetVariable:
      out += field + "ansible.builtin.set_fact:\n" + field + "  " + node.variable + ": \"" +
             node.value + "\"\n";
      break;
    case StepKind::kCommand:
      out += field + "ansible.builtin.debug:\n" + field + "  msg: \"echo " + node.name + " {{ " +
             node.referenced_variable + " }}\"\n";
      break;
    case StepKind::kCommandWithOutput:
      out += field + "ansible.builtin.debug:\n" + field + "  msg: \"uname -r\"\n" + field +
             "register: " + node.variable + "\n";
      break;
    case StepKind::kSecretCommand:
      out += field + "no_log: true\n" + field + "ansible.builtin.debug:\n" + field +
             "  msg: \"echo deploy --token {{ " + secret + " }}\"\n";
      break;
    case StepKind::kRestart:
      out += field + "ansible.builtin.debug:\n" + field + "  msg: \"restart requested\"\n";
      break;
  }
}

}  // namespace

std::string FormatSequence(const Benchmark& benchmark) {
  std::string out = "# Generated by tseq_bench_generate (bench/run.sh); do not edit.\n";
  out += "name: " + benchmark.name + "\n";
  out += "description: " + std::to_string(benchmark.step_count) + " steps in " +
         std::to_string(benchmark.group_count) + " groups nested three deep.\n";
  out += "variables:\n";
  for (const auto& [name, value] : benchmark.variables) {
    if (name == benchmark.secret_variable) {
      out += "  " + name + ": { value: \"" + value + "\", secret: true }\n";
    } else {
      out += "  " + name + ": \"" + value + "\"\n";
    }
  }
  out += "steps:\n";
  for (const Node& node : benchmark.nodes)
    AppendSequenceNode(node, 1, benchmark.secret_variable, out);
  return out;
}

std::string FormatPlaybook(const Benchmark& benchmark, const std::string& machine_root) {
  std::string out = "# Generated by tseq_bench_generate (bench/run.sh); do not edit.\n";
  out += "- name: " + benchmark.name + "\n";
  out += "  hosts: all\n  gather_facts: true\n  gather_subset: [min]\n  vars:\n";
  out += "    machine_root: \"" + machine_root + "\"\n";
  out += "    dpkg_status: \"{{ lookup('file', machine_root ~ '/var/lib/dpkg/status') }}\"\n";
  for (const auto& [name, value] : benchmark.variables) {
    out += "    " + name + ": \"" + value + "\"\n";
  }
  out += "  tasks:\n";
  for (const Node& node : benchmark.nodes) AppendTask(node, 2, benchmark.secret_variable, out);
  return out;
}

}  // namespace tseq::bench
