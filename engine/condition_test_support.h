// Test support for condition evaluation (engine/*_test.cc only): builders for condition trees as
// the loader would produce them, and an environment over an in-memory machine rooted at
// /machine.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "engine/condition_evaluator.h"
#include "platform/clock.h"
#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"

namespace tseq::testing {

inline SourceLocation At(int line, int column = 7) { return {"seq.yaml", line, column}; }

inline Condition VariableCondition(std::string name, VariableOperator op, std::string operand,
                                   int line = 1) {
  Condition condition;
  condition.kind = ConditionKind::kVariable;
  condition.location = At(line);
  condition.variable = std::move(name);
  condition.op = op;
  condition.operand = std::move(operand);
  return condition;
}

inline Condition VariableExists(std::string name, bool expected, int line = 1) {
  Condition condition = VariableCondition(std::move(name), VariableOperator::kExists, "", line);
  condition.expected = expected;
  return condition;
}

inline Condition PathCondition(ConditionKind kind, std::string path, bool expected = true,
                               int line = 1) {
  Condition condition;
  condition.kind = kind;
  condition.location = At(line);
  condition.path = std::move(path);
  condition.expected = expected;
  return condition;
}

inline Condition OsCondition(std::string id, std::optional<std::string> version, int line = 1) {
  Condition condition;
  condition.kind = ConditionKind::kOs;
  condition.location = At(line);
  condition.os_id = std::move(id);
  condition.version_constraint = std::move(version);
  return condition;
}

inline Condition PackageCondition(std::string name, bool installed = true, int line = 1) {
  Condition condition;
  condition.kind = ConditionKind::kPackage;
  condition.location = At(line);
  condition.package = std::move(name);
  condition.expected = installed;
  return condition;
}

inline Condition CommandCondition(std::string command, int exit_code = 0, int line = 1) {
  Condition condition;
  condition.kind = ConditionKind::kCommand;
  condition.location = At(line);
  condition.command = std::move(command);
  condition.exit_code = exit_code;
  return condition;
}

inline Condition ListCondition(ConditionKind kind, std::vector<Condition> children, int line = 1) {
  Condition condition;
  condition.kind = kind;
  condition.location = At(line, 5);
  condition.children = std::move(children);
  return condition;
}

inline std::chrono::system_clock::time_point Utc(int year, unsigned month, unsigned day,
                                                 int hour = 0) {
  using namespace std::chrono;
  return sys_days(std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day)) +
         hours(hour);
}

// A machine at /machine in a MemoryFilesystem, an environment, and a runner that runs nothing.
struct ConditionFixture {
  MemoryFilesystem filesystem;
  MachineRoot machine_root{"/machine", filesystem};
  VariableStore variables;
  FakeProcessRunner process_runner;
  FakeClock clock{Utc(2026, 3, 1)};

  void Set(const std::string& name, const std::string& value, bool secret = false) {
    const Result<SetOutcome> outcome =
        variables.Set(name, value,
                      {.access = VariableAccess::kEngine,
                       .secrecy = secret ? Secrecy::kSecret : Secrecy::kUnchanged});
    REQUIRE(outcome.ok());
  }
  // Adds a file on the machine ("/etc/os-release" lands at /machine/etc/os-release).
  void AddMachineFile(const std::string& machine_path, std::string_view contents) {
    filesystem.AddFile("/machine" + machine_path, contents);
  }
  ConditionOutcome Evaluate(const Condition& condition) {
    return EvaluateCondition(condition, {variables, machine_root, process_runner, clock});
  }
  std::string Explain(const Condition& condition) { return Evaluate(condition).explanation; }
};

}  // namespace tseq::testing
