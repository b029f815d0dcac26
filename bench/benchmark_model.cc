#include "bench/benchmark_model.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace tseq::bench {
namespace {

constexpr int kVariableCount = 300;
constexpr int kRecentVariables = 8;
constexpr int kRestartEvery = 2500;
constexpr std::array<std::string_view, 5> kWords = {"alpha", "beta", "gamma", "Advanced", "Simple"};
constexpr std::array<std::string_view, 5> kPatterns = {"Adv*", "?eta", "*a*", "S*e", "g?mma"};

// splitmix64: small, fast and the same everywhere, so the workload never changes.
class Random {
 public:
  int Below(int bound) {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<int>(z % static_cast<uint64_t>(bound));
  }
  bool Percent(int percent) { return Below(100) < percent; }

 private:
  uint64_t state_ = 20260301;
};

std::string Padded(int number, int width) {
  std::string text = std::to_string(number);
  if (static_cast<int>(text.size()) < width) {
    text.insert(0, static_cast<size_t>(width) - text.size(), '0');
  }
  return text;
}

// Variables come in three families, so each is compared the way its values suggest.
enum class Family { kWord, kInteger, kDecimal };
Family FamilyOf(int variable) { return static_cast<Family>(variable % 3); }
std::string VariableName(int variable) {
  std::string name = "V";  // appended, not "V" + ...: GCC 12's -Wrestrict misfires on that at -O3
  return name += Padded(variable, 3);
}

std::string ValueFor(Family family, int seed) {
  switch (family) {
    case Family::kWord:
      return std::string(kWords[static_cast<size_t>(seed) % kWords.size()]);
    case Family::kInteger:
      return std::to_string(seed % 100);
    case Family::kDecimal:
      return "12." + std::to_string(seed % 10);
  }
  return "";
}

class Builder {
 public:
  Benchmark Build(int steps) {
    Benchmark benchmark;
    benchmark.name = "Benchmark - " + std::to_string(steps) + " steps";
    for (int variable = 0; variable < kVariableCount; ++variable) {
      benchmark.variables.emplace_back(VariableName(variable),
                                       ValueFor(FamilyOf(variable), variable));
    }
    benchmark.secret_variable = "BenchToken";
    benchmark.variables.emplace_back("BenchToken", "bench-token-not-a-secret");

    const int per_phase = kStepsPerBlock * kBlocksPerStage * kStagesPerPhase;
    const int phases = (steps + per_phase - 1) / per_phase;
    for (int phase = 1; phase <= phases && step_index_ < steps; ++phase) {
      const std::string phase_label = std::to_string(phase);
      Node phase_node = Group("Phase " + phase_label, 30);
      for (int stage = 1; stage <= kStagesPerPhase && step_index_ < steps; ++stage) {
        const std::string stage_label = phase_label + "." + std::to_string(stage);
        Node stage_node = Group("Stage " + stage_label, 30);
        for (int block = 1; block <= kBlocksPerStage && step_index_ < steps; ++block) {
          Node block_node = Group("Block " + stage_label + "." + std::to_string(block), 25);
          if (random_.Percent(2)) block_node.enabled = false;
          for (int step = 0; step < kStepsPerBlock; ++step) block_node.children.push_back(Step());
          stage_node.children.push_back(std::move(block_node));
        }
        phase_node.children.push_back(std::move(stage_node));
      }
      benchmark.nodes.push_back(std::move(phase_node));
    }
    benchmark.step_count = step_index_;
    benchmark.group_count = group_count_;
    return benchmark;
  }

 private:
  Node Group(std::string name, int condition_percent) {
    ++group_count_;
    Node group;
    group.is_group = true;
    group.name = std::move(name);
    group.continue_on_error = random_.Percent(20);
    if (random_.Percent(condition_percent)) group.condition = GroupCondition();
    return group;
  }

  // Groups mostly guard on facts that hold on the generated machine, as real sequences do, so
  // most steps are reached and evaluated; one in five group conditions is an arbitrary one.
  Condition GroupCondition() {
    if (random_.Percent(20)) return AnyCondition();
    Condition leaf;
    switch (random_.Below(4)) {
      case 0:
        return OsLeaf();
      case 1:
        leaf.leaf = LeafKind::kPackage;
        leaf.subject = "pkg-" + Padded(1 + 3 * random_.Below(99), 3);  // installed: not 3k
        return leaf;
      case 2:
        leaf.leaf = LeafKind::kFolder;
        leaf.subject = "/srv/data-" + Padded(3 * random_.Below(33), 2);  // every third exists
        return leaf;
      default:
        leaf.op = Operator::kExists;
        leaf.variable = VariableName(random_.Below(kVariableCount));
        return leaf;
    }
  }

  Node Step() {
    const int index = ++step_index_;
    Node step;
    step.name = "Step " + std::to_string(index);
    const int kind = random_.Below(100);
    if (index % kRestartEvery == 0) {
      step.step_kind = StepKind::kRestart;
    } else if (kind < 38) {
      const int variable = random_.Below(kVariableCount);
      step.step_kind = StepKind::kSetVariable;
      step.variable = VariableName(variable);
      step.value = ValueFor(FamilyOf(variable), random_.Below(1000));
      recent_[static_cast<size_t>(recent_next_++ % kRecentVariables)] = variable;
    } else if (kind < 75) {
      step.step_kind = StepKind::kCommand;
      step.referenced_variable = VariableName(random_.Below(kVariableCount));
    } else if (kind < 85) {
      step.step_kind = StepKind::kCommandWithOutput;
      step.variable = "Out" + Padded(index, 5);
    } else if (kind < 88) {
      step.step_kind = StepKind::kSecretCommand;
    } else {
      step.step_kind = StepKind::kCommand;
      step.referenced_variable = VariableName(random_.Below(kVariableCount));
      step.timeout_seconds = 90;
      step.retry_count = 2;
      step.continue_on_error = true;
    }
    if (random_.Percent(4)) step.enabled = false;
    if (random_.Percent(55)) step.condition = AnyCondition();
    return step;
  }

  Condition AnyCondition() {
    const int kind = random_.Below(100);
    if (kind < 50) return VariableLeaf();
    if (kind < 65) {
      Condition combinator;
      combinator.kind = static_cast<Condition::Kind>(random_.Below(3));  // all, any, none
      const int children = 2 + random_.Below(2);
      for (int child = 0; child < children; ++child) combinator.children.push_back(VariableLeaf());
      if (random_.Percent(30)) combinator.children.push_back(PathLeaf(LeafKind::kFile));
      return combinator;
    }
    if (kind < 73) return PathLeaf(LeafKind::kFile);
    if (kind < 80) return PathLeaf(LeafKind::kFolder);
    if (kind < 86) return OsLeaf();
    if (kind < 93) return PackageLeaf();
    Condition any;
    any.kind = Condition::Kind::kAny;
    any.children.push_back(PathLeaf(LeafKind::kFile));
    any.children.push_back(VariableLeaf());
    return any;
  }

  Condition VariableLeaf() {
    Condition leaf;
    leaf.leaf = LeafKind::kVariable;
    const int choice = random_.Below(100);
    if (choice < 10) {
      // Existence, half of it on names no step ever sets.
      leaf.op = Operator::kExists;
      leaf.expected = random_.Percent(50);
      leaf.variable = random_.Percent(50) ? "Unset" + std::to_string(random_.Below(50))
                                          : VariableName(random_.Below(kVariableCount));
      return leaf;
    }
    // Half the leaves test a variable a recent SetVariable step wrote.
    const int recent_filled = std::min(kRecentVariables, recent_next_);
    const int variable = recent_filled > 0 && random_.Percent(50)
                             ? recent_[static_cast<size_t>(random_.Below(recent_filled))]
                             : random_.Below(kVariableCount);
    leaf.variable = VariableName(variable);
    switch (FamilyOf(variable)) {
      case Family::kWord: {
        static constexpr std::array<Operator, 4> kOperators = {
            Operator::kEquals, Operator::kNotEquals, Operator::kLike, Operator::kGreater};
        leaf.op = kOperators[static_cast<size_t>(random_.Below(4))];
        if (leaf.op == Operator::kLike) {
          leaf.operand = std::string(kPatterns[static_cast<size_t>(random_.Below(5))]);
        } else {
          leaf.operand = ValueFor(Family::kWord, random_.Below(5));
          if (random_.Percent(30)) {
            for (char& character : leaf.operand) {
              if (character >= 'a' && character <= 'z')
                character = static_cast<char>(character - 32);
            }
          }
        }
        break;
      }
      case Family::kInteger:
        leaf.op = static_cast<Operator>(1 + random_.Below(6));  // equals .. lessEqual
        leaf.operand = std::to_string(random_.Below(100));
        leaf.numeric = true;
        break;
      case Family::kDecimal:
        leaf.op = static_cast<Operator>(3 + random_.Below(4));  // greater .. lessEqual
        leaf.operand = "12." + std::to_string(random_.Below(10));
        leaf.numeric = true;
        break;
    }
    return leaf;
  }

  Condition PathLeaf(LeafKind kind) {
    Condition leaf;
    leaf.leaf = kind;
    leaf.expected = random_.Percent(70);
    leaf.subject = kind == LeafKind::kFile
                       ? "/etc/app/conf-" + Padded(random_.Below(100), 2) + ".conf"
                       : "/srv/data-" + Padded(random_.Below(100), 2);
    return leaf;
  }

  Condition OsLeaf() {
    Condition leaf;
    leaf.leaf = LeafKind::kOs;
    leaf.subject = "debian";
    const bool at_least = random_.Percent(50);
    leaf.version_operator = at_least ? ">=" : "<";
    leaf.version = at_least ? "12" : "13";
    return leaf;
  }

  Condition PackageLeaf() {
    Condition leaf;
    leaf.leaf = LeafKind::kPackage;
    leaf.expected = random_.Percent(75);
    leaf.subject = "pkg-" + Padded(random_.Below(300), 3);
    return leaf;
  }

  Random random_;
  int step_index_ = 0;
  int group_count_ = 0;
  std::array<int, kRecentVariables> recent_{};
  int recent_next_ = 0;
};

}  // namespace

Benchmark BuildBenchmark(int steps) { return Builder().Build(steps); }

std::vector<std::pair<std::string, std::string>> MachineRootFiles() {
  std::vector<std::pair<std::string, std::string>> files = {
      {"etc/os-release",
       "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
       "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n"},
      {"etc/hostname", "bench-host\n"},
  };
  std::string status;
  for (int package = 0; package < 300; ++package) {
    status += "Package: pkg-" + Padded(package, 3) + "\nStatus: " +
              (package % 3 == 0 ? "deinstall ok config-files" : "install ok installed") +
              "\nPriority: optional\nSection: misc\nInstalled-Size: 100\nArchitecture: amd64\n"
              "Version: 1.0-" +
              std::to_string(package) + "\nDescription: benchmark package\n extended text\n\n";
  }
  files.emplace_back("var/lib/dpkg/status", status);
  for (int file = 0; file < 100; file += 2) {
    files.emplace_back("etc/app/conf-" + Padded(file, 2) + ".conf", "setting=1\n");
  }
  return files;
}

std::vector<std::string> MachineRootFolders() {
  std::vector<std::string> folders;
  for (int folder = 0; folder < 100; folder += 3) {
    folders.push_back("srv/data-" + Padded(folder, 2));
  }
  return folders;
}

std::string FormatNoOpSequence(int steps) {
  std::string out = "# Generated by tseq_bench_generate --no-op (bench/run_overhead.sh).\n";
  out += "name: No-op - " + std::to_string(steps) + " steps\nsteps:\n";
  for (int step = 1; step <= steps; ++step) {
    out += "  - { name: Step " + std::to_string(step) +
           ", type: SetVariable, with: { name: NoOp, value: '1' } }\n";
  }
  return out;
}

std::string FormatNoOpPlaybook(int steps) {
  std::string out = "# Generated by tseq_bench_generate --no-op (bench/run_overhead.sh).\n";
  out += "- name: No-op - " + std::to_string(steps) + " steps\n";
  out += "  hosts: all\n  gather_facts: false\n  tasks:\n";
  for (int step = 1; step <= steps; ++step) {
    out += "    - name: Step " + std::to_string(step) + "\n      set_fact: { no_op: \"1\" }\n";
  }
  return out;
}

}  // namespace tseq::bench
