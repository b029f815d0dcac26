#include "platform/retry.h"

#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace tseq
