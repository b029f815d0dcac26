// Loading a sequence: YAML text -> validated, immutable Sequence. The only user of yaml-cpp.
//
// The loader reports *every* problem it finds, not just the first, each as a Diagnostic with the
// file, line and column of the offending node (see docs/sequence-format.md for the messages):
// YAML syntax errors, unknown keys (with "did you mean" when close to a known one), missing
// required keys, wrong value types, unknown step types, unknown or mistyped step properties (from
// the StepCatalog), bad durations, malformed conditions and operators, read-only variables set by
// the sequence, and a file that is not a sequence at all. References to unknown %NAME% variables
// are warnings. Nothing outside the text is read.
#pragma once

#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "base/status.h"
#include "sequences/sequence.h"
#include "sequences/step_schema.h"

namespace tseq {

// Parses and validates `text`; `file_name` is used only in diagnostics and Sequence::source_file.
// Returns the sequence when there are no errors (warnings allowed); otherwise InvalidArgument
// ("FILE: N errors") with the details in `diagnostics`.
Result<SequencePointer> LoadSequence(std::string_view text, const std::string& file_name,
                                     const StepCatalog& catalog, Diagnostics& diagnostics);

}  // namespace tseq
