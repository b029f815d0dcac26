#include "base/strings.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace tseq {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

constexpr char kDurationHint[] =
    "' (expected a number with a unit: ms, s, m, h or d, e.g. 90s, 15m, 1h30m)";

std::string DurationError(std::string_view text) {
  const Result<milliseconds> result = ParseDuration(text);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  return result.status().message();
}

std::string CommandLineError(std::string_view text) {
  const Result<Strings> result = SplitCommandLine(text);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  return result.status().message();
}

Strings SplitOk(std::string_view text) {
  Result<Strings> result = SplitCommandLine(text);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return std::move(result).value();
}

TEST_SUITE("case helpers") {
  TEST_CASE("ToLowerAscii and ToUpperAscii change ASCII letters only") {
    CHECK(ToLowerAscii("OSDMigrate_Mode-2") == "osdmigrate_mode-2");
    CHECK(ToUpperAscii("osdMigrate_mode-2") == "OSDMIGRATE_MODE-2");
    CHECK(ToLowerAscii("\xC3\x89T\xC3\x89") == "\xC3\x89t\xC3\x89");
    CHECK(ToUpperAscii("") == "");
  }

  TEST_CASE("EqualsIgnoreCase folds ASCII case and needs equal lengths") {
    CHECK(EqualsIgnoreCase("_SMSTSLastActionSucceeded", "_smstslastactionsucceeded"));
    CHECK_FALSE(EqualsIgnoreCase("abc", "abcd"));
    CHECK_FALSE(EqualsIgnoreCase("abc", "abd"));
    CHECK(EqualsIgnoreCase("", ""));
  }

  TEST_CASE("CompareIgnoreCase orders like strcmp after lower-casing") {
    CHECK(CompareIgnoreCase("apple", "APPLE") == 0);
    CHECK(CompareIgnoreCase("a", "B") < 0);
    CHECK(CompareIgnoreCase("B", "a") > 0);
    // Lower-casing first puts '_' (0x5F) before letters, unlike a raw compare of "Z" and "_".
    CHECK(CompareIgnoreCase("_", "Z") < 0);
    CHECK(CompareIgnoreCase("ab", "abc") < 0);
    CHECK(CompareIgnoreCase("abc", "AB") > 0);
    CHECK(CompareIgnoreCase("\xFF", "a") > 0);
  }

  TEST_CASE("StartsWithIgnoreCase") {
    CHECK(StartsWithIgnoreCase("OSDStateStorePath", "osd"));
    CHECK(StartsWithIgnoreCase("abc", ""));
    CHECK(StartsWithIgnoreCase("abc", "ABC"));
    CHECK_FALSE(StartsWithIgnoreCase("ab", "abc"));
    CHECK_FALSE(StartsWithIgnoreCase("xabc", "abc"));
  }
}

TEST_SUITE("splitting and joining") {
  TEST_CASE("TrimWhitespace removes spaces, tabs, CR and LF at both ends only") {
    CHECK(TrimWhitespace(" \t\r\n a b \n") == "a b");
    CHECK(TrimWhitespace("   ") == "");
    CHECK(TrimWhitespace("") == "");
    CHECK(TrimWhitespace("x") == "x");
  }

  TEST_CASE("Split keeps empty fields") {
    CHECK(Split("a,,b", ',') == Strings{"a", "", "b"});
    CHECK(Split(",a,", ',') == Strings{"", "a", ""});
    CHECK(Split("", ',') == Strings{""});
    CHECK(Split("abc", ',') == Strings{"abc"});
  }

  TEST_CASE("SplitWhitespace drops empty fields") {
    CHECK(SplitWhitespace("  a \t b\n\nc  ") == Strings{"a", "b", "c"});
    CHECK(SplitWhitespace(" \t ").empty());
    CHECK(SplitWhitespace("").empty());
  }

  TEST_CASE("Join puts the separator between parts only") {
    CHECK(Join(Strings{"a", "b", "c"}, ", ") == "a, b, c");
    CHECK(Join(Strings{"a"}, ", ") == "a");
    CHECK(Join(Strings{}, ", ") == "");
    CHECK(Join(Strings{"", ""}, "/") == "/");
  }
}

TEST_SUITE("WildcardMatch") {
  TEST_CASE("a pattern without wildcards matches the whole text ignoring case") {
    CHECK(WildcardMatch("Ubuntu", "ubuntu"));
    CHECK_FALSE(WildcardMatch("Ubuntu", "Ubuntu 22.04"));
    CHECK_FALSE(WildcardMatch("Ubuntu 22.04", "Ubuntu"));
    CHECK(WildcardMatch("", ""));
    CHECK_FALSE(WildcardMatch("", "a"));
  }

  TEST_CASE("star matches any run, including an empty one") {
    CHECK(WildcardMatch("*", ""));
    CHECK(WildcardMatch("*", "anything at all"));
    CHECK(WildcardMatch("Ubuntu*", "UBUNTU 22.04"));
    CHECK(WildcardMatch("*.LOG", "smsts.log"));
    CHECK(WildcardMatch("a*b*c", "abc"));
    CHECK(WildcardMatch("a*b*c", "aXXbYYc"));
    CHECK_FALSE(WildcardMatch("a*b*c", "aXXbYY"));
    CHECK(WildcardMatch("**a**", "a"));
    // Backtracking: the first 'b' is not the one that must match.
    CHECK(WildcardMatch("*bc", "abbc"));
    CHECK(WildcardMatch("a*aab", "aaaaab"));
    CHECK_FALSE(WildcardMatch("*x", "abc"));
  }

  TEST_CASE("question mark matches exactly one character") {
    CHECK(WildcardMatch("v?.0", "v2.0"));
    CHECK_FALSE(WildcardMatch("v?.0", "v.0"));
    CHECK_FALSE(WildcardMatch("v?.0", "v10.0"));
    CHECK(WildcardMatch("??", "ab"));
    CHECK_FALSE(WildcardMatch("?", ""));
    CHECK(WildcardMatch("*?", "a"));
    CHECK_FALSE(WildcardMatch("*?", ""));
  }

  TEST_CASE("other characters are literal") {
    CHECK(WildcardMatch("[ab]", "[AB]"));
    CHECK_FALSE(WildcardMatch("[ab]", "a"));
    CHECK(WildcardMatch("100%", "100%"));
  }
}

TEST_SUITE("ParseNumber") {
  TEST_CASE("accepts plain decimal integers and fractions") {
    CHECK(ParseNumber("12") == 12.0);
    CHECK(ParseNumber("-3") == -3.0);
    CHECK(ParseNumber("+4") == 4.0);
    CHECK(ParseNumber("2.5") == 2.5);
    CHECK(ParseNumber(".5") == 0.5);
    CHECK(ParseNumber("-.5") == -0.5);
    CHECK(ParseNumber("7.") == 7.0);
    CHECK(ParseNumber("007") == 7.0);
    CHECK(ParseNumber("0") == 0.0);
  }

  TEST_CASE("allows surrounding whitespace") {
    CHECK(ParseNumber(" 7 ") == 7.0);
    CHECK(ParseNumber("\t-1.25\r\n") == -1.25);
  }

  TEST_CASE("rejects anything else") {
    for (const char* text : {"", " ", "12abc", "abc", "0x10", "1e5", "1E5", "inf", "nan", "-", "+",
                             ".", "-.", "1.2.3", "--1", "+-1", "1 2", "- 1", "1,5"}) {
      CAPTURE(text);
      CHECK_FALSE(ParseNumber(text).has_value());
    }
  }

  TEST_CASE("rejects numbers too large for a double") {
    CHECK_FALSE(ParseNumber("1" + std::string(400, '0')).has_value());
    CHECK(ParseNumber("1" + std::string(300, '0')).has_value());
  }
}

TEST_SUITE("ClosestMatch") {
  const Strings kSteps = {"RunCommandLine", "SetTaskSequenceVariable", "Group", "Restart"};

  TEST_CASE("EditDistanceIgnoreCase is Levenshtein distance without case") {
    CHECK(EditDistanceIgnoreCase("kitten", "sitting") == 3);
    CHECK(EditDistanceIgnoreCase("ABC", "abc") == 0);
    CHECK(EditDistanceIgnoreCase("", "abc") == 3);
    CHECK(EditDistanceIgnoreCase("abc", "") == 3);
    CHECK(EditDistanceIgnoreCase("flaw", "lawn") == 2);
  }

  TEST_CASE("suggests a candidate a plausible typo away") {
    CHECK(ClosestMatch("RunComandLine", kSteps) == "RunCommandLine");
    CHECK(ClosestMatch("runcommandline", kSteps) == "RunCommandLine");
    CHECK(ClosestMatch("Grup", kSteps) == "Group");
  }

  TEST_CASE("allows a third of the word's length, at least 1 and at most 3") {
    // "Grp" (3 letters) may be 1 edit away: "Group" is 2.
    CHECK_FALSE(ClosestMatch("Grp", kSteps).has_value());
    CHECK(ClosestMatch("Gro", Strings{"Grow"}) == "Grow");
    // 23 letters would allow 7; the cap is 3.
    CHECK(ClosestMatch("SetTaskSequenceVariaXXX", kSteps) == "SetTaskSequenceVariable");
    CHECK_FALSE(ClosestMatch("SetTaskSequenceVariXXXX", kSteps).has_value());
  }

  TEST_CASE("finds nothing for unrelated words or no candidates") {
    CHECK_FALSE(ClosestMatch("FormatDisk", kSteps).has_value());
    CHECK_FALSE(ClosestMatch("Group", Strings{}).has_value());
  }

  TEST_CASE("prefers the closest candidate and the first on a tie") {
    CHECK(ClosestMatch("Restarx", Strings{"Restarts", "Restart"}) == "Restart");
    CHECK(ClosestMatch("abcdef", Strings{"abcdxf", "abcdeg"}) == "abcdxf");
  }
}

TEST_SUITE("ParseDuration") {
  TEST_CASE("accepts each unit") {
    CHECK(*ParseDuration("500ms") == milliseconds(500));
    CHECK(*ParseDuration("90s") == milliseconds(90'000));
    CHECK(*ParseDuration("15m") == milliseconds(15 * 60'000));
    CHECK(*ParseDuration("2h") == milliseconds(2 * 3'600'000));
    CHECK(*ParseDuration("1d") == milliseconds(86'400'000));
  }

  TEST_CASE("adds up combined units") {
    CHECK(*ParseDuration("1h30m") == milliseconds(90 * 60'000));
    CHECK(*ParseDuration("1m30s500ms") == milliseconds(90'500));
    CHECK(*ParseDuration("2d3h") == milliseconds(51 * 3'600'000));
  }

  TEST_CASE("takes a bare number as seconds") {
    CHECK(*ParseDuration("45") == milliseconds(45'000));
    CHECK(*ParseDuration("0") == milliseconds(0));
    CHECK(*ParseDuration(" 45 ") == milliseconds(45'000));
    CHECK(*ParseDuration("\t10m\n") == milliseconds(600'000));
  }

  TEST_CASE("rejects other forms naming the text") {
    for (const char* text : {"", "   ", "-5s", "5x", "m", "1.5h", "5 m", "10S", "s5", "5msx",
                             "1h30", "abc", "+5s", "0x10"}) {
      CAPTURE(text);
      CHECK(DurationError(text) == "invalid duration '" + std::string(text) + kDurationHint);
    }
  }

  TEST_CASE("rejects durations over a hundred years instead of overflowing") {
    CHECK(DurationError("3153600001") ==
          std::string("invalid duration '3153600001") + kDurationHint);
    CHECK(*ParseDuration("3153600000") == milliseconds(3'153'600'000'000));
    CHECK(DurationError("1000000001s") ==
          std::string("invalid duration '1000000001s") + kDurationHint);
    CHECK(*ParseDuration("36500d") == milliseconds(3'153'600'000'000));
    CHECK(DurationError("36501d") == std::string("invalid duration '36501d") + kDurationHint);
    std::string many;
    for (int i = 0; i < 200; ++i) many += "1000000000d";
    CHECK(DurationError(many) == "invalid duration '" + many + kDurationHint);
  }
}

TEST_SUITE("FormatDuration") {
  TEST_CASE("writes the shortest exact form") {
    CHECK(FormatDuration(milliseconds(0)) == "0s");
    CHECK(FormatDuration(milliseconds(500)) == "500ms");
    CHECK(FormatDuration(milliseconds(90'000)) == "1m30s");
    CHECK(FormatDuration(milliseconds(3'600'000)) == "1h");
    CHECK(FormatDuration(milliseconds(90'061'001)) == "1d1h1m1s1ms");
    CHECK(FormatDuration(milliseconds(172'800'000)) == "2d");
  }

  TEST_CASE("shows a negative duration as zero") {
    CHECK(FormatDuration(milliseconds(-5)) == "0s");
  }

  TEST_CASE("round-trips through ParseDuration") {
    for (const int64_t count : {0LL, 1LL, 999LL, 1000LL, 61'001LL, 86'399'999LL, 90'061'001LL}) {
      CAPTURE(count);
      CHECK(*ParseDuration(FormatDuration(milliseconds(count))) == milliseconds(count));
    }
  }
}

TEST_SUITE("SplitCommandLine") {
  TEST_CASE("splits on runs of whitespace") {
    CHECK(SplitOk("scanstate  /o \t/c\n/v:13 ") == Strings{"scanstate", "/o", "/c", "/v:13"});
    CHECK(SplitOk("one") == Strings{"one"});
  }

  TEST_CASE("single quotes keep everything literally") {
    CHECK(SplitOk("echo 'a  b' 'c\\d' '\"$x\"'") == Strings{"echo", "a  b", "c\\d", "\"$x\""});
  }

  TEST_CASE("double quotes keep everything except the four escapes") {
    CHECK(SplitOk(R"(echo "a  b" "q\"q" "b\\s" "d\$" "t\`")") ==
          Strings{"echo", "a  b", "q\"q", "b\\s", "d$", "t`"});
    // A backslash before any other character stays.
    CHECK(SplitOk(R"("a\nb" "c\'d")") == Strings{"a\\nb", "c\\'d"});
    CHECK(SplitOk("\"it's\"") == Strings{"it's"});
  }

  TEST_CASE("a backslash outside quotes escapes the next character") {
    CHECK(SplitOk(R"(a\ b c\"d \\ \')") == Strings{"a b", "c\"d", "\\", "'"});
  }

  TEST_CASE("adjacent quoted and bare parts form one argument") {
    CHECK(SplitOk(R"(pre'mid'"post" x)") == Strings{"premidpost", "x"});
  }

  TEST_CASE("empty quotes give an empty argument") {
    CHECK(SplitOk("printf '' \"\" x") == Strings{"printf", "", "", "x"});
  }

  TEST_CASE("reports unterminated quotes with the 1-based position of the opening quote") {
    CHECK(CommandLineError("echo 'abc") ==
          "unterminated single quote in command line at character 6");
    CHECK(CommandLineError("'") == "unterminated single quote in command line at character 1");
    CHECK(CommandLineError("a \"bc") == "unterminated double quote in command line at character 3");
    // The escaped quote does not close the string.
    CHECK(CommandLineError(R"("a\")") ==
          "unterminated double quote in command line at character 1");
  }

  TEST_CASE("reports a trailing backslash") {
    CHECK(CommandLineError("echo abc\\") == "command line ends with a lone backslash");
  }

  TEST_CASE("reports an empty command line") {
    CHECK(CommandLineError("") == "empty command line");
    CHECK(CommandLineError(" \t\n") == "empty command line");
  }
}

TEST_SUITE("QuoteArgument") {
  TEST_CASE("leaves plain words bare") {
    CHECK(QuoteArgument("scanstate") == "scanstate");
    CHECK(QuoteArgument("/v:13") == "/v:13");
    CHECK(QuoteArgument("a-b_c.d=e,f+g@h%i") == "a-b_c.d=e,f+g@h%i");
  }

  TEST_CASE("single-quotes anything else") {
    CHECK(QuoteArgument("") == "''");
    CHECK(QuoteArgument("a b") == "'a b'");
    CHECK(QuoteArgument("$HOME") == "'$HOME'");
    CHECK(QuoteArgument("it's") == "'it'\\''s'");
  }

  TEST_CASE("round-trips through SplitCommandLine") {
    const Strings arguments = {"plain", "",      "two words", "it's",      "'",  "\"",
                               "\\",    "$HOME", "a\tb\nc",   "back`tick", "*?", "x\\'y\"z"};
    std::string line;
    for (const std::string& argument : arguments) line += QuoteArgument(argument) + " ";
    CHECK(SplitOk(line) == arguments);
    for (const std::string& argument : arguments) {
      CAPTURE(argument);
      CHECK(SplitOk(QuoteArgument(argument)) == Strings{argument});
    }
  }
}

}  // namespace
}  // namespace tseq
