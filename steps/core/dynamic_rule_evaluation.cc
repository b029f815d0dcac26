#include "steps/core/dynamic_rule_evaluation.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "base/strings.h"
#include "variables/expansion.h"

namespace tseq {
namespace {

// Appended piece by piece: GCC 12 at -O3 misreads "'" + std::string(...) as an overlapping memcpy
// (-Wrestrict, GCC bug 105329).
std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '\'';
  quoted += text;
  quoted += '\'';
  return quoted;
}

std::string_view WithoutBraces(std::string_view uuid) {
  uuid = TrimWhitespace(uuid);
  if (uuid.size() >= 2 && uuid.front() == '{' && uuid.back() == '}') {
    uuid = uuid.substr(1, uuid.size() - 2);
  }
  return uuid;
}

bool IdentifierMatches(const std::string& key, std::string_view value, const MachineFacts& facts) {
  if (key == "mac") {
    const std::optional<std::string> mac = NormalizeMacAddress(value);
    const std::vector<std::string>& known = facts.Get(FactKind::kMacAddresses).values;
    return mac.has_value() && std::find(known.begin(), known.end(), *mac) != known.end();
  }
  if (key == "uuid") {
    const MachineFact& uuid = facts.Get(FactKind::kUuid);
    return uuid.known() && EqualsIgnoreCase(WithoutBraces(value), WithoutBraces(uuid.Text()));
  }
  const MachineFact& fact =
      facts.Get(key == "serial" ? FactKind::kSerialNumber : FactKind::kAssetTag);
  return fact.known() && EqualsIgnoreCase(TrimWhitespace(value), fact.Text());
}

// "serial 'A'" or "none of serial 'A', mac 'B'" for the failure; the subject of "is ...".
std::string ListSubject(const std::vector<std::string>& shown) {
  return shown.size() == 1 ? shown.front() : "none of " + Join(shown, ", ");
}

RuleOutcome EvaluateComputer(const DynamicRule& rule, const MachineFacts& facts,
                             const VariableStore& variables) {
  std::vector<std::string> shown;
  for (const ComputerIdentifier& identifier : rule.identifiers) {
    const std::string text =
        identifier.key + " " +
        Quote(ExpandVariables(identifier.value, variables, SecretDisplay::kMask));
    if (IdentifierMatches(identifier.key, ExpandVariables(identifier.value, variables), facts)) {
      return {true, text + " is this computer's"};
    }
    shown.push_back(text);
  }
  return {false, ListSubject(shown) + (shown.size() == 1 ? " is not" : " is") + " this computer's"};
}

RuleOutcome EvaluateLocation(const DynamicRule& rule, const MachineFacts& facts,
                             const VariableStore& variables) {
  const MachineFact& gateways = facts.Get(FactKind::kDefaultGateways);
  std::vector<std::string> shown;
  for (const std::string& gateway : rule.gateways) {
    const std::string expanded(TrimWhitespace(ExpandVariables(gateway, variables)));
    const std::string address = NormalizeIpAddress(expanded).value_or(expanded);
    const std::string text =
        "gateway " + Quote(ExpandVariables(gateway, variables, SecretDisplay::kMask));
    if (std::find(gateways.values.begin(), gateways.values.end(), address) !=
        gateways.values.end()) {
      return {true, text + " is a default gateway of this computer"};
    }
    shown.push_back(text);
  }
  const std::string known = gateways.known() ? "this computer's: " + gateways.Text()
                                             : "this computer's are unknown: " + gateways.problem;
  return {false, ListSubject(shown) + (shown.size() == 1 ? " is not" : " is") +
                     " a default gateway (" + known + ")"};
}

// "make 'Dell Inc.' is like 'Dell*'", "make 'QEMU' is not like 'Dell*'", "make is unknown (...)".
bool MatchPattern(const MachineFact& fact, const std::string& pattern,
                  const VariableStore& variables, std::string& explanation) {
  if (!fact.known()) {
    explanation = fact.description + " is unknown (" + fact.problem + ")";
    return false;
  }
  const bool matched = WildcardMatch(ExpandVariables(pattern, variables), fact.Text());
  explanation = fact.description + " " + Quote(fact.Text()) +
                (matched ? " is like " : " is not like ") +
                Quote(ExpandVariables(pattern, variables, SecretDisplay::kMask));
  return matched;
}

RuleOutcome EvaluateMakeModel(const DynamicRule& rule, const MachineFacts& facts,
                              const VariableStore& variables) {
  std::string make;
  std::string model;
  if (!MatchPattern(facts.Get(FactKind::kMake), rule.make_pattern, variables, make)) {
    return {false, make};
  }
  if (!MatchPattern(facts.Get(FactKind::kModel), rule.model_pattern, variables, model)) {
    return {false, model};
  }
  return {true, make + " and " + model};
}

}  // namespace

RuleOutcome EvaluateDynamicRule(const DynamicRule& rule, const MachineFacts& facts,
                                const VariableStore& variables) {
  RuleOutcome outcome;
  switch (rule.kind) {
    case RuleKind::kComputer:
      outcome = EvaluateComputer(rule, facts, variables);
      break;
    case RuleKind::kLocation:
      outcome = EvaluateLocation(rule, facts, variables);
      break;
    case RuleKind::kMakeModel:
      outcome = EvaluateMakeModel(rule, facts, variables);
      break;
    case RuleKind::kVariable: {
      VariableTestOutcome test = EvaluateVariableTest(rule.variable_test, variables);
      outcome = {test.result, std::move(test.explanation)};
      break;
    }
  }
  outcome.explanation = variables.MaskSecrets(outcome.explanation);
  return outcome;
}

}  // namespace tseq
