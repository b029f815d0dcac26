#include "migration/loadstate_options.h"

#include <algorithm>
#include <string_view>

namespace tseq {
namespace {

constexpr std::string_view kStoreUsage = "loadstate STORE [options]";

UsmtError Invalid(std::string message) {
  return UsmtError{UsmtReturnCode::kInvalidParameters, std::move(message)};
}

// scanstate's own options: in the table only to be refused with a message that says whose they
// are, rather than as unknown options with a far-fetched "did you mean".
const std::vector<std::string>& ScanStateOnlyOptions() {
  static const std::vector<std::string> names = {"o", "genconfig", "listfiles",
                                                 "p", "localonly", "encrypt"};
  return names;
}

// `/lac PASSWORD` leaves PASSWORD a positional argument (an optional value only follows ':' or
// '='), which the store checks would then echo. Refused first, without echoing it, when an
// argument right after a bare /lac is one of several positionals.
std::optional<UsmtError> CheckPasswordAfterLac(const std::vector<std::string>& arguments,
                                               const ParsedCommandLine& parsed) {
  const ParsedOption* create = parsed.Find("lac");
  if (create == nullptr || create->value || parsed.positionals.size() < 2) return std::nullopt;
  for (size_t i = 0; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == "--") break;
    // "/lac:" and "--lac=" have an empty value: a bare /lac too.
    std::string_view argument = arguments[i];
    if (argument.ends_with(':') || argument.ends_with('=')) argument.remove_suffix(1);
    if (argument != create->spelling) continue;
    const std::string& next = arguments[i + 1];
    if (std::find(parsed.positionals.begin(), parsed.positionals.end(), next) !=
        parsed.positionals.end()) {
      const std::string separator = create->spelling.starts_with("--") ? "=" : ":";
      return Invalid(create->spelling + " takes a password only as " + create->spelling +
                     separator + "PASSWORD, not as the next argument");
    }
  }
  return std::nullopt;
}

// The /mu, /md, /lac and /lae settings.
std::optional<UsmtError> ParseAccountOptions(const ParsedCommandLine& parsed,
                                             LoadStateOptions& options) {
  const ParsedOption* create = parsed.Find("lac");
  if (parsed.Has("lae") && create == nullptr) return Invalid("/lae is only used with /lac");
  options.create_local_accounts = create != nullptr;
  if (create != nullptr) options.local_account_password = create->value.value_or("");
  options.enable_local_accounts = parsed.Has("lae");
  for (const std::string& value : parsed.Values("mu")) {
    Result<UserMappingRule> rule = ParseUserMappingRule(value);
    if (!rule.ok()) return Invalid(rule.status().message());
    options.user_mapping.users.push_back(std::move(rule).value());
  }
  for (const std::string& value : parsed.Values("md")) {
    Result<DomainMappingRule> rule = ParseDomainMappingRule(value);
    if (!rule.ok()) return Invalid(rule.status().message());
    options.user_mapping.domains.push_back(std::move(rule).value());
  }
  if (Status unique = CheckUserMappingRules(options.user_mapping); !unique.ok()) {
    return Invalid(unique.message());
  }
  return std::nullopt;
}

}  // namespace

CommandLineSyntax LoadStateSyntax(std::function<bool(const std::string&)> path_exists,
                                  std::string working_directory) {
  CommandLineSyntax syntax;
  syntax.path_exists = std::move(path_exists);
  syntax.working_directory = std::move(working_directory);
  syntax.options = {
      WithHelp(StateToolOption("i"), "A rule file saying what to restore (repeatable)"),
      StateToolOption("config"),
      StateToolOption("c"),
      StateToolOption("v"),
      StateToolOption("l"),
      StateToolOption("progress"),
  };
  for (OptionSpec& spec : UserSelectionOptionSpecs()) syntax.options.push_back(std::move(spec));
  syntax.options.insert(
      syntax.options.end(),
      {StateToolOption("lac"), StateToolOption("lae"), StateToolOption("mu"), StateToolOption("md"),
       WithHelp(StateToolOption("hardlink"), "The store is a hard-link store (needs /nocompress)"),
       WithHelp(StateToolOption("nocompress"), "The store is a directory store"),
       StateToolOption("decrypt"), StateToolOption("key"), StateToolOption("keyfile"),
       StateToolOption("r"), StateToolOption("w"), StateToolOption("root")});
  for (const std::string& name : ScanStateOnlyOptions()) {
    syntax.options.push_back(StateToolOption(name));
  }
  return syntax;
}

UsmtResult<LoadStateOptions> ParseLoadStateOptions(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax) {
  UsmtResult<ParsedCommandLine> parsed_result = ParseUsmtCommandLine(arguments, syntax);
  if (!parsed_result.ok()) return parsed_result.error();
  const ParsedCommandLine& parsed = *parsed_result;
  LoadStateOptions options;
  if (parsed.help_requested) {
    options.help = true;
    return options;
  }
  if (arguments.empty()) {
    return Invalid("command line arguments are required: " + std::string(kStoreUsage) +
                   " (loadstate /? shows the help)");
  }
  options.redacted_arguments = parsed.redacted_arguments;
  if (std::optional<UsmtError> error =
          RefuseOtherToolOptions(parsed, ScanStateOnlyOptions(), "loadstate", "scanstate")) {
    return *error;
  }
  if (std::optional<UsmtError> error = CheckPasswordAfterLac(arguments, parsed)) return *error;
  UsmtResult<std::string> store = TakeStore(parsed, syntax, kStoreUsage);
  if (!store.ok()) return store.error();
  options.store = std::move(store).value();
  if (std::optional<UsmtError> error = ParseAccountOptions(parsed, options)) return *error;
  if (std::optional<UsmtError> error = ParseStateToolOptions(parsed, "decrypt", options)) {
    return *error;
  }
  return options;
}

std::string LoadStateUsage() {
  return "usage:\n"
         "  loadstate STORE [/i:FILE]... [/config:FILE] [/c] [/v:N] [/l:FILE] [/progress:FILE]\n"
         "            [USERS] [/lac[:PASSWORD] [/lae]] [/mu:OLD:NEW]... [/md:OLD:NEW]... "
         "[STORAGE]\n"
         "            [/r:N] [/w:SECONDS] [/root:DIR]\n"
         "USERS: /all, or [/ui:USER]... [/ue:USER]... [/uel:DAYS|YYYY/MM/DD|0]\n"
         "STORAGE: /nocompress [/hardlink], or /decrypt[:ALG] with /key:KEY or /keyfile:FILE\n";
}

std::string LoadStateHelp(const CommandLineSyntax& syntax) {
  CommandLineSyntax shown = syntax;
  std::erase_if(shown.options, [](const OptionSpec& spec) {
    const std::vector<std::string>& hidden = ScanStateOnlyOptions();
    return std::find(hidden.begin(), hidden.end(), spec.name) != hidden.end();
  });
  return "loadstate: restores the user state in a store onto a machine (USMT's LoadState).\n\n" +
         LoadStateUsage() +
         "\nSTORE is the store folder (or its USMT/USMT.MIG file) or an SMP store URL. USER is "
         "USER or\nDOMAIN\\USER; * matches any run of characters. /mu takes "
         "OLDDOMAIN\\OLDUSER:[NEWDOMAIN\\]NEWUSER\nor OLDLOCALUSER:NEWDOMAIN\\NEWUSER. Options "
         "take USMT's form (/name, /name:value, /name value)\nor GNU's (--name, --name=value); "
         "names ignore case.\n\noptions:\n" +
         FormatOptionHelp(shown) +
         "\nreturn codes: 0 success, 1 help, 3 errors skipped under /c, 11 invalid command line,"
         "\n12 argument too long, 13 log file, 14 local account missing without /lac, 27 no "
         "usable store,\n28 rule file, 29 cannot start, 33 key file, 34 needs root, 37 missing "
         "or wrong key,\n38 store read error, 39 config file, 40 progress log, 42 corrupted "
         "store,\n61 I/O error without /c, 71 system error, 72 restore failed. See "
         "docs/loadstate.md.\n";
}

}  // namespace tseq
