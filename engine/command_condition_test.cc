#include <doctest/doctest.h>

#include "engine/condition_evaluator.h"
#include "engine/condition_test_support.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using testing::CommandCondition;
using testing::ConditionFixture;
using testing::Utc;

ProcessOutcome ExitCode(int code) {
  ProcessOutcome outcome;
  outcome.exit_code = code;
  return outcome;
}

TEST_SUITE("EvaluateCondition: command leaves") {
  TEST_CASE("the leaf is true when the command exits with the expected code") {
    ConditionFixture fixture;
    fixture.process_runner.When("test", ExitCode(1));
    fixture.process_runner.When("grep", ExitCode(3));
    CHECK(fixture.Explain(CommandCondition("test -d /home")) ==
          "command 'test -d /home' exit code 0 is false (exit code 1)");
    CHECK(fixture.Explain(CommandCondition("test -d /home", 1)) ==
          "command 'test -d /home' exit code 1 is true (exit code 1)");
    CHECK(fixture.Evaluate(CommandCondition("grep -q x '/etc/my file'", 3)).result);
    CHECK(fixture.Evaluate(CommandCondition("true")).result);  // the fake's default: exit 0
  }

  TEST_CASE("the command runs split, in the machine root, with its root and a timeout") {
    ConditionFixture fixture;
    CHECK(fixture.Evaluate(CommandCondition("grep -q \"Debian GNU\" etc/os-release")).result);
    const std::vector<ProcessRequest> calls = fixture.process_runner.calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].arguments ==
          std::vector<std::string>{"grep", "-q", "Debian GNU", "etc/os-release"});
    CHECK(calls[0].working_directory == "/machine");
    CHECK(calls[0].environment ==
          std::vector<std::pair<std::string, std::string>>{{"TSEQ_MACHINE_ROOT", "/machine"}});
    CHECK(calls[0].timeout == std::chrono::milliseconds(60000));
  }

  TEST_CASE("the command line is expanded, and secrets are masked in the explanation") {
    ConditionFixture fixture;
    fixture.Set("Server", "smp01");
    fixture.Set("SmpPassword", "hunter2");
    fixture.process_runner.When("smpctl", ExitCode(2));
    const ConditionOutcome outcome =
        fixture.Evaluate(CommandCondition("smpctl ping %Server% --password %SmpPassword%"));
    CHECK(outcome.explanation ==
          "command 'smpctl ping smp01 --password ********' exit code 0 is false (exit code 2)");
    CHECK(outcome.trace.at(0).text == outcome.explanation);
    CHECK(fixture.process_runner.calls().at(0).arguments ==
          std::vector<std::string>{"smpctl", "ping", "smp01", "--password", "hunter2"});
  }

  TEST_CASE("a command that cannot start makes the leaf false with the reason") {
    ConditionFixture fixture;
    fixture.process_runner.WhenFailsToStart("no-such-tool",
                                            NotFoundError("command not found: no-such-tool"));
    CHECK(fixture.Explain(CommandCondition("no-such-tool --check", 127)) ==
          "command 'no-such-tool --check' exit code 127 is false (cannot start: command not "
          "found: no-such-tool)");
    fixture.Set("ToolPassword", "/opt/s3cret-tool");
    fixture.process_runner.WhenFailsToStart("/opt/s3cret-tool",
                                            NotFoundError("command not found: /opt/s3cret-tool"));
    CHECK(fixture.Explain(CommandCondition("%ToolPassword%")) ==
          "command '********' exit code 0 is false (cannot start: command not found: ********)");
  }

  TEST_CASE("a command line that cannot be split runs nothing") {
    ConditionFixture fixture;
    fixture.Set("Quote", "'");
    CHECK(fixture.Explain(CommandCondition("echo %Quote%")) ==
          "command 'echo '' exit code 0 is false (unterminated single quote in command line at "
          "character 6)");
    CHECK(fixture.process_runner.calls().empty());
  }

  TEST_CASE("a command that times out is false") {
    ConditionFixture fixture;
    ProcessOutcome slow = ExitCode(137);
    slow.timed_out = true;
    fixture.process_runner.When("sleep", slow);
    CHECK(fixture.Explain(CommandCondition("sleep 600", 137)) ==
          "command 'sleep 600' exit code 137 is false (timed out after 1m)");
  }

  TEST_CASE("with the system runner, a real process decides in the machine root") {
    ::tseq::testing::TempDirectory temp;
    temp.WriteFile("root/etc/marker", "x");
    std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const MachineRoot machine_root(temp.Join("root"), *filesystem);
    std::unique_ptr<ProcessRunner> runner = NewSystemProcessRunner();
    VariableStore variables;
    const FakeClock clock(Utc(2026, 3, 1));
    const ConditionEnvironment environment{variables, machine_root, *runner, clock};
    CHECK(EvaluateCondition(CommandCondition("sh -c 'exit 3'", 3), environment).explanation ==
          "command 'sh -c 'exit 3'' exit code 3 is true (exit code 3)");
    CHECK_FALSE(EvaluateCondition(CommandCondition("sh -c 'exit 3'", 0), environment).result);
    CHECK(EvaluateCondition(
              CommandCondition(
                  "sh -c 'test -f etc/marker && test -f \"$TSEQ_MACHINE_ROOT/etc/marker\"'"),
              environment)
              .result);
    const ConditionOutcome missing =
        EvaluateCondition(CommandCondition("tseq-no-such-program-xyz"), environment);
    CHECK_FALSE(missing.result);
    CHECK(missing.explanation ==
          "command 'tseq-no-such-program-xyz' exit code 0 is false (cannot start: command not "
          "found: tseq-no-such-program-xyz)");
  }
}

}  // namespace
}  // namespace tseq
