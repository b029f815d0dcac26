// The strict CMTrace reader declared in engine/smsts_log.h. Tests use it to prove that every record
// the engine writes parses; it is deliberately unforgiving about attribute order and widths.
#include <regex>

#include "engine/smsts_log.h"

namespace tseq {
namespace {

const std::regex& AttributePattern() {
  static const std::regex pattern(
      R"re(^time="(\d\d):(\d\d):(\d\d)\.(\d\d\d)([+-])(\d\d\d)" date="(\d\d)-(\d\d)-(\d\d\d\d)" )re"
      R"re(component="([A-Za-z0-9]+)" context="" type="([123])" thread="(\d+)" )re"
      R"re(file="([^"]*)">$)re");
  return pattern;
}

int ToInt(const std::ssub_match& match) { return std::stoi(match.str()); }

std::chrono::system_clock::time_point ToTimePoint(int year, int month, int day, int hour,
                                                  int minute, int second, int millisecond,
                                                  int bias_minutes) {
  using namespace std::chrono;
  const sys_days date =
      year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  // Local time + bias = UTC.
  return system_clock::time_point(date) + hours(hour) + minutes(minute) + seconds(second) +
         milliseconds(millisecond) + minutes(bias_minutes);
}

}  // namespace

Result<std::vector<CmtraceRecord>> ParseCmtraceLog(std::string_view text) {
  std::vector<CmtraceRecord> records;
  constexpr std::string_view kStart = "<![LOG[";
  constexpr std::string_view kSeparator = "]LOG]!><";
  size_t position = 0;
  int line_number = 1;
  while (position < text.size()) {
    const std::string where = "line " + std::to_string(line_number);
    if (text.substr(position, kStart.size()) != kStart) {
      return InvalidArgumentError(where + ": record does not start with '<![LOG['");
    }
    const size_t message_start = position + kStart.size();
    const size_t separator = text.find(kSeparator, message_start);
    if (separator == std::string_view::npos) {
      return InvalidArgumentError(where + ": no ']LOG]!><' after the message");
    }
    const size_t line_end = text.find('\n', separator);
    if (line_end == std::string_view::npos) {
      return InvalidArgumentError(where + ": record does not end with a newline");
    }
    CmtraceRecord record;
    record.message = std::string(text.substr(message_start, separator - message_start));
    const std::string attributes(
        text.substr(separator + kSeparator.size(), line_end - separator - kSeparator.size()));
    std::smatch match;
    if (!std::regex_match(attributes, match, AttributePattern())) {
      return InvalidArgumentError(where +
                                  ": attributes do not match the CMTrace format: " + attributes);
    }
    const int bias = (match[5].str() == "-" ? -1 : 1) * ToInt(match[6]);
    const int month = ToInt(match[7]);
    const int day = ToInt(match[8]);
    if (month < 1 || month > 12 || day < 1 || day > 31 || ToInt(match[1]) > 23 ||
        ToInt(match[2]) > 59 || ToInt(match[3]) > 60) {
      return InvalidArgumentError(where + ": impossible date or time: " + attributes);
    }
    record.time = ToTimePoint(ToInt(match[9]), month, day, ToInt(match[1]), ToInt(match[2]),
                              ToInt(match[3]), ToInt(match[4]), bias);
    record.bias_minutes = bias;
    record.component = match[10].str();
    record.type = ToInt(match[11]);
    record.thread = std::stoull(match[12].str());
    record.file = match[13].str();
    for (char c : record.message) {
      if (c == '\n') ++line_number;
    }
    ++line_number;
    records.push_back(std::move(record));
    position = line_end + 1;
  }
  return records;
}

}  // namespace tseq
