#include "migration/loadstate_options.h"

#include <sstream>

#include <doctest/doctest.h>

namespace tseq {
namespace {

using Arguments = std::vector<std::string>;

LoadStateOptions Parse(const Arguments& arguments) {
  UsmtResult<LoadStateOptions> options =
      ParseLoadStateOptions(arguments, LoadStateSyntax({}, "/work"));
  REQUIRE_MESSAGE(options.ok(), (options.ok() ? "" : options.error().message));
  return std::move(options).value();
}

UsmtError Error(const Arguments& arguments) {
  UsmtResult<LoadStateOptions> options =
      ParseLoadStateOptions(arguments, LoadStateSyntax({}, "/work"));
  REQUIRE_FALSE(options.ok());
  return options.error();
}

void CheckInvalid(const Arguments& arguments, const std::string& message) {
  CAPTURE(arguments);
  const UsmtError error = Error(arguments);
  CHECK(error.code == UsmtReturnCode::kInvalidParameters);
  CHECK(error.message == message);
}

std::string Describe(const UserMappingRule& rule) {
  return rule.old_domain + "|" + rule.old_user + "|" + rule.new_domain + "|" + rule.new_user;
}

// Every setting, so that two command lines can be compared as a whole.
std::string Summary(const LoadStateOptions& options) {
  std::ostringstream out;
  const auto optional = [](const std::optional<std::string>& value) {
    return value ? "'" + *value + "'" : std::string("-");
  };
  out << "store=" << options.store << " rules=" << options.rule_files.size()
      << " config=" << optional(options.config_file) << " c=" << options.continue_on_error
      << " v=" << options.verbosity << " l=" << optional(options.log_file)
      << " progress=" << optional(options.progress_file) << " all=" << options.users.all
      << " ui=" << options.users.include_patterns.size()
      << " ue=" << options.users.exclude_patterns.size()
      << " uel=" << (options.users.last_logon ? options.users.last_logon->days : -1)
      << " lac=" << options.create_local_accounts << "'" << options.local_account_password << "'"
      << " lae=" << options.enable_local_accounts << " mu=";
  for (const UserMappingRule& rule : options.user_mapping.users) out << Describe(rule) << ";";
  out << " md=";
  for (const DomainMappingRule& rule : options.user_mapping.domains) {
    out << rule.old_domain << "|" << rule.new_domain << ";";
  }
  out << " hardlink=" << options.hard_link << " nocompress=" << options.no_compress
      << " decrypt=" << options.encryption.enabled << options.encryption.algorithm
      << " key=" << optional(options.encryption.key)
      << " keyfile=" << optional(options.encryption.key_file) << " r=" << options.retry_count
      << " w=" << options.retry_wait_seconds << " root=" << options.root;
  return out.str();
}

TEST_SUITE("ParseLoadStateOptions") {
  TEST_CASE("the defaults") {
    const LoadStateOptions options = Parse({"/srv/store"});
    CHECK(options.store == "/srv/store");
    CHECK_FALSE(options.create_local_accounts);
    CHECK(options.local_account_password.empty());
    CHECK_FALSE(options.enable_local_accounts);
    CHECK(options.user_mapping.users.empty());
    CHECK(options.user_mapping.domains.empty());
    CHECK_FALSE(options.encryption.enabled);
    CHECK_FALSE(options.hard_link);
    CHECK_FALSE(options.no_compress);
    CHECK(options.verbosity == 0);
    CHECK(options.retry_count == 3);
    CHECK(options.retry_wait_seconds == 1);
    CHECK(options.root == "/");
    CHECK_FALSE(options.users.all);
    CHECK(options.redacted_arguments == Arguments{"/srv/store"});
  }

  TEST_CASE("every option reads its value, in USMT form") {
    const LoadStateOptions options = Parse({"/srv/store",
                                            "/i:miguser.yaml",
                                            "/config:c.yaml",
                                            "/c",
                                            "/v:5",
                                            "/l:l.log",
                                            "/progress:p.log",
                                            "/ui:a",
                                            "/ue:*\\*",
                                            "/uel:2021/3/4",
                                            "/lac:pw",
                                            "/lae",
                                            "/mu:CONTOSO\\alice:FABRIKAM\\alicia",
                                            "/mu:bob:FABRIKAM\\robert",
                                            "/md:CON*:FABRIKAM",
                                            "/decrypt:AES_192",
                                            "/key:k",
                                            "/r:2",
                                            "/w:4",
                                            "/root:/mnt/new"});
    CHECK(options.rule_files == Arguments{"miguser.yaml"});
    CHECK(options.config_file == "c.yaml");
    CHECK(options.continue_on_error);
    CHECK(options.verbosity == 5);
    CHECK(options.log_file == "l.log");
    CHECK(options.progress_file == "p.log");
    CHECK(options.users.include_patterns == Arguments{"a"});
    CHECK(options.users.last_logon->kind == LastLogonFilter::Kind::kSince);
    CHECK(options.create_local_accounts);
    CHECK(options.local_account_password == "pw");
    CHECK(options.enable_local_accounts);
    REQUIRE(options.user_mapping.users.size() == 2);
    CHECK(Describe(options.user_mapping.users[0]) == "CONTOSO|alice|FABRIKAM|alicia");
    CHECK(Describe(options.user_mapping.users[1]) == "|bob|FABRIKAM|robert");
    REQUIRE(options.user_mapping.domains.size() == 1);
    CHECK(options.user_mapping.domains[0].old_domain == "CON*");
    CHECK(options.user_mapping.domains[0].new_domain == "FABRIKAM");
    CHECK(options.encryption.enabled);
    CHECK(options.encryption.algorithm == "AES_192");
    CHECK(options.encryption.key == "k");
    CHECK(options.retry_count == 2);
    CHECK(options.retry_wait_seconds == 4);
    CHECK(options.root == "/mnt/new");
    CHECK(Parse({"s", "/hardlink", "/nocompress", "/all"}).hard_link);
    CHECK(Parse({"s", "/lac"}).create_local_accounts);
    CHECK(Parse({"s", "/lac"}).local_account_password.empty());
  }

  TEST_CASE("USMT and GNU forms give the same settings, different from the defaults") {
    const std::string defaults = Summary(Parse({"s"}));
    const std::vector<std::pair<Arguments, Arguments>> pairs = {
        {{"s", "/i:r.yaml"}, {"s", "--rules=r.yaml"}},
        {{"s", "/config:c.yaml"}, {"s", "--config=c.yaml"}},
        {{"s", "/c"}, {"s", "--continue-on-error"}},
        {{"s", "/v:1"}, {"s", "--verbosity", "1"}},
        {{"s", "/l:x.log"}, {"s", "--log=x.log"}},
        {{"s", "/progress:p.log"}, {"s", "--progress=p.log"}},
        {{"s", "/all"}, {"s", "--all-users"}},
        {{"s", "/ui:a"}, {"s", "--include-user=a"}},
        {{"s", "/ue:a"}, {"s", "--exclude-user=a"}},
        {{"s", "/uel:0"}, {"s", "--last-logon=0"}},
        {{"s", "/lac"}, {"s", "--create-local-accounts"}},
        {{"s", "/lac:pw"}, {"s", "--create-local-accounts=pw"}},
        {{"s", "/lac", "/lae"}, {"s", "--lac", "--enable-local-accounts"}},
        {{"s", "/mu:D\\a:b"}, {"s", "--move-user=D\\a:b"}},
        {{"s", "/mu:D\\a:b"}, {"s", "--mu", "D\\a:b"}},
        {{"s", "/md:A:B"}, {"s", "--move-domain=A:B"}},
        {{"s", "/hardlink", "/nocompress"}, {"s", "--hard-link", "--no-compress"}},
        {{"s", "/nocompress"}, {"s", "--no-compress"}},
        {{"s", "/decrypt", "/key:k"}, {"s", "--decrypt", "--key=k"}},
        {{"s", "/decrypt:aes_128", "/keyfile:f"}, {"s", "--decrypt=AES_128", "--key-file=f"}},
        {{"s", "/r:9"}, {"s", "--retries=9"}},
        {{"s", "/w:9"}, {"s", "--retry-wait=9"}},
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

  TEST_CASE("the store's USMT/USMT.MIG file is accepted for the store folder") {
    CHECK(Parse({"/srv/store/USMT/USMT.MIG"}).store == "/srv/store");
    CHECK(Parse({"/srv/store//USMT/USMT.MIG"}).store == "/srv/store");
    CHECK(Parse({"/USMT/USMT.MIG"}).store == "/");
    CHECK(Parse({"https://smp.example/s"}).store == "https://smp.example/s");
  }

  TEST_CASE("no arguments, no store, or more than one") {
    CheckInvalid({},
                 "command line arguments are required: loadstate STORE [options] (loadstate /? "
                 "shows the help)");
    CheckInvalid({"/c"},
                 "the store parameter is required but not specified: loadstate STORE [options]");
    CheckInvalid({"a", "b"}, "unexpected argument 'b' (the store is already 'a')");
  }

  TEST_CASE("/mu values are checked; each user is renamed once") {
    for (const char* value : {"alice", "D\\alice:", ":D\\bob", "D\\a:b:c", "\\a:b", "D\\a:\\b",
                              "D\\a:E\\", "D\\a\\x:b"}) {
      CheckInvalid({"s", std::string("/mu:") + value},
                   "invalid /mu value '" + std::string(value) +
                       "': use /mu:OLDDOMAIN\\OLDUSER:[NEWDOMAIN\\]NEWUSER");
    }
    for (const char* value : {"D\\*:b", "*\\a:E\\b", "D\\a:E\\b?", "a*:E\\b"}) {
      CheckInvalid({"s", std::string("/mu:") + value},
                   "invalid /mu value '" + std::string(value) + "': /mu does not accept wildcards");
    }
    CheckInvalid({"s", "/mu:D\\alice:x", "--move-user=d\\ALICE:y"},
                 "/mu:D\\alice:x and /mu:d\\ALICE:y both rename the same user");
    const LoadStateOptions options = Parse({"s", "/mu:D\\alice:bob"});
    REQUIRE(options.user_mapping.users.size() == 1);
    CHECK(Describe(options.user_mapping.users[0]) == "D|alice||bob");
  }

  TEST_CASE("/md values are checked, wildcards only in the old domain; the order is kept") {
    for (const char* value : {"A", "A:", ":B", "A:B:C", "A\\x:B", "A:B\\x"}) {
      CheckInvalid({"s", std::string("/md:") + value},
                   "invalid /md value '" + std::string(value) + "': use /md:OLDDOMAIN:NEWDOMAIN");
    }
    for (const char* value : {"A:B*", "A:?"}) {
      CheckInvalid({"s", std::string("/md:") + value},
                   "invalid /md value '" + std::string(value) +
                       "': the new domain cannot contain wildcards");
    }
    const LoadStateOptions options = Parse({"s", "/md:PC?:CORP", "/md:*:OTHER"});
    REQUIRE(options.user_mapping.domains.size() == 2);
    CHECK(options.user_mapping.domains[0].old_domain == "PC?");
    CHECK(options.user_mapping.domains[1].old_domain == "*");
    CHECK(options.user_mapping.domains[1].new_domain == "OTHER");
  }

  TEST_CASE("options that conflict") {
    CheckInvalid({"s", "/lae"}, "/lae is only used with /lac");
    CheckInvalid({"s", "--enable-local-accounts"}, "/lae is only used with /lac");
    CheckInvalid({"s", "/hardlink"}, "/hardlink requires /nocompress");
    CheckInvalid({"s", "/decrypt", "/key:k", "/nocompress"},
                 "/decrypt and /nocompress cannot be used together");
    CheckInvalid({"s", "/decrypt", "/key:k", "/keyfile:f"},
                 "/key and /keyfile cannot be used together");
    CheckInvalid({"s", "/decrypt"}, "/decrypt needs a key: give /key or /keyfile");
    CheckInvalid({"s", "/key:k"}, "/key needs /decrypt");
    CheckInvalid({"s", "/keyfile:f"}, "/keyfile needs /decrypt");
    CheckInvalid({"s", "/decrypt:3DES_112", "/key:k"},
                 "unsupported encryption algorithm '3DES_112' (use AES_128, AES_192 or AES_256)");
    CheckInvalid({"s", "/all", "/uel:0"},
                 "/all conflicts with /ui, /ue and /uel; /uel cannot be combined with it");
    CheckInvalid({"s", "/uel:2021/2/30"},
                 "invalid /uel date '2021/2/30': there is no such day between 1970/1/1 and "
                 "2200/12/31");
    CheckInvalid({"s", "/v:99"}, "invalid verbosity '99' for /v (use a number from 0 to 13)");
    CheckInvalid({"s", "/r:many"},
                 "invalid retry count 'many' for /r (use a whole number from 0 to 1000)");
    CheckInvalid({"s", "/w:-2"},
                 "invalid wait '-2' for /w (use a whole number of seconds from 0 to 3600)");
  }

  TEST_CASE("only /i, /ui, /ue, /mu and /md repeat") {
    const LoadStateOptions options =
        Parse({"s", "/i:a", "/i:b", "/mu:D\\a:b", "/mu:D\\c:d", "/md:X:Y", "/md:Z:W"});
    CHECK(options.rule_files.size() == 2);
    CHECK(options.user_mapping.users.size() == 2);
    CHECK(options.user_mapping.domains.size() == 2);
    CheckInvalid({"s", "/lac", "/lac"}, "option /lac is given more than once");
    CheckInvalid({"s", "/l:a", "--log=b"}, "option --log is given more than once");
  }

  TEST_CASE("scanstate's options are refused as scanstate's") {
    for (const char* option :
         {"/o", "/genconfig:g", "/listfiles:f", "/p", "/localonly", "/encrypt"}) {
      const std::string spelling = std::string(option).substr(0, std::string(option).find(':'));
      CheckInvalid({"s", option},
                   "option " + spelling + " is a scanstate option; loadstate does not take it");
    }
    CheckInvalid({"s", "--overwrite"},
                 "option --overwrite is a scanstate option; loadstate does not take it");
  }

  TEST_CASE("the key and the /lac password never show, in messages or the logged command line") {
    const LoadStateOptions options =
        Parse({"s", "/lac:pa55word", "/decrypt", "--key", "s3cret", "/lae"});
    CHECK(options.local_account_password == "pa55word");
    CHECK(options.encryption.key == "s3cret");
    CHECK(options.redacted_arguments ==
          Arguments{"s", "/lac:*****", "/decrypt", "--key", "*****", "/lae"});
    CHECK(Parse({"s", "--create-local-accounts=pa55word"}).redacted_arguments ==
          Arguments{"s", "--create-local-accounts=*****"});
    CHECK(Parse({"s", "/lac"}).redacted_arguments == Arguments{"s", "/lac"});
    CHECK(Parse({"/lac", "/srv/store"}).store == "/srv/store");
    CheckInvalid({"s", "/lac", "pa55word"},
                 "/lac takes a password only as /lac:PASSWORD, not as the next argument");
    CheckInvalid({"s", "/lac:", "pa55word"},
                 "/lac takes a password only as /lac:PASSWORD, not as the next argument");
    CheckInvalid({"--create-local-accounts", "pa55word", "s"},
                 "--create-local-accounts takes a password only as "
                 "--create-local-accounts=PASSWORD, not as the next argument");
    for (const Arguments& arguments :
         std::vector<Arguments>{{"s", "/lac:pa55word", "/lac:s3cret"},
                                {"s", "/lac:pa55word", "/key:s3cret"},
                                {"s", "/lac:pa55word", "/decrypt", "/key:s3cret", "/nocompress"},
                                {"s", "/lac:pa55word", "/o"},
                                {"s", "/lac:pa55word", "/mu:a*"},
                                {"/lac:pa55word", "/key:s3cret"},
                                {"s", "/lac:" + std::string(300, 's')}}) {
      CAPTURE(arguments);
      const std::string message = Error(arguments).message;
      CHECK(message.find("pa55word") == std::string::npos);
      CHECK(message.find("s3cret") == std::string::npos);
      CHECK(message.find("sss") == std::string::npos);
    }
  }

  TEST_CASE("values and paths over 256 characters give 12") {
    CHECK(Error({"/srv/" + std::string(260, 's')}).code == UsmtReturnCode::kOptionParamTooLarge);
    CHECK(Error({"s", "/mu:" + std::string(257, 'm')}).code ==
          UsmtReturnCode::kOptionParamTooLarge);
  }
}

TEST_SUITE("LoadStateHelp") {
  TEST_CASE("shows the usage and both forms of loadstate's options only") {
    const std::string help = LoadStateHelp(LoadStateSyntax());
    CHECK(help.find("loadstate STORE") != std::string::npos);
    CHECK(help.find("/mu:OLD:NEW, --move-user=OLD:NEW") != std::string::npos);
    CHECK(help.find("/lac[:PASSWORD], --create-local-accounts[=PASSWORD]") != std::string::npos);
    CHECK(help.find("--overwrite") == std::string::npos);
    CHECK(help.find("/genconfig") == std::string::npos);
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
