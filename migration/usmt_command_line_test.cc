#include "migration/usmt_command_line.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

CommandLineSyntax TestSyntax() {
  using enum OptionValue;
  CommandLineSyntax syntax;
  syntax.working_directory = "/work";
  syntax.options = {
      {.name = "verify", .aliases = {"verify"}, .value = kOptional, .value_name = "TYPE"},
      {.name = "o", .aliases = {"overwrite"}},
      {.name = "i",
       .aliases = {"include"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "PATTERNS"},
      {.name = "l",
       .aliases = {"log"},
       .value = kRequired,
       .kind = OptionValueKind::kPath,
       .value_name = "FILE"},
      {.name = "key",
       .aliases = {"key"},
       .value = kRequired,
       .kind = OptionValueKind::kSecret,
       .value_name = "KEY"},
      {.name = "progress",
       .value = kRequired,
       .kind = OptionValueKind::kPath,
       .value_after_space = false,
       .value_name = "FILE"},
  };
  return syntax;
}

ParsedCommandLine Parse(const std::vector<std::string>& arguments,
                        const CommandLineSyntax& syntax = TestSyntax()) {
  UsmtResult<ParsedCommandLine> parsed = ParseUsmtCommandLine(arguments, syntax);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  return std::move(parsed).value();
}

UsmtError ParseError(const std::vector<std::string>& arguments,
                     const CommandLineSyntax& syntax = TestSyntax()) {
  UsmtResult<ParsedCommandLine> parsed = ParseUsmtCommandLine(arguments, syntax);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

TEST_SUITE("ParseUsmtCommandLine") {
  TEST_CASE("USMT and GNU forms give the same options, with names in any case") {
    for (const std::vector<std::string>& arguments :
         std::vector<std::vector<std::string>>{{"/l:x.log", "/O"},
                                               {"/L", "x.log", "/o"},
                                               {"--log=x.log", "--overwrite"},
                                               {"--LOG", "x.log", "--o"},
                                               {"--l=x.log", "/OverWrite"},
                                               {"/Log:x.log", "--O"}}) {
      CAPTURE(arguments[0]);
      const ParsedCommandLine parsed = Parse(arguments);
      REQUIRE(parsed.options.size() == 2);
      CHECK(parsed.options[0].name == "l");
      CHECK(parsed.options[0].value == "x.log");
      CHECK(parsed.options[1].name == "o");
      CHECK_FALSE(parsed.options[1].value.has_value());
      CHECK(parsed.positionals.empty());
    }
  }

  TEST_CASE("paths are positional arguments, in order, and values may contain colons") {
    const ParsedCommandLine parsed =
        Parse({"/verify:all", "/srv/store", "relative/dest", "/l:/var/log/a:b.log", "store2"});
    CHECK(parsed.positionals == std::vector<std::string>{"/srv/store", "relative/dest", "store2"});
    CHECK(parsed.Find("verify")->value == "all");
    CHECK(parsed.Find("l")->value == "/var/log/a:b.log");
    CHECK(parsed.Find("l")->spelling == "/l");
  }

  TEST_CASE("a required value is taken from the next argument, even a path, but not an option") {
    CHECK(Parse({"/l", "/var/log/x.log"}).Find("l")->value == "/var/log/x.log");
    const UsmtError error = ParseError({"/l", "/o"});
    CHECK(error.code == UsmtReturnCode::kInvalidParameters);
    CHECK(error.message == "option /l needs a value: /l:FILE");
    CHECK(ParseError({"--log"}).message == "option --log needs a value: --log=FILE");
    CHECK(ParseError({"/l:"}).message == "option /l needs a value: /l:FILE");
    CHECK(ParseError({"/progress", "p.log"}).message ==
          "option /progress needs a value: /progress:FILE");
  }

  TEST_CASE("an optional value comes only after a colon or an equals sign") {
    const ParsedCommandLine parsed = Parse({"/verify", "all"});
    CHECK_FALSE(parsed.Find("verify")->value.has_value());
    CHECK(parsed.positionals == std::vector<std::string>{"all"});
    CHECK(Parse({"--verify=catalog"}).Find("verify")->value == "catalog");
    CHECK_FALSE(Parse({"/verify:"}).Find("verify")->value.has_value());
  }

  TEST_CASE("repeatable options collect every value; others may be given once") {
    const ParsedCommandLine parsed = Parse({"/i:*.txt", "--include=*.pdf", "/I", "a;b"});
    CHECK(parsed.Values("i") == std::vector<std::string>{"*.txt", "*.pdf", "a;b"});
    const UsmtError error = ParseError({"/o", "--overwrite"});
    CHECK(error.code == UsmtReturnCode::kInvalidParameters);
    CHECK(error.message == "option --overwrite is given more than once");
    CHECK(ParseError({"/L:a", "/l:b"}).message == "option /l is given more than once");
  }

  TEST_CASE("an option without a value refuses one") {
    CHECK(ParseError({"/o:yes"}).message == "option /o does not take a value");
    CHECK(ParseError({"--overwrite=1"}).message == "option --overwrite does not take a value");
  }

  TEST_CASE("unknown options are refused with the closest name") {
    UsmtError error = ParseError({"/verfy", "store"});
    CHECK(error.code == UsmtReturnCode::kInvalidParameters);
    CHECK(error.message == "unknown option '/verfy' (did you mean /verify?)");
    CHECK(ParseError({"--includ=x"}).message ==
          "unknown option '--includ' (did you mean --include?)");
    CHECK(ParseError({"--frobnicate"}).message == "unknown option '--frobnicate'");
    CHECK(ParseError({"/frob:1"}).message == "unknown option '/frob'");
    CHECK(ParseError({"-v"}).message == "unknown option '-v' (options start with / or --)");
  }

  TEST_CASE("an unknown option's value is never echoed, nor a secret value anywhere") {
    CHECK(ParseError({"/keyy:hunter2"}).message == "unknown option '/keyy' (did you mean /key?)");
    CHECK(ParseError({"--keyy=hunter2"}).message ==
          "unknown option '--keyy' (did you mean --key?)");
    const UsmtError error = ParseError({"/key:" + std::string(300, 's')});
    CHECK(error.code == UsmtReturnCode::kOptionParamTooLarge);
    CHECK(error.message == "the value given to /key is 300 characters long (the limit is 256)");
  }

  TEST_CASE("a single-component path that is not close to an option is a positional argument") {
    CHECK(Parse({"/USMTDemo"}).positionals == std::vector<std::string>{"/USMTDemo"});
    CHECK(Parse({"/"}).positionals == std::vector<std::string>{"/"});
    // Close to /o, so a typo unless it exists.
    CHECK(ParseError({"/ox"}).message == "unknown option '/ox' (did you mean /o?)");
    CommandLineSyntax syntax = TestSyntax();
    syntax.path_exists = [](const std::string& path) { return path == "/ox"; };
    CHECK(Parse({"/ox"}, syntax).positionals == std::vector<std::string>{"/ox"});
  }

  TEST_CASE("everything after -- is positional") {
    const ParsedCommandLine parsed = Parse({"/o", "--", "/l", "--log", "-x"});
    CHECK(parsed.positionals == std::vector<std::string>{"/l", "--log", "-x"});
    CHECK(parsed.options.size() == 1);
  }

  TEST_CASE("help is recognised in every form and wins over errors") {
    for (const std::string help : {"/?", "/help", "/HELP", "--help", "-h", "-?"}) {
      CAPTURE(help);
      CHECK(Parse({"/bogus:1", help}).help_requested);
    }
    CHECK_FALSE(Parse({"--", "/?"}).help_requested);
  }

  TEST_CASE("values and paths over 256 characters are refused, measured as absolute paths") {
    // "/work/" + 250 characters = 256: allowed; one more is not.
    const std::string relative(250, 'p');
    CHECK(Parse({"/l:" + relative}).Find("l")->value == relative);
    CHECK(Parse({relative}).positionals.size() == 1);
    UsmtError error = ParseError({"/l:" + relative + "q"});
    CHECK(error.code == UsmtReturnCode::kOptionParamTooLarge);
    CHECK(error.message ==
          "the path given to /l is 257 characters long as an absolute path (the limit is 256)");
    error = ParseError({relative + "q"});
    CHECK(error.code == UsmtReturnCode::kOptionParamTooLarge);
    CHECK(error.message == "the path '" + relative +
                               "q' is 257 characters long as an absolute path (the limit is 256)");
    CHECK(Parse({"/i:" + std::string(256, 'x')}).Values("i").size() == 1);
    CHECK(ParseError({"/i:" + std::string(257, 'x')}).message ==
          "the value given to /i is 257 characters long (the limit is 256)");
  }

  TEST_CASE("the redacted arguments hide secret values in every form") {
    const ParsedCommandLine parsed = Parse({"/key:hunter2", "store", "/l", "x.log"});
    CHECK(parsed.redacted_arguments ==
          std::vector<std::string>{"/key:*****", "store", "/l", "x.log"});
    CHECK(Parse({"--key", "hunter2"}).redacted_arguments ==
          std::vector<std::string>{"--key", "*****"});
    CHECK(Parse({"--key=hunter2"}).redacted_arguments == std::vector<std::string>{"--key=*****"});
    CHECK(Parse({"/KEY", "hunter2"}).Find("key")->value == "hunter2");
  }
}

TEST_SUITE("UnexpectedArgumentMessage") {
  TEST_CASE("names an option-like argument as an unknown option, anything else as unexpected") {
    const CommandLineSyntax syntax = TestSyntax();
    CHECK(UnexpectedArgumentMessage("/verfy", syntax) ==
          "unknown option '/verfy' (did you mean /verify?)");
    CHECK(UnexpectedArgumentMessage("/frobnicate", syntax) == "unknown option '/frobnicate'");
    CHECK(UnexpectedArgumentMessage("/srv/x", syntax) == "unexpected argument '/srv/x'");
    CHECK(UnexpectedArgumentMessage("extra", syntax) == "unexpected argument 'extra'");
  }
}

TEST_SUITE("FormatOptionHelp") {
  TEST_CASE("lists both forms of every option with its help") {
    CommandLineSyntax syntax;
    syntax.options = {
        {.name = "o", .aliases = {"overwrite"}, .help = "Replace"},
        {.name = "verify", .value = OptionValue::kOptional, .value_name = "TYPE", .help = "Check"},
        {.name = "l", .aliases = {"log"}, .value = OptionValue::kRequired, .help = "Log"},
    };
    CHECK(FormatOptionHelp(syntax) ==
          "  /o, --overwrite                 Replace\n"
          "  /verify[:TYPE], --verify[=TYPE]\n"
          "                                  Check\n"
          "  /l:VALUE, --log=VALUE           Log\n");
  }
}

TEST_SUITE("ParseVerbosity") {
  TEST_CASE("accepts 0 to 13 and nothing else") {
    CHECK(*ParseVerbosity("0") == 0);
    CHECK(*ParseVerbosity("13") == 13);
    for (const std::string bad : {"14", "-1", "", "5x", "1.5", "013"}) {
      CAPTURE(bad);
      const UsmtResult<int> level = ParseVerbosity(bad);
      REQUIRE_FALSE(level.ok());
      CHECK(level.error().code == UsmtReturnCode::kInvalidParameters);
      CHECK(level.error().message ==
            "invalid verbosity '" + bad + "' for /v (use a number from 0 to 13)");
    }
  }
}

}  // namespace
}  // namespace tseq
