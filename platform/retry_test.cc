#include "platform/retry.h"

#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "platform/fault_injecting_filesystem.h"
#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

using std::chrono::milliseconds;

const std::chrono::system_clock::time_point kStart{std::chrono::seconds(1790000000)};

TEST_SUITE("RunWithRetries") {
  TEST_CASE("an I/O error is retried after the wait until the operation succeeds") {
    FakeClock clock(kStart);
    int calls = 0;
    std::vector<std::string> retries;
    const Status status = RunWithRetries(
        {.retries = 3, .wait = milliseconds(1000)}, clock,
        [&]() { return ++calls < 3 ? IoError("cannot read 'x': Connection timed out") : Status(); },
        [&](const Status& failure, int attempt) {
          retries.push_back(std::to_string(attempt) + " " + failure.message());
        });
    CHECK(status.ok());
    CHECK(calls == 3);
    CHECK(retries == std::vector<std::string>{"2 cannot read 'x': Connection timed out",
                                              "3 cannot read 'x': Connection timed out"});
    CHECK(clock.Now() - kStart == milliseconds(2000));
  }

  TEST_CASE("after the last retry the failure is returned") {
    FakeClock clock(kStart);
    int calls = 0;
    const Status status = RunWithRetries({.retries = 2, .wait = milliseconds(10)}, clock, [&]() {
      ++calls;
      return IoError("cannot write 'x': Input/output error");
    });
    CHECK(status.message() == "cannot write 'x': Input/output error");
    CHECK(calls == 3);
    CHECK(clock.Now() - kStart == milliseconds(20));
  }

  TEST_CASE("failures that would fail again are not retried, and /r:0 retries nothing") {
    FakeClock clock(kStart);
    for (const Status& failure :
         {NotFoundError("missing"), CorruptionError("bad block"), PermissionDeniedError("no"),
          Status(StatusCode::kUnauthenticated, "wrong key")}) {
      int calls = 0;
      CHECK(RunWithRetries({.retries = 5, .wait = milliseconds(10)}, clock, [&]() {
              ++calls;
              return failure;
            }).message() == failure.message());
      CHECK(calls == 1);
    }
    int calls = 0;
    CHECK_FALSE(RunWithRetries({}, clock, [&]() {
                  ++calls;
                  return IoError("down");
                }).ok());
    CHECK(calls == 1);
    CHECK(clock.Now() == kStart);
  }
}

TEST_SUITE("WithReadRetries") {
  struct Files {
    MemoryFilesystem memory;
    FaultInjectingFilesystem faulty{memory};
    FakeClock clock{kStart};
    std::vector<std::string> retries;
    Files() { REQUIRE(memory.WriteFileAtomically("/store.mig", "0123456789", 0600).ok()); }
    std::unique_ptr<ReadableFile> Open(int retries_allowed) {
      auto file = faulty.OpenForRead("/store.mig", SymlinkPolicy::kFollow);
      REQUIRE(file.ok());
      return WithReadRetries(
          std::move(file).value(),
          {.policy = {.retries = retries_allowed, .wait = milliseconds(500)},
           .clock = &clock,
           .on_retry = [this](const Status& failure, int attempt) {
             retries.push_back(std::to_string(attempt) + " " + failure.message());
           }});
    }
  };

  TEST_CASE("a positional read that failed with an I/O error is made again") {
    Files files;
    const auto file = files.Open(2);
    files.faulty.FailNth(FilesystemOperation::kReadAt, 1, IoError("cannot read: EIO"));
    char buffer[4] = {};
    const Result<size_t> read = file->ReadAt(3, buffer, sizeof buffer);
    REQUIRE(read.ok());
    CHECK(*read == 4);
    CHECK(std::string(buffer, 4) == "3456");
    CHECK(files.retries == std::vector<std::string>{"2 cannot read: EIO"});
    CHECK(files.clock.Now() - kStart == milliseconds(500));
    CHECK(file->path() == "/store.mig");
  }

  TEST_CASE("the last failure is returned once the retries are spent") {
    Files files;
    const auto file = files.Open(1);
    files.faulty.FailAlways(FilesystemOperation::kReadAt, IoError("cannot read: EIO"));
    char buffer[4] = {};
    CHECK(file->ReadAt(0, buffer, sizeof buffer).status().message() == "cannot read: EIO");
    CHECK(files.retries.size() == 1);
  }

  TEST_CASE("without retries the file is returned as it is") {
    Files files;
    auto opened = files.faulty.OpenForRead("/store.mig", SymlinkPolicy::kFollow);
    REQUIRE(opened.ok());
    ReadableFile* original = opened->get();
    const auto file = WithReadRetries(std::move(opened).value(), {});
    CHECK(file.get() == original);
  }
}

}  // namespace
}  // namespace tseq
