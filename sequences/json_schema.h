// JSON Schema (draft 2020-12) of the sequence format, generated from the step catalog, so that an
// editor's YAML extension offers completion and validation for every registered step and property.
#pragma once

#include <string>

#include "sequences/step_schema.h"

namespace tseq {

// Pretty-printed JSON text, stable for a given catalog (sorted; golden-testable).
std::string GenerateSequenceJsonSchema(const StepCatalog& catalog);

}  // namespace tseq
