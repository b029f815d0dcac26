#include "migration/usmtutils_options.h"

#include <algorithm>
#include <set>

#include "base/strings.h"
#include "migration/store_extraction.h"

namespace tseq {
namespace {

constexpr const char* kCommands[] = {"verify", "extract", "rd", "ec"};

UsmtError Invalid(std::string message) {
  return UsmtError{UsmtReturnCode::kInvalidParameters, std::move(message)};
}

bool IsCommand(const std::string& name) {
  return std::find(std::begin(kCommands), std::end(kCommands), name) != std::end(kCommands);
}

// The options each command accepts besides itself.
const std::set<std::string>& AllowedOptions(UsmtUtilsCommand command) {
  static const std::set<std::string> verify = {"decrypt", "key", "keyfile", "l", "v"};
  static const std::set<std::string> extract = {"i",   "e",       "o", "decrypt",
                                                "key", "keyfile", "l", "v"};
  static const std::set<std::string> remove = {"y", "l", "v"};
  static const std::set<std::string> list = {"l", "v"};
  switch (command) {
    case UsmtUtilsCommand::kVerify:
      return verify;
    case UsmtUtilsCommand::kExtract:
      return extract;
    case UsmtUtilsCommand::kRemoveStore:
      return remove;
    case UsmtUtilsCommand::kListAlgorithms:
      return list;
  }
  return list;
}

UsmtUtilsCommand CommandNamed(const std::string& name) {
  if (name == "verify") return UsmtUtilsCommand::kVerify;
  if (name == "extract") return UsmtUtilsCommand::kExtract;
  if (name == "rd") return UsmtUtilsCommand::kRemoveStore;
  return UsmtUtilsCommand::kListAlgorithms;
}

// The positional arguments a command takes, and the message when they are missing.
struct PositionalUse {
  size_t count;
  const char* missing;
};

PositionalUse PositionalsOf(UsmtUtilsCommand command) {
  switch (command) {
    case UsmtUtilsCommand::kVerify:
      return {1, "/verify needs the store: usmtutils /verify[:TYPE] STORE"};
    case UsmtUtilsCommand::kExtract:
      return {2,
              "/extract needs the store and a destination folder: usmtutils /extract STORE DEST"};
    case UsmtUtilsCommand::kRemoveStore:
      return {1, "/rd needs the store folder: usmtutils /rd DIR [/y]"};
    case UsmtUtilsCommand::kListAlgorithms:
      return {0, ""};
  }
  return {0, ""};
}

// Fills the key settings: /decrypt[:ALG] with exactly one of /key and /keyfile.
std::optional<UsmtError> CheckKeyOptions(const ParsedCommandLine& parsed,
                                         UsmtUtilsOptions& options) {
  const ParsedOption* decrypt = parsed.Find("decrypt");
  const ParsedOption* key = parsed.Find("key");
  const ParsedOption* key_file = parsed.Find("keyfile");
  if (decrypt != nullptr) {
    options.decrypt = true;
    options.algorithm = ToUpperAscii(decrypt->value.value_or("AES_256"));
    const std::vector<std::string>& supported = SupportedEncryptionAlgorithms();
    if (std::find(supported.begin(), supported.end(), options.algorithm) == supported.end()) {
      return Invalid("unsupported encryption algorithm '" + *decrypt->value +
                     "' (use AES_128, AES_192 or AES_256)");
    }
  }
  if (key != nullptr && key_file != nullptr) {
    return Invalid("/key and /keyfile cannot be used together");
  }
  if (decrypt == nullptr && (key != nullptr || key_file != nullptr)) {
    return Invalid(std::string(key != nullptr ? "/key" : "/keyfile") + " needs /decrypt");
  }
  if (decrypt != nullptr && key == nullptr && key_file == nullptr) {
    return Invalid("/decrypt needs a key: give /key or /keyfile");
  }
  if (key != nullptr) options.key = key->value;
  if (key_file != nullptr) options.key_file = key_file->value;
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& SupportedEncryptionAlgorithms() {
  static const std::vector<std::string> algorithms = {"AES_128", "AES_192", "AES_256"};
  return algorithms;
}

CommandLineSyntax UsmtUtilsSyntax(std::function<bool(const std::string&)> path_exists,
                                  std::string working_directory) {
  using enum OptionValue;
  CommandLineSyntax syntax;
  syntax.path_exists = std::move(path_exists);
  syntax.working_directory = std::move(working_directory);
  syntax.options = {
      {.name = "verify",
       .aliases = {"verify"},
       .value = kOptional,
       .value_name = "TYPE",
       .help = "Check a store: summary (default), all, failureonly, catalog"},
      {.name = "extract", .aliases = {"extract"}, .help = "Copy entries out of a store to DEST"},
      {.name = "rd", .aliases = {"remove-store"}, .help = "Remove a store folder (hard-link too)"},
      {.name = "ec",
       .aliases = {"list-algorithms"},
       .help = "List the algorithm IDs /decrypt accepts"},
      {.name = "y", .aliases = {"yes"}, .help = "With /rd: do not ask for confirmation"},
      {.name = "i",
       .aliases = {"include"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "PATTERNS",
       .help = "With /extract: only matching entries (patterns split at , or ;)"},
      {.name = "e",
       .aliases = {"exclude"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "PATTERNS",
       .help = "With /extract: skip entries matching a pattern (/i wins)"},
      {.name = "o", .aliases = {"overwrite"}, .help = "With /extract: replace existing files"},
      {.name = "decrypt",
       .aliases = {"decrypt"},
       .value = kOptional,
       .value_name = "ALG",
       .help = "The store is encrypted: AES_128, AES_192 or AES_256 (default)"},
      {.name = "key",
       .aliases = {"key"},
       .value = kRequired,
       .kind = OptionValueKind::kSecret,
       .value_name = "KEY",
       .help = "The key text (visible to other users in ps: prefer /keyfile)"},
      {.name = "keyfile",
       .aliases = {"key-file"},
       .value = kRequired,
       .kind = OptionValueKind::kPath,
       .value_name = "FILE",
       .help = "Read the key text from FILE (one trailing newline is ignored)"},
      {.name = "l",
       .aliases = {"log"},
       .value = kRequired,
       .kind = OptionValueKind::kPath,
       .value_name = "FILE",
       .help = "Write a log to FILE"},
      {.name = "v",
       .aliases = {"verbosity"},
       .value = kRequired,
       .value_name = "N",
       .help = "Log detail 0-13 (+1 each entry, +4 status, +8 echo to stderr)"},
  };
  return syntax;
}

UsmtResult<UsmtUtilsOptions> ParseUsmtUtilsOptions(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax) {
  UsmtResult<ParsedCommandLine> parsed_result = ParseUsmtCommandLine(arguments, syntax);
  if (!parsed_result.ok()) return parsed_result.error();
  const ParsedCommandLine& parsed = *parsed_result;
  UsmtUtilsOptions options;
  if (parsed.help_requested) {
    options.help = true;
    return options;
  }
  options.redacted_arguments = parsed.redacted_arguments;

  const ParsedOption* command = nullptr;
  for (const ParsedOption& option : parsed.options) {
    if (!IsCommand(option.name)) continue;
    if (command != nullptr) {
      return Invalid("a command was already specified: " + command->spelling + "; " +
                     option.spelling + " cannot be combined with it");
    }
    command = &option;
  }
  if (command == nullptr) {
    return Invalid("no command: give /verify, /extract, /rd or /ec (usmtutils /? shows the help)");
  }
  options.command = CommandNamed(command->name);
  for (const ParsedOption& option : parsed.options) {
    if (!IsCommand(option.name) && AllowedOptions(options.command).count(option.name) == 0) {
      return Invalid("option " + option.spelling + " cannot be used with " + command->spelling);
    }
  }
  const PositionalUse use = PositionalsOf(options.command);
  if (parsed.positionals.size() < use.count) return Invalid(use.missing);
  if (parsed.positionals.size() > use.count) {
    return Invalid(UnexpectedArgumentMessage(parsed.positionals[use.count], syntax));
  }
  if (use.count >= 1) options.store = parsed.positionals[0];
  if (use.count >= 2) options.destination = parsed.positionals[1];

  if (command->value) {
    const std::optional<VerifyReportType> report = ParseVerifyReportType(*command->value);
    if (!report) {
      return Invalid("unknown report type '" + *command->value + "' for " + command->spelling +
                     " (use summary, all, failureonly or catalog)");
    }
    options.report = *report;
  }
  if (const ParsedOption* verbosity = parsed.Find("v")) {
    UsmtResult<int> level = ParseVerbosity(*verbosity->value);
    if (!level.ok()) return level.error();
    options.verbosity = *level;
  }
  if (std::optional<UsmtError> error = CheckKeyOptions(parsed, options)) return *error;
  options.include_patterns = SplitPatterns(parsed.Values("i"));
  options.exclude_patterns = SplitPatterns(parsed.Values("e"));
  options.overwrite = parsed.Has("o");
  options.yes = parsed.Has("y");
  if (const ParsedOption* log = parsed.Find("l")) options.log_file = log->value;
  return options;
}

std::string UsmtUtilsUsage() {
  return "usage:\n"
         "  usmtutils /verify[:summary|all|failureonly|catalog] STORE [KEY] [/l:FILE] [/v:N]\n"
         "  usmtutils /extract STORE DEST [/i:PATTERNS]... [/e:PATTERNS]... [/o] [KEY] [/l:FILE]\n"
         "  usmtutils /rd DIR [/y]\n"
         "  usmtutils /ec\n"
         "KEY: /decrypt[:ALG] with /key:KEY or /keyfile:FILE (encrypted stores)\n";
}

std::string UsmtUtilsHelp(const CommandLineSyntax& syntax) {
  return "usmtutils: checks, salvages and removes tseq state stores (USMT's UsmtUtils).\n\n" +
         UsmtUtilsUsage() +
         "\nSTORE is the store folder or its USMT/USMT.MIG file. Options take USMT's form "
         "(/name, /name:value,\n/name value) or GNU's (--name, --name=value); names ignore "
         "case.\n\noptions:\n" +
         FormatOptionHelp(syntax) +
         "\nreturn codes: 0 success, 1 help, 2 cancelled, 11 invalid command line, 12 argument "
         "too long,\n13 log file, 27 no usable store, 33 key file, 34 needs root, 35 cannot "
         "remove the store,\n37 missing or wrong key, 38 store read error, 41 existing output "
         "kept, 42 corrupted store,\n61 output error. See docs/usmtutils.md.\n";
}

}  // namespace tseq
