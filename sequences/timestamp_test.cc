#include "sequences/timestamp.h"

#include <chrono>
#include <string>

#include <doctest/doctest.h>

namespace tseq {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

constexpr std::chrono::year_month_day kJanuary31{std::chrono::year(2026), std::chrono::January,
                                                 std::chrono::day(31)};

std::string Expected(std::string_view text) {
  return "invalid timestamp '" + std::string(text) +
         "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally followed by Z, +HH:MM or "
         "-HH:MM)";
}

TEST_SUITE("ParseTimestamp") {
  TEST_CASE("a date alone is its midnight UTC") {
    const auto parsed = ParseTimestamp("2026-01-31");
    REQUIRE(parsed.ok());
    CHECK(*parsed == sys_days(kJanuary31));
  }

  TEST_CASE("a time without a zone is UTC, with or without seconds") {
    auto parsed = ParseTimestamp("2026-01-31T08:15");
    REQUIRE(parsed.ok());
    CHECK(*parsed == sys_days(kJanuary31) + 8h + 15min);
    parsed = ParseTimestamp(" 2026-01-31T08:15:30 ");
    REQUIRE(parsed.ok());
    CHECK(*parsed == sys_days(kJanuary31) + 8h + 15min + 30s);
    parsed = ParseTimestamp("2026-01-31T08:15:30Z");
    REQUIRE(parsed.ok());
    CHECK(*parsed == sys_days(kJanuary31) + 8h + 15min + 30s);
  }

  TEST_CASE("a zone offset is subtracted to give UTC") {
    auto parsed = ParseTimestamp("2026-01-31T08:00:00+01:00");
    REQUIRE(parsed.ok());
    CHECK(*parsed == sys_days(kJanuary31) + 7h);
    parsed = ParseTimestamp("2026-01-31T22:30-02:30");
    REQUIRE(parsed.ok());
    CHECK(*parsed == sys_days(kJanuary31) + 25h);
  }

  TEST_CASE("leap days exist only in leap years") {
    CHECK(ParseTimestamp("2024-02-29").ok());
    CHECK(ParseTimestamp("2026-02-29").status().message() == Expected("2026-02-29"));
  }

  TEST_CASE("anything else is rejected with the accepted forms in the message") {
    for (const char* text :
         {"", "2026", "2026-1-31", "2026-01-31 08:00", "2026-13-01", "2026-01-32",
          "2026-01-31T24:00", "2026-01-31T08:60", "2026-01-31T08:00:60", "2026-01-31T08",
          "2026-01-31T08:00+1", "2026-01-31T08:00+01:60", "2026-01-31T08:00:00ZZ", "2026-01-31Z",
          "31/01/2026", "2026-01-31t08:00"}) {
      CAPTURE(text);
      const auto parsed = ParseTimestamp(text);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
      CHECK(parsed.status().message() == Expected(text));
    }
  }
}

}  // namespace
}  // namespace tseq
