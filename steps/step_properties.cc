#include "steps/step_properties.h"

#include <algorithm>
#include <cmath>

#include "base/strings.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

bool IsPassThrough(PropertyType type) {
  return type == PropertyType::kMap || type == PropertyType::kList;
}

}  // namespace

StepProperties StepProperties::Resolve(const SequenceNode& node, const StepSchema& schema,
                                       const VariableStore& variables) {
  // Runs for every step of a plan: each text is read where it is and copied once, expanded.
  StepProperties properties;
  for (const PropertySchema& property : schema.properties) {
    const Value* written = node.properties.is_map() ? node.properties.Find(property.name) : nullptr;
    if (IsPassThrough(property.type)) {
      if (written != nullptr) properties.raw_[property.name] = written;
      continue;
    }
    bool secret = property.secret;
    std::vector<std::string> items;
    std::optional<std::string_view> text;
    // ConfigMgr's action variables: an explicitly set variable beats the step's own setting.
    const Variable* action_variable =
        property.action_variable.empty() ? nullptr : variables.Find(property.action_variable);
    if (action_variable != nullptr) {
      text = action_variable->value;
      secret = secret || action_variable->secret;
    } else if (written != nullptr && written->is_list()) {
      for (const Value& item : written->items)
        items.push_back(ExpandVariables(item.scalar, variables));
    } else if (written != nullptr && written->is_scalar()) {
      text = written->scalar;
    } else if (written == nullptr && property.default_value.has_value()) {
      text = *property.default_value;
    }
    std::string value;
    if (text.has_value()) {
      value = ExpandVariables(*text, variables);
      if (property.type == PropertyType::kStringList) items = SplitWhitespace(value);
    } else if (written != nullptr && written->is_list()) {
      value = Join(items, " ");
    } else {
      continue;
    }
    properties.values_.insert_or_assign(property.name, std::move(value));
    if (property.type == PropertyType::kStringList) {
      properties.lists_.insert_or_assign(property.name, std::move(items));
    }
    if (secret) properties.secret_names_.push_back(property.name);
  }
  return properties;
}

std::optional<std::string> StepProperties::Get(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string StepProperties::GetOr(std::string_view name, std::string_view fallback) const {
  return Get(name).value_or(std::string(fallback));
}

std::optional<bool> StepProperties::GetBoolean(std::string_view name) const {
  const std::optional<std::string> text = Get(name);
  if (!text.has_value()) return std::nullopt;
  return ParseBoolean(*text);
}

std::optional<long long> StepProperties::GetInteger(std::string_view name) const {
  const std::optional<std::string> text = Get(name);
  if (!text.has_value()) return std::nullopt;
  const std::optional<double> number = ParseNumber(*text);
  // 2^63 bounds the conversion: beyond it the cast to long long is undefined behaviour.
  constexpr double kLimit = 9223372036854775808.0;
  if (!number.has_value() || std::floor(*number) != *number || *number >= kLimit ||
      *number < -kLimit) {
    return std::nullopt;
  }
  return static_cast<long long>(*number);
}

std::optional<std::chrono::milliseconds> StepProperties::GetDuration(std::string_view name) const {
  const std::optional<std::string> text = Get(name);
  if (!text.has_value()) return std::nullopt;
  Result<std::chrono::milliseconds> duration = ParseDuration(*text);
  if (!duration.ok()) return std::nullopt;
  return *duration;
}

std::vector<std::string> StepProperties::GetList(std::string_view name) const {
  const auto it = lists_.find(std::string(name));
  if (it == lists_.end()) return {};
  return it->second;
}

const Value* StepProperties::Raw(std::string_view name) const {
  const auto it = raw_.find(std::string(name));
  return it == raw_.end() ? nullptr : it->second;
}

bool StepProperties::IsSecret(std::string_view name) const {
  return std::find(secret_names_.begin(), secret_names_.end(), name) != secret_names_.end();
}

}  // namespace tseq
