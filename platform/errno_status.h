// ErrnoStatus: turns an errno value into a Status, the one mapping every platform
// implementation (real or in-memory) uses so that callers see the same codes and messages.
#pragma once

#include <string>

#include "base/status.h"

namespace tseq {

// NotFound for ENOENT, PermissionDenied for EACCES and EPERM, IoError for anything else.
StatusCode ErrnoStatusCode(int error);

// "WHAT: REASON" where REASON is strerror(error), with the code ErrnoStatusCode gives. REQUIRES:
// error != 0.
Status ErrnoStatus(int error, const std::string& what);

// "cannot ACTION 'PATH': REASON", e.g. "cannot read '/x/y': No such file or directory".
Status ErrnoStatus(int error, const std::string& action, const std::string& path);

}  // namespace tseq
