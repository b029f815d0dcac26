#include "sequences/property_validation.h"

#include <string>
#include <vector>

#include "base/strings.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

class PropertyValidator {
 public:
  explicit PropertyValidator(ValidationContext& context) : context_(context) {}

  void Validate(const PropertySchema& property, const Value& value) {
    const Phrase subject("property '", property.name, "'");
    if (value.is_scalar() && MayReferenceVariables(value.scalar) && IsScalarType(property.type)) {
      return;
    }
    switch (property.type) {
      case PropertyType::kString:
        context_.ReadText(value, subject);
        return;
      case PropertyType::kBoolean:
        context_.ReadBoolean(value, subject);
        return;
      case PropertyType::kInteger:
        context_.ReadInteger(value, subject, property.minimum, property.maximum);
        return;
      case PropertyType::kDuration:
        ValidateDuration(value, subject);
        return;
      case PropertyType::kEnum:
        ValidateEnum(property, value, subject);
        return;
      case PropertyType::kStringList:
        ValidateStringList(value, subject);
        return;
      case PropertyType::kVariableName:
        ValidateVariableName(value, subject);
        return;
      case PropertyType::kMap:
        if (!value.is_map()) Mismatch(value, subject, "a map");
        return;
      case PropertyType::kList:
        if (!value.is_list()) Mismatch(value, subject, "a list");
        return;
    }
  }

 private:
  // Types whose value is one scalar, so that a %NAME% reference can stand for the whole value.
  static bool IsScalarType(PropertyType type) {
    return type != PropertyType::kMap && type != PropertyType::kList;
  }

  void Mismatch(const Value& value, const Phrase& subject, const std::string& expected) {
    context_.AddError(value.location,
                      subject.str() + " must be " + expected + ", not " + value.KindName());
  }

  void ValidateDuration(const Value& value, const Phrase& subject) {
    if (!value.is_scalar()) {
      Mismatch(value, subject, "a duration such as 90s or 15m");
      return;
    }
    const auto duration = ParseDuration(value.scalar);
    if (!duration.ok()) context_.AddError(value.location, duration.status().message());
  }

  void ValidateEnum(const PropertySchema& property, const Value& value, const Phrase& subject) {
    if (value.is_scalar()) {
      for (const std::string& allowed : property.allowed_values) {
        if (EqualsIgnoreCase(TrimWhitespace(value.scalar), allowed)) return;
      }
    }
    std::vector<std::string> quoted;
    for (const std::string& allowed : property.allowed_values)
      quoted.push_back("'" + allowed + "'");
    const std::string shown = value.is_scalar() ? "'" + value.scalar + "'" : value.KindName();
    context_.AddError(value.location,
                      subject.str() + " must be one of " + Join(quoted, ", ") + ", not " + shown);
  }

  void ValidateStringList(const Value& value, const Phrase& subject) {
    if (value.is_scalar()) return;
    if (!value.is_list()) {
      Mismatch(value, subject, "a list of strings or a string");
      return;
    }
    for (const Value& item : value.items) {
      if (!item.is_scalar()) {
        context_.AddError(item.location,
                          "items of " + subject.str() + " must be strings, not " + item.KindName());
      }
    }
  }

  void ValidateVariableName(const Value& value, const Phrase& subject) {
    const std::optional<std::string> name =
        context_.ReadText(value, subject, ValidationContext::Emptiness::kRejected);
    if (!name) return;
    const Status status = VariableStore::ValidateName(*name);
    if (!status.ok()) {
      context_.AddError(value.location, status.message());
      return;
    }
    const std::string_view trimmed = TrimWhitespace(*name);
    if (VariableStore::IsReadOnlyName(trimmed)) {
      context_.AddError(value.location,
                        "cannot set read-only variable '" + std::string(trimmed) + "'");
      return;
    }
    context_.NoteKnownVariable(trimmed);
  }

  ValidationContext& context_;
};

}  // namespace

void ValidateStepProperties(ValidationContext& context, std::string_view step_name,
                            const StepSchema& schema, const Value* properties,
                            const SourceLocation& step_location) {
  PropertyValidator validator(context);
  if (properties != nullptr) {
    for (const auto& [key, value] : properties->entries) {
      context.NoteTexts(value);
      const PropertySchema* property = schema.FindProperty(key);
      if (property == nullptr) {
        std::vector<std::string> names;
        for (const PropertySchema& known : schema.properties) names.push_back(known.name);
        context.AddError(value.key_location, "step type " + schema.type + " has no property '" +
                                                 key + "'" + DidYouMean(key, names));
        continue;
      }
      validator.Validate(*property, value);
    }
  }
  for (const PropertySchema& property : schema.properties) {
    if (!property.required) continue;
    if (properties != nullptr && properties->Find(property.name) != nullptr) continue;
    const std::string step = step_name.empty() ? "step" : "step '" + std::string(step_name) + "'";
    context.AddError(step_location, step + " (" + schema.type + ") is missing required property '" +
                                        property.name + "'");
  }
}

}  // namespace tseq
