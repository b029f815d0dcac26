#include "sequences/step_schema.h"

namespace tseq {

const char* PropertyTypeName(PropertyType type) {
  switch (type) {
    case PropertyType::kString:
      return "string";
    case PropertyType::kBoolean:
      return "boolean";
    case PropertyType::kInteger:
      return "integer";
    case PropertyType::kDuration:
      return "duration";
    case PropertyType::kEnum:
      return "one of";
    case PropertyType::kStringList:
      return "list of strings";
    case PropertyType::kVariableName:
      return "variable name";
    case PropertyType::kMap:
      return "map";
    case PropertyType::kList:
      return "list";
  }
  return "unknown";
}

const PropertySchema* StepSchema::FindProperty(std::string_view name) const {
  for (const PropertySchema& property : properties) {
    if (property.name == name) return &property;
  }
  return nullptr;
}

}  // namespace tseq
