// Fuzz target: arbitrary bytes as a sequence file. Exercises the YAML loader and validator, and,
// for every input that loads, binding (InstructionTable), the dry run (BuildPlan, so the condition
// evaluator and variable expansion too) and both plan renderings, on a fake machine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "sequences/loader.h"
#include "tests/fuzz/fuzz_machine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tseq::fuzz::Check;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tseq::Diagnostics diagnostics;
  tseq::Result<tseq::SequencePointer> sequence =
      tseq::LoadSequence(text, "fuzz.yaml", tseq::fuzz::BuiltinRegistry(), diagnostics);

  // The loader's contract: a sequence exactly when there are no errors, and every problem is a
  // diagnostic located in the file it was given.
  Check(sequence.ok() != diagnostics.HasErrors(),
        sequence.ok() ? "loaded with errors:\n" + diagnostics.ToString()
                      : "failed without an error diagnostic: " + sequence.status().message());
  for (const tseq::Diagnostic& diagnostic : diagnostics.all()) {
    Check(diagnostic.location.file == "fuzz.yaml",
          "a diagnostic names another file: " + diagnostic.ToString());
    Check(diagnostic.location.line >= 0 && diagnostic.location.column >= 0,
          "a diagnostic has a negative position: " + diagnostic.ToString());
    Check(!diagnostic.message.empty(), "a diagnostic has no message: " + diagnostic.ToString());
  }
  if (!sequence.ok()) {
    Check(
        sequence.status().code() == tseq::StatusCode::kInvalidArgument,
        "the loader failed with a code other than InvalidArgument: " + sequence.status().message());
    return 0;
  }

  Check(!(*sequence)->name.empty(), "a sequence loaded without a name");
  tseq::fuzz::FuzzMachine machine;
  tseq::fuzz::PlanAndCheck(*sequence, machine);
  return 0;
}
