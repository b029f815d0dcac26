#include "platform/program_search.h"

#include <cerrno>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

#include "base/strings.h"
#include "platform/errno_status.h"

namespace tseq {
namespace {

// 0 when `candidate` is an executable regular file, else the reason as an errno value.
int CheckExecutable(const std::string& candidate, const std::string& working_directory) {
  const std::string host = candidate.front() != '/' && !working_directory.empty()
                               ? working_directory + "/" + candidate
                               : candidate;
  struct stat status {};
  if (::stat(host.c_str(), &status) != 0) return errno;
  if (S_ISDIR(status.st_mode)) return EISDIR;
  if (::access(host.c_str(), X_OK) != 0) return errno;
  return 0;
}

Status CannotExecute(int error, const std::string& path) {
  const Status status = ErrnoStatus(error, "execute", path);
  // A directory is as unrunnable as a file without execute permission.
  if (error == EISDIR) return Status(StatusCode::kPermissionDenied, status.message());
  return status;
}

}  // namespace

Result<std::string> FindProgram(const std::string& name, const std::string& search_path,
                                const std::string& working_directory) {
  const Status not_found = NotFoundError("command not found: " + name);
  if (name.empty()) return not_found;
  if (name.find('/') != std::string::npos) {
    const int error = CheckExecutable(name, working_directory);
    if (error == 0) return name;
    if (error == ENOENT || error == ENOTDIR) return not_found;
    return CannotExecute(error, name);
  }
  // Like execvp, a match we may not run does not stop the search; it is reported only if
  // nothing later in the path is runnable.
  std::string denied;
  int denied_error = 0;
  for (const std::string& directory : Split(search_path, ':')) {
    const std::string candidate = (directory.empty() ? "." : directory) + "/" + name;
    const int error = CheckExecutable(candidate, working_directory);
    if (error == 0) return candidate;
    if (error == EACCES && denied.empty()) {
      denied = candidate;
      denied_error = error;
    }
  }
  if (!denied.empty()) return CannotExecute(denied_error, denied);
  return not_found;
}

std::vector<std::string> MergeEnvironment(
    const char* const* current, const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> environment;
  for (const char* const* entry = current; entry != nullptr && *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  for (const auto& [name, value] : overrides) {
    const std::string prefix = name + "=";
    std::erase_if(environment,
                  [&prefix](const std::string& entry) { return entry.starts_with(prefix); });
    environment.push_back(prefix + value);
  }
  return environment;
}

std::optional<std::string_view> FindEnvironmentValue(const std::vector<std::string>& environment,
                                                     std::string_view name) {
  for (const std::string& entry : environment) {
    if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=') {
      return std::string_view(entry).substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

}  // namespace tseq
