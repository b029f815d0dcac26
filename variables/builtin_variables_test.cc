#include "variables/builtin_variables.h"

#include <algorithm>
#include <array>
#include <string>

#include <doctest/doctest.h>

#include "base/strings.h"
#include "variables/variable_store.h"

namespace tseq {
namespace {

bool Lists(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_SUITE("BuiltinVariables") {
  TEST_CASE("the built-ins the spec requires are listed") {
    const std::array<std::string_view, 10> required = {
        "_SMSTSCurrentActionName",
        "_SMSTSLastActionName",
        "_SMSTSLastActionRetCode",
        "_SMSTSLastActionSucceeded",
        "_SMSTSNextInstructionPointer",
        "_SMSTSInstructionTableSize",
        "_SMSTSLogPath",
        "_SMSTSMachineName",
        "_SMSTSPackageName",
        "_SMSTSInWinPE",
    };
    for (std::string_view name : required) {
      CAPTURE(name);
      CHECK(Lists(EngineBuiltinVariableNames(), name));
    }
  }

  TEST_CASE("the control variables the engine reads are listed") {
    for (std::string_view name :
         {"SMSTSRebootRequested", "SMSTSRetryRequested", "OSDDoNotLogCommand"}) {
      CAPTURE(name);
      CHECK(Lists(EngineControlVariableNames(), name));
    }
  }

  TEST_CASE("built-ins are read-only and control variables are writable") {
    for (std::string_view name : EngineBuiltinVariableNames()) {
      CAPTURE(name);
      CHECK(VariableStore::IsReadOnlyName(name));
      CHECK(VariableStore::ValidateName(name).ok());
    }
    for (std::string_view name : EngineControlVariableNames()) {
      CAPTURE(name);
      CHECK_FALSE(VariableStore::IsReadOnlyName(name));
      CHECK(VariableStore::ValidateName(name).ok());
    }
  }

  TEST_CASE("no name is listed twice in either list") {
    std::vector<std::string> all;
    for (std::string_view name : EngineBuiltinVariableNames()) all.push_back(ToLowerAscii(name));
    for (std::string_view name : EngineControlVariableNames()) all.push_back(ToLowerAscii(name));
    std::sort(all.begin(), all.end());
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  }

  TEST_CASE("engine names are recognised in any case") {
    CHECK(IsEngineVariableName("_SMSTSLogPath"));
    CHECK(IsEngineVariableName("_smstslogpath"));
    CHECK(IsEngineVariableName("smstsrebootrequested"));
    CHECK(IsEngineVariableName("TSDebugMode"));
  }

  TEST_CASE("other names are not engine names") {
    CHECK_FALSE(IsEngineVariableName("OSDStateStorePath"));
    CHECK_FALSE(IsEngineVariableName("_SMSTSLogPat"));
    CHECK_FALSE(IsEngineVariableName("_SMSTSLogPathX"));
    CHECK_FALSE(IsEngineVariableName(""));
  }
}

}  // namespace
}  // namespace tseq
