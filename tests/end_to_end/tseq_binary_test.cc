// End-to-end tests of the tseq program on machine roots in temporary directories.
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/process_runner.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

namespace fs = std::filesystem;
using testing::ReadFileForTest;
using testing::TempDirectory;

struct Invocation {
  int exit_code = -1;
  std::string output;
};

Invocation Tseq(const std::vector<std::string>& arguments) {
  std::unique_ptr<ProcessRunner> runner = NewSystemProcessRunner();
  ProcessRequest request;
  request.arguments = {TSEQ_BINARY};
  request.arguments.insert(request.arguments.end(), arguments.begin(), arguments.end());
  request.timeout = std::chrono::seconds(60);
  Result<ProcessOutcome> outcome = runner->Run(request);
  REQUIRE(outcome.ok());
  return {outcome->exit_code, outcome->output};
}

// Every file under `root` with its size, mode, mtime and content, for before/after comparison.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const auto status = entry.symlink_status();
    std::string description = std::to_string(static_cast<int>(status.type())) + " " +
                              std::to_string(static_cast<int>(status.permissions())) + " " +
                              std::to_string(entry.last_write_time().time_since_epoch().count());
    if (entry.is_regular_file()) description += " " + ReadFileForTest(entry.path());
    entries[entry.path().string()] = description;
  }
  return entries;
}

std::string MakeMachine(const TempDirectory& temp) {
  temp.WriteFile("machine/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  temp.WriteFile("machine/etc/hostname", "pc01.example.org\n");
  temp.MakeDirectory("machine/home/alice");
  return temp.Join("machine");
}

// Every file the run left under `root`, concatenated, to search for a secret.
std::string AllText(const std::string& root) {
  std::string text;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) text += ReadFileForTest(entry.path());
  }
  return text;
}

TEST_SUITE("tseq end to end") {
  TEST_CASE("plan changes nothing on the machine root" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string sequence = temp.WriteFile(
        "s.yaml",
        "name: s\nsteps:\n"
        "  - { name: Write, type: RunCommandLine, with: { commandLine: 'touch created' } }\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - name: Guarded\n    type: SetVariable\n"
        "    condition: { command: \"test -d home\", exitCode: 0 }\n"
        "    with: { name: X, value: y }\n");
    const auto before = Snapshot(machine);
    const Invocation plan = Tseq({"plan", sequence, "--root", machine});
    CHECK(plan.exit_code == 0);
    CHECK(plan.output.find("restart") != std::string::npos);
    const Invocation json = Tseq({"plan", sequence, "--root", machine, "--json"});
    CHECK(json.exit_code == 0);
    CHECK(Snapshot(machine) == before);
  }

  TEST_CASE("run, restart, resume, with secrets nowhere on disk" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string sequence = temp.WriteFile(
        "s.yaml",
        "name: s\nvariables:\n  Token: { value: 'T0k3n-XYZ', secret: true }\nsteps:\n"
        "  - name: Use the token\n    type: RunCommandLine\n"
        "    with: { commandLine: \"sh -c 'echo using %Token% > first.txt'\" }\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - { name: Second, type: RunCommandLine, with: { commandLine: 'touch second.txt' } }\n");
    Invocation run = Tseq({"run", sequence, "--root", machine});
    CHECK(run.exit_code == 3);
    CHECK(fs::exists(machine + "/var/lib/tseq/state.json"));
    // The step itself was given the real value; only the engine's own files must not hold it.
    CHECK(ReadFileForTest(machine + "/first.txt") == "using T0k3n-XYZ\n");
    fs::remove(machine + "/first.txt");
    CHECK(AllText(machine).find("T0k3n-XYZ") == std::string::npos);

    SUBCASE("a new run is refused while one is interrupted") {
      const Invocation again = Tseq({"run", sequence, "--root", machine});
      CHECK(again.exit_code == 4);
      CHECK(again.output.find("run `tseq resume` to finish it") != std::string::npos);
    }
    const Invocation resume = Tseq({"resume", "--root", machine});
    CHECK(resume.exit_code == 0);
    CHECK(fs::exists(machine + "/second.txt"));
    CHECK_FALSE(fs::exists(machine + "/var/lib/tseq/state.json"));
    const std::string log = ReadFileForTest(machine + "/var/log/tseq/smsts.log");
    CHECK(log.find("initiated a reboot request") != std::string::npos);
    CHECK(log.find("echo using ******** > first.txt") != std::string::npos);
    CHECK(AllText(machine).find("T0k3n-XYZ") == std::string::npos);
  }

  TEST_CASE("exit codes: 1 for a failed sequence, 2 for an invalid one" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string failing = temp.WriteFile(
        "fail.yaml",
        "name: f\nsteps:\n  - { name: F, type: RunCommandLine, with: { commandLine: 'false' } }\n");
    CHECK(Tseq({"run", failing, "--root", machine}).exit_code == 1);
    const std::string invalid =
        temp.WriteFile("bad.yaml", "name: b\nsteps:\n  - { name: F, type: Nope }\n");
    const Invocation bad = Tseq({"run", invalid, "--root", machine});
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("bad.yaml:3:22: error: unknown step type 'Nope'") != std::string::npos);
    CHECK(Tseq({"resume", "--root", machine}).exit_code == 2);
  }

  TEST_CASE("a second engine on the same machine exits 4" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string slow = temp.WriteFile("slow.yaml",
                                            "name: s\nsteps:\n  - { name: Wait, type: "
                                            "RunCommandLine, with: { commandLine: 'sleep 3' } }\n");
    std::thread first([&] { CHECK(Tseq({"run", slow, "--root", machine}).exit_code == 0); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!fs::exists(machine + "/var/lib/tseq/state.json") &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const Invocation second = Tseq({"run", slow, "--root", machine});
    CHECK(second.exit_code == 4);
    CHECK(second.output.find("another task sequence is running on this machine") !=
          std::string::npos);
    first.join();
  }

  TEST_CASE("a restart inside a child sequence resumes inside it, from the sealed copies" *
            doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string main = temp.WriteFile(
        "seq/main.yaml",
        "name: Parent\nsteps:\n"
        "  - { name: Before, type: RunCommandLine, with: { commandLine: \"sh -c 'echo before >> "
        "runs.txt'\" } }\n"
        "  - { name: Agent, type: RunSequence, with: { path: lib/agent.yaml } }\n"
        "  - { name: After, type: RunCommandLine, with: { commandLine: \"sh -c 'echo after "
        "%AgentVersion% >> runs.txt'\" } }\n");
    temp.WriteFile("seq/lib/agent.yaml",
                   "name: Agent\nvariables: { AgentVersion: '4.2' }\nsteps:\n"
                   "  - { name: One, type: RunCommandLine, with: { commandLine: \"sh -c 'echo "
                   "child one >> runs.txt'\" } }\n"
                   "  - { name: Restart, type: RestartComputer }\n"
                   "  - { name: Two, type: RunCommandLine, with: { commandLine: \"sh -c 'echo "
                   "child two >> runs.txt'\" } }\n");
    const Invocation run = Tseq({"run", main, "--root", machine});
    CHECK(run.exit_code == 3);
    CHECK(ReadFileForTest(machine + "/runs.txt") == "before\nchild one\n");

    // As after a reimage: the files are gone or different; the resume must not read them.
    fs::remove(temp.Join("seq/lib/agent.yaml"));
    temp.WriteFile("seq/main.yaml", "not: a sequence\n");
    const Invocation resume = Tseq({"resume", "--root", machine});
    INFO(resume.output);
    CHECK(resume.exit_code == 0);
    CHECK(resume.output.find("resuming 'Parent' at instruction 4") != std::string::npos);
    CHECK(ReadFileForTest(machine + "/runs.txt") == "before\nchild one\nchild two\nafter 4.2\n");
    const std::string log = ReadFileForTest(machine + "/var/log/tseq/smsts.log");
    CHECK(log.find("The child sequence 'Agent' (" + temp.Join("seq/lib/agent.yaml") +
                   ") of the action (Agent) has been successfully started") != std::string::npos);
    CHECK(log.find("Instruction name: 'Two'. Pointer: 4. Type: 'RunCommandLine'") !=
          std::string::npos);
  }

  TEST_CASE("--log-max-size and --log-history bound the running log, and resume keeps them" *
            doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    std::string yaml = "name: Chatty\nsteps:\n";
    for (int part = 0; part < 3; ++part) {
      for (int step = 0; step < 15; ++step) {
        yaml += "  - { name: Set " + std::to_string(part) + "." + std::to_string(step) +
                ", type: SetVariable, with: { name: X, value: '" + std::to_string(step) + "' } }\n";
      }
      if (part < 2)
        yaml += "  - { name: Restart " + std::to_string(part) + ", type: RestartComputer }\n";
    }
    const std::string sequence = temp.WriteFile("chatty.yaml", yaml);
    const std::string running = machine + "/var/log/tseq/SMSTSLog";
    const auto check_running_log = [&running] {
      int history = 0;
      for (const auto& entry : fs::directory_iterator(running)) {
        const std::string name = entry.path().filename().string();
        if (name != "smsts.log") {
          CHECK(name.starts_with("smsts-"));
          ++history;
        }
        CHECK(fs::file_size(entry.path()) <= 4096);
      }
      CHECK(history == 2);
    };
    CHECK(Tseq({"run", sequence, "--root", machine, "--log-max-size", "4K", "--log-history", "2"})
              .exit_code == 3);
    check_running_log();
    // No options on resume: the run's settings come from the state.
    CHECK(Tseq({"resume", "--root", machine}).exit_code == 3);
    check_running_log();
    CHECK(Tseq({"resume", "--root", machine}).exit_code == 0);
    CHECK_FALSE(fs::exists(running + "/smsts.log"));
    const std::string log = ReadFileForTest(machine + "/var/log/tseq/smsts.log");
    CHECK(log.find("Execution engine result code: Success (0)") != std::string::npos);
  }

  TEST_CASE("runAs runs a command as another user of the running system" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const passwd* me = getpwuid(geteuid());
    REQUIRE(me != nullptr);
    // As root the second command runs as nobody; the folders must let nobody in.
    fs::permissions(temp.path(), fs::perms(0755));
    fs::permissions(machine, fs::perms(0755));
    const std::string other = geteuid() == 0 ? "nobody" : me->pw_name;
    const std::string sequence = temp.WriteFile(
        "as.yaml",
        "name: As\nsteps:\n"
        "  - { name: Me, type: RunCommandLine, with: { commandLine: 'id -u', runAs: " +
            std::string(me->pw_name) +
            ", outputVariable: MyId } }\n"
            "  - { name: Other, type: RunCommandLine, with: { commandLine: 'id -un', runAs: " +
            other +
            ", outputVariable: OtherName } }\n"
            "  - { name: Ghost, type: RunCommandLine, continueOnError: true,\n"
            "      with: { commandLine: 'true', runAs: no-such-user-tseq } }\n"
            // The outputs end in a newline, which splits them into arguments of their own.
            "  - { name: Save, type: RunCommandLine, with: { commandLine: \"sh -c 'echo $1 $2 > "
            "ids.txt' sh %MyId% %OtherName%\" } }\n");
    const Invocation run = Tseq({"run", sequence, "--root", machine});
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(ReadFileForTest(machine + "/ids.txt") == std::to_string(geteuid()) + " " + other + "\n");
    const std::string log = ReadFileForTest(machine + "/var/log/tseq/smsts.log");
    CHECK(log.find("The command runs as user '" + other + "'") != std::string::npos);
    CHECK(log.find("Failed to run the action: Ghost. runAs: no user 'no-such-user-tseq' on this "
                   "system") != std::string::npos);
  }

  TEST_CASE("kill -9 during a step, then resume re-runs that step" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string sequence = temp.WriteFile(
        "crash.yaml",
        "name: c\nsteps:\n"
        "  - { name: One, type: RunCommandLine, with: { commandLine: \"sh -c 'echo 1 >> "
        "runs.txt'\" } }\n"
        "  - name: Slow\n    type: RunCommandLine\n"
        "    with: { commandLine: \"sh -c 'echo 2 >> runs.txt; until test -e done; do sleep 0.05; "
        "done'\" }\n"
        "  - { name: Three, type: RunCommandLine, with: { commandLine: \"sh -c 'echo 3 >> "
        "runs.txt'\" } }\n");
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl(TSEQ_BINARY, TSEQ_BINARY, "run", sequence.c_str(), "--root", machine.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (fs::exists(machine + "/runs.txt") && ReadFileForTest(machine + "/runs.txt") == "1\n2\n") {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    // The killed engine's step keeps waiting for this file; creating it lets that orphan end.
    temp.WriteFile("machine/done", "");
    const Invocation resume = Tseq({"resume", "--root", machine});
    CHECK(resume.exit_code == 0);
    CHECK(ReadFileForTest(machine + "/runs.txt") == "1\n2\n2\n3\n");
  }
}

}  // namespace
}  // namespace tseq
