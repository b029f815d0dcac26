#include "migration/scanstate_options.h"

#include <sstream>

#include <doctest/doctest.h>

namespace tseq {
namespace {

using Arguments = std::vector<std::string>;

ScanStateOptions Parse(const Arguments& arguments) {
  UsmtResult<ScanStateOptions> options =
      ParseScanStateOptions(arguments, ScanStateSyntax({}, "/work"));
  REQUIRE_MESSAGE(options.ok(), (options.ok() ? "" : options.error().message));
  return std::move(options).value();
}

UsmtError Error(const Arguments& arguments) {
  UsmtResult<ScanStateOptions> options =
      ParseScanStateOptions(arguments, ScanStateSyntax({}, "/work"));
  REQUIRE_FALSE(options.ok());
  return options.error();
}

void CheckInvalid(const Arguments& arguments, const std::string& message) {
  CAPTURE(arguments);
  const UsmtError error = Error(arguments);
  CHECK(error.code == UsmtReturnCode::kInvalidParameters);
  CHECK(error.message == message);
}

// Every setting, so that two command lines can be compared as a whole.
std::string Summary(const ScanStateOptions& options) {
  std::ostringstream out;
  const auto optional = [](const std::optional<std::string>& value) {
    return value ? "'" + *value + "'" : std::string("-");
  };
  out << "store=" << options.store << " rules=" << options.rule_files.size()
      << " config=" << optional(options.config_file)
      << " genconfig=" << optional(options.generate_config_file) << " o=" << options.overwrite
      << " c=" << options.continue_on_error << " v=" << options.verbosity
      << " l=" << optional(options.log_file) << " progress=" << optional(options.progress_file)
      << " listfiles=" << optional(options.list_files_file) << " p=" << options.estimate_space
      << optional(options.estimate_file) << " all=" << options.users.all
      << " ui=" << options.users.include_patterns.size()
      << " ue=" << options.users.exclude_patterns.size()
      << " uel=" << (options.users.last_logon ? options.users.last_logon->days : -1)
      << " localonly=" << options.local_only << " hardlink=" << options.hard_link
      << " nocompress=" << options.no_compress << " encrypt=" << options.encryption.enabled
      << options.encryption.algorithm << " key=" << optional(options.encryption.key)
      << " keyfile=" << optional(options.encryption.key_file) << " r=" << options.retry_count
      << " w=" << options.retry_wait_seconds << " root=" << options.root;
  return out.str();
}

TEST_SUITE("ParseScanStateOptions") {
  TEST_CASE("the defaults") {
    const ScanStateOptions options = Parse({"/srv/store"});
    CHECK(options.store == "/srv/store");
    CHECK(options.rule_files.empty());
    CHECK_FALSE(options.config_file.has_value());
    CHECK_FALSE(options.generate_config_file.has_value());
    CHECK_FALSE(options.overwrite);
    CHECK_FALSE(options.continue_on_error);
    CHECK(options.verbosity == 0);
    CHECK_FALSE(options.log_file.has_value());
    CHECK_FALSE(options.progress_file.has_value());
    CHECK_FALSE(options.list_files_file.has_value());
    CHECK_FALSE(options.estimate_space);
    CHECK_FALSE(options.users.all);
    CHECK(options.users.include_patterns.empty());
    CHECK(options.users.exclude_patterns.empty());
    CHECK_FALSE(options.users.last_logon.has_value());
    CHECK_FALSE(options.local_only);
    CHECK_FALSE(options.hard_link);
    CHECK_FALSE(options.no_compress);
    CHECK_FALSE(options.encryption.enabled);
    CHECK(options.retry_count == 3);
    CHECK(options.retry_wait_seconds == 1);
    CHECK(options.root == "/");
    CHECK(options.redacted_arguments == Arguments{"/srv/store"});
  }

  TEST_CASE("every option reads its value, in USMT form") {
    const ScanStateOptions options = Parse({"/srv/store",
                                            "/i:miguser.yaml",
                                            "/I",
                                            "migapp.yaml",
                                            "/config:c.yaml",
                                            "/o",
                                            "/c",
                                            "/v:13",
                                            "/l:s.log",
                                            "/progress:p.log",
                                            "/listfiles:list.txt",
                                            "/ui:CONTOSO\\a",
                                            "/ue:*\\*",
                                            "/uel:30",
                                            "/localonly",
                                            "/encrypt:aes_128",
                                            "/keyfile:k.txt",
                                            "/r:5",
                                            "/w:10",
                                            "/root:/mnt/machine"});
    CHECK(options.rule_files == Arguments{"miguser.yaml", "migapp.yaml"});
    CHECK(options.config_file == "c.yaml");
    CHECK(options.overwrite);
    CHECK(options.continue_on_error);
    CHECK(options.verbosity == 13);
    CHECK(options.log_file == "s.log");
    CHECK(options.progress_file == "p.log");
    CHECK(options.list_files_file == "list.txt");
    CHECK(options.users.include_patterns == Arguments{"CONTOSO\\a"});
    CHECK(options.users.exclude_patterns == Arguments{"*\\*"});
    CHECK(options.users.last_logon->days == 30);
    CHECK(options.local_only);
    CHECK(options.encryption.enabled);
    CHECK(options.encryption.algorithm == "AES_128");
    CHECK(options.encryption.key_file == "k.txt");
    CHECK_FALSE(options.encryption.key.has_value());
    CHECK(options.retry_count == 5);
    CHECK(options.retry_wait_seconds == 10);
    CHECK(options.root == "/mnt/machine");

    const ScanStateOptions store = Parse({"s", "/hardlink", "/nocompress", "/p:est.xml", "/all"});
    CHECK(store.hard_link);
    CHECK(store.no_compress);
    CHECK(store.estimate_space);
    CHECK(store.estimate_file == "est.xml");
    CHECK(store.users.all);
    CHECK_FALSE(Parse({"s", "/p", "/nocompress"}).estimate_file.has_value());
    CHECK(Parse({"s", "/encrypt", "/key:k"}).encryption.algorithm == "AES_256");
    CHECK(Parse({"/genconfig:config.yaml"}).generate_config_file == "config.yaml");
  }

  TEST_CASE("USMT and GNU forms give the same settings, different from the defaults") {
    const std::string defaults = Summary(Parse({"s"}));
    const std::vector<std::pair<Arguments, Arguments>> pairs = {
        {{"s", "/i:r.yaml"}, {"s", "--rules=r.yaml"}},
        {{"s", "/i", "r.yaml"}, {"s", "--i", "r.yaml"}},
        {{"s", "/config:c.yaml"}, {"s", "--config", "c.yaml"}},
        {{"/genconfig:g.yaml"}, {"--generate-config=g.yaml"}},
        {{"/genconfig:g.yaml"}, {"--genconfig=g.yaml"}},
        {{"s", "/o"}, {"s", "--overwrite"}},
        {{"s", "/c"}, {"s", "--continue-on-error"}},
        {{"s", "/v:5"}, {"s", "--verbosity=5"}},
        {{"s", "/l:x.log"}, {"s", "--log=x.log"}},
        {{"s", "/progress:p.log"}, {"s", "--progress=p.log"}},
        {{"s", "/listfiles:f.txt"}, {"s", "--list-files=f.txt"}},
        {{"s", "/p:e.xml"}, {"s", "--estimate=e.xml"}},
        {{"s", "/p", "/nocompress"}, {"s", "--estimate", "--no-compress"}},
        {{"s", "/all"}, {"s", "--all-users"}},
        {{"s", "/ui:a"}, {"s", "--include-user=a"}},
        {{"s", "/ue:a"}, {"s", "--exclude-user=a"}},
        {{"s", "/ue:a"}, {"s", "--ue=a"}},
        {{"s", "/uel:7"}, {"s", "--last-logon=7"}},
        {{"s", "/localonly"}, {"s", "--local-only"}},
        {{"s", "/hardlink", "/nocompress"}, {"s", "--hard-link", "--nocompress"}},
        {{"s", "/nocompress"}, {"s", "--no-compress"}},
        {{"s", "/encrypt:AES_192", "/key:k"}, {"s", "--encrypt=aes_192", "--key=k"}},
        {{"s", "/encrypt", "/keyfile:f"}, {"s", "--encrypt", "--key-file=f"}},
        {{"s", "/r:0"}, {"s", "--retries=0"}},
        {{"s", "/w:0"}, {"s", "--retry-wait=0"}},
        {{"s", "/root:/mnt"}, {"s", "--root=/mnt"}},
    };
    for (const auto& pair : pairs) {
      const auto& usmt = pair.first;  // CAPTURE cannot name a structured binding (clang)
      const auto& gnu = pair.second;
      CAPTURE(usmt);
      const std::string summary = Summary(Parse(usmt));
      CHECK(summary == Summary(Parse(gnu)));
      CHECK(summary != defaults);
    }
  }

  TEST_CASE("the store's USMT/USMT.MIG file names its folder; a URL is kept") {
    CHECK(Parse({"/srv/store/USMT/USMT.MIG"}).store == "/srv/store");
    CHECK(Parse({"store/usmt/usmt.mig"}).store == "store");
    CHECK(Parse({"USMT/USMT.MIG"}).store == ".");
    CHECK(Parse({"/srv/store/XUSMT/USMT.MIG"}).store == "/srv/store/XUSMT/USMT.MIG");
    CHECK(Parse({"https://smp.example/store/USMT/USMT.MIG"}).store ==
          "https://smp.example/store/USMT/USMT.MIG");
    CHECK(Parse({"/USMTDemo"}).store == "/USMTDemo");
  }

  TEST_CASE("no arguments, no store, or more than one") {
    CheckInvalid({},
                 "command line arguments are required: scanstate STORE [options] (scanstate /? "
                 "shows the help)");
    CheckInvalid({"/o", "/c"},
                 "the store parameter is required but not specified: scanstate STORE [options]");
    CheckInvalid({"/srv/a", "/srv/b"},
                 "unexpected argument '/srv/b' (the store is already '/srv/a')");
    CheckInvalid({"a", "/ovewrite"}, "unknown option '/ovewrite' (did you mean /overwrite?)");
    CheckInvalid({"/"}, "invalid store '/': the store cannot be the root folder");
    CheckInvalid({"/USMT/USMT.MIG"}, "invalid store '/': the store cannot be the root folder");
  }

  TEST_CASE("/genconfig takes only /i, /o, /v, /l, /nocompress and /root, and no store") {
    const ScanStateOptions options = Parse(
        {"/genconfig:g.yaml", "/i:a.yaml", "/o", "/v:1", "/l:x.log", "/nocompress", "/root:/mnt"});
    CHECK(options.store.empty());
    CHECK(options.generate_config_file == "g.yaml");
    for (const Arguments& refused : std::vector<Arguments>{{"/localonly"},
                                                           {"/key:k"},
                                                           {"/encrypt"},
                                                           {"/keyfile:f"},
                                                           {"/listfiles:f"},
                                                           {"/progress:p"},
                                                           {"/r:1"},
                                                           {"/w:1"},
                                                           {"/c"},
                                                           {"/p:e"},
                                                           {"/all"},
                                                           {"/ui:a"},
                                                           {"/ue:a"},
                                                           {"/uel:1"},
                                                           {"/config:c"},
                                                           {"/hardlink"}}) {
      Arguments arguments = {"/genconfig:g.yaml"};
      arguments.insert(arguments.end(), refused.begin(), refused.end());
      const std::string spelling = refused[0].substr(0, refused[0].find(':'));
      CheckInvalid(arguments, "option " + spelling + " cannot be used with /genconfig");
    }
    CheckInvalid({"--continue-on-error", "--generate-config=g"},
                 "option --continue-on-error cannot be used with --generate-config");
    CheckInvalid({"/genconfig:g.yaml", "/srv/store"},
                 "/genconfig does not take a store: unexpected argument '/srv/store'");
  }

  TEST_CASE("store options that conflict") {
    CheckInvalid({"s", "/hardlink"}, "/hardlink requires /nocompress");
    CheckInvalid({"s", "/encrypt", "/key:k", "/nocompress"},
                 "/encrypt and /nocompress cannot be used together");
    CheckInvalid({"s", "/encrypt", "/key:k", "/keyfile:f"},
                 "/key and /keyfile cannot be used together");
    CheckInvalid({"s", "/encrypt"}, "/encrypt needs a key: give /key or /keyfile");
    CheckInvalid({"s", "/key:k"}, "/key needs /encrypt");
    CheckInvalid({"s", "--key-file=f"}, "/keyfile needs /encrypt");
    CheckInvalid({"s", "/key:k", "/nocompress"}, "/key needs /encrypt");
    CheckInvalid({"s", "/encrypt:3DES", "/key:k"},
                 "unsupported encryption algorithm '3DES' (use AES_128, AES_192 or AES_256)");
    CheckInvalid({"s", "/listfiles:f", "/p:e"}, "/listfiles and /p cannot be used together");
    CheckInvalid({"s", "/p"},
                 "/p without a file needs /nocompress: give /nocompress, or a file with /p:FILE");
  }

  TEST_CASE("user options that conflict, and bad user values") {
    CheckInvalid({"s", "/all", "/ui:a"},
                 "/all conflicts with /ui, /ue and /uel; /ui cannot be combined with it");
    CheckInvalid({"s", "/all", "/ue:a"},
                 "/all conflicts with /ui, /ue and /uel; /ue cannot be combined with it");
    CheckInvalid({"s", "/uel:7", "/all"},
                 "/all conflicts with /ui, /ue and /uel; /uel cannot be combined with it");
    CheckInvalid({"s", "/uel:last week"},
                 "invalid /uel value 'last week': use a number of days, a date YYYY/MM/DD, or 0 "
                 "for the users logged on now");
    CheckInvalid({"s", "/ue:a\\b\\c"},
                 "invalid user pattern 'a\\b\\c': use DOMAIN\\user, with one backslash");
  }

  TEST_CASE("numbers are checked") {
    CheckInvalid({"s", "/v:14"}, "invalid verbosity '14' for /v (use a number from 0 to 13)");
    CheckInvalid({"s", "/v:x"}, "invalid verbosity 'x' for /v (use a number from 0 to 13)");
    for (const char* retries : {"-1", "x", "1.5", "1001", "9999999999"}) {
      CheckInvalid({"s", std::string("/r:") + retries},
                   "invalid retry count '" + std::string(retries) +
                       "' for /r (use a whole number from 0 to 1000)");
    }
    for (const char* wait : {"-1", "1s", "3601"}) {
      CheckInvalid({"s", std::string("/w:") + wait},
                   "invalid wait '" + std::string(wait) +
                       "' for /w (use a whole number of seconds from 0 to 3600)");
    }
    CHECK(Parse({"s", "/r:1000", "/w:3600"}).retry_wait_seconds == 3600);
  }

  TEST_CASE("only /i, /ui and /ue repeat") {
    const ScanStateOptions options =
        Parse({"s", "/i:a", "/i:b", "/ui:x", "/ui:y", "/ue:z", "--exclude-user=w"});
    CHECK(options.rule_files == Arguments{"a", "b"});
    CHECK(options.users.include_patterns == Arguments{"x", "y"});
    CHECK(options.users.exclude_patterns == Arguments{"z", "w"});
    CheckInvalid({"s", "/o", "--overwrite"}, "option --overwrite is given more than once");
    CheckInvalid({"s", "/uel:1", "/uel:2"}, "option /uel is given more than once");
    CheckInvalid({"s", "/config:a", "/config:b"}, "option /config is given more than once");
  }

  TEST_CASE("loadstate's options are refused as loadstate's") {
    CheckInvalid({"s", "/lac"}, "option /lac is a loadstate option; scanstate does not take it");
    CheckInvalid({"s", "--move-user=a\\b:c"},
                 "option --move-user is a loadstate option; scanstate does not take it");
    CheckInvalid({"s", "/decrypt", "/key:k"},
                 "option /decrypt is a loadstate option; scanstate does not take it");
  }

  TEST_CASE("the key never shows, in messages or in the logged command line") {
    const ScanStateOptions options = Parse({"s", "/encrypt", "/key:s3cret", "/l:x.log"});
    CHECK(options.encryption.key == "s3cret");
    CHECK(options.redacted_arguments == Arguments{"s", "/encrypt", "/key:*****", "/l:x.log"});
    CHECK(Parse({"s", "--encrypt", "--key", "s3cret"}).redacted_arguments ==
          Arguments{"s", "--encrypt", "--key", "*****"});
    CHECK(Parse({"s", "--encrypt", "--key=s3cret"}).redacted_arguments ==
          Arguments{"s", "--encrypt", "--key=*****"});
    for (const Arguments& arguments :
         std::vector<Arguments>{{"s", "/key:s3cret"},
                                {"s", "/encrypt", "/key:s3cret", "/keyfile:f"},
                                {"s", "/encrypt", "/key:s3cret", "/nocompress"},
                                {"s", "/encrypt", "/key:s3cret", "/key:s3cret"},
                                {"/genconfig:g", "/key:s3cret"},
                                {"s", "/kee:s3cret"},
                                {"s", "/key:" + std::string(300, 's')}}) {
      CHECK(Error(arguments).message.find("s3cret") == std::string::npos);
      CHECK(Error(arguments).message.find("sss") == std::string::npos);
    }
  }

  TEST_CASE("values and paths over 256 characters give 12") {
    CHECK(Error({std::string(300, 's')}).code == UsmtReturnCode::kOptionParamTooLarge);
    CHECK(Error({"s", "/l:" + std::string(251, 'l')}).code == UsmtReturnCode::kOptionParamTooLarge);
    CHECK(Error({"s", "/ue:" + std::string(257, 'u')}).code ==
          UsmtReturnCode::kOptionParamTooLarge);
  }

  TEST_CASE("/? asks for the help whatever else is given") {
    CHECK(Parse({"/?"}).help);
    CHECK(Parse({"s", "/hardlink", "--help"}).help);
  }
}

TEST_SUITE("ScanStateHelp") {
  TEST_CASE("shows the usage and both forms of scanstate's options only") {
    const std::string help = ScanStateHelp(ScanStateSyntax());
    CHECK(help.find("scanstate /genconfig:FILE") != std::string::npos);
    CHECK(help.find("/ui:USER, --include-user=USER") != std::string::npos);
    CHECK(help.find("/encrypt[:ALG], --encrypt[=ALG]") != std::string::npos);
    CHECK(help.find("/p[:FILE], --estimate[=FILE]") != std::string::npos);
    CHECK(help.find("--move-user") == std::string::npos);
    CHECK(help.find("/decrypt") == std::string::npos);
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
