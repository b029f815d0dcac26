#include "platform/clock.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

using std::chrono::system_clock;

TEST_SUITE("Clock") {
  TEST_CASE("the system clock tells the current time") {
    const auto before = system_clock::now();
    const auto now = NewSystemClock()->Now();
    CHECK(now >= before);
    CHECK(now <= system_clock::now());
  }

  TEST_CASE("a fake clock stands still until set or advanced") {
    const system_clock::time_point start(std::chrono::hours(1000));
    FakeClock clock(start);
    CHECK(clock.Now() == start);
    CHECK(clock.Now() == start);
    clock.Advance(std::chrono::milliseconds(1500));
    CHECK(clock.Now() == start + std::chrono::milliseconds(1500));
    clock.Set(system_clock::time_point());
    CHECK(clock.Now() == system_clock::time_point());
  }

  TEST_CASE("sleeping on a fake clock moves its time forward at once") {
    const system_clock::time_point start(std::chrono::hours(1000));
    const FakeClock clock(start);
    const auto before = std::chrono::steady_clock::now();
    clock.SleepFor(std::chrono::hours(2));
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
    CHECK(clock.Now() == start + std::chrono::hours(2));
  }

  TEST_CASE("sleeping on the system clock waits") {
    const auto before = std::chrono::steady_clock::now();
    NewSystemClock()->SleepFor(std::chrono::milliseconds(20));
    CHECK(std::chrono::steady_clock::now() - before >= std::chrono::milliseconds(20));
  }
}

}  // namespace
}  // namespace tseq
