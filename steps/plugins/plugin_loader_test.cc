#include "steps/plugins/plugin_loader.h"

#include <filesystem>

#include <doctest/doctest.h>

#include "base/strings.h"
#include "sequences/loader.h"
#include "steps/plugins/plugin_test_support.h"

namespace tseq {
namespace {

using testing::CopyTestPlugin;
using testing::PluginHarness;
using testing::TempDirectory;
using testing::WriteExecutable;

constexpr const char* kEchoManifest = R"({
  "type": "Echo",
  "description": "Echoes.",
  "executable": "echo.sh",
  "properties": [
    {"name": "count", "type": "integer", "minimum": 1, "maximum": 5},
    {"name": "mode", "type": "enum", "allowedValues": ["Fast", "Slow"]},
    {"name": "target", "type": "string", "required": true}
  ]
})";

struct LoaderHarness {
  LoaderHarness() : filesystem(NewPosixFilesystem()) { RegisterBuiltinSteps(registry); }

  Status Load(const std::vector<PluginDirectory>& directories) {
    return LoadPlugins(directories, *filesystem, registry, warnings);
  }

  TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem;
  StepRegistry registry;
  std::vector<std::string> warnings;
};

TEST_SUITE("PluginSearchPath") {
  TEST_CASE("puts the command line first, then TSEQ_PLUGIN_PATH, then the default") {
    const std::vector<PluginDirectory> path =
        PluginSearchPath({"/a", "/b"}, "/c::/a:/usr/lib/tseq/plugins:/d");
    REQUIRE(path.size() == 5);
    CHECK(path[0].path == "/a");
    CHECK(path[0].origin == PluginDirectoryOrigin::kCommandLine);
    CHECK(path[1].path == "/b");
    CHECK(path[2].path == "/c");
    CHECK(path[2].origin == PluginDirectoryOrigin::kEnvironment);
    CHECK(path[3].path == "/usr/lib/tseq/plugins");
    CHECK(path[3].origin == PluginDirectoryOrigin::kEnvironment);
    CHECK(path[4].path == "/d");
  }

  TEST_CASE("without options or environment it is the default folder") {
    const std::vector<PluginDirectory> path = PluginSearchPath({}, nullptr);
    REQUIRE(path.size() == 1);
    CHECK(path[0].path == "/usr/lib/tseq/plugins");
    CHECK(path[0].origin == PluginDirectoryOrigin::kDefault);
  }
}

TEST_SUITE("LoadPlugins") {
  TEST_CASE("loads good plugins and skips every bad one with a warning, in name order") {
    LoaderHarness harness;
    const std::string plugins = harness.temp.MakeDirectory("plugins");
    CopyTestPlugin("probe_plugin", plugins, "10_probe.so");
    CopyTestPlugin("clashing_plugin", plugins, "20_clashing.so");
    CopyTestPlugin("partly_bad_plugin", plugins, "30_partly_bad.so");
    CopyTestPlugin("major_2_plugin", plugins, "40_major_2.so");
    CopyTestPlugin("newer_minor_plugin", plugins, "50_newer_minor.so");
    CopyTestPlugin("no_entry_plugin", plugins, "60_no_entry.so");
    CopyTestPlugin("refusing_plugin", plugins, "70_refusing.so");
    harness.temp.WriteFile("plugins/80_broken.so", std::string(100, 'x'));
    WriteExecutable(harness.temp, "plugins/echo.sh", "#!/bin/sh\n");
    harness.temp.WriteFile("plugins/90_echo.step.json", kEchoManifest);
    harness.temp.WriteFile("plugins/91_duplicate.step.json",
                           R"({"type": "QuietProbe", "executable": "echo.sh"})");
    harness.temp.WriteFile("plugins/92_bad.step.json", "{,}");
    harness.temp.WriteFile("plugins/README.txt", "not a plugin");
    harness.temp.MakeDirectory("plugins/sub.so");

    CHECK(harness.Load({{plugins, PluginDirectoryOrigin::kCommandLine}}).ok());
    const std::string d = plugins + "/";
    const std::vector<std::string> expected = {
        "skipped step type 'RunCommandLine' of plugin " + d +
            "20_clashing.so: step type 'RunCommandLine' is a built-in step type",
        "skipped step type 'pluginprobe' of plugin " + d +
            "20_clashing.so: step type 'PluginProbe' is already provided by plugin " + d +
            "10_probe.so",
        "skipped step type 'BadSchema' of plugin " + d +
            "30_partly_bad.so: properties_json: property 'x': unknown type 'strin' (did you mean "
            "'string'?); types: string, boolean, integer, duration, enum, stringList, "
            "variableName, map, list",
        "skipped step type 'NoRun' of plugin " + d + "30_partly_bad.so: no run function",
        "skipped step type '#4' of plugin " + d +
            "30_partly_bad.so: step type 'bad name' is not a valid name (1 to 100 letters "
            "and digits, starting with a letter)",
        "skipped plugin " + d +
            "40_major_2.so: built for plugin ABI 2.0, which this tseq (plugin ABI 1.0) cannot "
            "load: rebuild it against this tseq's tseq_plugin.h",
        "skipped plugin " + d +
            "50_newer_minor.so: built for plugin ABI 1.1, which this tseq (plugin ABI 1.0) "
            "cannot load: rebuild it against this tseq's tseq_plugin.h",
        "skipped plugin " + d + "60_no_entry.so: no function 'tseq_plugin_entry' (not a tseq " +
            "plugin?)",
        "skipped plugin " + d +
            "70_refusing.so: tseq_plugin_entry returned no plugin (it refused host ABI 1.0)",
        "skipped plugin " + d + "80_broken.so: cannot load: " + d +
            "80_broken.so: invalid ELF header",
        "skipped plugin " + d + "91_duplicate.step.json: step type 'QuietProbe' is already " +
            "provided by plugin " + d + "10_probe.so",
        "skipped plugin " + d + "92_bad.step.json: not valid JSON at line 1, column 2",
        "skipped plugin " + d + "sub.so: not a file",
    };
    CHECK(Join(harness.warnings, "\n") == Join(expected, "\n"));
    for (const char* type : {"PluginProbe", "QuietProbe", "ClashFree", "PartlyGood", "Echo"}) {
      CAPTURE(type);
      REQUIRE(harness.registry.Find(type) != nullptr);
      CHECK(harness.registry.Find(type)->schema().category == "plugin");
    }
    CHECK(harness.registry.Find("RunCommandLine")->schema().category == "core");
    CHECK(harness.registry.Find("pluginprobe") == nullptr);
  }

  TEST_CASE("the first folder wins a type both provide") {
    LoaderHarness harness;
    const std::string first = harness.temp.MakeDirectory("first");
    const std::string second = harness.temp.MakeDirectory("second");
    CopyTestPlugin("probe_plugin", first, "probe.so");
    CopyTestPlugin("probe_plugin", second, "probe.so");
    CHECK(harness
              .Load({{first, PluginDirectoryOrigin::kCommandLine},
                     {second, PluginDirectoryOrigin::kEnvironment}})
              .ok());
    REQUIRE(harness.warnings.size() == 2);
    CHECK(harness.warnings[0] == "skipped step type 'PluginProbe' of plugin " + second +
                                     "/probe.so: step type 'PluginProbe' is already provided "
                                     "by plugin " +
                                     first + "/probe.so");
  }

  TEST_CASE("a missing --plugin-dir is an error and nothing is loaded") {
    LoaderHarness harness;
    const std::string plugins = harness.temp.MakeDirectory("plugins");
    CopyTestPlugin("probe_plugin", plugins, "probe.so");
    const size_t builtin = harness.registry.StepTypeNames().size();
    const Status status =
        harness.Load({{plugins, PluginDirectoryOrigin::kCommandLine},
                      {harness.temp.Join("gone"), PluginDirectoryOrigin::kCommandLine}});
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK(status.message() ==
          "plugin directory '" + harness.temp.Join("gone") + "' does not exist");
    CHECK(harness.registry.StepTypeNames().size() == builtin);

    const std::string file = harness.temp.WriteFile("file", "");
    CHECK(harness.Load({{file, PluginDirectoryOrigin::kCommandLine}}).message() ==
          "plugin directory '" + file + "' is not a directory");
  }

  TEST_CASE("a missing folder from TSEQ_PLUGIN_PATH warns; a missing default is fine") {
    LoaderHarness harness;
    CHECK(harness
              .Load({{harness.temp.Join("env"), PluginDirectoryOrigin::kEnvironment},
                     {harness.temp.Join("default"), PluginDirectoryOrigin::kDefault}})
              .ok());
    CHECK(harness.warnings ==
          std::vector<std::string>{"plugin directory '" + harness.temp.Join("env") +
                                   "' (from TSEQ_PLUGIN_PATH) does not exist"});
  }

  TEST_CASE("refuses plugins that every user could have replaced") {
    LoaderHarness harness;
    const std::string open = harness.temp.MakeDirectory("open");
    CopyTestPlugin("probe_plugin", open, "probe.so");
    std::filesystem::permissions(open, std::filesystem::perms(0777));
    const std::string shared = harness.temp.MakeDirectory("shared");
    const std::string library = CopyTestPlugin("probe_plugin", shared, "probe.so");
    std::filesystem::permissions(library, std::filesystem::perms(0666));
    CHECK(harness
              .Load({{open, PluginDirectoryOrigin::kCommandLine},
                     {shared, PluginDirectoryOrigin::kCommandLine}})
              .ok());
    CHECK(harness.warnings ==
          std::vector<std::string>{
              "skipped plugin directory '" + open + "': it is writable by every user (chmod o-w)",
              "skipped plugin " + library +
                  ": it is writable by every user; refusing to load it (chmod o-w)"});
    CHECK(harness.registry.Find("PluginProbe") == nullptr);
  }

  TEST_CASE("plugin steps' properties are validated by the sequence loader") {
    LoaderHarness harness;
    const std::string plugins = harness.temp.MakeDirectory("plugins");
    WriteExecutable(harness.temp, "plugins/echo.sh", "#!/bin/sh\n");
    harness.temp.WriteFile("plugins/echo.step.json", kEchoManifest);
    CopyTestPlugin("probe_plugin", plugins, "probe.so");
    REQUIRE(harness.Load({{plugins, PluginDirectoryOrigin::kCommandLine}}).ok());
    REQUIRE(harness.warnings.empty());

    Diagnostics diagnostics;
    const Result<SequencePointer> good = LoadSequence(
        "name: s\nsteps:\n"
        "  - { name: A, type: Echo, with: { target: x, count: 3, mode: slow } }\n"
        "  - { name: B, type: PluginProbe, with: { wait: 5m, settings: { a: 1 } } }\n",
        "good.yaml", harness.registry, diagnostics);
    CHECK(good.ok());
    CHECK_FALSE(diagnostics.HasErrors());

    Diagnostics errors;
    const Result<SequencePointer> bad = LoadSequence(
        "name: s\nsteps:\n"
        "  - { name: A, type: Echo, with: { count: 9, mode: Medium, tagret: x } }\n"
        "  - { name: B, type: PluginProbe, with: { wait: soon, settings: [1] } }\n",
        "bad.yaml", harness.registry, errors);
    CHECK_FALSE(bad.ok());
    const std::string text = errors.ToString();
    CAPTURE(text);
    CHECK(text ==
          "bad.yaml:3:5: error: step 'A' (Echo) is missing required property 'target'\n"
          "bad.yaml:3:43: error: property 'count' must be a whole number from 1 to 5, not '9'\n"
          "bad.yaml:3:52: error: property 'mode' must be one of 'Fast', 'Slow', not 'Medium'\n"
          "bad.yaml:3:60: error: step type Echo has no property 'tagret' (did you mean "
          "'target'?)\n"
          "bad.yaml:4:49: error: " +
              ParseDuration("soon").status().message() +
              "\n"
              "bad.yaml:4:65: error: property 'settings' must be a map, not a list\n");
  }

  TEST_CASE("loaded plugin steps run from the registry") {
    LoaderHarness harness;
    const std::string plugins = harness.temp.MakeDirectory("plugins");
    CopyTestPlugin("probe_plugin", plugins, "probe.so");
    REQUIRE(harness.Load({{plugins, PluginDirectoryOrigin::kCommandLine}}).ok());
    PluginHarness run;
    const StepResult result = run.Run(*harness.registry.Find("PluginProbe"),
                                      {{"setName", testing::Scalar("ProbeOutput")},
                                       {"setValue", testing::Scalar("from the registry")}});
    CHECK(result.succeeded);
    CHECK(run.variables.Get("ProbeOutput") == "from the registry");
  }
}

}  // namespace
}  // namespace tseq
