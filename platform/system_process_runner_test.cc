#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/process_runner.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

ProcessRequest Shell(std::string script) {
  ProcessRequest request;
  request.arguments = {"sh", "-c", std::move(script)};
  return request;
}

ProcessOutcome RunOk(const ProcessRequest& request) {
  Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
  REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
  return std::move(outcome).value();
}

// True when this process has no children left, not even zombies.
bool NoChildrenLeft() { return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD; }

// Makes this process the parent of orphaned descendants while it lives. Killed grandchildren
// then become zombies here, where the test can reap them at once, instead of under init, which
// may take a second or more to collect them, during which kill(-group, 0) still finds them.
class SubreaperScope {
 public:
  SubreaperScope() { REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }
  ~SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  SubreaperScope(const SubreaperScope&) = delete;
  SubreaperScope& operator=(const SubreaperScope&) = delete;
};

// True once no process of `group` exists, reaping orphans (see SubreaperScope) as they die.
// A member still running after a second means the group was not killed.
bool GroupIsGone(pid_t group) {
  const auto deadline = steady_clock::now() + milliseconds(1000);
  while (steady_clock::now() < deadline) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (::kill(-group, 0) != 0 && errno == ESRCH) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return false;
}

pid_t FirstLineAsPid(const std::string& output) {
  return static_cast<pid_t>(std::stol(output.substr(0, output.find('\n'))));
}

TEST_SUITE("SystemProcessRunner") {
  TEST_CASE("returns the exit code and combined output in order" * doctest::timeout(10)) {
    const ProcessOutcome outcome = RunOk(Shell("echo out; echo err >&2; echo again; exit 3"));
    CHECK(outcome.exit_code == 3);
    CHECK_FALSE(outcome.timed_out);
    CHECK(outcome.output == "out\nerr\nagain\n");
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("reports death by signal N as exit code 128+N" * doctest::timeout(10)) {
    const ProcessOutcome outcome = RunOk(Shell("kill -TERM $$"));
    CHECK(outcome.exit_code == 128 + SIGTERM);
    CHECK_FALSE(outcome.timed_out);
  }

  TEST_CASE("reports a missing program as NotFound" * doctest::timeout(10)) {
    ProcessRequest request;
    request.arguments = {"tseq-no-such-program-anywhere", "x"};
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    CHECK(outcome.status().code() == StatusCode::kNotFound);
    CHECK(outcome.status().message() == "command not found: tseq-no-such-program-anywhere");
    request.arguments = {"/nonexistent/tool"};
    CHECK(NewSystemProcessRunner()->Run(request).status().message() ==
          "command not found: /nonexistent/tool");
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("reports a file without execute permission as PermissionDenied" *
            doctest::timeout(10)) {
    testing::TempDirectory temp;
    const std::string script = temp.WriteFile("script.sh", "#!/bin/sh\necho hi\n");
    ProcessRequest request;
    request.arguments = {script};
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    CHECK(outcome.status().code() == StatusCode::kPermissionDenied);
    CHECK(outcome.status().message() == "cannot execute '" + script + "': Permission denied");
  }

  TEST_CASE("reports a file the kernel cannot execute and reaps the failed child" *
            doctest::timeout(10)) {
    testing::TempDirectory temp;
    const std::string garbage = temp.WriteFile("garbage", std::string("\x01\x02\x03\x04", 4));
    REQUIRE(::chmod(garbage.c_str(), 0755) == 0);
    ProcessRequest request;
    request.arguments = {garbage};
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    CHECK(outcome.status().code() == StatusCode::kIoError);
    CHECK(outcome.status().message() == "cannot start '" + garbage + "': Exec format error");
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("rejects a request without arguments" * doctest::timeout(10)) {
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(ProcessRequest());
    CHECK(outcome.status().code() == StatusCode::kInvalidArgument);
    CHECK(outcome.status().message() == "no program to run");
  }

  TEST_CASE("passes the arguments verbatim, argv[0] and empty ones included" *
            doctest::timeout(10)) {
    ProcessRequest request;
    request.arguments = {"sh", "-c", "printf '[%s]' \"$0\" \"$@\"", "zero", "", "a b", "'\"$x"};
    CHECK(RunOk(request).output == "[zero][][a b]['\"$x]");
    // The program sees the name it was asked for, not the path it was found at.
    CHECK(RunOk(Shell("tr '\\0' ' ' < /proc/$$/cmdline")).output.starts_with("sh -c "));
  }

  TEST_CASE("feeds standard input, then closes it" * doctest::timeout(10)) {
    ProcessRequest request;
    request.arguments = {"cat"};
    request.standard_input = "line 1\nline 2";
    CHECK(RunOk(request).output == "line 1\nline 2");
  }

  TEST_CASE("gives /dev/null as standard input when there is none" * doctest::timeout(10)) {
    const ProcessOutcome outcome = RunOk(Shell("cat; wc -c < /dev/stdin; echo done"));
    CHECK(outcome.output == "0\ndone\n");
  }

  TEST_CASE("moves a megabyte each way without deadlock" * doctest::timeout(10)) {
    std::string input(1024 * 1024, 'x');
    for (size_t i = 0; i < input.size(); i += 4096) input[i] = '\n';
    ProcessRequest request;
    request.arguments = {"cat"};
    request.standard_input = input;
    request.output_limit = 2 * 1024 * 1024;
    size_t streamed = 0;
    request.on_output = [&streamed](std::string_view chunk) { streamed += chunk.size(); };
    const ProcessOutcome outcome = RunOk(request);
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.output == input);
    CHECK(streamed == input.size());
  }

  TEST_CASE("survives a child that exits without reading its input" * doctest::timeout(10)) {
    ProcessRequest request = Shell("exit 4");
    request.standard_input = std::string(1024 * 1024, 'y');
    CHECK(RunOk(request).exit_code == 4);
  }

  TEST_CASE("keeps only the last output_limit bytes but streams them all" * doctest::timeout(10)) {
    ProcessRequest request = Shell("printf 0123456789");
    request.output_limit = 4;
    std::string streamed;
    request.on_output = [&streamed](std::string_view chunk) { streamed += chunk; };
    CHECK(RunOk(request).output == "6789");
    CHECK(streamed == "0123456789");
  }

  TEST_CASE("keeps the tail of a megabyte of output" * doctest::timeout(10)) {
    ProcessRequest request = Shell("head -c 1048576 /dev/zero; printf END");
    request.output_limit = 1000;
    const ProcessOutcome outcome = RunOk(request);
    CHECK(outcome.output.size() == 1000);
    CHECK(outcome.output.ends_with(std::string(997, '\0') + "END"));
  }

  TEST_CASE("runs in the working directory" * doctest::timeout(10)) {
    testing::TempDirectory temp;
    temp.WriteFile("marker", "");
    ProcessRequest request = Shell("pwd -P; ls");
    request.working_directory = temp.path();
    CHECK(RunOk(request).output == std::filesystem::canonical(temp.path()).string() + "\nmarker\n");
  }

  TEST_CASE("reports a missing working directory" * doctest::timeout(10)) {
    testing::TempDirectory temp;
    ProcessRequest request = Shell("true");
    request.working_directory = temp.Join("gone");
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    CHECK(outcome.status().code() == StatusCode::kNotFound);
    CHECK(outcome.status().message() ==
          "cannot use working directory '" + temp.Join("gone") + "': No such file or directory");
    request.working_directory = temp.WriteFile("file", "");
    CHECK(NewSystemProcessRunner()->Run(request).status().message() ==
          "cannot use working directory '" + temp.Join("file") + "': Not a directory");
  }

  TEST_CASE("adds environment overrides to the inherited environment" * doctest::timeout(10)) {
    REQUIRE(::setenv("TSEQ_TEST_INHERITED", "from parent", 1) == 0);
    REQUIRE(::setenv("TSEQ_TEST_REPLACED", "old", 1) == 0);
    ProcessRequest request = Shell(
        "printf '%s|%s|%s' \"$TSEQ_TEST_INHERITED\" "
        "\"$TSEQ_TEST_REPLACED\" \"$TSEQ_TEST_ADDED\"");
    request.environment = {{"TSEQ_TEST_REPLACED", "new"}, {"TSEQ_TEST_ADDED", "a=b c"}};
    const ProcessOutcome outcome = RunOk(request);
    ::unsetenv("TSEQ_TEST_INHERITED");
    ::unsetenv("TSEQ_TEST_REPLACED");
    CHECK(outcome.output == "from parent|new|a=b c");
  }

  TEST_CASE("looks the program up in an overridden PATH" * doctest::timeout(10)) {
    testing::TempDirectory temp;
    const std::string tool = temp.WriteFile("bin/tseq-test-tool", "#!/bin/sh\necho \"tool $1\"\n");
    REQUIRE(::chmod(tool.c_str(), 0755) == 0);
    ProcessRequest request;
    request.arguments = {"tseq-test-tool", "ran"};
    request.environment = {{"PATH", temp.Join("bin") + ":/usr/bin:/bin"}};
    CHECK(RunOk(request).output == "tool ran\n");
  }

  TEST_CASE("starts the child in its own process group" * doctest::timeout(10)) {
    const ProcessOutcome outcome = RunOk(Shell("echo $$; cut -d' ' -f5 /proc/$$/stat"));
    const pid_t pid = FirstLineAsPid(outcome.output);
    CHECK(outcome.output == std::to_string(pid) + "\n" + std::to_string(pid) + "\n");
    CHECK(pid != ::getpgrp());
  }

  TEST_CASE("measures the elapsed time" * doctest::timeout(10)) {
    const ProcessOutcome outcome = RunOk(Shell("sleep 0.2"));
    CHECK(outcome.elapsed >= milliseconds(200));
    CHECK(outcome.elapsed < milliseconds(1500));
  }

  TEST_CASE("kills a command that runs past its timeout" * doctest::timeout(10)) {
    ProcessRequest request = Shell("echo started; sleep 5");
    request.timeout = milliseconds(100);
    const auto start = steady_clock::now();
    const ProcessOutcome outcome = RunOk(request);
    CHECK(steady_clock::now() - start < milliseconds(1000));
    CHECK(outcome.timed_out);
    CHECK(outcome.exit_code == 128 + SIGKILL);
    CHECK(outcome.output == "started\n");
    CHECK(outcome.elapsed >= milliseconds(100));
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("kills everything the timed-out command started" * doctest::timeout(10)) {
    SubreaperScope subreaper;
    ProcessRequest request = Shell("echo $$; sleep 100 & sleep 100");
    request.timeout = milliseconds(100);
    const auto start = steady_clock::now();
    const ProcessOutcome outcome = RunOk(request);
    CHECK(steady_clock::now() - start < milliseconds(1000));
    CHECK(outcome.timed_out);
    CHECK(GroupIsGone(FirstLineAsPid(outcome.output)));
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("does not time out a command that finishes in time" * doctest::timeout(10)) {
    ProcessRequest request = Shell("exit 7");
    request.timeout = milliseconds(5000);
    const ProcessOutcome outcome = RunOk(request);
    CHECK_FALSE(outcome.timed_out);
    CHECK(outcome.exit_code == 7);
  }

  TEST_CASE("waits for a child that closes its output but keeps running" * doctest::timeout(10)) {
    const ProcessOutcome outcome = RunOk(Shell("echo bye; exec >&- 2>&-; sleep 0.3; exit 5"));
    CHECK(outcome.exit_code == 5);
    CHECK(outcome.output == "bye\n");
    CHECK(outcome.elapsed >= milliseconds(300));
  }

  TEST_CASE("times out a child that closed its output" * doctest::timeout(10)) {
    ProcessRequest request = Shell("exec >&- 2>&-; sleep 5");
    request.timeout = milliseconds(100);
    const auto start = steady_clock::now();
    const ProcessOutcome outcome = RunOk(request);
    CHECK(steady_clock::now() - start < milliseconds(1000));
    CHECK(outcome.timed_out);
    CHECK(outcome.exit_code == 128 + SIGKILL);
  }

  TEST_CASE("returns when the child exits even if a background process holds the output" *
            doctest::timeout(10)) {
    SubreaperScope subreaper;
    const auto start = steady_clock::now();
    const ProcessOutcome outcome = RunOk(Shell("echo $$; sleep 3 & echo started"));
    CHECK(steady_clock::now() - start < milliseconds(1000));
    CHECK(outcome.exit_code == 0);
    const pid_t group = FirstLineAsPid(outcome.output);
    CHECK(outcome.output == std::to_string(group) + "\nstarted\n");
    // Background processes of a command that finished are its business; clean up after the test.
    ::kill(-group, SIGKILL);
    CHECK(GroupIsGone(group));
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("kills and reaps the child when on_output throws" * doctest::timeout(10)) {
    ProcessRequest request = Shell("echo x; sleep 5");
    request.on_output = [](std::string_view) { throw std::runtime_error("log sink broke"); };
    const auto start = steady_clock::now();
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    CHECK(steady_clock::now() - start < milliseconds(1000));
    CHECK(outcome.status().code() == StatusCode::kInternal);
    CHECK(outcome.status().message() == "running 'sh' failed: log sink broke");
    CHECK(NoChildrenLeft());
  }

  TEST_CASE("lets the child inherit no descriptors beyond 0, 1 and 2" * doctest::timeout(10)) {
    const int low = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
    REQUIRE(low > 2);
    const int high = ::dup2(low, 200);
    REQUIRE(high == 200);
    // `test` is a shell builtin, so /proc/self is the child itself.
    const std::string script = "for fd in 0 1 2 " + std::to_string(low) +
                               " 200; do test -e /proc/self/fd/$fd && printf '%s ' $fd; done";
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(Shell(script));
    ::close(low);
    ::close(high);
    REQUIRE(outcome.ok());
    CHECK(outcome->output == "0 1 2 ");
  }

  TEST_CASE("works when the caller's standard input is closed" * doctest::timeout(10)) {
    const int saved = ::dup(0);
    REQUIRE(saved > 2);
    ::close(0);
    const Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(Shell("cat && echo ok"));
    REQUIRE(::dup2(saved, 0) == 0);
    ::close(saved);
    REQUIRE(outcome.ok());
    CHECK(outcome->output == "ok\n");
  }

  TEST_CASE("resets ignored signals for the child" * doctest::timeout(10)) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous {};
    REQUIRE(::sigaction(SIGTERM, &ignore, &previous) == 0);
    const Result<ProcessOutcome> outcome =
        NewSystemProcessRunner()->Run(Shell("kill -TERM $$; sleep 1; exit 0"));
    ::sigaction(SIGTERM, &previous, nullptr);
    REQUIRE(outcome.ok());
    CHECK(outcome->exit_code == 128 + SIGTERM);
  }
}

}  // namespace
}  // namespace tseq
