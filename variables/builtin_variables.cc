#include "variables/builtin_variables.h"

#include <algorithm>
#include <array>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr std::array<std::string_view, 18> kBuiltinNames = {
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
    "_SMSTSMake",
    "_SMSTSModel",
    "_SMSTSSerialNumber",
    "_SMSTSUUID",
    "_SMSTSMacAddresses",
    "_SMSTSIPAddresses",
    "_SMSTSAssetTag",
    "_SMSTSDefaultGateways",
};

constexpr std::array<std::string_view, 7> kControlNames = {
    "SMSTSRebootRequested", "SMSTSRetryRequested", "SMSTSRebootDelay", "SMSTSRebootMessage",
    "OSDDoNotLogCommand",   "SMSTSPostAction",     "TSDebugMode",
};

bool ContainsIgnoreCase(std::span<const std::string_view> names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [name](std::string_view candidate) {
    return EqualsIgnoreCase(candidate, name);
  });
}

}  // namespace

std::span<const std::string_view> EngineBuiltinVariableNames() { return kBuiltinNames; }
std::span<const std::string_view> EngineControlVariableNames() { return kControlNames; }

bool IsEngineVariableName(std::string_view name) {
  return ContainsIgnoreCase(kBuiltinNames, name) || ContainsIgnoreCase(kControlNames, name);
}

}  // namespace tseq
