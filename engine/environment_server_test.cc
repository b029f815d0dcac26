#include "engine/environment_server.h"

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <doctest/doctest.h>

#include "engine/environment_protocol.h"
#include "engine/environment_test_support.h"

namespace tseq {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kReadOnlyMessage = "variable '_SMSTSLogPath' is read-only";

using Harness = testing::ServerHarness;
using testing::AddressOf;

TEST_SUITE("EnvironmentServer") {
  TEST_CASE("get returns a value, and nothing for an unset variable" * doctest::timeout(10)) {
    Harness harness;
    const EnvironmentClient client = harness.Client();
    Result<std::optional<std::string>> value = client.Get("osdstatestorepath");
    REQUIRE(value.ok());
    CHECK(*value == std::optional<std::string>("/var/lib/tseq/UserState"));
    Result<std::optional<std::string>> unset = client.Get("NotThere");
    REQUIRE(unset.ok());
    CHECK_FALSE(unset->has_value());
  }

  TEST_CASE("set creates and changes variables as the runtime source" * doctest::timeout(10)) {
    Harness harness;
    const EnvironmentClient client = harness.Client();
    REQUIRE(client.Set("Found", "yes", Secrecy::kUnchanged).ok());
    REQUIRE(client.Set("OSDStateStorePath", "/mnt/store", Secrecy::kUnchanged).ok());
    CHECK(harness.variables.Get("Found") == "yes");
    CHECK(harness.variables.Find("Found")->source == VariableSource::kRuntime);
    CHECK(harness.variables.Get("OSDStateStorePath") == "/mnt/store");
    CHECK(client.Get("FOUND")->value() == "yes");
  }

  TEST_CASE("set to an empty value deletes the variable" * doctest::timeout(10)) {
    Harness harness;
    REQUIRE(harness.Client().Set("OSDStateStorePath", "", Secrecy::kUnchanged).ok());
    CHECK_FALSE(harness.variables.Contains("OSDStateStorePath"));
  }

  TEST_CASE("list returns every variable sorted by name" * doctest::timeout(10)) {
    Harness harness;
    Result<std::vector<ListedVariable>> listed = harness.Client().List();
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK(listed->at(0).name == "_SMSTSLogPath");
    CHECK(listed->at(0).value == "/var/log/tseq/SMSTSLog");
    CHECK(listed->at(1).name == "OSDStateStorePath");
    CHECK_FALSE(listed->at(1).secret);
  }

  TEST_CASE("a read-only name is refused with the store's message" * doctest::timeout(10)) {
    Harness harness;
    const EnvironmentClient client = harness.Client();
    const Status set = client.Set("_SMSTSLogPath", "x", Secrecy::kUnchanged);
    CHECK(set.message() == kReadOnlyMessage);
    const Status deleted = client.Set("_SMSTSLogPath", "", Secrecy::kUnchanged);
    CHECK(deleted.message() == kReadOnlyMessage);
    CHECK(harness.variables.Get("_SMSTSLogPath") == "/var/log/tseq/SMSTSLog");
  }

  TEST_CASE("an invalid name is refused for get and set" * doctest::timeout(10)) {
    Harness harness;
    const std::string expected =
        "invalid variable name 'a b': names are 1 to 256 letters, digits, '_' or '-', starting "
        "with a letter or '_'";
    CHECK(harness.Client().Get("a b").status().message() == expected);
    CHECK(harness.Client().Set("a b", "c", Secrecy::kUnchanged).message() == expected);
  }

  TEST_CASE("a secret set by a script is masked by list but given to get" * doctest::timeout(10)) {
    Harness harness;
    const EnvironmentClient client = harness.Client();
    REQUIRE(client.Set("ApiKey", "k3y-value", Secrecy::kSecret).ok());
    CHECK(harness.variables.IsSecret("ApiKey"));
    CHECK(client.Get("ApiKey")->value() == "k3y-value");
    Result<std::vector<ListedVariable>> listed = client.List();
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 3);
    CHECK(listed->at(1).name == "ApiKey");
    CHECK(listed->at(1).value == "********");
    CHECK(listed->at(1).secret);

    SUBCASE("and stays secret when set again without the secret flag") {
      REQUIRE(client.Set("ApiKey", "other", Secrecy::kUnchanged).ok());
      CHECK(harness.variables.IsSecret("ApiKey"));
      CHECK(client.List()->at(1).value == "********");
    }
  }

  TEST_CASE("a wrong token is refused and changes nothing" * doctest::timeout(10)) {
    Harness harness;
    EngineAddress address = AddressOf(*harness.server);
    CHECK(address.token.size() == 32);
    CHECK(address.token.find_first_not_of("0123456789abcdef") == std::string::npos);
    address.token[0] = address.token[0] == 'a' ? 'b' : 'a';
    const EnvironmentClient intruder(address);
    const Status set = intruder.Set("Found", "yes", Secrecy::kUnchanged);
    CHECK(set.code() == StatusCode::kPermissionDenied);
    CHECK(set.message() == "access denied");
    CHECK(intruder.List().status().message() == "access denied");
    CHECK_FALSE(harness.variables.Contains("Found"));
  }

  TEST_CASE("each server has its own token" * doctest::timeout(10)) {
    Harness first;
    Harness second;
    CHECK(AddressOf(*first.server).token != AddressOf(*second.server).token);
  }

  TEST_CASE("malformed requests get an error reply and the server keeps serving" *
            doctest::timeout(10)) {
    Harness harness;
    CHECK(testing::RawExchange(harness.server->socket_path(), "{not json\n") ==
          R"({"error":"malformed request: not a JSON object","ok":false})"
          "\n");
    CHECK(testing::RawExchange(harness.server->socket_path(),
                               std::string(kEngineMessageLimit + 10, 'x')) ==
          R"({"error":"request longer than 1048576 bytes","ok":false})"
          "\n");
    CHECK(harness.Client().Get("OSDStateStorePath").ok());
  }

  TEST_CASE("the request decoder explains each malformed request") {
    VariableStore variables;
    const auto answer = [&variables](const std::string& request) {
      return AnswerEnvironmentRequest(request, "t0k", variables);
    };
    CHECK(answer("[1, 2]") == R"({"error":"malformed request: not a JSON object","ok":false})");
    CHECK(answer(R"({"op": "list"})") == R"({"error":"access denied","ok":false})");
    CHECK(answer(R"({"token": 7, "op": "list"})") == R"({"error":"access denied","ok":false})");
    CHECK(answer(R"({"token": "t0k"})") ==
          R"({"error":"malformed request: 'op' must be a string","ok":false})");
    CHECK(answer(R"({"token": "t0k", "op": "drop"})") ==
          R"j({"error":"unknown operation 'drop' (expected get, set or list)","ok":false})j");
    CHECK(answer(R"({"token": "t0k", "op": "get"})") ==
          R"({"error":"malformed request: 'name' must be a string","ok":false})");
    CHECK(answer(R"({"token": "t0k", "op": "set", "name": "A", "value": 1})") ==
          R"({"error":"malformed request: 'value' must be a string","ok":false})");
    CHECK(answer(R"({"token": "t0k", "op": "set", "name": "A", "value": "b", "secret": "y"})") ==
          R"({"error":"malformed request: 'secret' must be true or false","ok":false})");
    CHECK(variables.size() == 0);
    CHECK(answer(R"({"token": "t0k", "op": "set", "name": "A", "value": "b"})") ==
          R"({"ok":true})");
    CHECK(answer(R"({"token": "t0k", "op": "get", "name": "a"})") ==
          R"({"ok":true,"secret":false,"value":"b"})");
    CHECK(answer(R"({"token": "t0k", "op": "get", "name": "Z"})") == R"({"ok":true,"value":null})");
  }

  TEST_CASE("MaskEngineToken hides every occurrence of the token") {
    CHECK(MaskEngineToken("TOKEN=abc1 abc1abc1", "abc1") == "TOKEN=******** ****************");
    CHECK(MaskEngineToken("nothing here", "abc1") == "nothing here");
    CHECK(MaskEngineToken("any text", "") == "any text");
  }

  TEST_CASE("a request waits while the runner holds the gate" * doctest::timeout(10)) {
    Harness harness;
    const EnvironmentClient client = harness.Client();
    harness.gate.lock();
    std::future<Status> request = std::async(
        std::launch::async, [&client] { return client.Set("A", "1", Secrecy::kUnchanged); });
    CHECK(request.wait_for(300ms) == std::future_status::timeout);
    CHECK_FALSE(harness.variables.Contains("A"));  // safe: this thread holds the gate
    harness.gate.unlock();
    CHECK(request.get().ok());
    std::lock_guard<EnvironmentGate> hold(harness.gate);
    CHECK(harness.variables.Get("A") == "1");
  }

  TEST_CASE("a request is told the engine is busy when the gate stays held" *
            doctest::timeout(10)) {
    Harness harness({.gate_timeout = 200ms});
    std::lock_guard<EnvironmentGate> hold(harness.gate);
    const Status set = harness.Client().Set("A", "1", Secrecy::kUnchanged);
    CHECK(set.message() == "the task sequence engine is busy; try again");
    CHECK_FALSE(harness.variables.Contains("A"));
  }

  TEST_CASE("concurrent requests are all answered while the runner comes and goes" *
            doctest::timeout(30)) {
    Harness harness;
    std::atomic<bool> done{false};
    std::thread runner([&harness, &done] {
      while (!done) {
        std::lock_guard<EnvironmentGate> hold(harness.gate);
        // The runner's own work: it must never see another thread mid-change.
        harness.variables.Set("RunnerTick", std::to_string(harness.variables.size())).ok();
        std::this_thread::sleep_for(1ms);
      }
    });
    std::vector<std::future<bool>> clients;
    for (int index = 0; index < 6; ++index) {
      clients.push_back(std::async(std::launch::async, [&harness, index] {
        const EnvironmentClient client = harness.Client();
        for (int round = 0; round < 15; ++round) {
          const std::string name = "V" + std::to_string(index) + "x" + std::to_string(round);
          if (!client.Set(name, std::to_string(round), Secrecy::kUnchanged).ok()) return false;
          Result<std::optional<std::string>> value = client.Get(name);
          if (!value.ok() || *value != std::optional<std::string>(std::to_string(round))) {
            return false;
          }
        }
        return client.List().ok();
      }));
    }
    for (std::future<bool>& client : clients) CHECK(client.get());
    done = true;
    runner.join();
    CHECK(harness.variables.size() == 2 + 1 + 6 * 15);
  }

  TEST_CASE("a silent client does not hold up the others beyond the connection timeout" *
            doctest::timeout(10)) {
    Harness harness({.connection_timeout = 300ms});
    const FileDescriptor stuck = testing::ConnectForTest(harness.server->socket_path());
    const auto started = std::chrono::steady_clock::now();
    CHECK(harness.Client().Get("OSDStateStorePath").ok());
    CHECK(std::chrono::steady_clock::now() - started < 3s);
  }
}

}  // namespace
}  // namespace tseq
