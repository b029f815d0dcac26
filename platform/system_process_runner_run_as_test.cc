// ProcessRequest::run_as with the real runner. The tests that switch to another user run only as
// root (the only way to switch); as any other user the "needs root" refusal is tested instead.
#include <string>

#include <doctest/doctest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/process_runner.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

struct User {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

std::optional<User> FindUser(uid_t uid) {
  const passwd* entry = ::getpwuid(uid);
  if (entry == nullptr) return std::nullopt;
  return User{entry->pw_name, entry->pw_uid, entry->pw_gid, entry->pw_dir};
}

std::optional<User> FindUser(const std::string& name) {
  const passwd* entry = ::getpwnam(name.c_str());
  if (entry == nullptr) return std::nullopt;
  return User{entry->pw_name, entry->pw_uid, entry->pw_gid, entry->pw_dir};
}

ProcessRequest AsUser(const std::string& user, std::string script) {
  ProcessRequest request;
  request.arguments = {"sh", "-c", std::move(script)};
  request.run_as = user;
  request.working_directory = "/";
  return request;
}

TEST_SUITE("SystemProcessRunner run_as") {
  TEST_CASE("runs as the current user, with that user's HOME, USER and LOGNAME" *
            doctest::timeout(10)) {
    const std::optional<User> me = FindUser(::geteuid());
    REQUIRE(me.has_value());
    Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(
        AsUser(me->name, "echo $(id -u) $(id -g) \"$HOME\" \"$USER\" \"$LOGNAME\""));
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
    CHECK(outcome->exit_code == 0);
    CHECK(outcome->output == std::to_string(me->uid) + " " + std::to_string(me->gid) + " " +
                                 me->home + " " + me->name + " " + me->name + "\n");
  }

  TEST_CASE("the request's own environment still overrides HOME" * doctest::timeout(10)) {
    const std::optional<User> me = FindUser(::geteuid());
    REQUIRE(me.has_value());
    ProcessRequest request = AsUser(me->name, "echo \"$HOME\"");
    request.environment = {{"HOME", "/elsewhere"}};
    Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    REQUIRE(outcome.ok());
    CHECK(outcome->output == "/elsewhere\n");
  }

  TEST_CASE("an unknown user is NotFound, and nothing starts" * doctest::timeout(10)) {
    Result<ProcessOutcome> outcome =
        NewSystemProcessRunner()->Run(AsUser("no-such-user-tseq", "touch /tmp/never"));
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.status().code() == StatusCode::kNotFound);
    CHECK(outcome.status().message() == "runAs: no user 'no-such-user-tseq' on this system");
  }

  TEST_CASE("a number is a name, not a uid" * doctest::timeout(10)) {
    Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(AsUser("0", "true"));
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.status().message() == "runAs: no user '0' on this system");
  }

  TEST_CASE("another user needs root" * doctest::timeout(10)) {
    const std::optional<User> nobody = FindUser("nobody");
    REQUIRE(nobody.has_value());
    if (::geteuid() != 0) {
      Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(AsUser("root", "true"));
      CHECK(outcome.status().code() == StatusCode::kPermissionDenied);
      CHECK(outcome.status().message() == "runAs 'root' needs tseq to run as root");
      return;
    }
    // As root: check it from a child process that has given up root for nobody.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      if (::setgid(nobody->gid) != 0 || ::setuid(nobody->uid) != 0) ::_exit(10);
      Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(AsUser("root", "true"));
      const bool refused = !outcome.ok() &&
                           outcome.status().code() == StatusCode::kPermissionDenied &&
                           outcome.status().message() == "runAs 'root' needs tseq to run as root";
      ::_exit(refused ? 0 : 11);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  TEST_CASE("as root, runs as nobody with nobody's ids" * doctest::timeout(10)) {
    const std::optional<User> nobody = FindUser("nobody");
    REQUIRE(nobody.has_value());
    if (::geteuid() != 0) return;  // switching users needs root; see "another user needs root"
    Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(
        AsUser("nobody", "echo $(id -u) $(id -g) \"$HOME\" \"$USER\"; id -G"));
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
    CHECK(outcome->exit_code == 0);
    const std::string first_line = outcome->output.substr(0, outcome->output.find('\n'));
    CHECK(first_line == std::to_string(nobody->uid) + " " + std::to_string(nobody->gid) + " " +
                            nobody->home + " nobody");
    // Root's supplementary groups (0 among them) are gone.
    const std::string groups = outcome->output.substr(outcome->output.find('\n') + 1);
    CHECK(groups.find(std::to_string(nobody->gid)) != std::string::npos);
    CHECK((" " + groups).find(" 0 ") == std::string::npos);
    CHECK((" " + groups).find(" 0\n") == std::string::npos);
  }

  TEST_CASE("as root, a working directory the user may not enter is a clear error" *
            doctest::timeout(10)) {
    if (::geteuid() != 0) return;
    testing::TempDirectory temp;
    const std::string closed = temp.MakeDirectory("closed");
    REQUIRE(::chmod(closed.c_str(), 0700) == 0);
    ProcessRequest request = AsUser("nobody", "true");
    request.working_directory = closed;
    Result<ProcessOutcome> outcome = NewSystemProcessRunner()->Run(request);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.status().code() == StatusCode::kPermissionDenied);
    CHECK(outcome.status().message() ==
          "cannot start 'sh' as user 'nobody': cannot change to the "
          "working directory '" +
              closed + "': Permission denied");
  }
}

}  // namespace
}  // namespace tseq
