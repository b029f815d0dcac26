// Small string helpers shared by every module. All functions are pure and thread-safe.
// "Case-insensitive" here means ASCII case folding: variable names, operators and keys are ASCII.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tseq {

std::string ToLowerAscii(std::string_view text);
std::string ToUpperAscii(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Negative, zero or positive like strcmp, after ASCII lower-casing both sides.
int CompareIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

// Removes leading and trailing spaces, tabs, carriage returns and newlines.
std::string_view TrimWhitespace(std::string_view text);

// Splits on every occurrence of `separator`; empty fields are kept ("a,,b" -> {"a","","b"}).
std::vector<std::string> Split(std::string_view text, char separator);
// Splits on runs of whitespace; empty fields are dropped.
std::vector<std::string> SplitWhitespace(std::string_view text);
std::string Join(std::span<const std::string> parts, std::string_view separator);

// Matches `text` against a pattern with `*` (any run, including empty) and `?` (exactly one
// character), ignoring ASCII case, as ConfigMgr's `like` operator does. No escapes.
bool WildcardMatch(std::string_view pattern, std::string_view text);

// Parses a whole string as a decimal number ("12", "-3", "2.5", " 7 "). Surrounding whitespace
// is allowed; anything else ("12abc", "", "0x10", "1e5") is not a number.
std::optional<double> ParseNumber(std::string_view text);

// Levenshtein distance, ignoring ASCII case.
size_t EditDistanceIgnoreCase(std::string_view a, std::string_view b);
// The candidate closest to `word` if it is close enough to be a plausible typo (distance at most
// a third of the word's length, minimum 1, maximum 3); nullopt otherwise. Ties go to the first.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        std::span<const std::string> candidates);

// Parses a duration such as "90s", "15m", "2h", "1h30m", "500ms" or a bare number of seconds
// ("45"). Units: ms, s, m, h, d. Fails with InvalidArgument naming the text for anything else,
// including negative values and an empty string.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
// Formats as the shortest exact form ParseDuration accepts ("90s" -> "1m30s", 0 -> "0s").
std::string FormatDuration(std::chrono::milliseconds duration);

// Splits a command line into arguments the way a POSIX shell does quoting and nothing else:
// single quotes keep everything literally, double quotes keep everything but `\"`, `\\`, `\$`
// and `` \` `` escapes, a backslash outside quotes escapes the next character. No expansion,
// globbing, pipes or redirection (run `sh -c '...'` for those). Fails with InvalidArgument on an
// unterminated quote or a trailing backslash, and on an empty command line.
Result<std::vector<std::string>> SplitCommandLine(std::string_view command_line);
// Quotes one argument so SplitCommandLine gives it back unchanged; plain words stay bare.
std::string QuoteArgument(std::string_view argument);

}  // namespace tseq
