// Human-readable descriptions of registered step types: `tseq steps`, `tseq steps TYPE`, and the
// generated reference in docs/steps.md (a test checks that file against FormatStepsMarkdown).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "steps/step_registry.h"

namespace tseq {

// One line per type: name, category, description.
std::string FormatStepList(const StepRegistry& registry);

// Every property of one type with its type, default, action variable and description, and the
// variables it sets. NotFound ("unknown step type 'X' (did you mean 'Y'?)") for an unknown type.
Result<std::string> FormatStepReference(const StepRegistry& registry, std::string_view type);

// The whole reference as Markdown.
std::string FormatStepsMarkdown(const StepRegistry& registry);

}  // namespace tseq
