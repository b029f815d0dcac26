// EnvironmentServer start-up and shut-down, and how the client finds (or fails to find) it.
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/environment_protocol.h"
#include "engine/environment_test_support.h"

namespace tseq {
namespace {

using namespace std::chrono_literals;
using testing::AddressOf;
using testing::ServerHarness;
using testing::TempDirectory;

// Leaves a socket file at `path` with nobody listening, as an engine that crashed does.
void MakeDeadSocket(const std::string& path) {
  Result<UnixSocketAddress> address = UnixSocketAddress::For(path);
  REQUIRE(address.ok());
  FileDescriptor socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(::bind(socket.get(), address->get(), address->size()) == 0);
}

mode_t ModeOf(const std::string& path) {
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_mode;
}

const char* NoVariables(const char* /*name*/) { return nullptr; }

TEST_SUITE("EnvironmentServer") {
  TEST_CASE("listens on engine.sock in the state folder, readable by its owner only" *
            doctest::timeout(10)) {
    // bind() would give the socket 0777 minus the umask; the server must not depend on it.
    const mode_t previous = ::umask(0);
    ServerHarness harness;
    ::umask(previous);
    CHECK(harness.server->socket_path() == harness.temp.Join("engine.sock"));
    CHECK(S_ISSOCK(ModeOf(harness.server->socket_path())));
    CHECK((ModeOf(harness.server->socket_path()) & 07777) == 0600);
  }

  TEST_CASE("gives children the socket path and the token" * doctest::timeout(10)) {
    ServerHarness harness;
    const auto pairs = harness.server->ChildEnvironment();
    REQUIRE(pairs.size() == 2);
    CHECK(pairs[0].first == "TSEQ_ENGINE_SOCKET");
    CHECK(pairs[0].second == harness.server->socket_path());
    CHECK(pairs[1].first == "TSEQ_ENGINE_TOKEN");
    CHECK(pairs[1].second.size() == 32);
  }

  TEST_CASE("replaces the socket file left by an engine that died" * doctest::timeout(10)) {
    TempDirectory temp;
    MakeDeadSocket(temp.Join("engine.sock"));
    VariableStore variables;
    EnvironmentGate gate;
    Result<std::unique_ptr<EnvironmentServer>> server =
        EnvironmentServer::Start(temp.path(), variables, gate);
    REQUIRE(server.ok());
    CHECK(EnvironmentClient(AddressOf(**server)).Set("A", "b", Secrecy::kUnchanged).ok());
    CHECK(variables.Get("A") == "b");
  }

  TEST_CASE("does not take over the socket of an engine that is running" * doctest::timeout(10)) {
    ServerHarness running;
    VariableStore variables;
    EnvironmentGate gate;
    Result<std::unique_ptr<EnvironmentServer>> second =
        EnvironmentServer::Start(running.temp.path(), variables, gate);
    CHECK(second.status().code() == StatusCode::kAlreadyExists);
    CHECK(second.status().message() ==
          "another engine is listening on '" + running.temp.Join("engine.sock") + "'");
    CHECK(running.Client().Get("OSDStateStorePath").ok());
  }

  TEST_CASE("refuses to remove a file that is not a socket" * doctest::timeout(10)) {
    TempDirectory temp;
    const std::string path = temp.WriteFile("engine.sock", "precious");
    VariableStore variables;
    EnvironmentGate gate;
    Result<std::unique_ptr<EnvironmentServer>> server =
        EnvironmentServer::Start(temp.path(), variables, gate);
    CHECK(server.status().message() == "'" + path + "' exists and is not a socket");
    CHECK(testing::ReadFileForTest(path) == "precious");
  }

  TEST_CASE("fails with the OS's reason when the state folder is missing" * doctest::timeout(10)) {
    TempDirectory temp;
    VariableStore variables;
    EnvironmentGate gate;
    Result<std::unique_ptr<EnvironmentServer>> server =
        EnvironmentServer::Start(temp.Join("missing"), variables, gate);
    CHECK(server.status().message() == "cannot create the socket '" +
                                           temp.Join("missing/engine.sock") +
                                           "': No such file or directory");
  }

  TEST_CASE("works in a state folder whose path is too long for a socket address" *
            doctest::timeout(10)) {
    TempDirectory temp;
    const std::string deep = temp.MakeDirectory(std::string(70, 'd') + "/" + std::string(70, 'e'));
    REQUIRE(deep.size() + std::string("/engine.sock").size() > 108);
    VariableStore variables;
    EnvironmentGate gate;
    Result<std::unique_ptr<EnvironmentServer>> server =
        EnvironmentServer::Start(deep, variables, gate);
    REQUIRE(server.ok());
    CHECK(S_ISSOCK(ModeOf(deep + "/engine.sock")));
    CHECK(EnvironmentClient(AddressOf(**server)).Set("Deep", "yes", Secrecy::kUnchanged).ok());
    CHECK(variables.Get("Deep") == "yes");
    (*server)->Stop();
    CHECK_FALSE(std::filesystem::exists(deep + "/engine.sock"));
  }

  TEST_CASE("stop removes the socket file, and clients then say the engine is unreachable" *
            doctest::timeout(10)) {
    ServerHarness harness;
    const EnvironmentClient client = harness.Client();
    const std::string path = harness.server->socket_path();
    harness.server->Stop();
    harness.server->Stop();  // idempotent
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(client.List().status().message() ==
          "cannot reach the task sequence engine at '" + path + "': No such file or directory");
  }

  TEST_CASE("stop leaves alone a socket file that replaced its own" * doctest::timeout(10)) {
    ServerHarness harness;
    const std::string path = harness.server->socket_path();
    REQUIRE(::unlink(path.c_str()) == 0);
    MakeDeadSocket(path);
    harness.server->Stop();
    CHECK(std::filesystem::exists(path));
  }

  TEST_CASE("stop returns promptly while a client is connected but silent" * doctest::timeout(10)) {
    ServerHarness harness;  // connection timeout 5s
    const FileDescriptor stuck = testing::ConnectForTest(harness.server->socket_path());
    std::this_thread::sleep_for(50ms);  // let the server start reading it
    const auto started = std::chrono::steady_clock::now();
    harness.server->Stop();
    CHECK(std::chrono::steady_clock::now() - started < 2s);
  }

  TEST_CASE("stop returns promptly while a request waits for the gate the caller holds" *
            doctest::timeout(10)) {
    ServerHarness harness;
    const EnvironmentClient client = harness.Client();
    std::unique_lock<EnvironmentGate> hold(harness.gate);
    std::future<Status> request = std::async(
        std::launch::async, [&client] { return client.Set("A", "1", Secrecy::kUnchanged); });
    CHECK(request.wait_for(200ms) == std::future_status::timeout);
    const auto started = std::chrono::steady_clock::now();
    harness.server->Stop();
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(request.get().message() == "the task sequence engine closed the connection");
    CHECK_FALSE(harness.variables.Contains("A"));
  }
}

TEST_SUITE("EnvironmentClient") {
  TEST_CASE("without the engine's variables says no sequence is running here") {
    Result<EngineAddress> address = EngineAddressFromEnvironment(NoVariables);
    CHECK(address.status().code() == StatusCode::kFailedPrecondition);
    CHECK(address.status().message() ==
          "no task sequence is running here (TSEQ_ENGINE_SOCKET is not set); run this from a "
          "step of a running sequence");
  }

  TEST_CASE("without the token names the token variable") {
    Result<EngineAddress> address = EngineAddressFromEnvironment([](const char* name) {
      return std::string_view(name) == kEngineSocketVariable ? "/run/engine.sock" : "";
    });
    CHECK(address.status().message() ==
          "no task sequence is running here (TSEQ_ENGINE_TOKEN is not set); run this from a "
          "step of a running sequence");
  }

  TEST_CASE("times out on an engine that never answers" * doctest::timeout(10)) {
    TempDirectory temp;
    const std::string path = temp.Join("engine.sock");
    Result<UnixSocketAddress> address = UnixSocketAddress::For(path);
    REQUIRE(address.ok());
    // A listening socket that nobody accepts on: the request is queued and never answered.
    FileDescriptor listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(::bind(listener.get(), address->get(), address->size()) == 0);
    REQUIRE(::listen(listener.get(), 4) == 0);
    const EnvironmentClient client({path, "token"}, {.timeout = 300ms});
    CHECK(client.Get("A").status().message() ==
          "the task sequence engine did not answer within 300ms");
  }

  TEST_CASE("rejects a reply that is not the protocol's" * doctest::timeout(10)) {
    TempDirectory temp;
    const std::string path = temp.Join("engine.sock");
    Result<UnixSocketAddress> address = UnixSocketAddress::For(path);
    REQUIRE(address.ok());
    FileDescriptor listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(::bind(listener.get(), address->get(), address->size()) == 0);
    REQUIRE(::listen(listener.get(), 4) == 0);
    std::future<void> fake_engine = std::async(std::launch::async, [&listener] {
      const FileDescriptor connection(::accept(listener.get(), nullptr, nullptr));
      char buffer[512];
      (void)::recv(connection.get(), buffer, sizeof(buffer), 0);
      const std::string_view reply = "{\"ok\": \"yes\"}\n";
      (void)::send(connection.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
    });
    const EnvironmentClient client({path, "token"});
    CHECK(client.Get("A").status().message() == "the task sequence engine sent a malformed reply");
    fake_engine.get();
  }
}

}  // namespace
}  // namespace tseq
