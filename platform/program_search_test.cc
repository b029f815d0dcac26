#include "platform/program_search.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

std::string MakeFile(const testing::TempDirectory& temp, const std::string& relative, mode_t mode) {
  const std::string path = temp.WriteFile(relative, "#!/bin/sh\nexit 0\n");
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

TEST_SUITE("FindProgram") {
  TEST_CASE("takes the first executable match in the search path") {
    testing::TempDirectory temp;
    MakeFile(temp, "first/tool", 0755);
    MakeFile(temp, "second/tool", 0755);
    const std::string path =
        temp.Join("missing") + ":" + temp.Join("first") + ":" + temp.Join("second");
    CHECK(*FindProgram("tool", path, "") == temp.Join("first/tool"));
  }

  TEST_CASE("skips matches that cannot be run, as execvp does") {
    testing::TempDirectory temp;
    MakeFile(temp, "first/tool", 0644);
    temp.MakeDirectory("second/tool");
    MakeFile(temp, "third/tool", 0700);
    const std::string path =
        temp.Join("first") + ":" + temp.Join("second") + ":" + temp.Join("third");
    CHECK(*FindProgram("tool", path, "") == temp.Join("third/tool"));
  }

  TEST_CASE("reports a match without execute permission when nothing else is found") {
    testing::TempDirectory temp;
    MakeFile(temp, "first/tool", 0644);
    const Result<std::string> result =
        FindProgram("tool", temp.Join("none") + ":" + temp.Join("first"), "");
    CHECK(result.status().code() == StatusCode::kPermissionDenied);
    CHECK(result.status().message() ==
          "cannot execute '" + temp.Join("first/tool") + "': Permission denied");
  }

  TEST_CASE("reports a missing program as command not found") {
    testing::TempDirectory temp;
    temp.MakeDirectory("bin/tool");  // a directory does not count
    const Result<std::string> result = FindProgram("tool", temp.Join("bin"), "");
    CHECK(result.status().code() == StatusCode::kNotFound);
    CHECK(result.status().message() == "command not found: tool");
    CHECK(FindProgram("", "/bin", "").status().message() == "command not found: ");
  }

  TEST_CASE("uses a name with a slash as it is") {
    testing::TempDirectory temp;
    const std::string tool = MakeFile(temp, "tool", 0755);
    CHECK(*FindProgram(tool, "", "") == tool);
    const Result<std::string> missing = FindProgram(temp.Join("nope"), "/bin", "");
    CHECK(missing.status().code() == StatusCode::kNotFound);
    CHECK(missing.status().message() == "command not found: " + temp.Join("nope"));
    const Result<std::string> through_file = FindProgram(tool + "/x", "/bin", "");
    CHECK(through_file.status().message() == "command not found: " + tool + "/x");
  }

  TEST_CASE("refuses a path to a directory or a non-executable file") {
    testing::TempDirectory temp;
    const std::string plain = MakeFile(temp, "plain", 0644);
    const Result<std::string> not_executable = FindProgram(plain, "", "");
    CHECK(not_executable.status().code() == StatusCode::kPermissionDenied);
    CHECK(not_executable.status().message() == "cannot execute '" + plain + "': Permission denied");
    const Result<std::string> directory = FindProgram(temp.path(), "", "");
    CHECK(directory.status().code() == StatusCode::kPermissionDenied);
    CHECK(directory.status().message() == "cannot execute '" + temp.path() + "': Is a directory");
  }

  TEST_CASE("looks up relative names from the working directory") {
    testing::TempDirectory temp;
    MakeFile(temp, "scripts/run.sh", 0755);
    MakeFile(temp, "here", 0755);
    CHECK(*FindProgram("./scripts/run.sh", "", temp.path()) == "./scripts/run.sh");
    CHECK(*FindProgram("scripts/run.sh", "", temp.path()) == "scripts/run.sh");
    // An empty search path entry means the working directory.
    CHECK(*FindProgram("here", "/nonexistent::", temp.path()) == "./here");
    CHECK(*FindProgram("run.sh", "scripts", temp.path()) == "scripts/run.sh");
  }
}

TEST_SUITE("MergeEnvironment") {
  TEST_CASE("applies overrides on top of the current environment in order") {
    const char* current[] = {"HOME=/root", "PATH=/bin", "PATHEXT=x", "LANG=C", nullptr};
    const std::vector<std::string> merged = MergeEnvironment(
        current, {{"PATH", "/opt/bin"}, {"NEW", "1"}, {"NEW", "2"}, {"EMPTY", ""}});
    CHECK(merged == std::vector<std::string>{"HOME=/root", "PATHEXT=x", "LANG=C", "PATH=/opt/bin",
                                             "NEW=2", "EMPTY="});
  }

  TEST_CASE("accepts a null environment") {
    CHECK(MergeEnvironment(nullptr, {}).empty());
    CHECK(MergeEnvironment(nullptr, {{"A", "b"}}) == std::vector<std::string>{"A=b"});
  }

  TEST_CASE("FindEnvironmentValue matches whole names only") {
    const std::vector<std::string> environment = {"PATHEXT=x", "PATH=/bin:/usr/bin", "EMPTY="};
    CHECK(FindEnvironmentValue(environment, "PATH") == "/bin:/usr/bin");
    CHECK(FindEnvironmentValue(environment, "EMPTY") == "");
    CHECK_FALSE(FindEnvironmentValue(environment, "PAT").has_value());
    CHECK_FALSE(FindEnvironmentValue(environment, "HOME").has_value());
  }
}

}  // namespace
}  // namespace tseq
