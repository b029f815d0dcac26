// StepProperties: the effective value of each of a step's properties, as the step sees them.
//
// For each property in the schema the value is, in order of precedence (ConfigMgr's action
// variables): a variable named by the property's action_variable that is set in the environment;
// else the `with:` value from the sequence; else the schema default. Scalar values then have
// %NAME% references expanded. kMap and kList properties are not resolved: read them with Raw().
// Immutable once built; cheap to copy.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sequences/sequence.h"
#include "sequences/step_schema.h"
#include "variables/variable_store.h"

namespace tseq {

class StepProperties {
 public:
  // Resolves every property of `schema` for `node` against `variables`. REQUIRES: the node was
  // validated against the schema (the loader did it), so typed getters cannot meet a bad value
  // unless a variable supplied it; such a value is reported by the getters as nullopt.
  static StepProperties Resolve(const SequenceNode& node, const StepSchema& schema,
                                const VariableStore& variables);

  // The expanded text, or nullopt when the property has no value at all.
  std::optional<std::string> Get(std::string_view name) const;
  // Get() or "".
  std::string GetOr(std::string_view name, std::string_view fallback) const;
  std::optional<bool> GetBoolean(std::string_view name) const;
  std::optional<long long> GetInteger(std::string_view name) const;
  std::optional<std::chrono::milliseconds> GetDuration(std::string_view name) const;
  // A kStringList: the YAML list items, or the words of a scalar.
  std::vector<std::string> GetList(std::string_view name) const;
  // The `with:` node for the property (kMap/kList properties), or nullptr.
  const Value* Raw(std::string_view name) const;
  // True when the property is marked secret or its value came from a secret variable.
  bool IsSecret(std::string_view name) const;

  // Property name -> effective text, for action variables and display (secrets included: mask
  // with IsSecret before showing).
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::map<std::string, const Value*> raw_;
  std::vector<std::string> secret_names_;
};

}  // namespace tseq
