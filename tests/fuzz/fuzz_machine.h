// Shared by the fuzz targets: a fake machine to plan against, and the invariants every loaded
// sequence must satisfy once it is bound and planned.
//
// A fuzz target must be deterministic and must not touch the host, so the machine is a
// MemoryFilesystem root (os-release, a dpkg database, files, folders, symlinks including a loop),
// a FakeProcessRunner (nothing is started; `false` exits 1, `missing-command` cannot start) and a
// FakeClock fixed at 2026-03-01T12:00:00Z. A broken invariant aborts the process with a message,
// which libFuzzer (or the replay driver) reports as a crash.
#pragma once

#include <memory>
#include <string_view>

#include "engine/instruction_table.h"
#include "platform/clock.h"
#include "platform/fake_process_runner.h"
#include "platform/machine_root.h"
#include "platform/memory_filesystem.h"
#include "sequences/sequence.h"
#include "steps/step_registry.h"
#include "variables/variable_store.h"

namespace tseq::fuzz {

// Prints "fuzz invariant broken: MESSAGE" and aborts when `condition` is false.
void Check(bool condition, std::string_view message);

// The registry with every built-in step, built on first use and never destroyed (fuzz targets
// run until the process exits).
const StepRegistry& BuiltinRegistry();

// The machine is "/machine" inside the memory filesystem. Not copyable: the root and the runner
// refer to members.
class FuzzMachine {
 public:
  FuzzMachine();
  FuzzMachine(const FuzzMachine&) = delete;
  FuzzMachine& operator=(const FuzzMachine&) = delete;

  const MachineRoot& root() const { return root_; }
  Filesystem& filesystem() { return filesystem_; }
  ProcessRunner& process_runner() { return process_runner_; }
  const Clock& clock() const { return clock_; }

 private:
  MemoryFilesystem filesystem_;
  MachineRoot root_;
  FakeProcessRunner process_runner_;
  FakeClock clock_;
};

// The sequence's `variables:` in a fresh store. Loading them must succeed: the loader has
// validated every definition (a failure is reported through Check).
VariableStore InitialVariables(const Sequence& sequence, FuzzMachine& machine);

// Binds `sequence` (a successful LoadSequence result) into an instruction table, builds the plan
// on `machine`, renders it as text and JSON, and checks that the plan covers every instruction in
// order, that disabled nodes and the contents of groups that do not run never run, and that the
// JSON rendering parses. A table that fails to bind must have said why in its diagnostics.
void PlanAndCheck(const SequencePointer& sequence, FuzzMachine& machine);

}  // namespace tseq::fuzz
