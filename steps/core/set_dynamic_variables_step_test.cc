#include <doctest/doctest.h>

#include "steps/core/core_steps.h"
#include "steps/core/dynamic_variables_test_support.h"
#include "steps/core/machine_facts.h"

namespace tseq {
namespace {

using testing::DynamicVariablesHarness;

// `set: { Hit: "N" }` for rule N, so a test sees which rules matched.
std::string Rule(const std::string& match, int number) {
  return "        - match: " + match + "\n          set: { Hit" + std::to_string(number) +
         ": \"yes\" }\n";
}

TEST_SUITE("SetDynamicVariables") {
  TEST_CASE("gathers every fact into the read-only _SMSTS variables and logs each") {
    DynamicVariablesHarness harness;
    const StepResult result = harness.Run("");
    CHECK(result.succeeded);
    CHECK(result.exit_code == 0);
    CHECK(harness.log.All() ==
          "info: Gathered _SMSTSMake=Dell Inc.\n"
          "info: Gathered _SMSTSModel=Latitude 7440\n"
          "info: Gathered _SMSTSSerialNumber=ABC1234\n"
          "info: Gathered _SMSTSAssetTag=ASSET-0042\n"
          "info: Gathered _SMSTSUUID=4c4c4544-0042-3510-8053-b4c04f564433\n"
          "info: Gathered _SMSTSMacAddresses=8C:47:BE:01:02:03,A4:5E:60:D1:22:33\n"
          "info: Gathered _SMSTSIPAddresses=192.0.2.2,192.168.0.20,2001:db8::42\n"
          "info: Gathered _SMSTSDefaultGateways=192.0.2.1,fe80::1\n");
    CHECK(harness.variables.Get("_SMSTSMake") == "Dell Inc.");
    CHECK(harness.variables.Get("_SMSTSSerialNumber") == "ABC1234");
    CHECK(harness.variables.Get("_SMSTSMacAddresses") == "8C:47:BE:01:02:03,A4:5E:60:D1:22:33");
    CHECK(harness.variables.Get("_SMSTSDefaultGateways") == "192.0.2.1,fe80::1");
    CHECK(harness.variables.size() == 8);
  }

  TEST_CASE(
      "an unknown fact is not set, a value from an earlier run is removed, and the log says "
      "why") {
    DynamicVariablesHarness harness;
    REQUIRE(harness.filesystem.Remove("/machine/sys/class/dmi/id/product_serial").ok());
    REQUIRE(harness.variables
                .Set("_SMSTSSerialNumber", "OLD-SERIAL", {.access = VariableAccess::kEngine})
                .ok());
    CHECK(harness.Run("").succeeded);
    CHECK_FALSE(harness.variables.Contains("_SMSTSSerialNumber"));
    CHECK(harness.log.lines.at(2) ==
          "info: Not setting _SMSTSSerialNumber: the serial number is unknown "
          "(/sys/class/dmi/id/product_serial not found)");
    CHECK(harness.variables.Get("_SMSTSAssetTag") == "ASSET-0042");
  }

  TEST_CASE("a computer rule matches on any one identifier, ignoring case and MAC notation") {
    DynamicVariablesHarness harness;
    CHECK(harness
              .Run("      rules:\n" + Rule("{ computer: { serial: abc1234 } }", 1) +
                   Rule("{ computer: { assetTag: [OTHER, asset-0042] } }", 2) +
                   Rule("{ computer: { uuid: \"{4C4C4544-0042-3510-8053-B4C04F564433}\" } }", 3) +
                   Rule("{ computer: { mac: 8c-47-be-01-02-03 } }", 4) +
                   Rule("{ computer: { mac: a45e.60d1.2233 } }", 5) +
                   Rule("{ computer: { serial: XYZ, mac: \"00:00:5e:00:53:01\" } }", 6) +
                   Rule("{ computer: { uuid: 00000000-0000-0000-0000-000000000000 } }", 7))
              .succeeded);
    CHECK(harness.RuleLog() ==
          "info: rule 1 (computer) matched: serial 'abc1234' is this computer's -> set "
          "Hit1=yes\n"
          "info: rule 2 (computer) matched: assetTag 'asset-0042' is this computer's -> set "
          "Hit2=yes\n"
          "info: rule 3 (computer) matched: uuid '{4C4C4544-0042-3510-8053-B4C04F564433}' is this "
          "computer's -> set Hit3=yes\n"
          "info: rule 4 (computer) matched: mac '8c-47-be-01-02-03' is this computer's -> set "
          "Hit4=yes\n"
          "info: rule 5 (computer) matched: mac 'a45e.60d1.2233' is this computer's -> set "
          "Hit5=yes\n"
          "info: rule 6 (computer) did not match: none of serial 'XYZ', mac '00:00:5e:00:53:01' is "
          "this computer's\n"
          "info: rule 7 (computer) did not match: uuid '00000000-0000-0000-0000-000000000000' is "
          "not this computer's\n");
    CHECK_FALSE(harness.variables.Contains("Hit6"));
    CHECK(harness.variables.Get("Hit5") == "yes");
  }

  TEST_CASE("a computer rule never matches an identifier the machine does not report") {
    DynamicVariablesHarness harness;
    REQUIRE(harness.filesystem.Remove("/machine/sys/class/dmi/id/product_serial").ok());
    harness.filesystem.AddFile("/machine/sys/class/dmi/id/chassis_asset_tag", "\n");
    CHECK(harness
              .Run("      rules:\n" + Rule("{ computer: { serial: ABC1234, assetTag: \" \" } }", 1))
              .succeeded);
    CHECK_FALSE(harness.variables.Contains("Hit1"));
  }

  TEST_CASE("a location rule matches a default gateway in any notation of the address") {
    DynamicVariablesHarness harness;
    CHECK(harness
              .Run("      rules:\n" + Rule("{ location: { gateway: 192.0.2.1 } }", 1) +
                   Rule("{ location: { gateway: [10.0.0.1, \"FE80:0:0::1\"] } }", 2) +
                   Rule("{ location: { gateway: 10.0.0.1 } }", 3))
              .succeeded);
    CHECK(harness.RuleLog() ==
          "info: rule 1 (location) matched: gateway '192.0.2.1' is a default gateway of this "
          "computer -> set Hit1=yes\n"
          "info: rule 2 (location) matched: gateway 'FE80:0:0::1' is a default gateway of this "
          "computer -> set Hit2=yes\n"
          "info: rule 3 (location) did not match: gateway '10.0.0.1' is not a default gateway "
          "(this computer's: 192.0.2.1,fe80::1)\n");
  }

  TEST_CASE("a location rule on a machine without a default route does not match and says why") {
    DynamicVariablesHarness harness;
    REQUIRE(harness.filesystem.Remove("/machine/proc/net/route").ok());
    REQUIRE(harness.filesystem.Remove("/machine/proc/net/ipv6_route").ok());
    CHECK(
        harness.Run("      rules:\n" + Rule("{ location: { gateway: [192.0.2.1, 10.0.0.1] } }", 1))
            .succeeded);
    CHECK(harness.RuleLog() ==
          "info: rule 1 (location) did not match: none of gateway '192.0.2.1', gateway '10.0.0.1' "
          "is a default gateway (this computer's are unknown: /proc/net/route not found; "
          "/proc/net/ipv6_route not found)\n");
  }

  TEST_CASE("a make and model rule needs both patterns to match") {
    DynamicVariablesHarness harness;
    CHECK(harness
              .Run("      rules:\n" +
                   Rule("{ makeModel: { make: \"dell*\", model: \"Latitude 7?40\" } }", 1) +
                   Rule("{ makeModel: { make: \"Dell*\", model: \"Precision*\" } }", 2) +
                   Rule("{ makeModel: { make: HP, model: \"*\" } }", 3) +
                   Rule("{ makeModel: { make: \"*\", model: \"*\" } }", 4))
              .succeeded);
    CHECK(harness.RuleLog() ==
          "info: rule 1 (make and model) matched: make 'Dell Inc.' is like 'dell*' and model "
          "'Latitude 7440' is like 'Latitude 7?40' -> set Hit1=yes\n"
          "info: rule 2 (make and model) did not match: model 'Latitude 7440' is not like "
          "'Precision*'\n"
          "info: rule 3 (make and model) did not match: make 'Dell Inc.' is not like 'HP'\n"
          "info: rule 4 (make and model) matched: make 'Dell Inc.' is like '*' and model 'Latitude "
          "7440' is like '*' -> set Hit4=yes\n");
  }

  TEST_CASE("a make and model rule never matches an unknown model, even with '*'") {
    DynamicVariablesHarness harness;
    REQUIRE(harness.filesystem.Remove("/machine/sys/class/dmi/id/product_name").ok());
    CHECK(harness.Run("      rules:\n" + Rule("{ makeModel: { make: \"*\", model: \"*\" } }", 1))
              .succeeded);
    CHECK(harness.RuleLog() ==
          "info: rule 1 (make and model) did not match: model is unknown "
          "(/sys/class/dmi/id/product_name not found)\n");
  }

  TEST_CASE("a variable rule compares as conditions do") {
    DynamicVariablesHarness harness;
    REQUIRE(harness.variables.Set("Mode", "Advanced").ok());
    REQUIRE(harness.variables.Set("Count", "10").ok());
    CHECK(harness
              .Run("      rules:\n" + Rule("{ variable: Mode, equals: advanced }", 1) +
                   Rule("{ variable: Count, greater: 9 }", 2) +
                   Rule("{ variable: Count, less: \"9\" }", 3) +
                   Rule("{ variable: Missing, notEquals: x }", 4) +
                   Rule("{ variable: Missing, equals: x }", 5) +
                   Rule("{ variable: Missing, exists: false }", 6) +
                   Rule("{ variable: _SMSTSModel, like: \"latitude *\" }", 7) +
                   Rule("{ variable: Mode, lessEqual: Basic }", 8))
              .succeeded);
    CHECK(
        harness.RuleLog() ==
        "info: rule 1 (variable) matched: variable Mode equals 'advanced' is true (value is "
        "'Advanced') -> set Hit1=yes\n"
        "info: rule 2 (variable) matched: variable Count greater '9' is true (value is '10') -> "
        "set Hit2=yes\n"
        "info: rule 3 (variable) did not match: variable Count less '9' is false (value is "
        "'10')\n"
        "info: rule 4 (variable) matched: variable Missing notEquals 'x' is true (not set) -> set "
        "Hit4=yes\n"
        "info: rule 5 (variable) did not match: variable Missing equals 'x' is false (not set)\n"
        "info: rule 6 (variable) matched: variable Missing does not exist is true (not set) -> "
        "set Hit6=yes\n"
        "info: rule 7 (variable) matched: variable _SMSTSModel like 'latitude *' is true (value "
        "is 'Latitude 7440') -> set Hit7=yes\n"
        "info: rule 8 (variable) matched: variable Mode lessEqual 'Basic' is true (value is "
        "'Advanced') -> set Hit8=yes\n");
  }

  TEST_CASE("variables without a rule come first and later matching rules override earlier ones") {
    DynamicVariablesHarness harness;
    CHECK(harness
              .Run("      variables: { Site: HQ, Region: EU }\n"
                   "      rules:\n"
                   "        - match: { computer: { serial: ABC1234 } }\n"
                   "          set: { Site: Branch, Name: \"WS-%_SMSTSSerialNumber%\" }\n"
                   "        - match: { variable: Site, equals: Branch }\n"
                   "          set: { Site: Branch-2 }\n"
                   "        - match: { location: { gateway: 10.9.9.9 } }\n"
                   "          set: { Site: Elsewhere }\n")
              .succeeded);
    CHECK(harness.variables.Get("Site") == "Branch-2");
    CHECK(harness.variables.Get("Region") == "EU");
    CHECK(harness.variables.Get("Name") == "WS-ABC1234");
    CHECK(harness.RuleLog() ==
          "info: Set variable Site=HQ (without a rule)\n"
          "info: Set variable Region=EU (without a rule)\n"
          "info: rule 1 (computer) matched: serial 'ABC1234' is this computer's -> set "
          "Site=Branch, Name=WS-ABC1234\n"
          "info: rule 2 (variable) matched: variable Site equals 'Branch' is true (value is "
          "'Branch') -> set Site=Branch-2\n"
          "info: rule 3 (location) did not match: gateway '10.9.9.9' is not a default gateway "
          "(this computer's: 192.0.2.1,fe80::1)\n");
  }

  TEST_CASE("rule values are expanded when the step runs, and an empty value deletes") {
    DynamicVariablesHarness harness;
    REQUIRE(harness.variables.Set("WantedMake", "Dell*").ok());
    REQUIRE(harness.variables.Set("Old", "1").ok());
    REQUIRE(harness.variables.Set("Stale", "1").ok());
    CHECK(harness
              .Run("      variables: { Old: \"\" }\n"
                   "      rules:\n"
                   "        - match: { makeModel: { make: \"%WantedMake%\", model: \"*\" } }\n"
                   "          set: { Stale: \"\", Model: \"%_SMSTSModel%\" }\n")
              .succeeded);
    CHECK_FALSE(harness.variables.Contains("Old"));
    CHECK_FALSE(harness.variables.Contains("Stale"));
    CHECK(harness.variables.Get("Model") == "Latitude 7440");
    CHECK(harness.RuleLog() ==
          "info: Deleted variable Old (without a rule)\n"
          "info: rule 1 (make and model) matched: make 'Dell Inc.' is like 'Dell*' and model "
          "'Latitude 7440' is like '*' -> set Stale (deleted), Model=Latitude 7440\n");
  }

  TEST_CASE("secret values are stored secret and never logged") {
    DynamicVariablesHarness harness;
    CHECK(harness
              .Run("      variables: { AdminPassword: pa55word }\n"
                   "      rules:\n"
                   "        - match: { computer: { serial: ABC1234 } }\n"
                   "          set:\n"
                   "            Token: { value: tok-123, secret: true }\n"
                   "            Echo: \"copy of %Token%\"\n"
                   "        - match: { variable: Token, equals: tok-123 }\n"
                   "          set: { Again: { value: \"%AdminPassword%\", secret: false } }\n")
              .succeeded);
    CHECK(harness.variables.IsSecret("Token"));
    CHECK(harness.variables.IsSecret("AdminPassword"));
    CHECK(harness.variables.Get("Token") == "tok-123");
    CHECK(harness.variables.Get("Again") == "pa55word");
    const std::string log = harness.log.All();
    CHECK(log.find("tok-123") == std::string::npos);
    CHECK(log.find("pa55word") == std::string::npos);
    CHECK(harness.RuleLog() ==
          "info: Set variable AdminPassword=******** (without a rule)\n"
          "info: rule 1 (computer) matched: serial 'ABC1234' is this computer's -> set "
          "Token=********, Echo=copy of ********\n"
          "info: rule 2 (variable) matched: variable Token equals '********' is true (value is "
          "'********') -> set Again=********\n");
  }

  TEST_CASE("the dry run declares the facts and every variable a rule could set") {
    DynamicVariablesHarness harness;
    const DryRunEffects effects = harness.DescribeDryRun(
        "      variables: { Site: HQ, Token: { value: t, secret: true } }\n"
        "      rules:\n"
        "        - match: { computer: { serial: X } }\n"
        "          set: { Site: Branch, Name: A }\n"
        "        - match: { location: { gateway: 10.0.0.1 } }\n"
        "          set: { name: B, Extra: C }\n"
        "        - match: { variable: Mode, exists: true }\n"
        "          set: { NAME: C, Pin: { value: \"1234\", secret: true } }\n");
    std::string declared;
    for (const DeclaredOutput& output : effects.outputs) {
      declared +=
          output.variable + " = " + output.value + (output.secret ? " (secret)" : "") + "\n";
    }
    CHECK(declared ==
          "_SMSTSMake = <read from the machine>\n"
          "_SMSTSModel = <read from the machine>\n"
          "_SMSTSSerialNumber = <read from the machine>\n"
          "_SMSTSAssetTag = <read from the machine>\n"
          "_SMSTSUUID = <read from the machine>\n"
          "_SMSTSMacAddresses = <read from the machine>\n"
          "_SMSTSIPAddresses = <read from the machine>\n"
          "_SMSTSDefaultGateways = <read from the machine>\n"
          "Site = <set if rule 1 matches, else 'HQ'>\n"
          "Token = t (secret)\n"
          "Name = <set if rules 1, 2 or 3 match>\n"
          "Extra = <set if rule 2 matches>\n"
          "Pin = <set if rule 3 matches> (secret)\n");
    CHECK_FALSE(effects.reboot_requested);
    CHECK(harness.log.lines.empty());
  }

  TEST_CASE("the schema documents the facts it sets and the two properties") {
    DynamicVariablesHarness harness;
    const StepSchema& schema = harness.registry.Find("SetDynamicVariables")->schema();
    CHECK(schema.category == "core");
    REQUIRE(schema.properties.size() == 2);
    CHECK(schema.properties[0].type == PropertyType::kList);
    CHECK(schema.properties[1].type == PropertyType::kMap);
    std::vector<std::string> outputs;
    for (const OutputSchema& output : schema.outputs) outputs.push_back(output.variable);
    CHECK(outputs == MachineFactVariables());
    CHECK(outputs.size() == 8);
  }

  TEST_CASE("properties that were never validated fail the step instead of being guessed at") {
    DynamicVariablesHarness harness;
    const Step& step = *harness.registry.Find("SetDynamicVariables");
    SequenceNode node;
    node.name = "Unchecked";
    node.type = "SetDynamicVariables";
    node.properties.kind = Value::Kind::kMap;
    Value rules;
    rules.kind = Value::Kind::kList;
    Value item;
    item.kind = Value::Kind::kScalar;
    item.scalar = "x";
    rules.items.push_back(item);
    node.properties.entries.emplace_back("rules", rules);
    const StepProperties properties =
        StepProperties::Resolve(node, step.schema(), harness.variables);
    MemoryFilesystem filesystem;
    MachineRoot root("/machine", filesystem);
    FakeProcessRunner processes;
    FakeClock clock(std::chrono::system_clock::time_point{});
    StepContext context{node,      properties, harness.variables, root, filesystem,
                        processes, clock,      harness.log};
    const StepResult result = step.Run(context);
    CHECK_FALSE(result.succeeded);
    CHECK(result.exit_code == 1);
    CHECK(result.message == "rule 1 must be a map with 'match' and 'set', not a string");
    CHECK(harness.log.lines.empty());
  }
}

}  // namespace
}  // namespace tseq
