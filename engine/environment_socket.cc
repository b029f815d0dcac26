#include "engine/environment_socket.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "platform/errno_status.h"

namespace tseq {

Result<UnixSocketAddress> UnixSocketAddress::For(const std::string& path) {
  if (path.empty()) return InvalidArgumentError("empty socket path");
  UnixSocketAddress result;
  result.address_.sun_family = AF_UNIX;
  constexpr size_t kCapacity = sizeof(result.address_.sun_path);  // includes the final '\0'
  std::string name = path;
  if (path.size() >= kCapacity) {
    const size_t slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash);
    result.folder_ = FileDescriptor(
        ::open(folder.empty() ? "/" : folder.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!result.folder_.valid()) return ErrnoStatus(errno, "open", folder);
    name = "/proc/self/fd/" + std::to_string(result.folder_.get()) + "/" +
           (slash == std::string::npos ? path : path.substr(slash + 1));
    if (name.size() >= kCapacity) {
      return InvalidArgumentError("socket file name too long: '" + path + "'");
    }
  }
  std::memcpy(result.address_.sun_path, name.data(), name.size());
  result.size_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
  return result;
}

Status WaitForSocket(int socket, short events, SocketDeadline deadline, int stop_descriptor) {
  for (;;) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return Status(StatusCode::kTimeout, "timed out");
    std::array<pollfd, 2> watched{{{socket, events, 0}, {stop_descriptor, POLLIN, 0}}};
    const nfds_t count = stop_descriptor >= 0 ? 2 : 1;
    // Rounded up so that a wait never ends a little before the deadline and spins.
    const int timeout = static_cast<int>(std::min<long long>(remaining.count() + 1, 60'000));
    const int ready = ::poll(watched.data(), count, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "poll");
    }
    if (count == 2 && watched[1].revents != 0) return FailedPreconditionError("stopped");
    if (watched[0].revents != 0) return Status::Ok();
  }
}

Status SendAll(int socket, std::string_view data, SocketDeadline deadline, int stop_descriptor) {
  while (!data.empty()) {
    const ssize_t sent = ::send(socket, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      data.remove_prefix(static_cast<size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoStatus(errno, "send");
    TSEQ_RETURN_IF_ERROR(WaitForSocket(socket, POLLOUT, deadline, stop_descriptor));
  }
  return Status::Ok();
}

Result<std::string> ReceiveLine(int socket, size_t limit, SocketDeadline deadline,
                                int stop_descriptor) {
  std::string line;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t received = ::recv(socket, buffer.data(), buffer.size(), 0);
    if (received == 0) return line;
    if (received < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoStatus(errno, "receive");
      TSEQ_RETURN_IF_ERROR(WaitForSocket(socket, POLLIN, deadline, stop_descriptor));
      continue;
    }
    const std::string_view chunk(buffer.data(), static_cast<size_t>(received));
    const size_t newline = chunk.find('\n');
    line.append(chunk.substr(0, newline));
    if (line.size() > limit) {
      return InvalidArgumentError("message longer than " + std::to_string(limit) + " bytes");
    }
    if (newline != std::string_view::npos) return line;
  }
}

}  // namespace tseq
