// Test support for the environment server and client (engine/*_test.cc only): a server on a
// fresh state folder, and raw connections that behave as broken or hostile clients would.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "engine/environment_client.h"
#include "engine/environment_server.h"
#include "engine/environment_socket.h"
#include "tests/support/temp_directory.h"

namespace tseq::testing {

// The address a child of `server` would find in its environment.
inline EngineAddress AddressOf(const EnvironmentServer& server) {
  const auto pairs = server.ChildEnvironment();
  Result<EngineAddress> address = EngineAddressFromEnvironment([&pairs](const char* name) {
    for (const auto& [key, value] : pairs) {
      if (key == name) return value.c_str();
    }
    return static_cast<const char*>(nullptr);
  });
  REQUIRE(address.ok());
  return *address;
}

// A server on a fresh state folder, over a store holding one read-only and one plain variable.
struct ServerHarness {
  explicit ServerHarness(EnvironmentServerOptions options = {}) {
    SetOptions engine;
    engine.access = VariableAccess::kEngine;
    REQUIRE(variables.Set("_SMSTSLogPath", "/var/log/tseq/SMSTSLog", engine).ok());
    REQUIRE(variables.Set("OSDStateStorePath", "/var/lib/tseq/UserState").ok());
    Result<std::unique_ptr<EnvironmentServer>> started =
        EnvironmentServer::Start(temp.path(), variables, gate, options);
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  EnvironmentClient Client() const { return EnvironmentClient(AddressOf(*server)); }

  TempDirectory temp;
  VariableStore variables;
  EnvironmentGate gate;
  std::unique_ptr<EnvironmentServer> server;
};

// A connected socket that has sent nothing, like a stuck script.
inline FileDescriptor ConnectForTest(const std::string& path) {
  Result<UnixSocketAddress> address = UnixSocketAddress::For(path);
  REQUIRE(address.ok());
  FileDescriptor connection(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(::connect(connection.get(), address->get(), address->size()) == 0);
  const timeval limit{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(connection.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  return connection;
}

// Sends `bytes` as they are and returns everything the server sends back before it closes.
inline std::string RawExchange(const std::string& path, std::string_view bytes) {
  const FileDescriptor connection = ConnectForTest(path);
  // The server stops reading an oversized request, so a failing send is expected there.
  while (!bytes.empty()) {
    const ssize_t sent = ::send(connection.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) break;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  std::string reply;
  char buffer[4096];
  ssize_t count = 0;
  while ((count = ::recv(connection.get(), buffer, sizeof(buffer), 0)) > 0) {
    reply.append(buffer, static_cast<size_t>(count));
  }
  return reply;
}

}  // namespace tseq::testing
