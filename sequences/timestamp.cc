#include "sequences/timestamp.h"

#include <string>

#include "base/strings.h"

namespace tseq {
namespace {

// Reads exactly `digits` decimal digits at `position`; -1 when any of them is not a digit.
int ReadDigits(std::string_view text, size_t position, size_t digits) {
  if (position + digits > text.size()) return -1;
  int value = 0;
  for (size_t i = position; i < position + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool ReadSeparator(std::string_view text, size_t position, char separator) {
  return position < text.size() && text[position] == separator;
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text) {
  const std::string shown(text);
  auto invalid = [&shown]() {
    return InvalidArgumentError("invalid timestamp '" + shown +
                                "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally "
                                "followed by Z, +HH:MM or -HH:MM)");
  };
  text = TrimWhitespace(text);

  const int year = ReadDigits(text, 0, 4);
  const int month = ReadDigits(text, 5, 2);
  const int day = ReadDigits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || !ReadSeparator(text, 4, '-') ||
      !ReadSeparator(text, 7, '-')) {
    return invalid();
  }
  // system_clock counts nanoseconds in 64 bits, which spans the years 1678 to 2261; a year
  // outside 1900..2200 is a typo in a file-timestamp condition, not a date to convert.
  if (year < 1900 || year > 2200) {
    return InvalidArgumentError("invalid timestamp '" + shown +
                                "' (the year must be between 1900 and 2200)");
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return invalid();
  std::chrono::system_clock::time_point instant = std::chrono::sys_days(date);
  if (text.size() == 10) return instant;

  if (!ReadSeparator(text, 10, 'T')) return invalid();
  const int hour = ReadDigits(text, 11, 2);
  const int minute = ReadDigits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || !ReadSeparator(text, 13, ':')) {
    return invalid();
  }
  size_t position = 16;
  int second = 0;
  if (ReadSeparator(text, position, ':')) {
    second = ReadDigits(text, position + 1, 2);
    if (second < 0 || second > 59) return invalid();
    position += 3;
  }
  instant += std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);

  const std::string_view zone = text.substr(position);
  if (zone.empty() || zone == "Z") return instant;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return invalid();
  const int offset_hours = ReadDigits(zone, 1, 2);
  const int offset_minutes = ReadDigits(zone, 4, 2);
  if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) {
    return invalid();
  }
  // "+01:00" is one hour ahead of UTC, so the same wall-clock time is one hour earlier in UTC.
  const std::chrono::minutes offset =
      std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
  return zone[0] == '+' ? instant - offset : instant + offset;
}

}  // namespace tseq
