#include "migration/usmtutils_options.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

UsmtUtilsOptions Parse(const std::vector<std::string>& arguments) {
  UsmtResult<UsmtUtilsOptions> options = ParseUsmtUtilsOptions(arguments, UsmtUtilsSyntax());
  REQUIRE_MESSAGE(options.ok(), (options.ok() ? "" : options.error().message));
  return std::move(options).value();
}

UsmtError Error(const std::vector<std::string>& arguments) {
  UsmtResult<UsmtUtilsOptions> options = ParseUsmtUtilsOptions(arguments, UsmtUtilsSyntax());
  REQUIRE_FALSE(options.ok());
  return options.error();
}

void CheckInvalid(const std::vector<std::string>& arguments, const std::string& message) {
  CAPTURE(arguments);
  const UsmtError error = Error(arguments);
  CHECK(error.code == UsmtReturnCode::kInvalidParameters);
  CHECK(error.message == message);
}

TEST_SUITE("ParseUsmtUtilsOptions") {
  TEST_CASE("reads each command with its arguments and options") {
    UsmtUtilsOptions options = Parse({"/verify:FailureOnly", "/srv/store"});
    CHECK(options.command == UsmtUtilsCommand::kVerify);
    CHECK(options.report == VerifyReportType::kFailureOnly);
    CHECK(options.store == "/srv/store");

    options =
        Parse({"--extract", "/srv/store", "out", "/i:*.txt,*.pdf", "--include", "a;b", "/e:*.exe",
               "/o", "/decrypt:aes_128", "/keyfile", "k.txt", "/l:x.log", "/v:5"});
    CHECK(options.command == UsmtUtilsCommand::kExtract);
    CHECK(options.store == "/srv/store");
    CHECK(options.destination == "out");
    CHECK(options.include_patterns == std::vector<std::string>{"*.txt", "*.pdf", "a", "b"});
    CHECK(options.exclude_patterns == std::vector<std::string>{"*.exe"});
    CHECK(options.overwrite);
    CHECK(options.decrypt);
    CHECK(options.algorithm == "AES_128");
    CHECK(options.key_file == "k.txt");
    CHECK_FALSE(options.key.has_value());
    CHECK(options.log_file == "x.log");
    CHECK(options.verbosity == 5);

    options = Parse({"/rd", "/srv/store", "/y"});
    CHECK(options.command == UsmtUtilsCommand::kRemoveStore);
    CHECK(options.yes);
    CHECK(Parse({"/ec"}).command == UsmtUtilsCommand::kListAlgorithms);
    CHECK(Parse({"/verify", "s", "/decrypt", "/key:k"}).algorithm == "AES_256");
    CHECK(Parse({"/?"}).help);
  }

  TEST_CASE("exactly one command is needed") {
    CheckInvalid({},
                 "no command: give /verify, /extract, /rd or /ec (usmtutils /? shows the help)");
    CheckInvalid({"store"},
                 "no command: give /verify, /extract, /rd or /ec (usmtutils /? shows the help)");
    CheckInvalid({"/verify", "/extract", "s", "d"},
                 "a command was already specified: /verify; /extract cannot be combined with it");
    CheckInvalid({"/ec", "/ec"}, "option /ec is given more than once");
  }

  TEST_CASE("options that do not belong to the command are refused") {
    CheckInvalid({"/verify", "s", "/o"}, "option /o cannot be used with /verify");
    CheckInvalid({"/ec", "--include=x"}, "option --include cannot be used with /ec");
    CheckInvalid({"/rd", "s", "/decrypt", "/key:k"}, "option /decrypt cannot be used with /rd");
    CheckInvalid({"/extract", "s", "d", "/y"}, "option /y cannot be used with /extract");
  }

  TEST_CASE("each command needs its positional arguments, and no more") {
    CheckInvalid({"/verify"}, "/verify needs the store: usmtutils /verify[:TYPE] STORE");
    CheckInvalid({"/extract", "s"},
                 "/extract needs the store and a destination folder: usmtutils /extract STORE "
                 "DEST");
    CheckInvalid({"/rd"}, "/rd needs the store folder: usmtutils /rd DIR [/y]");
    CheckInvalid({"/verify", "s", "extra"}, "unexpected argument 'extra'");
    CheckInvalid({"/ec", "/frobnicate"}, "unknown option '/frobnicate'");
    CheckInvalid({"/verify", "s", "/verfy"}, "unknown option '/verfy' (did you mean /verify?)");
  }

  TEST_CASE("values are checked") {
    CheckInvalid({"/verify:everything", "s"},
                 "unknown report type 'everything' for /verify (use summary, all, failureonly or "
                 "catalog)");
    CheckInvalid({"/verify", "s", "/v:20"},
                 "invalid verbosity '20' for /v (use a number from 0 to 13)");
    CheckInvalid({"/verify", "s", "/decrypt:3DES", "/key:k"},
                 "unsupported encryption algorithm '3DES' (use AES_128, AES_192 or AES_256)");
    CheckInvalid({"/verify", "s", "/decrypt:3des_112", "/key:k"},
                 "unsupported encryption algorithm '3des_112' (use AES_128, AES_192 or AES_256)");
  }

  TEST_CASE("the key options go together: /decrypt with exactly one of /key and /keyfile") {
    CheckInvalid({"/verify", "s", "/decrypt", "/key:k", "/keyfile:f"},
                 "/key and /keyfile cannot be used together");
    CheckInvalid({"/verify", "s", "/key:k"}, "/key needs /decrypt");
    CheckInvalid({"/verify", "s", "--key-file=f"}, "/keyfile needs /decrypt");
    CheckInvalid({"/verify", "s", "/decrypt"}, "/decrypt needs a key: give /key or /keyfile");
    const UsmtUtilsOptions options = Parse({"/verify", "s", "/decrypt", "--key", "my key"});
    CHECK(options.key == "my key");
    CHECK(options.redacted_arguments ==
          std::vector<std::string>{"/verify", "s", "/decrypt", "--key", "*****"});
  }

  TEST_CASE("arguments over 256 characters give 12") {
    const UsmtError error = Error({"/verify", std::string(300, 's')});
    CHECK(error.code == UsmtReturnCode::kOptionParamTooLarge);
  }
}

TEST_SUITE("UsmtUtilsHelp") {
  TEST_CASE("shows the usage and both forms of every option") {
    const std::string help = UsmtUtilsHelp(UsmtUtilsSyntax());
    CHECK(help.find("usmtutils /rd DIR [/y]") != std::string::npos);
    CHECK(help.find("/keyfile:FILE, --key-file=FILE") != std::string::npos);
    CHECK(help.find("/i:PATTERNS, --include=PATTERNS") != std::string::npos);
    // Every line fits 100 columns.
    size_t start = 0;
    while (start < help.size()) {
      const size_t end = help.find('\n', start);
      CHECK(end - start <= 100);
      start = end + 1;
    }
  }
}

}  // namespace
}  // namespace tseq
