#include "engine/environment_gate.h"

#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>

#include <doctest/doctest.h>

#include "engine/environment_test_support.h"
#include "platform/fake_process_runner.h"

namespace tseq {
namespace {

using testing::ServerHarness;

// A "child process" that runs a function in the runner's thread instead of starting anything.
class FunctionProcessRunner : public ProcessRunner {
 public:
  explicit FunctionProcessRunner(std::function<Result<ProcessOutcome>(const ProcessRequest&)> body)
      : body_(std::move(body)) {}
  Result<ProcessOutcome> Run(const ProcessRequest& request) override { return body_(request); }

 private:
  std::function<Result<ProcessOutcome>(const ProcessRequest&)> body_;
};

// Whether another thread could take the gate right now.
bool FreeForOthers(EnvironmentGate& gate) {
  return std::async(std::launch::async,
                    [&gate] {
                      if (!gate.try_lock()) return false;
                      gate.unlock();
                      return true;
                    })
      .get();
}

TEST_SUITE("EnvironmentGate") {
  TEST_CASE("try_lock_for gives up while another thread holds the gate" * doctest::timeout(10)) {
    EnvironmentGate gate;
    std::lock_guard<EnvironmentGate> hold(gate);
    const auto started = std::chrono::steady_clock::now();
    CHECK_FALSE(std::async(std::launch::async, [&gate] {
                  return gate.try_lock_for(std::chrono::milliseconds(100));
                }).get());
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(100));
    CHECK_FALSE(gate.try_lock());
  }

  TEST_CASE("a waiting thread gets the gate when the holder lets go" * doctest::timeout(10)) {
    EnvironmentGate gate;
    gate.lock();
    int written = 0;  // guarded by the gate
    std::future<int> waiter = std::async(std::launch::async, [&gate, &written] {
      std::lock_guard<EnvironmentGate> hold(gate);
      return written;
    });
    CHECK(waiter.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
    written = 42;
    gate.unlock();
    CHECK(waiter.get() == 42);
    CHECK(gate.try_lock_for(std::chrono::milliseconds(0)));
    gate.unlock();
  }
}

TEST_SUITE("GateReleasingProcessRunner") {
  TEST_CASE("lets a child's request in while the runner waits, and takes the gate back" *
            doctest::timeout(10)) {
    ServerHarness harness;
    const EnvironmentClient client = harness.Client();
    bool gate_was_free = false;
    FunctionProcessRunner child([&](const ProcessRequest&) -> Result<ProcessOutcome> {
      gate_was_free = FreeForOthers(harness.gate);
      // What `tseq var set Found yes` does from a script: without the release it would wait
      // for the gate until the server gave up.
      const Status set = client.Set("Found", "yes", Secrecy::kUnchanged);
      return ProcessOutcome{.exit_code = set.ok() ? 0 : 1};
    });
    GateReleasingProcessRunner runner(child, harness.gate);
    std::unique_lock<EnvironmentGate> hold(harness.gate);
    Result<ProcessOutcome> outcome = runner.Run({.arguments = {"script"}});
    REQUIRE(outcome.ok());
    CHECK(outcome->exit_code == 0);
    CHECK(gate_was_free);
    CHECK_FALSE(FreeForOthers(harness.gate));
    CHECK(harness.variables.Get("Found") == "yes");
  }

  TEST_CASE("takes the gate back when the inner runner throws" * doctest::timeout(10)) {
    EnvironmentGate gate;
    FunctionProcessRunner broken(
        [](const ProcessRequest&) -> Result<ProcessOutcome> { throw std::runtime_error("boom"); });
    GateReleasingProcessRunner runner(broken, gate);
    std::unique_lock<EnvironmentGate> hold(gate);
    CHECK_THROWS_AS(static_cast<void>(runner.Run({.arguments = {"x"}})), std::runtime_error);
    CHECK_FALSE(FreeForOthers(gate));
  }

  TEST_CASE("calls on_output with the gate held" * doctest::timeout(10)) {
    EnvironmentGate gate;
    FakeProcessRunner inner;
    inner.SetDefault({.exit_code = 0, .output = "some output"});
    GateReleasingProcessRunner runner(inner, gate);
    std::vector<bool> free_during_output;
    ProcessRequest request{.arguments = {"x"}};
    request.on_output = [&](std::string_view) {
      free_during_output.push_back(FreeForOthers(gate));
    };
    std::unique_lock<EnvironmentGate> hold(gate);
    REQUIRE(runner.Run(request).ok());
    CHECK(free_during_output == std::vector<bool>{false});
    CHECK_FALSE(FreeForOthers(gate));
  }

  TEST_CASE("passes the request and the outcome through unchanged" * doctest::timeout(10)) {
    EnvironmentGate gate;
    FakeProcessRunner inner;
    inner.When("tool", {.exit_code = 7, .output = "done"});
    inner.WhenFailsToStart("missing", NotFoundError("command not found: missing"));
    GateReleasingProcessRunner runner(inner, gate);
    std::unique_lock<EnvironmentGate> hold(gate);
    Result<ProcessOutcome> outcome =
        runner.Run({.arguments = {"tool", "a"}, .working_directory = "/w"});
    REQUIRE(outcome.ok());
    CHECK(outcome->exit_code == 7);
    CHECK(outcome->output == "done");
    CHECK(inner.calls().at(0).arguments == std::vector<std::string>{"tool", "a"});
    CHECK(inner.calls().at(0).working_directory == "/w");
    CHECK(runner.Run({.arguments = {"missing"}}).status().message() ==
          "command not found: missing");
  }
}

TEST_SUITE("EnvironmentAddingProcessRunner") {
  TEST_CASE("appends the engine's variables after the request's own") {
    FakeProcessRunner inner;
    EnvironmentAddingProcessRunner runner(
        inner, {{"TSEQ_ENGINE_SOCKET", "/state/engine.sock"}, {"TSEQ_ENGINE_TOKEN", "t"}});
    ProcessRequest request{.arguments = {"x"}};
    request.environment = {{"TSEQ_MACHINE_ROOT", "/m"}, {"TSEQ_ENGINE_TOKEN", "forged"}};
    REQUIRE(runner.Run(request).ok());
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    CHECK(inner.calls().at(0).environment == Pairs{{"TSEQ_MACHINE_ROOT", "/m"},
                                                   {"TSEQ_ENGINE_TOKEN", "forged"},
                                                   {"TSEQ_ENGINE_SOCKET", "/state/engine.sock"},
                                                   {"TSEQ_ENGINE_TOKEN", "t"}});
  }
}

}  // namespace
}  // namespace tseq
