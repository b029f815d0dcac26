#include "tests/fuzz/fuzz_machine.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "base/diagnostics.h"
#include "engine/plan.h"
#include "engine/plan_report.h"
#include "engine/sequence_file.h"

namespace tseq::fuzz {
namespace {

constexpr std::string_view kMachine = "/machine";

// 2026-03-01T12:00:00Z, so `modifiedAfter`/`modifiedBefore` leaves meet files on both sides.
std::chrono::system_clock::time_point FixedNow() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1772366400));
}

std::chrono::system_clock::time_point DaysBeforeNow(int days) {
  return FixedNow() - std::chrono::hours(24 * days);
}

std::string MachinePath(std::string_view path) { return std::string(kMachine) + std::string(path); }

}  // namespace

void Check(bool condition, std::string_view message) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(message.size()),
               message.data());
  std::abort();
}

const StepRegistry& BuiltinRegistry() {
  static const StepRegistry* const registry = [] {
    auto* built = new StepRegistry();
    RegisterBuiltinSteps(*built);
    return built;
  }();
  return *registry;
}

FuzzMachine::FuzzMachine() : root_(std::string(kMachine), filesystem_), clock_(FixedNow()) {
  filesystem_.AddFile(MachinePath("/etc/os-release"),
                      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                      "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n");
  filesystem_.AddFile(MachinePath("/usr/lib/os-release"), "ID=ubuntu\nVERSION_ID=\"24.04\"\n");
  filesystem_.AddFile(MachinePath("/etc/hostname"), "PC02\n");
  filesystem_.AddFile(MachinePath("/var/lib/dpkg/status"),
                      "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\n"
                      "Version: 1:9.2p1-2\nDescription: secure shell server\n continuation\n\n"
                      "Package: libc6\nStatus: install ok installed\nArchitecture: i386\n"
                      "Version: 2.36-9\n\n"
                      "Package: nano\nStatus: deinstall ok config-files\nArchitecture: amd64\n\n"
                      "Package: broken\nStatus: install reinstreq half-installed\n");
  filesystem_.AddFile(MachinePath("/var/run/reboot-required"), "");
  filesystem_.AddFile(MachinePath("/home/alice/.bashrc"), "export EDITOR=vi\n");
  filesystem_.AddFile(MachinePath("/home/alice/Documents/report 2026.odt"), "data");
  filesystem_.SetModified(MachinePath("/home/alice/.bashrc"), DaysBeforeNow(40));
  filesystem_.SetModified(MachinePath("/home/alice/Documents/report 2026.odt"), DaysBeforeNow(1));
  filesystem_.AddFile(MachinePath("/srv/data/%Percent%.txt"), "literal percent signs");
  Check(filesystem_.CreateDirectories(MachinePath("/srv/empty"), 0755).ok(), "set-up: mkdir");
  filesystem_.SetModified(MachinePath("/srv"), DaysBeforeNow(400));
  filesystem_.AddSymlink(MachinePath("/etc/alternatives/editor"), "/usr/bin/vim.basic");
  filesystem_.AddFile(MachinePath("/usr/bin/vim.basic"), "ELF");
  filesystem_.AddSymlink(MachinePath("/escape"), "../../../../etc");
  filesystem_.AddSymlink(MachinePath("/loop"), "/loop");
  filesystem_.AddFile("/etc/host-only-file", "outside the machine root");

  process_runner_.When("false", ProcessOutcome{.exit_code = 1});
  process_runner_.When("sleep", ProcessOutcome{.exit_code = 137, .timed_out = true});
  process_runner_.WhenFailsToStart("missing-command",
                                   NotFoundError("command not found: missing-command"));
}

VariableStore InitialVariables(const Sequence& sequence, FuzzMachine& machine) {
  VariableStore variables;
  const Status loaded = LoadInitialVariables(sequence, {}, machine.filesystem(), variables);
  Check(loaded.ok(), "the loader accepted variables the store refuses: " + loaded.message());
  return variables;
}

void PlanAndCheck(const SequencePointer& sequence, FuzzMachine& machine) {
  Diagnostics diagnostics;
  Result<InstructionTable> table =
      InstructionTable::Build(sequence, BuiltinRegistry(), diagnostics);
  if (!table.ok()) {
    Check(diagnostics.HasErrors(), "a table failed to bind without a diagnostic");
    return;
  }

  PlanOptions options;
  options.machine_name = "PC02";
  options.log_directory = "/var/log/tseq";
  const Plan plan = BuildPlan(*table, InitialVariables(*sequence, machine), options, machine.root(),
                              machine.process_runner(), machine.clock());

  Check(plan.entries.size() == static_cast<size_t>(table->size()),
        "the plan has " + std::to_string(plan.entries.size()) + " entries for " +
            std::to_string(table->size()) + " instructions");
  for (size_t index = 0; index < plan.entries.size(); ++index) {
    const PlanEntry& entry = plan.entries[index];
    const std::string where = "plan entry " + std::to_string(index);
    Check(entry.pointer == static_cast<int>(index),
          where + " has pointer " + std::to_string(entry.pointer));
    const Instruction& instruction = (*table)[entry.pointer];
    if (!instruction.node->enabled) {
      Check(entry.decision == PlanDecision::kDisabled ||
                entry.decision == PlanDecision::kParentSkipped,
            where + " is disabled but its decision is " + PlanDecisionName(entry.decision));
    }
    if (entry.decision == PlanDecision::kSkipped) {
      Check(instruction.node->condition.has_value(), where + " is skipped without a condition");
    }
    if (instruction.parent >= 0 &&
        plan.entries[static_cast<size_t>(instruction.parent)].decision != PlanDecision::kRun) {
      Check(entry.decision == PlanDecision::kParentSkipped,
            where + " is inside a group that does not run but its decision is " +
                PlanDecisionName(entry.decision));
    }
  }

  PlanReportOptions report_options;
  report_options.machine_root = machine.root().directory();
  report_options.show_condition_trace = true;
  const std::string text = FormatPlanText(*table, plan, report_options);
  Check(!text.empty(), "the text plan is empty");
  const std::string json = FormatPlanJson(*table, plan, report_options);
  Check(nlohmann::json::accept(json), "the JSON plan does not parse");
}

}  // namespace tseq::fuzz
