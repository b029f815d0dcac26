// Checking a step's `with:` properties against its type's StepSchema. Internal to sequences/
// (used by loader.cc).
#pragma once

#include <string_view>

#include "base/diagnostics.h"
#include "sequences/step_schema.h"
#include "sequences/validation_context.h"
#include "sequences/value.h"

namespace tseq {

// Reports to `context` every unknown property (with "did you mean"), every missing required
// property (at `step_location`) and every value of the wrong type for its PropertyType. A scalar
// containing '%' is checked only for being a scalar, since its value is known only at run time.
// `properties` is the `with:` map, or nullptr when the step has none. The values of kVariableName
// properties become known variables of `context`; every string is noted for reference checks.
void ValidateStepProperties(ValidationContext& context, std::string_view step_name,
                            const StepSchema& schema, const Value* properties,
                            const SourceLocation& step_location);

}  // namespace tseq
