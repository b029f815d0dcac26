// The rules of SetDynamicVariables (reference/configmgr.md §3.7): their model, and reading them
// from the step's `rules` (a list) and `variables` (a map) properties.
//
//   rules:
//     - match: { computer: { serial: ABC123, mac: [00-1A-2B-3C-4D-5E, "00:1a:2b:3c:4d:5f"] } }
//       set: { OSDComputerName: WS-0042 }
//     - match: { location: { gateway: 192.0.2.1 } }
//       set: { SiteServer: branch1.example.com }
//     - match: { makeModel: { make: "Dell*", model: "Latitude 7?40" } }
//       set: { DriverPackage: latitude, BiosPassword: { value: "s3cret", secret: true } }
//     - match: { variable: Mode, equals: Advanced }   # exactly a condition's variable leaf
//       set: { MigrateExtra: "true" }
//   variables: { Site: HQ }                         # set without a rule
//
// Identifiers, gateways, make/model patterns and values may hold %NAME% references, expanded when
// the step runs. Every problem is reported with its location; see ReadDynamicVariableSettings.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "sequences/value.h"
#include "steps/core/variable_comparison.h"

namespace tseq {

struct VariableAssignment {
  std::string name;   // trimmed
  std::string value;  // as written; "" deletes the variable
  bool secret = false;
};

enum class RuleKind { kComputer, kLocation, kMakeModel, kVariable };

// "computer", "location", "make and model", "variable": how logs name a rule's kind.
const char* RuleKindDescription(RuleKind kind);

// One identifier of a Computer rule: `key` is "assetTag", "uuid", "serial" or "mac".
struct ComputerIdentifier {
  std::string key;
  std::string value;
};

struct DynamicRule {
  int number = 0;  // 1-based position in `rules`, for logs and the dry run
  RuleKind kind = RuleKind::kComputer;
  std::vector<ComputerIdentifier> identifiers;  // kComputer: any one matching is enough
  std::vector<std::string> gateways;            // kLocation: any one being a default gateway
  std::string make_pattern;                     // kMakeModel: both must match
  std::string model_pattern;
  VariableTest variable_test;                   // kVariable
  std::vector<VariableAssignment> assignments;  // in file order; never empty
};

struct DynamicVariableSettings {
  std::vector<VariableAssignment> variables;  // set without a rule, before the rules
  std::vector<DynamicRule> rules;             // evaluated in order; later sets override
};

// Reads the `rules` and `variables` property values (either may be nullptr). A `rules` that is
// not a list or a `variables` that is not a map is skipped silently: the property's type check
// reports it. Everything else wrong is added to `diagnostics` at the offending key or value, e.g.
// "unknown rule kind 'makemodel' in rule 2 (did you mean 'makeModel'?)", "'set' of rule 1 must set
// at least one variable", "cannot set read-only variable '_SMSTSMake'". A rule or variable with
// a problem is left out of the result.
DynamicVariableSettings ReadDynamicVariableSettings(const Value* rules, const Value* variables,
                                                    Diagnostics& diagnostics);

}  // namespace tseq
