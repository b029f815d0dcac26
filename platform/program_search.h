// Program lookup and environment assembly for SystemProcessRunner, kept apart from the
// Boost.Process code so it can be tested directly. Internal to platform/. Thread-safe as long as
// nobody changes the process environment concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tseq {

// The search path used when the environment has no PATH (glibc's execvp default, plus
// /usr/local/bin).
inline constexpr char kDefaultSearchPath[] = "/usr/local/bin:/usr/bin:/bin";

// Finds the file `name` names, the way execvp(3) would: a name with a slash is used as it is
// (relative to `working_directory` when that is not empty); otherwise each directory of
// `search_path` is tried in order (an empty entry means the working directory) and the first
// executable regular file wins. Returns the path to pass to execve, which is relative when the
// search path entry was. Fails with NotFound "command not found: NAME" when nothing by that name
// exists, and PermissionDenied "cannot execute 'PATH': REASON" when only a non-executable file
// or a directory does.
Result<std::string> FindProgram(const std::string& name, const std::string& search_path,
                                const std::string& working_directory);

// The child's environment as "NAME=VALUE" strings: `current` (a null-terminated array such as
// environ; may be null) with `overrides` applied in order, each replacing any entry of that name.
std::vector<std::string> MergeEnvironment(
    const char* const* current, const std::vector<std::pair<std::string, std::string>>& overrides);

// The value of NAME in a merged environment (a view into it), or nullopt.
std::optional<std::string_view> FindEnvironmentValue(const std::vector<std::string>& environment,
                                                     std::string_view name);

}  // namespace tseq
