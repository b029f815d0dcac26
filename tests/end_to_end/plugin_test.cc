// End-to-end tests of step plugins: the example plugins of examples/plugins (built by CMake into
// TSEQ_EXAMPLE_PLUGIN_DIR) through the tseq program: steps, schema, check and run.
#include <filesystem>

#include <doctest/doctest.h>

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

Invocation Tseq(const std::vector<std::string>& arguments,
                std::vector<std::pair<std::string, std::string>> environment = {}) {
  std::unique_ptr<ProcessRunner> runner = NewSystemProcessRunner();
  ProcessRequest request;
  request.arguments = {TSEQ_BINARY};
  request.arguments.insert(request.arguments.end(), arguments.begin(), arguments.end());
  // The plugin path must not come from the test's environment; a test may still set it.
  request.environment = {{"TSEQ_PLUGIN_PATH", ""}};
  request.environment.insert(request.environment.end(), environment.begin(), environment.end());
  request.timeout = std::chrono::seconds(60);
  Result<ProcessOutcome> outcome = runner->Run(request);
  REQUIRE(outcome.ok());
  return {outcome->exit_code, outcome->output};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of `text` that starts with `word` and a space, with runs of spaces collapsed (the
// columns of `tseq steps` depend on the longest type name).
std::string LineFor(const std::string& text, const std::string& word) {
  size_t start = text.starts_with(word + " ") ? 0 : text.find("\n" + word + " ");
  if (start == std::string::npos) return "";
  if (start > 0) ++start;
  const std::string line = text.substr(start, text.find('\n', start) - start);
  std::string collapsed;
  for (const char character : line) {
    if (character != ' ' || !collapsed.ends_with(' ')) collapsed += character;
  }
  return collapsed;
}

std::string MakeMachine(const TempDirectory& temp) {
  temp.WriteFile("machine/etc/hostname", "pc01\n");
  return temp.Join("machine");
}

// A private copy of the example plugin folder, to add broken plugins to.
std::string CopyExamplePlugins(const TempDirectory& temp) {
  const std::string directory = temp.MakeDirectory("plugins");
  for (const auto& entry : fs::directory_iterator(TSEQ_EXAMPLE_PLUGIN_DIR)) {
    fs::copy(entry.path(), directory + "/" + entry.path().filename().string());
  }
  return directory;
}

const std::string kExamples = TSEQ_EXAMPLE_PLUGIN_DIR;

TEST_SUITE("tseq with plugins") {
  TEST_CASE("steps lists both example plugins, and describes each" * doctest::timeout(60)) {
    const Invocation list = Tseq({"--plugin-dir", kExamples, "steps"});
    CHECK(list.exit_code == 0);
    CHECK(LineFor(list.output, "DiskReport") ==
          "DiskReport plugin Reports the free space of a machine path and can require a minimum "
          "(an example plugin).");
    CHECK(LineFor(list.output, "WriteMessageFile") ==
          "WriteMessageFile plugin Writes a message to a file on the machine (an example "
          "plugin).");
    CHECK(LineFor(list.output, "RunCommandLine").starts_with("RunCommandLine core "));

    // One folder per --plugin-dir: the type after it is not taken for a second folder.
    const Invocation disk = Tseq({"steps", "--plugin-dir", kExamples, "DiskReport"});
    CHECK(disk.exit_code == 0);
    CHECK(Contains(disk.output, "DiskReport (plugin): Reports the free space"));
    CHECK(Contains(disk.output,
                   "minimumFreeMegabytes: integer (0..), default 0, variable "
                   "DiskReportMinimumFreeMegabytes"));
    CHECK(Contains(disk.output, "DiskReportFreeMegabytes: Megabytes free for users."));

    const Invocation hello = Tseq({"--plugin-dir", kExamples, "steps", "WriteMessageFile"});
    CHECK(hello.exit_code == 0);
    CHECK(Contains(hello.output, "message: string, default required"));
    CHECK(Contains(hello.output, "MessageFileSize: The bytes written."));
  }

  TEST_CASE("without the plugin folder the plugin steps are unknown" * doctest::timeout(60)) {
    CHECK_FALSE(Contains(Tseq({"steps"}).output, "DiskReport"));
    const Invocation check = Tseq({"check", TSEQ_EXAMPLES_DIR "/plugins/plugins.yaml"});
    CHECK(check.exit_code == 2);
    CHECK(Contains(check.output, "unknown step type 'DiskReport'"));
  }

  TEST_CASE("TSEQ_PLUGIN_PATH is searched too" * doctest::timeout(60)) {
    const Invocation list =
        Tseq({"steps"}, {{"TSEQ_PLUGIN_PATH", "/nonexistent-tseq-plugins:" + kExamples}});
    CHECK(list.exit_code == 0);
    CHECK(Contains(list.output, "DiskReport"));
    CHECK(Contains(list.output,
                   "tseq: warning: plugin directory '/nonexistent-tseq-plugins' (from "
                   "TSEQ_PLUGIN_PATH) does not exist"));
  }

  TEST_CASE("schema includes the plugin steps' properties" * doctest::timeout(60)) {
    const Invocation schema = Tseq({"schema", "--plugin-dir", kExamples});
    CHECK(schema.exit_code == 0);
    CHECK(Contains(schema.output, "\"DiskReport\""));
    CHECK(Contains(schema.output, "\"minimumFreeMegabytes\""));
    CHECK(Contains(schema.output, "\"WriteMessageFile\""));
  }

  TEST_CASE("check validates plugin steps' properties against their schema" *
            doctest::timeout(60)) {
    TempDirectory temp;
    CHECK(Tseq({"check", TSEQ_EXAMPLES_DIR "/plugins/plugins.yaml", "--plugin-dir", kExamples})
              .exit_code == 0);
    const std::string bad = temp.WriteFile(
        "bad.yaml",
        "name: bad\nsteps:\n"
        "  - { name: Disk, type: DiskReport, with: { minimumFreeMegabytes: -5, pth: / } }\n"
        "  - { name: Write, type: WriteMessageFile, with: { path: /x } }\n");
    const Invocation check = Tseq({"check", bad, "--plugin-dir", kExamples});
    CHECK(check.exit_code == 2);
    CHECK(check.output ==
          bad +
              ":3:67: error: property 'minimumFreeMegabytes' must be a whole number of at least "
              "0, not '-5'\n" +
              bad +
              ":3:71: error: step type DiskReport has no property 'pth' (did you mean "
              "'path'?)\n" +
              bad +
              ":4:5: error: step 'Write' (WriteMessageFile) is missing required property "
              "'message'\n" +
              bad + ": invalid (3 error(s), 0 warning(s))\n");
  }

  TEST_CASE("run uses both example plugins on a machine root" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const Invocation run = Tseq({"run", TSEQ_EXAMPLES_DIR "/plugins/plugins.yaml", "--plugin-dir",
                                 kExamples, "--root", machine});
    CHECK(run.exit_code == 0);
    const std::string report = ReadFileForTest(machine + "/disk-report.txt");
    CHECK(report.starts_with("Hello from a plugin: "));
    CHECK(Contains(report, " MB free ("));
    CHECK(report.ends_with("% used)\n"));
    const std::string log = ReadFileForTest(machine + "/var/log/tseq/smsts.log");
    CHECK(Contains(log, "Executing plugin: " + kExamples + "/disk_report run"));
    CHECK(Contains(log, "Disk report for /: "));
    CHECK(Contains(log, "Set variable DiskReportFreeMegabytes="));
    CHECK(Contains(log, "Running plugin step WriteMessageFile of hello_plugin 1.0 (" + kExamples +
                            "/hello_plugin.so)"));
    CHECK(Contains(log, "Wrote " + std::to_string(report.size()) +
                            " bytes to /disk-report.txt for sequence 'Example plugins'"));
    CHECK(Contains(log, "Set variable MessageFilePath=/disk-report.txt"));
  }

  TEST_CASE("resume loads the plugins of the interrupted run without --plugin-dir" *
            doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string sequence = temp.WriteFile(
        "s.yaml",
        "name: s\nsteps:\n"
        "  - { name: First, type: WriteMessageFile, with: { path: /first.txt, message: one } }\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - { name: Second, type: WriteMessageFile, with: { path: /second.txt, message: two } "
        "}\n");
    const Invocation run = Tseq({"run", sequence, "--plugin-dir", kExamples, "--root", machine});
    CHECK(run.exit_code == 3);
    CHECK(ReadFileForTest(machine + "/first.txt") == "one\n");
    CHECK(Contains(
        ReadFileForTest(machine + "/var/lib/tseq/state.json"),
        "\"pluginDirectories\":[{\"path\":\"" + kExamples + "\",\"from\":\"command line\"}]"));

    const Invocation resume = Tseq({"resume", "--root", machine});
    INFO(resume.output);
    CHECK(resume.exit_code == 0);
    CHECK(ReadFileForTest(machine + "/second.txt") == "two\n");
  }

  TEST_CASE("resume fails, keeping the state, when a plugin folder of the run has gone" *
            doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string plugins = CopyExamplePlugins(temp);
    const std::string sequence = temp.WriteFile(
        "s.yaml",
        "name: s\nsteps:\n"
        "  - { name: Restart, type: RestartComputer }\n"
        "  - { name: Write, type: WriteMessageFile, with: { path: /x.txt, message: x } }\n");
    CHECK(Tseq({"run", sequence, "--plugin-dir", plugins, "--root", machine}).exit_code == 3);
    fs::remove_all(plugins);
    const Invocation resume = Tseq({"resume", "--root", machine});
    CHECK(resume.exit_code == 1);
    CHECK(resume.output ==
          "tseq: cannot load the step plugins of the interrupted run: plugin "
          "directory '" +
              plugins + "' does not exist\n");
    CHECK(fs::exists(machine + "/var/lib/tseq/state.json"));
  }

  TEST_CASE("a plugin step that fails fails the run with its message" * doctest::timeout(60)) {
    TempDirectory temp;
    const std::string machine = MakeMachine(temp);
    const std::string sequence = temp.WriteFile(
        "s.yaml",
        "name: s\nsteps:\n"
        "  - { name: Need space, type: DiskReport, with: { minimumFreeMegabytes: 999999999999 } }\n"
        "  - { name: Never, type: WriteMessageFile, with: { path: /never, message: x } }\n");
    const Invocation run = Tseq({"run", sequence, "--plugin-dir", kExamples, "--root", machine});
    CHECK(run.exit_code == 1);
    CHECK_FALSE(fs::exists(machine + "/never"));
    const std::string log = ReadFileForTest(machine + "/var/log/tseq/smsts.log");
    CHECK(Contains(log, "Failed to run the action: Need space. only "));
    CHECK(Contains(log, "less than the required 999999999999 MB"));
  }

  TEST_CASE("a broken plugin is skipped with a warning and the others still work" *
            doctest::timeout(60)) {
    TempDirectory temp;
    const std::string directory = CopyExamplePlugins(temp);
    temp.WriteFile("plugins/broken.so", std::string(100, 'x'));
    temp.WriteFile("plugins/broken.step.json", "{\"type\": \"Broken\",}");
    const Invocation list = Tseq({"--plugin-dir", directory, "steps"});
    CHECK(list.exit_code == 0);
    CHECK(Contains(list.output, "tseq: warning: skipped plugin " + directory +
                                    "/broken.so: cannot load: " + directory +
                                    "/broken.so: invalid ELF header"));
    CHECK(Contains(list.output, "tseq: warning: skipped plugin " + directory +
                                    "/broken.step.json: not valid JSON at line 1, column 19"));
    CHECK(Contains(list.output, "DiskReport"));
    CHECK(Contains(list.output, "WriteMessageFile"));
  }

  TEST_CASE("a --plugin-dir that does not exist is a usage error" * doctest::timeout(60)) {
    TempDirectory temp;
    const Invocation list = Tseq({"steps", "--plugin-dir", temp.Join("missing")});
    CHECK(list.exit_code == 2);
    CHECK(list.output == "tseq: plugin directory '" + temp.Join("missing") + "' does not exist\n");
  }
}

}  // namespace
}  // namespace tseq
