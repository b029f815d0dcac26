// Helpers shared by the two halves of MemoryFilesystem (memory_filesystem.cc: names;
// memory_filesystem_files.cc: open files, links and attributes). Internal to platform/.
#pragma once

#include <string>
#include <system_error>

#include "base/status.h"
#include "platform/errno_status.h"

namespace tseq::memory_filesystem_internal {

// A Status with the errno's code and only its reason as the message.
inline Status Reason(int error) {
  return Status(ErrnoStatusCode(error), std::generic_category().message(error));
}

// "cannot ACTION 'PATH': REASON".
inline Status Describe(const Status& reason, const std::string& action, const std::string& path) {
  return reason.WithContext("cannot " + action + " '" + path + "'");
}

// The directory holding a normalised absolute path ("/" for top-level names and "/" itself).
inline std::string ParentOf(const std::string& normalized) {
  const size_t slash = normalized.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : normalized.substr(0, slash);
}

}  // namespace tseq::memory_filesystem_internal
