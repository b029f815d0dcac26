#include "steps/plugins/shared_library_plugin.h"

#include <stdexcept>

#include <doctest/doctest.h>

#include "steps/plugins/plugin_test_support.h"

namespace tseq {
namespace {

using testing::PluginHarness;
using testing::Scalar;
using testing::TempDirectory;

const std::string kTestPlugins = TSEQ_TEST_PLUGIN_DIR;

LoadedSharedLibrary LoadProbe() {
  Result<LoadedSharedLibrary> loaded = LoadSharedLibraryPlugin(kTestPlugins + "/probe_plugin.so");
  REQUIRE(loaded.ok());
  REQUIRE(loaded->steps.size() == 2);
  return std::move(loaded).value();
}

std::string LoadError(const std::string& path) {
  Result<LoadedSharedLibrary> loaded = LoadSharedLibraryPlugin(path);
  REQUIRE_FALSE(loaded.ok());
  return loaded.status().message();
}

TEST_SUITE("LoadSharedLibraryPlugin") {
  TEST_CASE("builds a plugin step for each descriptor") {
    const LoadedSharedLibrary loaded = LoadProbe();
    CHECK(loaded.skipped_steps.empty());
    const StepSchema& probe = loaded.steps[0]->schema();
    CHECK(probe.type == "PluginProbe");
    CHECK(probe.category == "plugin");
    CHECK(probe.description == "Exercises the host API for tests.");
    REQUIRE(probe.properties.size() == 11);
    CHECK(probe.properties[0].name == "exitCode");
    CHECK(probe.properties[0].default_value == "0");
    CHECK(probe.properties[6].secret);
    REQUIRE(probe.outputs.size() == 1);
    CHECK(probe.outputs[0].variable == "ProbeOutput");
    CHECK(loaded.steps[1]->schema().type == "QuietProbe");
    CHECK(loaded.steps[1]->schema().properties.empty());
  }

  TEST_CASE("skips bad descriptors and keeps the good ones") {
    Result<LoadedSharedLibrary> loaded =
        LoadSharedLibraryPlugin(kTestPlugins + "/partly_bad_plugin.so");
    REQUIRE(loaded.ok());
    REQUIRE(loaded->steps.size() == 1);
    CHECK(loaded->steps[0]->schema().type == "PartlyGood");
    REQUIRE(loaded->skipped_steps.size() == 3);
    CHECK(loaded->skipped_steps[0].first == "BadSchema");
    CHECK(loaded->skipped_steps[0].second ==
          "properties_json: property 'x': unknown type 'strin' (did you mean 'string'?); types: "
          "string, boolean, integer, duration, enum, stringList, variableName, map, list");
    CHECK(loaded->skipped_steps[1] ==
          std::pair<std::string, std::string>("NoRun", "no run function"));
    CHECK(loaded->skipped_steps[2].first == "#4");
    CHECK(loaded->skipped_steps[2].second ==
          "step type 'bad name' is not a valid name (1 to 100 letters and digits, starting "
          "with a letter)");
  }

  TEST_CASE("refuses a library of another ABI version, with a clear reason") {
    CHECK(LoadError(kTestPlugins + "/major_2_plugin.so") ==
          "built for plugin ABI 2.0, which this tseq (plugin ABI 1.0) cannot load: rebuild it "
          "against this tseq's tseq_plugin.h");
    CHECK(LoadError(kTestPlugins + "/newer_minor_plugin.so") ==
          "built for plugin ABI 1.1, which this tseq (plugin ABI 1.0) cannot load: rebuild it "
          "against this tseq's tseq_plugin.h");
  }

  TEST_CASE("refuses libraries that are not plugins") {
    CHECK(LoadError(kTestPlugins + "/no_entry_plugin.so") ==
          "no function 'tseq_plugin_entry' (not a tseq plugin?)");
    CHECK(LoadError(kTestPlugins + "/refusing_plugin.so") ==
          "tseq_plugin_entry returned no plugin (it refused host ABI 1.0)");
    TempDirectory temp;
    const std::string text = temp.WriteFile("text.so", std::string(100, 'x'));
    CHECK(LoadError(text) == "cannot load: " + text + ": invalid ELF header");
    const std::string empty = temp.WriteFile("empty.so", "");
    CHECK(LoadError(empty) == "cannot load: " + empty + ": file too short");
  }
}

TEST_SUITE("SharedLibraryStep") {
  TEST_CASE("passes the resolved properties and serves the host API") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    REQUIRE(harness.variables.Set("Token", "hunter2", {.secrecy = Secrecy::kSecret}).ok());
    const StepResult result = harness.Run(*loaded.steps[0], {{"token", Scalar("s3cr3t")},
                                                             {"readVariable", Scalar("Token")},
                                                             {"setName", Scalar("ProbeOutput")},
                                                             {"setValue", Scalar("done")},
                                                             {"mode", Scalar("fast")},
                                                             {"wait", Scalar("2s")},
                                                             {"words", Scalar("a b")}});
    CHECK(result.succeeded);
    CHECK(result.exit_code == 0);
    CHECK_FALSE(result.reboot_requested);
    CHECK(harness.variables.Get("ProbeOutput") == "done");
    CHECK(harness.log.All() ==
          "info: Running plugin step PluginProbe of probe 1.0 (" + kTestPlugins +
              "/probe_plugin.so)\n" + "info: step Test step of type PluginProbe in " +
              harness.root.directory() + "\n" +
              "info: property exitCode=0 secret=0\n"
              "info: property readVariable=Token secret=0\n"
              "info: property setName=ProbeOutput secret=0\n"
              "info: property setValue=done secret=0\n"
              "info: property setSecret=false secret=0\n"
              "info: property token=******** secret=1\n"
              "info: property mode=Fast secret=0\n"
              "info: property wait=2000 secret=0\n"
              "info: property words=a b secret=0\n"
              "info: {\"exitCode\":0,\"readVariable\":\"Token\",\"setName\":\"ProbeOutput\","
              "\"setValue\":\"done\",\"setSecret\":false,\"token\":\"********\",\"mode\":\"Fast\","
              "\"wait\":2000,\"words\":[\"a\",\"b\"]}\n"
              "warning: read Token=******** secret=1\n"
              "info: Set variable ProbeOutput=done\n"
              "info: Plugin step completed with exit code 0\n");
  }

  TEST_CASE("an unset variable reads as NULL") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    CHECK(harness.Run(*loaded.steps[0], {{"readVariable", Scalar("Nothing")}}).succeeded);
    CHECK(harness.log.All().find("\nwarning: read Nothing=(unset) secret=0\n") !=
          std::string::npos);
  }

  TEST_CASE("a secret set is stored secret and never logged") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    REQUIRE(harness.variables.Set("ProbeSetValue", "pa55").ok());
    const StepResult result =
        harness.Run(*loaded.steps[0], {{"setName", Scalar("Key")}, {"setSecret", Scalar("true")}});
    CHECK(result.succeeded);
    CHECK(harness.variables.Get("Key") == "pa55");
    CHECK(harness.variables.IsSecret("Key"));
    CHECK(harness.log.All().find("info: Set variable Key=********\n") != std::string::npos);
  }

  TEST_CASE("exit code 3010 succeeds and requests a restart") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    const StepResult result = harness.Run(*loaded.steps[0], {{"exitCode", Scalar("3010")}});
    CHECK(result.succeeded);
    CHECK(result.exit_code == 3010);
    CHECK(result.reboot_requested);
  }

  TEST_CASE("another exit code fails the step with the plugin's message") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    StepResult result = harness.Run(
        *loaded.steps[0], {{"exitCode", Scalar("5")}, {"failureMessage", Scalar("disk full")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.exit_code == 5);
    CHECK(result.message == "disk full");
    result = harness.Run(*loaded.steps[0], {{"exitCode", Scalar("7")}});
    CHECK(result.exit_code == 7);
    CHECK(result.message == "plugin step PluginProbe failed with exit code 7");
  }

  TEST_CASE("a refused set fails the step with the store's message") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    const StepResult result = harness.Run(
        *loaded.steps[0], {{"setName", Scalar("_SMSTSLogPath")}, {"setValue", Scalar("x")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.exit_code == 1);
    CHECK(result.message == "variable '_SMSTSLogPath' is read-only");
    CHECK(harness.log.All().find("error: refused: variable '_SMSTSLogPath' is read-only\n") !=
          std::string::npos);
  }

  TEST_CASE("a value a variable made invalid fails the step before the plugin runs") {
    const LoadedSharedLibrary loaded = LoadProbe();
    PluginHarness harness;
    const StepResult result = harness.Run(*loaded.steps[0], {{"wait", Scalar("%Wait%")}});
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "property 'wait' must be a duration, not '%Wait%'");
    CHECK(harness.log.lines.empty());
  }
}

int ThrowingRun(const tseq_step_call* /*call*/) { throw std::runtime_error("boom"); }

TEST_SUITE("NewSharedLibraryStep") {
  TEST_CASE("a C++ exception from the run callback fails the step instead of escaping") {
    const tseq_step_descriptor descriptor{"Thrower", "Throws.",   nullptr,
                                          nullptr,   ThrowingRun, nullptr};
    Result<std::unique_ptr<Step>> step = NewSharedLibraryStep(descriptor, nullptr, "(in-process)");
    REQUIRE(step.ok());
    PluginHarness harness;
    const StepResult result = harness.Run(**step);
    CHECK_FALSE(result.succeeded);
    CHECK(result.message == "plugin step Thrower of (in-process) threw a C++ exception: boom");
  }

  TEST_CASE("refuses a descriptor with bad outputs") {
    const tseq_step_descriptor descriptor{"Outputs",   nullptr, nullptr, "[{\"variable\": 1}]",
                                          ThrowingRun, nullptr};
    CHECK(NewSharedLibraryStep(descriptor, nullptr, "x").status().message() ==
          "outputs_json: outputs[0]: 'variable' must be a string");
    const tseq_step_descriptor unnamed{nullptr, nullptr, nullptr, nullptr, ThrowingRun, nullptr};
    CHECK(NewSharedLibraryStep(unnamed, nullptr, "x").status().message() ==
          "the step type has no name");
  }
}

}  // namespace
}  // namespace tseq
