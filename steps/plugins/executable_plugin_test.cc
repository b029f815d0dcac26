#include "steps/plugins/executable_plugin.h"

#include <filesystem>

#include <doctest/doctest.h>

#include "platform/fake_process_runner.h"
#include "steps/plugins/plugin_json.h"
#include "steps/plugins/plugin_test_support.h"

namespace tseq {
namespace {

using testing::PluginHarness;
using testing::ReadFileForTest;
using testing::Scalar;
using testing::TempDirectory;
using testing::WriteExecutable;

constexpr const char* kManifest = R"({
  "protocol": 1,
  "type": "Echo",
  "description": "Answers what its test asks.",
  "executable": "echo.sh",
  "properties": [
    {"name": "count", "type": "integer", "default": 2},
    {"name": "pin", "type": "string", "secret": true},
    {"name": "words", "type": "stringList"}
  ],
  "outputs": [{"variable": "EchoOut"}],
  "readsSecretVariables": ["Shared"]
})";

// A plugin folder in `harness.temp` with echo.sh answering `answer` (after saving its request
// as request.json and writing to stderr), and the Step loaded from its manifest.
std::unique_ptr<Step> MakeEcho(PluginHarness& harness, const std::string& answer,
                               const std::string& extra_script = "") {
  WriteExecutable(harness.temp, "plugins/echo.sh",
                  "#!/bin/sh\n"
                  "cat > \"$(dirname \"$0\")/request.json\"\n"
                  "echo \"args: $*\" >&2\n" +
                      extra_script + "cat <<'ANSWER'\n" + answer + "\nANSWER\n");
  const std::string manifest = harness.temp.WriteFile("plugins/echo.step.json", kManifest);
  Result<std::unique_ptr<Step>> step = LoadExecutablePlugin(manifest, *harness.filesystem);
  REQUIRE(step.ok());
  return std::move(step).value();
}

std::string ManifestError(const std::string& manifest, bool executable = true) {
  TempDirectory temp;
  if (executable) WriteExecutable(temp, "echo.sh", "#!/bin/sh\n");
  const std::string path = temp.WriteFile("x.step.json", manifest);
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  Result<std::unique_ptr<Step>> step = LoadExecutablePlugin(path, *filesystem);
  REQUIRE_FALSE(step.ok());
  std::string message = step.status().message();
  const size_t at = message.find(temp.path());
  if (at != std::string::npos) message.replace(at, temp.path().size(), "TEMP");
  return message;
}

TEST_SUITE("LoadExecutablePlugin") {
  TEST_CASE("reads the manifest into a plugin step") {
    PluginHarness harness;
    const std::unique_ptr<Step> step = MakeEcho(harness, "{}");
    const StepSchema& schema = step->schema();
    CHECK(schema.type == "Echo");
    CHECK(schema.category == "plugin");
    CHECK(schema.description == "Answers what its test asks.");
    REQUIRE(schema.properties.size() == 3);
    CHECK(schema.properties[1].secret);
    REQUIRE(schema.outputs.size() == 1);
    CHECK(schema.outputs[0].variable == "EchoOut");
  }

  TEST_CASE("says what is wrong with a manifest") {
    CHECK(ManifestError("{\"type\": \"X\",\n \"executable\": }") ==
          "not valid JSON at line 2, column 16");
    CHECK(ManifestError("[]") == "the manifest must be a JSON object");
    CHECK(ManifestError(R"({"type": "X", "executable": "echo.sh", "output": []})") ==
          "unknown key 'output' (did you mean 'outputs'?)");
    CHECK(ManifestError(R"({"executable": "echo.sh"})") == "'type' is missing");
    CHECK(ManifestError(R"({"type": "Run Me", "executable": "echo.sh"})") ==
          "step type 'Run Me' is not a valid name (1 to 100 letters and digits, starting "
          "with a letter)");
    CHECK(ManifestError(R"({"type": "X"})") == "'executable' is missing");
    CHECK(ManifestError(R"({"type": "X", "executable": "gone"})") ==
          "executable 'TEMP/gone' does not exist");
    CHECK(ManifestError(R"({"type": "X", "executable": "echo.sh", "protocol": 2})") ==
          "protocol 2 is not supported (this tseq speaks protocol 1)");
    CHECK(
        ManifestError(R"({"type": "X", "executable": "echo.sh", "properties": [{"name": "a"}]})") ==
        "property 'a': 'type' is missing");
    CHECK(ManifestError(R"({"type": "X", "executable": "echo.sh", "readsSecretVariables": [1]})") ==
          "'readsSecretVariables' items must be variable names");
  }

  TEST_CASE("refuses an executable that is not executable or writable by everyone") {
    TempDirectory temp;
    std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const std::string program = temp.WriteFile("p.sh", "#!/bin/sh\n");
    const std::string manifest =
        temp.WriteFile("p.step.json", R"({"type": "P", "executable": "p.sh"})");
    CHECK(LoadExecutablePlugin(manifest, *filesystem).status().message() ==
          "executable '" + program + "' is not executable (chmod +x)");
    std::filesystem::permissions(program, std::filesystem::perms(0777));
    CHECK(LoadExecutablePlugin(manifest, *filesystem).status().message() ==
          "executable '" + program + "' is writable by every user; refusing to run it (chmod o-w)");
    std::filesystem::permissions(program, std::filesystem::perms(0755));
    CHECK(LoadExecutablePlugin(manifest, *filesystem).ok());
  }
}

TEST_SUITE("ExecutableStep") {
  TEST_CASE("sends the request on stdin and applies the answer") {
    PluginHarness harness;
    const std::unique_ptr<Step> step =
        MakeEcho(harness, R"({"exitCode": 0, "variables": {"EchoOut": "yes", "EchoKey": "k-42"},)"
                          R"( "secretVariables": ["EchoKey"],)"
                          R"( "log": [{"type": "warning", "message": "key k-42, pin 9876"}]})");
    REQUIRE(harness.variables.Set("Plain", "p").ok());
    REQUIRE(harness.variables.Set("Hidden", "h1dden", {.secrecy = Secrecy::kSecret}).ok());
    REQUIRE(harness.variables.Set("Shared", "sh4red", {.secrecy = Secrecy::kSecret}).ok());
    const StepResult result =
        harness.Run(*step, {{"pin", Scalar("9876")}, {"words", Scalar("a b")}});
    CHECK(result.succeeded);
    CHECK(result.exit_code == 0);
    CHECK(harness.variables.Get("EchoOut") == "yes");
    CHECK(harness.variables.IsSecret("EchoKey"));

    const std::string plugins = harness.temp.Join("plugins");
    Result<nlohmann::ordered_json> request = ParseJson(ReadFileForTest(plugins + "/request.json"));
    REQUIRE(request.ok());
    CHECK(request->dump() ==
          nlohmann::ordered_json::parse(
              R"({"protocol": 1, "step": {"name": "Test step", "type": "Echo"},)"
              R"( "machineRoot": ")" +
              harness.root.directory() +
              R"(", "properties": {"count": 2, "pin": "9876", "words": ["a", "b"]},)"
              R"( "secretProperties": ["pin"],)"
              R"( "variables": {"Plain": "p", "Shared": "sh4red"},)"
              R"( "secretVariables": ["Shared"]})")
              .dump());
    CHECK(harness.log.All() == "info: Executing plugin: " + plugins + "/echo.sh run\n" +
                                   "info: Plugin error output:\nargs: run\n\n"
                                   "info: Process completed with exit code 0\n"
                                   "info: Set variable EchoOut=yes\n"
                                   "info: Set variable EchoKey=********\n"
                                   "warning: key ********, pin ********\n");
  }

  TEST_CASE("exit code 3010 requests a restart; another fails with the plugin's message") {
    PluginHarness harness;
    std::unique_ptr<Step> step = MakeEcho(harness, R"({"exitCode": 3010})");
    StepResult result = harness.Run(*step);
    CHECK(result.succeeded);
    CHECK(result.reboot_requested);

    step = MakeEcho(harness, R"({"exitCode": 4, "message": "no room", "variables": {"A": "1"}})");
    result = harness.Run(*step);
    CHECK_FALSE(result.succeeded);
    CHECK(result.exit_code == 4);
    CHECK(result.message == "no room");
    CHECK(harness.variables.Get("A") == "1");
  }

  TEST_CASE("a bad answer fails the step with a message naming the plugin") {
    PluginHarness harness;
    const std::string name = "plugin Echo (" + harness.temp.Join("plugins/echo.sh") + ")";
    std::unique_ptr<Step> step = MakeEcho(harness, "done!");
    CHECK(harness.Run(*step).message ==
          name + " did not answer with valid JSON: not valid JSON at line 1, column 1");
    step = MakeEcho(harness, "");
    CHECK(harness.Run(*step).message == name + " gave no answer on its standard output");
    step = MakeEcho(harness, R"({"exitCode": 0, "variables": {"_SMSTSLogPath": "/x"}})");
    const StepResult refused = harness.Run(*step);
    CHECK_FALSE(refused.succeeded);
    CHECK(refused.message == "variable '_SMSTSLogPath' is read-only");
  }

  TEST_CASE("a program exiting non-zero fails the step and sets nothing") {
    PluginHarness harness;
    const std::unique_ptr<Step> step =
        MakeEcho(harness, R"({"exitCode": 0, "variables": {"A": "1"}, "message": "gave up"})", "");
    WriteExecutable(harness.temp, "plugins/echo.sh",
                    "#!/bin/sh\necho '{\"exitCode\": 0, \"variables\": {\"A\": \"1\"}, "
                    "\"message\": \"gave up\"}'\nexit 3\n");
    const StepResult result = harness.Run(*step);
    CHECK_FALSE(result.succeeded);
    CHECK(result.exit_code == 3);
    CHECK(result.message ==
          "plugin Echo (" + harness.temp.Join("plugins/echo.sh") + ") exited with code 3: gave up");
    CHECK_FALSE(harness.variables.Contains("A"));
  }

  TEST_CASE("the step's timeout stops the plugin" * doctest::timeout(30)) {
    PluginHarness harness;
    const std::unique_ptr<Step> step = MakeEcho(harness, R"({"exitCode": 0})", "sleep 20\n");
    harness.node.timeout = std::chrono::milliseconds(300);
    const StepResult result = harness.Run(*step);
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "plugin Echo (" + harness.temp.Join("plugins/echo.sh") +
                                ") did not finish within 300ms and was stopped");
  }

  TEST_CASE("runs through the ProcessRunner with the step's timeout, in the machine root") {
    FakeProcessRunner processes;
    processes.When("/bin/sh", {.exit_code = 0, .output = R"({"exitCode": 0})"});
    PluginHarness harness(&processes);
    const std::unique_ptr<Step> step = MakeEcho(harness, "");
    harness.node.timeout = std::chrono::seconds(5);
    CHECK(harness.Run(*step).succeeded);
    const std::vector<ProcessRequest> calls = processes.calls();
    REQUIRE(calls.size() == 1);
    const ProcessRequest& request = calls[0];
    REQUIRE(request.arguments.size() == 5);
    CHECK(request.arguments[0] == "/bin/sh");
    CHECK(request.arguments[1] == "-c");
    CHECK(request.arguments[2] == "exec \"$0\" run 2>\"$1\"");
    CHECK(request.arguments[3] == harness.temp.Join("plugins/echo.sh"));
    CHECK(request.timeout == std::chrono::milliseconds(5000));
    CHECK(request.working_directory == harness.root.directory());
    CHECK(request.environment == std::vector<std::pair<std::string, std::string>>{
                                     {"TSEQ_MACHINE_ROOT", harness.root.directory()}});
    CHECK(request.standard_input.starts_with(R"({"protocol":1,)"));
    // The file for the plugin's stderr is gone once the step is done.
    CHECK_FALSE(std::filesystem::exists(request.arguments[4]));
  }

  TEST_CASE("a plugin that cannot start fails the step") {
    FakeProcessRunner processes;
    processes.WhenFailsToStart("/bin/sh", NotFoundError("command not found: /bin/sh"));
    PluginHarness harness(&processes);
    const std::unique_ptr<Step> step = MakeEcho(harness, "");
    const StepResult result = harness.Run(*step);
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "cannot start plugin Echo (" + harness.temp.Join("plugins/echo.sh") +
                                "): command not found: /bin/sh");
  }
}

}  // namespace
}  // namespace tseq
