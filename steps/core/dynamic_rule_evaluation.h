// Evaluating one SetDynamicVariables rule against the machine's facts and the environment.
// Identifiers, gateways, make/model patterns and a variable rule's operand are %NAME% expanded
// first. Pure; thread-safe for a const store.
#pragma once

#include <string>

#include "steps/core/dynamic_rules.h"
#include "steps/core/machine_facts.h"
#include "variables/variable_store.h"

namespace tseq {

struct RuleOutcome {
  bool matched = false;
  // What decided, secrets masked: "serial 'ABC123' is this computer's", "make 'QEMU' is not like
  // 'Dell*'", "variable Mode equals 'Advanced' is true (value is 'Advanced')".
  std::string explanation;
};

// Computer: true when any identifier is this computer's (asset tag, serial and UUID ignoring case,
// a UUID with or without braces, a MAC address in any form NormalizeMacAddress reads). Location:
// true when any gateway is one of the default gateways. Make and model: true when both patterns
// match (`*` and `?`, ignoring case); an unknown make or model never matches. Variable: as a
// condition's variable leaf.
RuleOutcome EvaluateDynamicRule(const DynamicRule& rule, const MachineFacts& facts,
                                const VariableStore& variables);

}  // namespace tseq
