// The benchmark workload as data: one tree of groups and steps with conditions, written out both as
// a tseq sequence and as an equivalent Ansible playbook (bench/generate_benchmark.cc). Building it
// is deterministic: the same step count always gives the same tree. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tseq::bench {

// Steps per innermost group; groups nest three deep: phase > stage > block.
inline constexpr int kStepsPerBlock = 20;
inline constexpr int kBlocksPerStage = 5;
inline constexpr int kStagesPerPhase = 5;

enum class LeafKind { kVariable, kFile, kFolder, kOs, kPackage };
enum class Operator {
  kExists,
  kEquals,
  kNotEquals,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  kLike
};

struct Condition {
  enum class Kind { kAll, kAny, kNone, kLeaf };
  Kind kind = Kind::kLeaf;
  std::vector<Condition> children;  // kAll, kAny, kNone

  LeafKind leaf = LeafKind::kVariable;
  // kVariable.
  std::string variable;
  Operator op = Operator::kEquals;
  std::string operand;  // a number when `numeric`, else text; a wildcard pattern for kLike
  bool numeric = false;
  // kExists, kFile, kFolder, kPackage: the wanted truth.
  bool expected = true;
  // kFile, kFolder: machine path. kPackage: package name. kOs: os-release ID.
  std::string subject;
  // kOs: ">=", "<" ... and a version.
  std::string version_operator;
  std::string version;
};

enum class StepKind { kSetVariable, kCommand, kCommandWithOutput, kSecretCommand, kRestart };

struct Node {
  bool is_group = false;
  std::string name;
  bool enabled = true;
  bool continue_on_error = false;
  std::optional<Condition> condition;

  // Steps.
  StepKind step_kind = StepKind::kCommand;
  std::string variable;  // kSetVariable: the variable set; kCommandWithOutput: the output variable
  std::string value;     // kSetVariable
  std::string referenced_variable;  // kCommand*: a variable the command line shows
  int timeout_seconds = 0;          // 0 = none
  int retry_count = 0;

  // Groups.
  std::vector<Node> children;
};

struct Benchmark {
  std::string name;
  std::vector<std::pair<std::string, std::string>> variables;  // initial values
  std::string secret_variable;  // its value is in `variables`, marked secret
  std::vector<Node> nodes;
  int step_count = 0;
  int group_count = 0;
};

// REQUIRES: steps is a positive multiple of kStepsPerBlock.
Benchmark BuildBenchmark(int steps);

// Relative path -> content of every file of the machine root, and the folders to create.
std::vector<std::pair<std::string, std::string>> MachineRootFiles();
std::vector<std::string> MachineRootFolders();

// The tseq sequence (YAML).
std::string FormatSequence(const Benchmark& benchmark);
// The Ansible playbook (YAML); `machine_root` is the absolute host path of the machine root, which
// the playbook's file, folder and package conditions read.
std::string FormatPlaybook(const Benchmark& benchmark, const std::string& machine_root);

// The no-op workload of bench/run_overhead.sh: `steps` steps that each set one variable to the
// same constant, so a run does the engine's own work per step (state save, log) and almost
// nothing else. REQUIRES: steps > 0.
// The tseq sequence: a flat list of SetVariable steps, all setting NoOp=1.
std::string FormatNoOpSequence(int steps);
// The Ansible playbook: as many set_fact tasks (no_op: "1") on localhost, no fact gathering.
std::string FormatNoOpPlaybook(int steps);

}  // namespace tseq::bench
