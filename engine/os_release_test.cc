#include "engine/os_release.h"

#include <doctest/doctest.h>

#include "engine/condition_test_support.h"

namespace tseq {
namespace {

using testing::ConditionFixture;
using testing::OsCondition;

constexpr std::string_view kDebian12 =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
    "NAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\n"
    "VERSION=\"12 (bookworm)\"\n"
    "VERSION_CODENAME=bookworm\n"
    "ID=debian\n"
    "HOME_URL=\"https://www.debian.org/\"\n";

TEST_SUITE("ParseOsRelease") {
  TEST_CASE("values may be bare, double-quoted or single-quoted, with shell escapes") {
    const std::map<std::string, std::string> fields = ParseOsRelease(
        "# a comment\n"
        "\n"
        "ID=ubuntu\n"
        "ID_LIKE=debian\n"
        "NAME='Ubuntu'\n"
        "PRETTY_NAME=\"Ubuntu 24.04 LTS \\\"Noble\\\" costs \\$0\"\n"
        "VERSION_ID=\"24.04\"\r\n"
        "SPACED=two\\ words\n"
        "EMPTY=\n"
        "EMPTY_QUOTES=\"\"\n"
        "  INDENTED=yes\n"
        "not an assignment\n"
        "=no key\n"
        "BAD KEY=x\n"
        "UNTERMINATED=\"open\n");
    CHECK(fields == std::map<std::string, std::string>{
                        {"ID", "ubuntu"},
                        {"ID_LIKE", "debian"},
                        {"NAME", "Ubuntu"},
                        {"PRETTY_NAME", "Ubuntu 24.04 LTS \"Noble\" costs $0"},
                        {"VERSION_ID", "24.04"},
                        {"SPACED", "two words"},
                        {"EMPTY", ""},
                        {"EMPTY_QUOTES", ""},
                        {"INDENTED", "yes"},
                        {"UNTERMINATED", "\"open"},
                    });
  }

  TEST_CASE("a later assignment wins") { CHECK(ParseOsRelease("ID=a\nID=b\n").at("ID") == "b"); }
}

TEST_SUITE("ReadOsRelease") {
  TEST_CASE("reads /etc/os-release inside the root") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", kDebian12);
    fixture.AddMachineFile("/usr/lib/os-release", "ID=fallback\n");
    Result<OsRelease> release = ReadOsRelease(fixture.machine_root);
    REQUIRE(release.ok());
    CHECK(release->source == "/etc/os-release");
    CHECK(release->Id() == "debian");
    CHECK(release->Get("VERSION_ID") == "12");
    CHECK(release->Get("PRETTY_NAME") == "Debian GNU/Linux 12 (bookworm)");
    CHECK(release->Get("MISSING").empty());
  }

  TEST_CASE("falls back to /usr/lib/os-release, also through the usual symlink") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/usr/lib/os-release", "ID=fedora\nVERSION_ID=40\n");
    Result<OsRelease> fallback = ReadOsRelease(fixture.machine_root);
    REQUIRE(fallback.ok());
    CHECK(fallback->source == "/usr/lib/os-release");
    CHECK(fallback->Id() == "fedora");
    fixture.filesystem.AddSymlink("/machine/etc/os-release", "../usr/lib/os-release");
    Result<OsRelease> linked = ReadOsRelease(fixture.machine_root);
    REQUIRE(linked.ok());
    CHECK(linked->source == "/etc/os-release");
    CHECK(linked->Get("VERSION_ID") == "40");
  }

  TEST_CASE("a missing file is NotFound, and a file without ID means linux") {
    ConditionFixture fixture;
    Result<OsRelease> missing = ReadOsRelease(fixture.machine_root);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().code() == StatusCode::kNotFound);
    CHECK(missing.status().message() == "no /etc/os-release or /usr/lib/os-release");
    fixture.AddMachineFile("/etc/os-release", "NAME=Custom\n");
    CHECK(ReadOsRelease(fixture.machine_root)->Id() == "linux");
  }
}

TEST_SUITE("EvaluateCondition: os leaves") {
  TEST_CASE("matches the ID and compares VERSION_ID with the constraint") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", kDebian12);
    CHECK(fixture.Explain(OsCondition("debian", ">= 12")) ==
          "os debian version >= 12 is true (debian 12)");
    CHECK(fixture.Explain(OsCondition("debian", "> 12")) ==
          "os debian version > 12 is false (debian 12)");
    CHECK(fixture.Explain(OsCondition("ubuntu", std::nullopt)) == "os ubuntu is false (debian 12)");
    CHECK(fixture.Explain(OsCondition("debian", std::nullopt)) == "os debian is true (debian 12)");
    CHECK(fixture.Evaluate(OsCondition("Debian", "12")).result);
    CHECK(fixture.Evaluate(OsCondition("deb*", "< 13")).result);
    CHECK(fixture.Evaluate(OsCondition("?ebian", "!= 11")).result);
    CHECK_FALSE(fixture.Evaluate(OsCondition("debian", "12.1")).result);
  }

  TEST_CASE("versions compare part by part as numbers") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.10\"\n");
    CHECK(fixture.Evaluate(OsCondition("ubuntu", "> 22.9")).result);
    CHECK(fixture.Evaluate(OsCondition("ubuntu", "< 24.04")).result);
    CHECK(fixture.Evaluate(OsCondition("ubuntu", "== 22.10.0")).result);
    CHECK_FALSE(fixture.Evaluate(OsCondition("ubuntu", ">= 24")).result);
  }

  TEST_CASE("the ID and the constraint are expanded") {
    ConditionFixture fixture;
    fixture.AddMachineFile("/etc/os-release", kDebian12);
    fixture.Set("TargetOs", "debian");
    fixture.Set("MinimumVersion", "11");
    CHECK(fixture.Explain(OsCondition("%TargetOs%", ">= %MinimumVersion%")) ==
          "os debian version >= 11 is true (debian 12)");
  }

  TEST_CASE("without os-release, VERSION_ID or a valid constraint the leaf is false, explained") {
    ConditionFixture fixture;
    CHECK(fixture.Explain(OsCondition("debian", ">= 12")) ==
          "os debian version >= 12 is false (no /etc/os-release or /usr/lib/os-release)");
    fixture.AddMachineFile("/etc/os-release", "ID=arch\n");
    CHECK(fixture.Explain(OsCondition("arch", std::nullopt)) ==
          "os arch is true (arch, no VERSION_ID)");
    CHECK(fixture.Explain(OsCondition("arch", ">= 1")) ==
          "os arch version >= 1 is false (arch, no VERSION_ID)");
    fixture.Set("Wanted", "twelve");
    CHECK(fixture.Explain(OsCondition("arch", "%Wanted%")) ==
          "os arch version twelve is false (invalid version constraint 'twelve' (expected a "
          "version such as 12 or 24.04, optionally after one of =, ==, !=, >, >=, <, <=))");
  }
}

}  // namespace
}  // namespace tseq
