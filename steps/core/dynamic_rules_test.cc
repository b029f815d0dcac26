#include "steps/core/dynamic_rules.h"

#include <doctest/doctest.h>

#include "steps/core/dynamic_variables_test_support.h"

namespace tseq {
namespace {

// A sequence with one SetDynamicVariables step whose `with:` is `with` (indented by 6).
std::string Sequence(const std::string& with) {
  return "name: Dynamic\nsteps:\n  - name: Set dynamic variables\n    type: SetDynamicVariables\n"
         "    with:\n" +
         with;
}

std::string Check(const std::string& with) {
  testing::DynamicVariablesHarness harness;
  return harness.Check(Sequence(with));
}

TEST_SUITE("SetDynamicVariables rules") {
  TEST_CASE("a sequence using every rule kind loads without a diagnostic") {
    CHECK(
        Check("      rules:\n"
              "        - match: { computer: { serial: ABC1234, mac: [00-1A-2B-3C-4D-5E] } }\n"
              "          set: { OSDComputerName: WS-0042 }\n"
              "        - match: { location: { gateway: [192.0.2.1, \"2001:db8::1\"] } }\n"
              "          set: { Site: Branch }\n"
              "        - match: { makeModel: { make: \"Dell*\", model: \"Latitude 7?40\" } }\n"
              "          set: { Driver: latitude, BiosPassword: { value: x, secret: true } }\n"
              "        - match: { variable: Site, exists: false }\n"
              "          set: { Site: \"%_SMSTSMake%\" }\n"
              "        - match: { computer: { mac: \"%KnownMac%\" } }\n"
              "          set: { Known: \"true\" }\n"
              "      variables: { Site: HQ, Note: { value: \"\" } }\n") ==
        "seq.yaml:15:37: warning: reference to unknown variable %KnownMac% (it is left as written "
        "unless set at run time)\n");
  }

  TEST_CASE("the rule kind, the keys and the set of each rule are checked at their locations") {
    CHECK(Check("      rules:\n"
                "        - match: { makemodel: { make: A, model: B } }\n"
                "          set: { A: 1 }\n"
                "        - match: { computer: { serial: X }, location: { gateway: 10.0.0.1 } }\n"
                "          set: { A: 1 }\n"
                "        - match: { hostname: x }\n"
                "          sets: { A: 1 }\n"
                "        - match: {}\n"
                "          set: {}\n"
                "        - match: [computer]\n"
                "          set: [A]\n"
                "        - just a string\n") ==
          "seq.yaml:7:20: error: unknown rule kind 'makemodel' in rule 1 (did you mean "
          "'makeModel'?)\n"
          "seq.yaml:9:45: error: rule 2 matches one thing, but its 'match' has both 'computer' and "
          "'location' (write one rule for each)\n"
          "seq.yaml:11:11: error: rule 3 is missing required key 'set'\n"
          "seq.yaml:11:20: error: unknown rule kind 'hostname' in rule 3 (one of: computer, "
          "location, makeModel, variable)\n"
          "seq.yaml:12:11: error: unknown key 'sets' in rule 3 (did you mean 'set'?)\n"
          "seq.yaml:13:18: error: 'match' of rule 4 needs one of: computer, location, makeModel, "
          "variable\n"
          "seq.yaml:14:16: error: 'set' of rule 4 must set at least one variable\n"
          "seq.yaml:15:18: error: 'match' of rule 5 must be a map, not a list\n"
          "seq.yaml:16:16: error: 'set' of rule 5 must be a map of variables, not a list\n"
          "seq.yaml:17:11: error: rule 6 must be a map with 'match' and 'set', not a string\n");
  }

  TEST_CASE("computer, location and make-and-model rules check their values") {
    CHECK(
        Check(
            "      rules:\n"
            "        - match: { computer: { serialNumber: X, mac: [zz, \"00:1a:2b:3c:4d:5e\"] } }\n"
            "          set: { A: 1 }\n"
            "        - match: { computer: {} }\n"
            "          set: { A: 1 }\n"
            "        - match: { computer: { uuid: \"\", assetTag: [] } }\n"
            "          set: { A: 1 }\n"
            "        - match: { location: { gateway: router, via: x } }\n"
            "          set: { A: 1 }\n"
            "        - match: { location: 10.0.0.1 }\n"
            "          set: { A: 1 }\n"
            "        - match: { makeModel: { make: \"Dell*\" } }\n"
            "          set: { A: 1 }\n"
            "        - match: { makeModel: { make: \"\", model: [a] } }\n"
            "          set: { A: 1 }\n") ==
        "seq.yaml:7:32: error: unknown key 'serialNumber' in computer rule\n"
        "seq.yaml:7:55: error: 'zz' is not a MAC address (write six hex bytes, e.g. "
        "00:1A:2B:3C:4D:5E or 00-1A-2B-3C-4D-5E)\n"
        "seq.yaml:9:30: error: 'computer' needs at least one of: assetTag, uuid, serial, mac\n"
        "seq.yaml:11:38: error: 'uuid' must not be empty\n"
        "seq.yaml:11:52: error: 'assetTag' needs at least one value\n"
        "seq.yaml:13:41: error: 'router' is not an IPv4 or IPv6 address\n"
        "seq.yaml:13:49: error: unknown key 'via' in location rule\n"
        "seq.yaml:15:30: error: 'location' must be a map with 'gateway', not a string\n"
        "seq.yaml:17:31: error: makeModel rule is missing required key 'model' (use '*' to "
        "match any model)\n"
        "seq.yaml:19:39: error: 'make' must not be empty\n"
        "seq.yaml:19:50: error: 'model' must be a string, not a list\n");
  }

  TEST_CASE("a variable rule is checked exactly as a condition's variable leaf") {
    CHECK(Check("      rules:\n"
                "        - match: { variable: Mode, equal: Advanced }\n"
                "          set: { A: 1 }\n"
                "        - match: { variable: Mode, equals: a, like: b }\n"
                "          set: { A: 1 }\n"
                "        - match: { variable: Mode }\n"
                "          set: { A: 1 }\n"
                "        - match: { variable: \"bad name\", notExists: true }\n"
                "          set: { A: 1 }\n"
                "        - match: { variable: Mode, exists: maybe }\n"
                "          set: { A: 1 }\n"
                "        - match: { variable: { variable: Mode, equals: a } }\n"
                "          set: { A: 1 }\n"
                "        - match: { variable: \"\", greater: [1] }\n"
                "          set: { A: 1 }\n") ==
          "seq.yaml:7:36: error: unknown operator 'equal' for variable condition (did you mean "
          "'equals'?)\n"
          "seq.yaml:9:47: error: variable condition has more than one operator: 'equals' and "
          "'like'\n"
          "seq.yaml:11:18: error: variable condition needs an operator: exists, equals, notEquals, "
          "greater, greaterEqual, less, lessEqual, like\n"
          "seq.yaml:13:30: error: invalid variable name 'bad name': names are 1 to 256 letters, "
          "digits, '_' or '-', starting with a letter or '_'\n"
          "seq.yaml:13:42: error: unknown operator 'notExists' for variable condition (write "
          "'exists: false')\n"
          "seq.yaml:15:44: error: 'exists' must be true or false, not 'maybe'\n"
          "seq.yaml:17:30: error: 'variable' names the variable to test, as in a condition: { "
          "variable: NAME, equals: VALUE }\n"
          "seq.yaml:19:30: error: 'variable' must not be empty\n"
          "seq.yaml:19:43: error: 'greater' must be a string, not a list\n");
  }

  TEST_CASE("variables set by rules and without a rule must be valid, writable and written once") {
    CHECK(Check("      rules:\n"
                "        - match: { computer: { serial: X } }\n"
                "          set:\n"
                "            _SMSTSMake: Dell\n"
                "            \"bad name\": x\n"
                "            Site: a\n"
                "            site: b\n"
                "            Empty:\n"
                "            Secret: { value: x, secret: perhaps, hidden: true }\n"
                "            NoValue: { secret: true }\n"
                "      variables:\n"
                "        _SMSTSModel: x\n"
                "        List: [a]\n") ==
          "seq.yaml:9:13: error: cannot set read-only variable '_SMSTSMake'\n"
          "seq.yaml:10:13: error: invalid variable name 'bad name': names are 1 to 256 letters, "
          "digits, '_' or '-', starting with a letter or '_'\n"
          "seq.yaml:12:13: error: variable 'site' is already set as 'Site' in 'set' of rule 1 "
          "(names ignore case)\n"
          "seq.yaml:13:13: error: variable 'Empty' must be a string or a map with 'value' and "
          "'secret', not nothing\n"
          "seq.yaml:14:41: error: 'secret' must be true or false, not 'perhaps'\n"
          "seq.yaml:14:50: error: unknown key 'hidden' in variable 'Secret'\n"
          "seq.yaml:15:22: error: variable 'NoValue' is missing required key 'value'\n"
          "seq.yaml:17:9: error: cannot set read-only variable '_SMSTSModel'\n"
          "seq.yaml:18:15: error: variable 'List' must be a string or a map with 'value' and "
          "'secret', not a list\n");
  }

  TEST_CASE("properties of the wrong type are reported once, by the property check") {
    CHECK(Check("      rules: { match: x }\n      variables: [a]\n") ==
          "seq.yaml:6:14: error: property 'rules' must be a list, not a map\n"
          "seq.yaml:7:18: error: property 'variables' must be a map, not a list\n");
  }
}

}  // namespace
}  // namespace tseq
