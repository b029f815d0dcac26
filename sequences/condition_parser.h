// Reading a `condition:` Value into a Condition. Internal to sequences/ (used by loader.cc).
#pragma once

#include <optional>
#include <string_view>

#include "sequences/condition.h"
#include "sequences/validation_context.h"
#include "sequences/value.h"

namespace tseq {

// Validates `value` as a condition and returns it, or nullopt after reporting every problem found
// in it to `context` (combinators, leaves and operators; see docs/sequence-format.md). `subject`
// names the value in a type error: "'condition' must be a map, not a list". Strings that may hold
// %NAME% references are noted in `context`.
std::optional<Condition> ParseCondition(ValidationContext& context, const Value& value,
                                        std::string_view subject);

}  // namespace tseq
