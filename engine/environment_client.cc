#include "engine/environment_client.h"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/time.h>

#include "base/strings.h"
#include "engine/environment_protocol.h"
#include "engine/environment_socket.h"

namespace tseq {
namespace {

using Json = nlohmann::json;

Status Malformed() { return CorruptionError("the task sequence engine sent a malformed reply"); }

// The request as one line, or InvalidArgument when a string in it is not UTF-8 (JSON carries only
// text).
Result<std::string> Encode(const Json& request) {
  try {
    return request.dump() + "\n";
  } catch (const Json::type_error&) {
    return InvalidArgumentError("the variable name and value must be UTF-8 text");
  }
}

// The reply object when it says "ok": true; the engine's refusal as a Status otherwise.
Result<Json> Decode(const std::string& reply) {
  Json parsed = Json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return Malformed();
  const auto ok = parsed.find("ok");
  if (ok == parsed.end() || !ok->is_boolean()) return Malformed();
  if (ok->get<bool>()) return parsed;
  const auto error = parsed.find("error");
  if (error == parsed.end() || !error->is_string()) return Malformed();
  const std::string message = error->get<std::string>();
  return Status(
      message == "access denied" ? StatusCode::kPermissionDenied : StatusCode::kInvalidArgument,
      message);
}

}  // namespace

Result<EngineAddress> EngineAddressFromEnvironment(
    const std::function<const char*(const char*)>& lookup) {
  EngineAddress address;
  for (const char* name : {kEngineSocketVariable, kEngineTokenVariable}) {
    const char* value = lookup(name);
    if (value == nullptr || *value == '\0') {
      return FailedPreconditionError("no task sequence is running here (" + std::string(name) +
                                     " is not set); run this from a step of a running sequence");
    }
    (name == kEngineSocketVariable ? address.socket_path : address.token) = value;
  }
  return address;
}

Result<std::string> EnvironmentClient::Exchange(const std::string& request) const {
  const SocketDeadline deadline = std::chrono::steady_clock::now() + options_.timeout;
  const std::string& path = address_.socket_path;
  const auto unreachable = [&path](int error) {
    return IoError("cannot reach the task sequence engine at '" + path +
                   "': " + std::generic_category().message(error));
  };
  const Status timed_out(StatusCode::kTimeout, "the task sequence engine did not answer within " +
                                                   FormatDuration(options_.timeout));

  TSEQ_ASSIGN_OR_RETURN(const UnixSocketAddress address, UnixSocketAddress::For(path));
  FileDescriptor connection(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connection.valid()) return unreachable(errno);
  // A blocking connect waits while the engine's queue of connections is full; this bounds it.
  const auto limit = options_.timeout.count();
  const timeval connect_limit{.tv_sec = limit / 1000, .tv_usec = (limit % 1000) * 1000};
  ::setsockopt(connection.get(), SOL_SOCKET, SO_SNDTIMEO, &connect_limit, sizeof(connect_limit));
  while (::connect(connection.get(), address.get(), address.size()) != 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EINPROGRESS) return timed_out;
    return unreachable(errno);
  }
  if (::fcntl(connection.get(), F_SETFL, O_NONBLOCK) != 0) return unreachable(errno);

  const Status sent = SendAll(connection.get(), request, deadline, -1);
  if (sent.code() == StatusCode::kTimeout) return timed_out;
  if (!sent.ok()) {
    return IoError("lost the connection to the task sequence engine: " + sent.message());
  }
  Result<std::string> reply = ReceiveLine(connection.get(), kEngineMessageLimit, deadline, -1);
  if (!reply.ok()) {
    if (reply.status().code() == StatusCode::kTimeout) return timed_out;
    if (reply.status().code() == StatusCode::kInvalidArgument) return Malformed();
    return IoError("lost the connection to the task sequence engine: " + reply.status().message());
  }
  // An engine that stops while a request waits closes the connection without a reply.
  if (reply->empty()) return IoError("the task sequence engine closed the connection");
  return reply;
}

Result<std::optional<std::string>> EnvironmentClient::Get(std::string_view name) const {
  TSEQ_ASSIGN_OR_RETURN(const std::string request,
                        Encode({{"token", address_.token}, {"op", "get"}, {"name", name}}));
  TSEQ_ASSIGN_OR_RETURN(const std::string reply, Exchange(request));
  TSEQ_ASSIGN_OR_RETURN(const Json answer, Decode(reply));
  const auto value = answer.find("value");
  if (value == answer.end()) return Malformed();
  if (value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) return Malformed();
  return std::optional<std::string>(value->get<std::string>());
}

Status EnvironmentClient::Set(std::string_view name, std::string_view value,
                              Secrecy secrecy) const {
  TSEQ_ASSIGN_OR_RETURN(const std::string request,
                        Encode({{"token", address_.token},
                                {"op", "set"},
                                {"name", name},
                                {"value", value},
                                {"secret", secrecy == Secrecy::kSecret}}));
  TSEQ_ASSIGN_OR_RETURN(const std::string reply, Exchange(request));
  return Decode(reply).status();
}

Result<std::vector<ListedVariable>> EnvironmentClient::List() const {
  TSEQ_ASSIGN_OR_RETURN(const std::string request,
                        Encode({{"token", address_.token}, {"op", "list"}}));
  TSEQ_ASSIGN_OR_RETURN(const std::string reply, Exchange(request));
  TSEQ_ASSIGN_OR_RETURN(const Json answer, Decode(reply));
  const auto variables = answer.find("variables");
  if (variables == answer.end() || !variables->is_array()) return Malformed();
  std::vector<ListedVariable> listed;
  for (const Json& entry : *variables) {
    if (!entry.is_object()) return Malformed();
    const auto name = entry.find("name");
    const auto value = entry.find("value");
    const auto secret = entry.find("secret");
    if (name == entry.end() || !name->is_string() || value == entry.end() || !value->is_string() ||
        secret == entry.end() || !secret->is_boolean()) {
      return Malformed();
    }
    listed.push_back({name->get<std::string>(), value->get<std::string>(), secret->get<bool>()});
  }
  return listed;
}

}  // namespace tseq
