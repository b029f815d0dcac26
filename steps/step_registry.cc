#include "steps/step_registry.h"

#include <set>

namespace tseq {

Status StepRegistry::Register(std::unique_ptr<Step> step) {
  const StepSchema& schema = step->schema();
  if (schema.type.empty()) return InvalidArgumentError("a step type needs a name");
  std::set<std::string> property_names;
  for (const PropertySchema& property : schema.properties) {
    if (!property_names.insert(property.name).second) {
      return InvalidArgumentError("step type '" + schema.type + "' declares property '" +
                                  property.name + "' twice");
    }
  }
  if (steps_.contains(schema.type)) {
    return Status(StatusCode::kAlreadyExists,
                  "step type '" + schema.type + "' is already registered");
  }
  const std::string type = schema.type;
  steps_.emplace(type, std::move(step));
  return Status::Ok();
}

const Step* StepRegistry::Find(std::string_view type) const {
  const auto it = steps_.find(type);
  return it == steps_.end() ? nullptr : it->second.get();
}

const StepSchema* StepRegistry::FindStepSchema(std::string_view type) const {
  const Step* step = Find(type);
  return step == nullptr ? nullptr : &step->schema();
}

void StepRegistry::ValidateStep(const SequenceNode& node, Diagnostics& diagnostics) const {
  const Step* step = Find(node.type);
  if (step != nullptr) step->Validate(node, diagnostics);
}

std::vector<std::string> StepRegistry::StepTypeNames() const {
  std::vector<std::string> names;
  names.reserve(steps_.size());
  for (const auto& [name, step] : steps_) names.push_back(name);
  return names;
}

}  // namespace tseq
