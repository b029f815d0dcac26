#include "platform/fake_process_runner.h"

#include <string>

#include <doctest/doctest.h>

namespace tseq {
namespace {

ProcessRequest Request(std::vector<std::string> arguments) {
  ProcessRequest request;
  request.arguments = std::move(arguments);
  return request;
}

TEST_SUITE("FakeProcessRunner") {
  TEST_CASE("checks run_as against its users as the real runner checks the system's") {
    FakeProcessRunner runner;
    ProcessRequest request = Request({"id"});
    request.run_as = "alice";
    CHECK(runner.Run(request).status().message() == "runAs: no user 'alice' on this system");
    runner.AddUser("alice");
    CHECK(runner.Run(request).ok());
    runner.SetCaller("bob");
    CHECK(runner.Run(request).status().message() == "runAs 'alice' needs tseq to run as root");
    request.run_as = "bob";
    CHECK(runner.Run(request).ok());
    REQUIRE(runner.calls().size() == 4);
    CHECK(runner.calls().back().run_as == "bob");
  }

  TEST_CASE("answers with exit code 0 and no output by default") {
    FakeProcessRunner runner;
    const Result<ProcessOutcome> outcome = runner.Run(Request({"anything"}));
    REQUIRE(outcome.ok());
    CHECK(outcome->exit_code == 0);
    CHECK(outcome->output.empty());
    CHECK_FALSE(outcome->timed_out);
  }

  TEST_CASE("answers from the first rule naming the program") {
    FakeProcessRunner runner;
    runner.When("scanstate", ProcessOutcome{.exit_code = 3, .output = "first"});
    runner.When("scanstate", ProcessOutcome{.exit_code = 4, .output = "second"});
    runner.When("loadstate", ProcessOutcome{.exit_code = 5});
    const Result<ProcessOutcome> scan = runner.Run(Request({"scanstate", "/o"}));
    CHECK(scan->exit_code == 3);
    CHECK(scan->output == "first");
    CHECK(runner.Run(Request({"loadstate"}))->exit_code == 5);
    // The whole name must match.
    CHECK(runner.Run(Request({"/usr/bin/scanstate"}))->exit_code == 0);
  }

  TEST_CASE("SetDefault changes the answer for unnamed programs") {
    FakeProcessRunner runner;
    runner.SetDefault(ProcessOutcome{.exit_code = 1, .timed_out = true});
    const Result<ProcessOutcome> outcome = runner.Run(Request({"x"}));
    CHECK(outcome->exit_code == 1);
    CHECK(outcome->timed_out);
    CHECK(runner.Run(Request({}))->exit_code == 1);
  }

  TEST_CASE("WhenFailsToStart makes Run fail with the status") {
    FakeProcessRunner runner;
    runner.WhenFailsToStart("missing", NotFoundError("command not found: missing"));
    const Result<ProcessOutcome> outcome = runner.Run(Request({"missing"}));
    CHECK(outcome.status().code() == StatusCode::kNotFound);
    CHECK(outcome.status().message() == "command not found: missing");
  }

  TEST_CASE("records every request in order") {
    FakeProcessRunner runner;
    ProcessRequest first = Request({"a", "1"});
    first.working_directory = "/work";
    first.environment = {{"K", "V"}};
    first.timeout = std::chrono::milliseconds(90'000);
    first.standard_input = "in";
    (void)runner.Run(first);
    (void)runner.Run(Request({"b"}));
    const std::vector<ProcessRequest> calls = runner.calls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].arguments == std::vector<std::string>{"a", "1"});
    CHECK(calls[0].working_directory == "/work");
    CHECK(calls[0].environment == std::vector<std::pair<std::string, std::string>>{{"K", "V"}});
    CHECK(calls[0].timeout == std::chrono::milliseconds(90'000));
    CHECK(calls[0].standard_input == "in");
    CHECK(calls[1].arguments == std::vector<std::string>{"b"});
  }

  TEST_CASE("streams the canned output and keeps its tail like the real runner") {
    FakeProcessRunner runner;
    runner.When("tool", ProcessOutcome{.output = "0123456789"});
    ProcessRequest request = Request({"tool"});
    request.output_limit = 3;
    std::string streamed;
    request.on_output = [&runner, &streamed](std::string_view chunk) {
      streamed += chunk;
      // Calling back into the runner from the callback must not deadlock.
      CHECK(runner.calls().size() == 1);
    };
    CHECK(runner.Run(request)->output == "789");
    CHECK(streamed == "0123456789");
  }
}

}  // namespace
}  // namespace tseq
