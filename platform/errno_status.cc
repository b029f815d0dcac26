#include "platform/errno_status.h"

#include <cerrno>
#include <system_error>

namespace tseq {

StatusCode ErrnoStatusCode(int error) {
  switch (error) {
    case ENOENT:
      return StatusCode::kNotFound;
    case EACCES:
    case EPERM:
      return StatusCode::kPermissionDenied;
    default:
      return StatusCode::kIoError;
  }
}

Status ErrnoStatus(int error, const std::string& what) {
  return Status(ErrnoStatusCode(error), what + ": " + std::generic_category().message(error));
}

Status ErrnoStatus(int error, const std::string& action, const std::string& path) {
  return ErrnoStatus(error, "cannot " + action + " '" + path + "'");
}

}  // namespace tseq
