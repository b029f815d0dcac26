// Unix-domain stream socket plumbing shared by EnvironmentServer and EnvironmentClient: naming a
// socket file of any length, and moving one newline-terminated message each way under a deadline.
// Internal to engine/. The functions are thread-safe; a UnixSocketAddress is a value owned by one
// thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <sys/socket.h>
#include <sys/un.h>

#include "base/status.h"
#include "platform/file_descriptor.h"

namespace tseq {

using SocketDeadline = std::chrono::steady_clock::time_point;

class UnixSocketAddress {
 public:
  // The address of the socket file `path`. A path longer than sockaddr_un allows (107 bytes) is
  // named as /proc/self/fd/N/NAME, N being a descriptor of its folder that this object keeps open
  // (Linux resolves that for bind and connect), so deep state folders still work. Fails with
  // InvalidArgument for an empty path or a file name that is itself too long, and with the OS's
  // reason when the folder of a long path cannot be opened.
  static Result<UnixSocketAddress> For(const std::string& path);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&address_); }
  socklen_t size() const { return size_; }

 private:
  sockaddr_un address_{};
  socklen_t size_ = 0;
  FileDescriptor folder_;
};

// Waits until `socket` is ready for `events` (POLLIN or POLLOUT). Fails with Timeout ("timed out")
// at `deadline`, and with FailedPrecondition ("stopped") as soon as `stop_descriptor` (when >= 0)
// becomes readable.
Status WaitForSocket(int socket, short events, SocketDeadline deadline, int stop_descriptor);

// Writes all of `data` to the non-blocking `socket`. Fails as WaitForSocket does, or with IoError
// carrying the OS's reason (a peer that went away is EPIPE; no SIGPIPE is raised).
Status SendAll(int socket, std::string_view data, SocketDeadline deadline, int stop_descriptor);

// Reads from the non-blocking `socket` up to the first newline (not returned) or the end of the
// stream. Fails as WaitForSocket does, with InvalidArgument ("message longer than N bytes") when
// more than `limit` bytes come before the newline, or with IoError.
Result<std::string> ReceiveLine(int socket, size_t limit, SocketDeadline deadline,
                                int stop_descriptor);

}  // namespace tseq
