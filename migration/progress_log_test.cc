#include "migration/progress_log.h"

#include <doctest/doctest.h>

#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

// 2026-11-24 13:05:09 UTC.
constexpr std::time_t kStart = 1795525509;

// The local time of a machine `offset_minutes` east of UTC.
LocalTimeFunction ZoneAt(long offset_minutes) {
  return [offset_minutes](std::time_t seconds) {
    const std::time_t shifted = seconds + offset_minutes * 60;
    std::tm local{};
    gmtime_r(&shifted, &local);
    local.tm_gmtoff = offset_minutes * 60;
    return local;
  };
}

std::string Contents(MemoryFilesystem& filesystem) {
  Result<std::string> text = filesystem.ReadFile("/logs/progress.log");
  REQUIRE(text.ok());
  return *text;
}

TEST_SUITE("ProgressLog") {
  TEST_CASE("writes USMT's line shape: date, local time with offset, elapsed, then pairs") {
    FakeClock clock(std::chrono::system_clock::from_time_t(kStart));
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/logs", 0755).ok());
    ProgressLog log(clock, ZoneAt(60));
    REQUIRE(log.Open(filesystem, "/logs/progress.log").ok());
    log.Program("scanstate", "PC01", "scanstate /o /c --key=***** /tmp/store");
    log.Phase("Initializing");
    clock.Advance(std::chrono::milliseconds(1500));
    log.DetectedUser("PC01\\alice", true);
    log.DetectedUser("PC01\\bob", false);
    log.TotalSize(123456789);
    clock.Advance(std::chrono::seconds(3725));
    log.CollectingUser("CONTOSO\\carol smith");
    log.Percentage(48);
    log.MinutesRemaining(3);
    log.Error("UnableToOpen", "/home/alice/secret, \"draft\".txt", true);
    log.Error("UnableToCopy", "/home/alice/big", false);
    log.Finish(0, 1, "Success");
    REQUIRE(log.Close().ok());
    CHECK(Contents(filesystem) ==
          "24 Nov 2026, 14:05:09 +01:00, 00:00:00, program, scanstate, computerName, PC01, "
          "commandLine, \"scanstate /o /c --key=***** /tmp/store\"\n"
          "24 Nov 2026, 14:05:09 +01:00, 00:00:00, PHASE, Initializing\n"
          "24 Nov 2026, 14:05:10 +01:00, 00:00:01, detectedUser, PC01\\alice, "
          "includedInMigration, Yes\n"
          "24 Nov 2026, 14:05:10 +01:00, 00:00:01, detectedUser, PC01\\bob, "
          "includedInMigration, No\n"
          "24 Nov 2026, 14:05:10 +01:00, 00:00:01, totalSizeInMBToTransfer, 123.46\n"
          "24 Nov 2026, 15:07:15 +01:00, 01:02:06, collectingUser, \"CONTOSO\\carol smith\"\n"
          "24 Nov 2026, 15:07:15 +01:00, 01:02:06, totalPercentageCompleted, 48\n"
          "24 Nov 2026, 15:07:15 +01:00, 01:02:06, totalMinutesRemaining, 3\n"
          "24 Nov 2026, 15:07:15 +01:00, 01:02:06, error, UnableToOpen, objectName, "
          "\"/home/alice/secret, \"\"draft\"\".txt\", action, Ignore\n"
          "24 Nov 2026, 15:07:15 +01:00, 01:02:06, error, UnableToCopy, objectName, "
          "/home/alice/big, action, Abort\n"
          "24 Nov 2026, 15:07:15 +01:00, 01:02:06, errorCode, 0, numberOfIgnoredErrors, 1, "
          "message, Success\n");
  }

  TEST_CASE("writes a negative UTC offset with its minutes") {
    FakeClock clock(std::chrono::system_clock::from_time_t(kStart));
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/logs", 0755).ok());
    ProgressLog log(clock, ZoneAt(-(3 * 60 + 30)));
    REQUIRE(log.Open(filesystem, "/logs/progress.log").ok());
    log.Phase("Applying");
    REQUIRE(log.Close().ok());
    CHECK(Contents(filesystem) == "24 Nov 2026, 09:35:09 -03:30, 00:00:00, PHASE, Applying\n");
  }

  TEST_CASE("quotes empty values and values with a comma, a space or a quote") {
    CHECK(ProgressLog::Quote("plain\\value") == "plain\\value");
    CHECK(ProgressLog::Quote("") == "\"\"");
    CHECK(ProgressLog::Quote("a b") == "\"a b\"");
    CHECK(ProgressLog::Quote("a,b") == "\"a,b\"");
    CHECK(ProgressLog::Quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
  }

  TEST_CASE("writes nothing and fails nothing when not opened") {
    FakeClock clock(std::chrono::system_clock::from_time_t(kStart));
    ProgressLog log(clock);
    CHECK_FALSE(log.is_open());
    log.Phase("Scanning");
    CHECK(log.Close().ok());
  }

  TEST_CASE("refuses to write its file through a symlink") {
    FakeClock clock(std::chrono::system_clock::from_time_t(kStart));
    MemoryFilesystem filesystem;
    REQUIRE(filesystem.CreateDirectories("/logs", 0755).ok());
    REQUIRE(filesystem.CreateSymlink("/etc/passwd", "/logs/progress.log").ok());
    ProgressLog log(clock);
    const Status status = log.Open(filesystem, "/logs/progress.log");
    CHECK(status.message() == "cannot create '/logs/progress.log': it is a symlink");
  }
}

}  // namespace
}  // namespace tseq
