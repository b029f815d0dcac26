// JSON for plugins: step schemas declared as JSON (executable plugins' manifests and the
// properties_json/outputs_json of shared-library plugins, one format for both, docs/plugins.md)
// and a step's resolved properties as typed JSON (what plugins of both kinds receive).
// Internal to steps/plugins/: the only code that sees nlohmann::ordered_json types. Nothing here
// throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "sequences/step_schema.h"
#include "sequences/value.h"
#include "steps/step_properties.h"

namespace tseq {

// Parses JSON text. InvalidArgument "not valid JSON at line L, column C" on a syntax error
// (including an empty text and text after the value).
Result<nlohmann::ordered_json> ParseJson(std::string_view text);

// Serialises compactly; invalid UTF-8 is replaced rather than refused.
std::string DumpJson(const nlohmann::ordered_json& json);

// InvalidArgument "unknown key 'K'" (with " (did you mean 'X'?)" for a likely typo) for the first
// key of `object` not in `allowed`. REQUIRES: object.is_object().
Status CheckKeys(const nlohmann::ordered_json& object, const std::vector<std::string>& allowed);

// A step type name: 1 to 100 ASCII letters and digits, starting with a letter. Otherwise
// InvalidArgument "step type 'T' is not a valid name (...)".
Status ValidateStepTypeName(std::string_view type);

// A "properties" array (docs/plugins.md): each item an object with name, type, and optionally
// description, default, actionVariable, required, secret, allowedValues, minimum, maximum.
// InvalidArgument naming the item ("properties[2]: ..." or "property 'x': ...") for anything
// malformed: unknown keys or types, a default that is not valid for its type, a required property
// with a default, duplicate names, allowedValues outside enums, minimum above maximum.
Result<std::vector<PropertySchema>> ParsePropertySchemas(const nlohmann::ordered_json& array);

// An "outputs" array: objects with variable, and optionally description and secret. The variable
// must be a valid name that steps may set (not read-only).
Result<std::vector<OutputSchema>> ParseOutputSchemas(const nlohmann::ordered_json& array);

// The step's resolved properties as a JSON object: kString, kVariableName and kEnum as strings
// (an enum spelled as in allowed_values), kBoolean as true/false, kInteger as a number, kDuration
// as a number of milliseconds, kStringList as an array of strings, kMap/kList as written (no
// expansion). Properties without a value are left out. A value that a variable made invalid
// fails with InvalidArgument naming the property (the value is not shown when secret).
Result<nlohmann::ordered_json> PropertiesToJson(const StepSchema& schema,
                                                const StepProperties& properties);

// A Value tree as JSON: scalars as strings, lists as arrays, maps as objects, null as null.
nlohmann::ordered_json ValueToJson(const Value& value);

}  // namespace tseq
