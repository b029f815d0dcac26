// End-to-end tests of `tseq var`: scripts started by a running sequence's steps read and set its
// variables (SPEC §4), as ConfigMgr scripts use TSEnvironment.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "platform/process_runner.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

namespace fs = std::filesystem;
using testing::ReadFileForTest;
using testing::TempDirectory;

struct VarInvocation {
  int exit_code = -1;
  std::string output;
};

// Runs the tseq binary with `environment` added to this process's environment.
VarInvocation RunTseq(const std::vector<std::string>& arguments,
                      std::vector<std::pair<std::string, std::string>> environment = {}) {
  std::unique_ptr<ProcessRunner> runner = NewSystemProcessRunner();
  ProcessRequest request;
  request.arguments = {TSEQ_BINARY};
  request.arguments.insert(request.arguments.end(), arguments.begin(), arguments.end());
  request.environment = std::move(environment);
  request.timeout = std::chrono::seconds(60);
  Result<ProcessOutcome> outcome = runner->Run(request);
  REQUIRE(outcome.ok());
  return {outcome->exit_code, outcome->output};
}

// A machine root and a sequence file whose steps may write `@TSEQ@` for the tseq binary's path.
struct Machine {
  explicit Machine(std::string yaml) {
    root = temp.MakeDirectory("machine");
    temp.MakeDirectory("machine/etc");
    constexpr std::string_view kPlaceholder = "@TSEQ@";
    for (size_t at = yaml.find(kPlaceholder); at != std::string::npos;
         at = yaml.find(kPlaceholder, at)) {
      yaml.replace(at, kPlaceholder.size(), TSEQ_BINARY);
    }
    sequence = temp.WriteFile("s.yaml", yaml);
  }
  VarInvocation Run() const { return RunTseq({"run", sequence, "--root", root}); }
  std::string Read(const std::string& relative) const {
    return ReadFileForTest(root + "/" + relative);
  }
  std::string Log() const { return Read("var/log/tseq/smsts.log"); }

  TempDirectory temp;
  std::string root;
  std::string sequence;
};

TEST_SUITE("tseq var end to end") {
  TEST_CASE("a step's script sets a variable that a later condition uses" * doctest::timeout(60)) {
    const Machine machine(
        "name: s\n"
        "variables:\n  OSDStateStorePath: /var/lib/tseq/UserState\n"
        "steps:\n"
        "  - name: Script\n    type: RunCommandLine\n"
        "    with: { commandLine: \"sh -c '@TSEQ@ var set Found yes; "
        "@TSEQ@ var get OSDStateStorePath > out.txt; "
        "@TSEQ@ var get NotSet > unset.txt; echo $? > unset-rc.txt'\" }\n"
        "  - name: Guarded\n    type: RunCommandLine\n"
        "    condition: { variable: Found, equals: yes }\n"
        "    with: { commandLine: 'touch guarded.txt' }\n"
        "  - name: Guarded by a command\n    type: RunCommandLine\n"
        "    condition: { command: '@TSEQ@ var get Found', exitCode: 0 }\n"
        "    with: { commandLine: 'touch command-guarded.txt' }\n"
        "  - name: Not run\n    type: RunCommandLine\n"
        "    condition: { command: '@TSEQ@ var get NotSet', exitCode: 0 }\n"
        "    with: { commandLine: 'touch not-run.txt' }\n");
    const VarInvocation run = machine.Run();
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(machine.Read("out.txt") == "/var/lib/tseq/UserState\n");
    CHECK(machine.Read("unset.txt").empty());
    CHECK(machine.Read("unset-rc.txt") == "1\n");
    CHECK(fs::exists(machine.root + "/guarded.txt"));
    CHECK(fs::exists(machine.root + "/command-guarded.txt"));
    CHECK_FALSE(fs::exists(machine.root + "/not-run.txt"));
    CHECK(machine.Log().find("variable Found equals 'yes' is true") != std::string::npos);
    CHECK_FALSE(fs::exists(machine.root + "/var/lib/tseq/engine.sock"));
  }

  TEST_CASE("a script cannot set a read-only variable" * doctest::timeout(60)) {
    const Machine machine(
        "name: s\nsteps:\n"
        "  - name: Script\n    type: RunCommandLine\n"
        "    with: { commandLine: \"sh -c '@TSEQ@ var set _SMSTSLogPath x 2> error.txt; "
        "echo $? > rc.txt; @TSEQ@ var get _SMSTSLogPath > log-path.txt'\" }\n");
    const VarInvocation run = machine.Run();
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(machine.Read("error.txt") == "tseq var: variable '_SMSTSLogPath' is read-only\n");
    CHECK(machine.Read("rc.txt") == "2\n");
    CHECK(machine.Read("log-path.txt") == machine.root + "/var/log/tseq/SMSTSLog\n");
  }

  TEST_CASE("a script's restart request ends the run for a restart" * doctest::timeout(60)) {
    const Machine machine(
        "name: s\nsteps:\n"
        "  - { name: Script, type: RunCommandLine, "
        "with: { commandLine: '@TSEQ@ var set SMSTSRebootRequested true' } }\n"
        "  - { name: After, type: RunCommandLine, with: { commandLine: 'touch after.txt' } }\n");
    const VarInvocation run = machine.Run();
    INFO(run.output);
    CHECK(run.exit_code == 3);
    CHECK_FALSE(fs::exists(machine.root + "/after.txt"));
    const VarInvocation resume = RunTseq({"resume", "--root", machine.root});
    CHECK(resume.exit_code == 0);
    CHECK(fs::exists(machine.root + "/after.txt"));
  }

  TEST_CASE("list masks secrets, get gives them, and neither they nor the token reach the log" *
            doctest::timeout(60)) {
    const Machine machine(
        "name: s\n"
        "variables:\n  AdminPassword: { value: 'S3cr3t-Pw', secret: true }\n"
        "steps:\n"
        "  - name: Script\n    type: RunCommandLine\n"
        "    with: { commandLine: \"sh -c '@TSEQ@ var list > list.txt; "
        "@TSEQ@ var get AdminPassword > password.txt; "
        "@TSEQ@ var set ScriptKey $(cat key-source.txt) --secret; "
        "printenv TSEQ_ENGINE_TOKEN > token.txt; @TSEQ@ var list; env'\" }\n"
        "  - name: Use the key\n    type: RunCommandLine\n"
        "    with: { commandLine: \"sh -c 'echo %ScriptKey% > key.txt'\" }\n");
    // The script computes the value, so it is not in the logged command line.
    machine.temp.WriteFile("machine/key-source.txt", "K3y-From-Script");
    const VarInvocation run = machine.Run();
    INFO(run.output);
    CHECK(run.exit_code == 0);
    const std::string listed = machine.Read("list.txt");
    CHECK(listed.find("AdminPassword=********\n") != std::string::npos);
    CHECK(listed.find("_SMSTSPackageName=s\n") != std::string::npos);
    CHECK(listed.find("S3cr3t-Pw") == std::string::npos);
    CHECK(machine.Read("password.txt") == "S3cr3t-Pw\n");
    CHECK(machine.Read("key.txt") == "K3y-From-Script\n");
    const std::string token = machine.Read("token.txt");
    REQUIRE(token.size() == 33);

    const std::string log = machine.Log();
    CHECK(log.find("ScriptKey=********") != std::string::npos);  // the second list's output
    CHECK(log.find("echo ******** > key.txt") != std::string::npos);
    CHECK(log.find("S3cr3t-Pw") == std::string::npos);
    CHECK(log.find("K3y-From-Script") == std::string::npos);
    CHECK(log.find("TSEQ_ENGINE_TOKEN=********") != std::string::npos);  // from `env`
    CHECK(log.find(token.substr(0, 32)) == std::string::npos);
  }

  TEST_CASE("outside a running sequence tseq var says so and exits 2" * doctest::timeout(60)) {
    const VarInvocation get = RunTseq({"var", "get", "OSDStateStorePath"},
                                      {{"TSEQ_ENGINE_SOCKET", ""}, {"TSEQ_ENGINE_TOKEN", ""}});
    CHECK(get.exit_code == 2);
    CHECK(get.output ==
          "tseq var: no task sequence is running here (TSEQ_ENGINE_SOCKET is not set); run this "
          "from a step of a running sequence\n");

    TempDirectory temp;
    const std::string gone = temp.Join("engine.sock");
    const VarInvocation set = RunTseq({"var", "set", "A", "b"},
                                      {{"TSEQ_ENGINE_SOCKET", gone}, {"TSEQ_ENGINE_TOKEN", "t"}});
    CHECK(set.exit_code == 2);
    CHECK(set.output == "tseq var: cannot reach the task sequence engine at '" + gone +
                            "': No such file or directory\n");
  }
}

}  // namespace
}  // namespace tseq
