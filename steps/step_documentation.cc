#include "steps/step_documentation.h"

#include <algorithm>

#include "base/strings.h"

namespace tseq {
namespace {

std::string TypeText(const PropertySchema& property) {
  std::string text = PropertyTypeName(property.type);
  if (property.type == PropertyType::kEnum) text += " " + Join(property.allowed_values, " | ");
  if (property.minimum.has_value() || property.maximum.has_value()) {
    text += " (" + (property.minimum ? std::to_string(*property.minimum) : std::string("")) + ".." +
            (property.maximum ? std::to_string(*property.maximum) : std::string("")) + ")";
  }
  return text;
}

std::string DefaultText(const PropertySchema& property) {
  if (property.required) return "required";
  if (!property.default_value.has_value()) return "-";
  return property.default_value->empty() ? "\"\"" : *property.default_value;
}

}  // namespace

std::string FormatStepList(const StepRegistry& registry) {
  size_t width = 0;
  for (const std::string& name : registry.StepTypeNames()) width = std::max(width, name.size());
  std::string text;
  for (const std::string& name : registry.StepTypeNames()) {
    const StepSchema& schema = *registry.FindStepSchema(name);
    std::string padded = name;
    padded.resize(width + 2, ' ');
    std::string category = schema.category;
    category.resize(11, ' ');
    text += padded + category + schema.description + "\n";
  }
  return text;
}

Result<std::string> FormatStepReference(const StepRegistry& registry, std::string_view type) {
  const StepSchema* schema = registry.FindStepSchema(type);
  if (schema == nullptr) {
    std::string message = "unknown step type '" + std::string(type) + "'";
    const std::vector<std::string> names = registry.StepTypeNames();
    if (std::optional<std::string> match = ClosestMatch(type, names)) {
      message += " (did you mean '" + *match + "'?)";
    }
    return NotFoundError(message);
  }
  std::string text = schema->type + " (" + schema->category + "): " + schema->description + "\n";
  text += "\nProperties (under `with:`):\n";
  if (schema->properties.empty()) text += "  (none)\n";
  for (const PropertySchema& property : schema->properties) {
    text += "  " + property.name + ": " + TypeText(property) + ", default " + DefaultText(property);
    if (!property.action_variable.empty()) text += ", variable " + property.action_variable;
    if (property.secret) text += ", secret";
    text += "\n      " + property.description + "\n";
  }
  if (!schema->outputs.empty()) {
    text += "\nSets:\n";
    for (const OutputSchema& output : schema->outputs) {
      text += "  " + output.variable + (output.secret ? " (secret)" : "") + ": " +
              output.description + "\n";
    }
  }
  return text;
}

std::string FormatStepsMarkdown(const StepRegistry& registry) {
  std::string text =
      "# Step reference\n\n"
      "Generated from the step registry (`tseq steps TYPE` prints the same); a test keeps this\n"
      "file in step with the code. Every step also accepts the common keys of\n"
      "[the sequence format](sequence-format.md): `name`, `description`, `enabled`,\n"
      "`continueOnError`, `condition`, `timeout` and `retry`.\n\n"
      "A property with a variable is an *action variable*: if that variable is set when the step\n"
      "runs, its value is used instead of the one under `with:` (as in ConfigMgr).\n";
  for (const std::string& name : registry.StepTypeNames()) {
    const StepSchema& schema = *registry.FindStepSchema(name);
    text += "\n## " + schema.type + "\n\n" + schema.description + " Category: " + schema.category +
            ".\n\n";
    if (schema.properties.empty()) {
      text += "No properties.\n";
    } else {
      text += "| property | type | default | variable | description |\n";
      text += "|---|---|---|---|---|\n";
      for (const PropertySchema& property : schema.properties) {
        text += "| `" + property.name + "` | " + TypeText(property) + " | " +
                DefaultText(property) + " | " +
                (property.action_variable.empty() ? "" : "`" + property.action_variable + "`") +
                " | " + property.description + (property.secret ? " Secret." : "") + " |\n";
      }
    }
    if (!schema.outputs.empty()) {
      text += "\nSets:\n\n";
      for (const OutputSchema& output : schema.outputs) {
        text += "- `" + output.variable + "`" + (output.secret ? " (secret)" : "") + ": " +
                output.description + "\n";
      }
    }
  }
  return text;
}

}  // namespace tseq
