// The names of the variables the engine itself sets or reads (SPEC §4, reference/configmgr.md
// §3.3). `tseq check` uses them so that a reference such as %_SMSTSLogPath% is not reported as
// unknown.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tseq {

// Read-only built-ins maintained by the engine: _SMSTSCurrentActionName, _SMSTSLogPath, ...
std::span<const std::string_view> EngineBuiltinVariableNames();
// Writable variables the engine reads to control itself: SMSTSRebootRequested,
// SMSTSRetryRequested, OSDDoNotLogCommand, ...
std::span<const std::string_view> EngineControlVariableNames();
// True when `name` (any case) is in either list.
bool IsEngineVariableName(std::string_view name);

}  // namespace tseq
