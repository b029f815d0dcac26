#include "archive/byte_sink.h"

#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "platform/fault_injecting_filesystem.h"
#include "platform/memory_filesystem.h"

namespace tseq::archive {
namespace {

using std::chrono::milliseconds;

const std::chrono::system_clock::time_point kStart{std::chrono::seconds(1790000000)};

struct SinkFixture {
  MemoryFilesystem memory;
  FaultInjectingFilesystem faulty{memory};
  FakeClock clock{kStart};
  std::vector<std::string> retries;

  SinkFixture() { REQUIRE(memory.CreateDirectories("/store", 0755).ok()); }

  RetrySettings Retry(int count) {
    return RetrySettings{.policy = {.retries = count, .wait = milliseconds(1000)},
                         .clock = &clock,
                         .on_retry = [this](const Status& failure, int attempt) {
                           retries.push_back(std::to_string(attempt) + ": " + failure.message());
                         }};
  }
};

TEST_SUITE("NewFileSink retries") {
  TEST_CASE("a write that fails halfway is written again from where the last one ended") {
    SinkFixture fixture;
    auto sink = NewFileSink(fixture.faulty, "/store/USMT.MIG", fixture.Retry(3));
    REQUIRE(sink.ok());
    REQUIRE((*sink)->Append("first block;").ok());
    // The next write puts half its bytes in the file, then fails (a dropped connection).
    fixture.faulty.FailNth(FilesystemOperation::kAppend, 1, IoError("Connection timed out"));
    REQUIRE((*sink)->Append("second block").ok());
    REQUIRE((*sink)->Finish().ok());
    CHECK(*fixture.memory.ReadFile("/store/USMT.MIG") == "first block;second block");
    CHECK(fixture.retries == std::vector<std::string>{"2: Connection timed out"});
    CHECK(fixture.clock.Now() - kStart == milliseconds(1000));
    CHECK(fixture.faulty.CallCount(FilesystemOperation::kTruncate) == 1);
  }

  TEST_CASE("creating the file and renaming it into place are retried too") {
    SinkFixture fixture;
    fixture.faulty.FailNth(FilesystemOperation::kCreateFile, 1, IoError("Host is down"));
    fixture.faulty.FailNth(FilesystemOperation::kRename, 1, IoError("Host is down"));
    auto sink = NewFileSink(fixture.faulty, "/store/USMT.MIG", fixture.Retry(1));
    REQUIRE(sink.ok());
    REQUIRE((*sink)->Append("data").ok());
    REQUIRE((*sink)->Finish().ok());
    CHECK(*fixture.memory.ReadFile("/store/USMT.MIG") == "data");
    CHECK(fixture.retries.size() == 2);
  }

  TEST_CASE("without retries, or past the last one, the failure stands and nothing is left") {
    SinkFixture fixture;
    auto sink = NewFileSink(fixture.faulty, "/store/USMT.MIG");
    REQUIRE(sink.ok());
    fixture.faulty.FailNth(FilesystemOperation::kAppend, 1, IoError("Input/output error"));
    CHECK((*sink)->Append("data").message() == "Input/output error");
    (*sink)->Abandon();
    CHECK_FALSE(fixture.memory.Stat("/store/USMT.MIG.partial", SymlinkPolicy::kDoNotFollow).ok());

    auto retried = NewFileSink(fixture.faulty, "/store/USMT.MIG", fixture.Retry(2));
    REQUIRE(retried.ok());
    fixture.faulty.FailAlways(FilesystemOperation::kAppend, IoError("Input/output error"));
    CHECK((*retried)->Append("data").message() == "Input/output error");
    CHECK(fixture.retries.size() == 2);
    CHECK(fixture.clock.Now() - kStart == milliseconds(2000));
  }

  TEST_CASE("a failed sync is not retried, nor is a failure that would come again") {
    SinkFixture fixture;
    auto sink = NewFileSink(fixture.faulty, "/store/USMT.MIG", fixture.Retry(3));
    REQUIRE(sink.ok());
    fixture.faulty.FailNth(FilesystemOperation::kAppend, 1, PermissionDeniedError("refused"));
    CHECK((*sink)->Append("data").message() == "refused");
    fixture.faulty.FailNth(FilesystemOperation::kSync, 1, IoError("sync failed"));
    CHECK((*sink)->Finish().message() == "sync failed");
    CHECK(fixture.retries.empty());
    CHECK(fixture.faulty.CallCount(FilesystemOperation::kSync) == 1);
  }
}

}  // namespace
}  // namespace tseq::archive
