// StepSchema: what a step type accepts, as the sequence validator and `tseq steps` / `tseq schema`
// see it. Step implementations (steps/) publish one per type; sequences/ only reads them through
// the StepCatalog interface, so it never depends on steps/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tseq {

enum class PropertyType {
  kString,        // any scalar; %NAME% expanded at run time
  kBoolean,       // true/false (yes/no, on/off accepted)
  kInteger,       // a whole number, optionally with a minimum/maximum
  kDuration,      // "90s", "15m", "1h30m"
  kEnum,          // one of allowed_values (case-insensitive)
  kStringList,    // a YAML list of scalars, or one scalar of space-separated words
  kVariableName,  // a variable name the step will set; must be valid and not read-only
  kMap,           // a YAML map passed through to the step (checked by the step's own Validate)
  kList,          // a YAML list passed through to the step (checked by the step's own Validate)
};

// "string", "boolean", "integer", "duration", "one of", "list of strings", "variable name", ...
const char* PropertyTypeName(PropertyType type);

struct PropertySchema {
  std::string name;  // the YAML key under `with:`
  PropertyType type = PropertyType::kString;
  std::string description;
  std::optional<std::string> default_value;  // as text; nullopt = no default
  // The action variable that carries the property (e.g. OSDMigrateContinueOnLockedFiles); empty
  // when the property has none. A variable of that name set before the step overrides the value.
  std::string action_variable;
  bool required = false;
  bool secret = false;                      // the value is masked wherever it would be shown
  std::vector<std::string> allowed_values;  // kEnum
  std::optional<long long> minimum;         // kInteger
  std::optional<long long> maximum;         // kInteger
};

// A variable a step sets when it runs, declared so `tseq plan` and `tseq check` know about it.
struct OutputSchema {
  std::string variable;
  std::string description;
  bool secret = false;
};

struct StepSchema {
  std::string type;         // e.g. "CaptureUserState"
  std::string description;  // one line
  std::string category;     // "core", "userstate", "osd", "plugin"
  std::vector<PropertySchema> properties;
  std::vector<OutputSchema> outputs;

  const PropertySchema* FindProperty(std::string_view name) const;
};

struct SequenceNode;
class Diagnostics;

// Where the sequence validator finds step types. Implemented by steps/StepRegistry.
class StepCatalog {
 public:
  virtual ~StepCatalog() = default;
  // Checks a step beyond its schema's property types (the step type's own rules, e.g. a command
  // line that cannot be split), adding errors at the offending values. The loader calls it for
  // every step whose type is known, even when the file has other errors, so that `tseq check`
  // reports everything at once. Default: nothing.
  virtual void ValidateStep(const SequenceNode& /*node*/, Diagnostics& /*diagnostics*/) const {}
  // The schema of `type` (exact, case-sensitive), or nullptr when unknown.
  virtual const StepSchema* FindStepSchema(std::string_view type) const = 0;
  // Every registered type name, sorted.
  virtual std::vector<std::string> StepTypeNames() const = 0;
};

}  // namespace tseq
