#include "engine/environment_server.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine/environment_protocol.h"
#include "engine/environment_socket.h"
#include "platform/errno_status.h"

namespace tseq {
namespace {

constexpr std::chrono::milliseconds kGatePollInterval{50};
// How long the start-up check waits on a socket that might still have an engine behind it.
constexpr std::chrono::milliseconds kProbeTimeout{1000};

Result<std::string> NewToken() {
  std::array<unsigned char, 16> bytes{};
  size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t count = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (count < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot make the engine's access token: getrandom");
    }
    filled += static_cast<size_t>(count);
  }
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string token;
  for (const unsigned char byte : bytes) {
    token += kDigits[byte >> 4];
    token += kDigits[byte & 0x0f];
  }
  return token;
}

// The machine lock already keeps a second engine away; this also protects a state folder that is
// shared some other way, and never deletes anything that is not a socket.
Status RemoveStaleSocket(const std::string& path, const UnixSocketAddress& address) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, "inspect", path);
  }
  if (!S_ISSOCK(info.st_mode)) {
    return FailedPreconditionError("'" + path + "' exists and is not a socket");
  }
  FileDescriptor probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe.valid()) return ErrnoStatus(errno, "cannot make a socket");
  const timeval limit{.tv_sec = kProbeTimeout.count() / 1000,
                      .tv_usec = (kProbeTimeout.count() % 1000) * 1000};
  ::setsockopt(probe.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  if (::connect(probe.get(), address.get(), address.size()) == 0 || errno == EAGAIN) {
    return Status(StatusCode::kAlreadyExists, "another engine is listening on '" + path + "'");
  }
  if (errno == ENOENT) return Status::Ok();  // removed meanwhile
  if (errno != ECONNREFUSED) return ErrnoStatus(errno, "connect to", path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "remove", path);
  return Status::Ok();
}

}  // namespace

EnvironmentServer::EnvironmentServer(VariableStore& variables, EnvironmentGate& gate,
                                     EnvironmentServerOptions options)
    : variables_(variables), gate_(gate), options_(options) {}

EnvironmentServer::~EnvironmentServer() { Stop(); }

Result<std::unique_ptr<EnvironmentServer>> EnvironmentServer::Start(
    const std::string& directory, VariableStore& variables, EnvironmentGate& gate,
    EnvironmentServerOptions options) {
  std::unique_ptr<EnvironmentServer> server(new EnvironmentServer(variables, gate, options));
  server->socket_path_ = directory + "/" + kEngineSocketFileName;
  const std::string& path = server->socket_path_;
  TSEQ_ASSIGN_OR_RETURN(server->token_, NewToken());

  std::array<int, 2> stop_pipe{};
  if (::pipe2(stop_pipe.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, "cannot make a pipe");
  }
  server->stop_read_ = FileDescriptor(stop_pipe[0]);
  server->stop_write_ = FileDescriptor(stop_pipe[1]);

  TSEQ_ASSIGN_OR_RETURN(const UnixSocketAddress address, UnixSocketAddress::For(path));
  TSEQ_RETURN_IF_ERROR(RemoveStaleSocket(path, address));
  server->listener_ =
      FileDescriptor(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!server->listener_.valid()) return ErrnoStatus(errno, "cannot make a socket");
  if (::bind(server->listener_.get(), address.get(), address.size()) != 0) {
    return ErrnoStatus(errno, "create the socket", path);
  }
  // bind() applies the umask; nobody can connect before listen(), so tightening it now is safe.
  struct stat info {};
  if (::chmod(path.c_str(), 0600) != 0 || ::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    return ErrnoStatus(error, "protect", path);
  }
  server->socket_device_ = info.st_dev;
  server->socket_inode_ = info.st_ino;
  if (::listen(server->listener_.get(), SOMAXCONN) != 0) {
    return ErrnoStatus(errno, "listen on", path);
  }
  try {
    server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
  } catch (const std::system_error& error) {
    return IoError(std::string("cannot start the environment server thread: ") + error.what());
  }
  return server;
}

void EnvironmentServer::Stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    const char wake = 1;
    // The pipe only needs to become readable; a full pipe already is.
    (void)!::write(stop_write_.get(), &wake, 1);
    thread_.join();
  }
  listener_.Close();
  if (socket_inode_ != 0) {
    struct stat info {};
    if (::lstat(socket_path_.c_str(), &info) == 0 && info.st_dev == socket_device_ &&
        info.st_ino == socket_inode_) {
      ::unlink(socket_path_.c_str());
    }
    socket_inode_ = 0;
  }
}

std::vector<std::pair<std::string, std::string>> EnvironmentServer::ChildEnvironment() const {
  return {{kEngineSocketVariable, socket_path_}, {kEngineTokenVariable, token_}};
}

std::string MaskEngineToken(std::string text, std::string_view token) {
  if (token.empty()) return text;
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
    text.replace(at, token.size(), kMaskedValue);
    at += kMaskedValue.size();
  }
  return text;
}

void EnvironmentServer::Serve() {
  while (!stopping_) {
    std::array<pollfd, 2> watched{{{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}}};
    if (::poll(watched.data(), watched.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;  // only possible with bad descriptors, which this object owns: nothing to retry
    }
    if (watched[1].revents != 0) return;
    if (watched[0].revents == 0) continue;
    FileDescriptor connection(
        ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!connection.valid()) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of resources: the pending connection stays queued; don't spin on it.
        std::array<pollfd, 1> stop{{{stop_read_.get(), POLLIN, 0}}};
        ::poll(stop.data(), stop.size(), 100);
      }
      continue;
    }
    ServeConnection(connection.get());
  }
}

void EnvironmentServer::ServeConnection(int connection) {
  const auto now = [] { return std::chrono::steady_clock::now(); };
  const int stop = stop_read_.get();
  const Result<std::string> request =
      ReceiveLine(connection, kEngineMessageLimit, now() + options_.connection_timeout, stop);
  std::string reply;
  if (!request.ok()) {
    if (request.status().code() != StatusCode::kInvalidArgument) return;  // gone, slow, stopping
    reply = R"({"error":"request longer than )" + std::to_string(kEngineMessageLimit) +
            R"( bytes","ok":false})";
  } else if (request->empty()) {
    return;  // a probe, or a client that gave up before sending anything
  } else {
    const auto waiting_since = now();
    while (!gate_.try_lock_for(kGatePollInterval)) {
      if (stopping_) return;
      if (now() - waiting_since >= options_.gate_timeout) {
        reply = R"({"error":"the task sequence engine is busy; try again","ok":false})";
        break;
      }
    }
    if (reply.empty()) {
      std::unique_lock<EnvironmentGate> hold(gate_, std::adopt_lock);
      reply = AnswerEnvironmentRequest(*request, token_, variables_);
    }
  }
  reply += '\n';
  (void)SendAll(connection, reply, now() + options_.connection_timeout, stop);
}

}  // namespace tseq
