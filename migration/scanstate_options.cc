#include "migration/scanstate_options.h"

#include <algorithm>

namespace tseq {
namespace {

constexpr std::string_view kStoreUsage = "scanstate STORE [options]";

UsmtError Invalid(std::string message) {
  return UsmtError{UsmtReturnCode::kInvalidParameters, std::move(message)};
}

// loadstate's own options: in the table only to be refused with a message that says whose
// they are, rather than as unknown options with a far-fetched "did you mean".
const std::vector<std::string>& LoadStateOnlyOptions() {
  static const std::vector<std::string> names = {"lac", "lae", "mu", "md", "decrypt"};
  return names;
}

// What may accompany /genconfig: it writes a config file and no store, so every store, user
// and log-only option is refused (reference/usmt.md §1.7).
bool AllowedWithGenerateConfig(const std::string& name) {
  static const std::vector<std::string> allowed = {"genconfig", "i",          "o",   "v",
                                                   "l",         "nocompress", "root"};
  return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

std::optional<UsmtError> CheckGenerateConfig(const ParsedCommandLine& parsed,
                                             const ParsedOption& generate_config) {
  for (const ParsedOption& option : parsed.options) {
    if (!AllowedWithGenerateConfig(option.name)) {
      return Invalid("option " + option.spelling + " cannot be used with " +
                     generate_config.spelling);
    }
  }
  if (!parsed.positionals.empty()) {
    return Invalid(generate_config.spelling + " does not take a store: unexpected argument '" +
                   parsed.positionals[0] + "'");
  }
  return std::nullopt;
}

// Only slashes: the root folder, which holds the profiles themselves.
bool IsRootFolder(const std::string& store) {
  return !store.empty() && store.find_first_not_of('/') == std::string::npos;
}

}  // namespace

CommandLineSyntax ScanStateSyntax(std::function<bool(const std::string&)> path_exists,
                                  std::string working_directory) {
  CommandLineSyntax syntax;
  syntax.path_exists = std::move(path_exists);
  syntax.working_directory = std::move(working_directory);
  syntax.options = {
      WithHelp(StateToolOption("i"), "A rule file saying what to capture (repeatable)"),
      StateToolOption("config"),
      StateToolOption("genconfig"),
      StateToolOption("o"),
      StateToolOption("c"),
      StateToolOption("v"),
      StateToolOption("l"),
      StateToolOption("progress"),
      StateToolOption("listfiles"),
      StateToolOption("p"),
  };
  for (OptionSpec& spec : UserSelectionOptionSpecs()) syntax.options.push_back(std::move(spec));
  syntax.options.insert(
      syntax.options.end(),
      {StateToolOption("localonly"),
       WithHelp(StateToolOption("hardlink"),
                "Write a hard-link store: links, not copies (needs /nocompress)"),
       WithHelp(StateToolOption("nocompress"), "Write a directory store: files as they are"),
       StateToolOption("encrypt"), StateToolOption("key"), StateToolOption("keyfile"),
       StateToolOption("r"), StateToolOption("w"), StateToolOption("root")});
  for (const std::string& name : LoadStateOnlyOptions()) {
    syntax.options.push_back(StateToolOption(name));
  }
  return syntax;
}

UsmtResult<ScanStateOptions> ParseScanStateOptions(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax) {
  UsmtResult<ParsedCommandLine> parsed_result = ParseUsmtCommandLine(arguments, syntax);
  if (!parsed_result.ok()) return parsed_result.error();
  const ParsedCommandLine& parsed = *parsed_result;
  ScanStateOptions options;
  if (parsed.help_requested) {
    options.help = true;
    return options;
  }
  if (arguments.empty()) {
    return Invalid("command line arguments are required: " + std::string(kStoreUsage) +
                   " (scanstate /? shows the help)");
  }
  options.redacted_arguments = parsed.redacted_arguments;
  if (std::optional<UsmtError> error =
          RefuseOtherToolOptions(parsed, LoadStateOnlyOptions(), "scanstate", "loadstate")) {
    return *error;
  }
  if (const ParsedOption* generate_config = parsed.Find("genconfig")) {
    if (std::optional<UsmtError> error = CheckGenerateConfig(parsed, *generate_config)) {
      return *error;
    }
    options.generate_config_file = generate_config->value;
  } else {
    UsmtResult<std::string> store = TakeStore(parsed, syntax, kStoreUsage);
    if (!store.ok()) return store.error();
    options.store = std::move(store).value();
    if (IsRootFolder(options.store)) {
      return Invalid("invalid store '" + options.store + "': the store cannot be the root folder");
    }
  }
  const ParsedOption* estimate = parsed.Find("p");
  if (estimate != nullptr && parsed.Has("listfiles")) {
    return Invalid("/listfiles and /p cannot be used together");
  }
  if (estimate != nullptr && !estimate->value && !parsed.Has("nocompress")) {
    return Invalid("/p without a file needs /nocompress: give /nocompress, or a file with /p:FILE");
  }
  if (std::optional<UsmtError> error = ParseStateToolOptions(parsed, "encrypt", options)) {
    return *error;
  }
  options.overwrite = parsed.Has("o");
  if (const ParsedOption* list_files = parsed.Find("listfiles")) {
    options.list_files_file = list_files->value;
  }
  options.estimate_space = estimate != nullptr;
  if (estimate != nullptr) options.estimate_file = estimate->value;
  options.local_only = parsed.Has("localonly");
  return options;
}

std::string ScanStateUsage() {
  return "usage:\n"
         "  scanstate STORE [/i:FILE]... [/config:FILE] [/o] [/c] [/v:N] [/l:FILE] "
         "[/progress:FILE]\n"
         "            [/listfiles:FILE | /p[:FILE]] [/localonly] [USERS] [STORAGE] [/r:N] "
         "[/w:SECONDS]\n"
         "            [/root:DIR]\n"
         "  scanstate /genconfig:FILE [/i:FILE]... [/o] [/v:N] [/l:FILE] [/nocompress] "
         "[/root:DIR]\n"
         "USERS: /all, or [/ui:USER]... [/ue:USER]... [/uel:DAYS|YYYY/MM/DD|0]\n"
         "STORAGE: /nocompress [/hardlink], or /encrypt[:ALG] with /key:KEY or /keyfile:FILE\n";
}

std::string ScanStateHelp(const CommandLineSyntax& syntax) {
  CommandLineSyntax shown = syntax;
  std::erase_if(shown.options, [](const OptionSpec& spec) {
    const std::vector<std::string>& hidden = LoadStateOnlyOptions();
    return std::find(hidden.begin(), hidden.end(), spec.name) != hidden.end();
  });
  return "scanstate: captures the user state of a machine into a store (USMT's ScanState).\n\n" +
         ScanStateUsage() +
         "\nSTORE is the store folder (or its USMT/USMT.MIG file) or an SMP store URL. USER is "
         "USER or\nDOMAIN\\USER; * matches any run of characters. Options take USMT's form "
         "(/name, /name:value,\n/name value) or GNU's (--name, --name=value); names ignore "
         "case.\n\noptions:\n" +
         FormatOptionHelp(shown) +
         "\nreturn codes: 0 success, 1 help, 3 errors skipped under /c, 11 invalid command line,"
         "\n12 argument too long, 13 log file, 26 start-up error, 27 store exists without /o or "
         "unusable,\n28 rule file, 29 cannot start, 33 key file, 39 config file, 40 progress log, "
         "41 estimate file,\n61 I/O error without /c, 71 system error, 72 capture failed. See "
         "docs/scanstate.md.\n";
}

}  // namespace tseq
