#include "migration/state_tool_options.h"

#include <algorithm>
#include <cassert>

#include "base/strings.h"
#include "migration/usmtutils_options.h"

namespace tseq {
namespace {

UsmtError Invalid(std::string message) {
  return UsmtError{UsmtReturnCode::kInvalidParameters, std::move(message)};
}

// A whole number from 0 to `maximum`; nullopt for anything else (signs, spaces, fractions).
std::optional<int> WholeNumber(std::string_view text, int maximum) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int number = std::stoi(std::string(text));
  if (number > maximum) return std::nullopt;
  return number;
}

std::optional<UsmtError> ParseRetries(const ParsedCommandLine& parsed, StateToolOptions& options) {
  if (const ParsedOption* retries = parsed.Find("r")) {
    const std::optional<int> count = WholeNumber(*retries->value, kMaximumRetryCount);
    if (!count) {
      return Invalid("invalid retry count '" + *retries->value +
                     "' for /r (use a whole number from 0 to " +
                     std::to_string(kMaximumRetryCount) + ")");
    }
    options.retry_count = *count;
  }
  if (const ParsedOption* wait = parsed.Find("w")) {
    const std::optional<int> seconds = WholeNumber(*wait->value, kMaximumRetryWaitSeconds);
    if (!seconds) {
      return Invalid("invalid wait '" + *wait->value +
                     "' for /w (use a whole number of seconds from 0 to " +
                     std::to_string(kMaximumRetryWaitSeconds) + ")");
    }
    options.retry_wait_seconds = *seconds;
  }
  return std::nullopt;
}

// The store options: /hardlink with /nocompress, the switch with exactly one of /key and
// /keyfile, and never the switch with /nocompress (a directory store is not encrypted).
std::optional<UsmtError> ParseStoreOptions(const ParsedCommandLine& parsed,
                                           std::string_view encryption_switch,
                                           StateToolOptions& options) {
  options.hard_link = parsed.Has("hardlink");
  options.no_compress = parsed.Has("nocompress");
  if (options.hard_link && !options.no_compress) return Invalid("/hardlink requires /nocompress");
  const std::string switch_name = "/" + std::string(encryption_switch);
  const ParsedOption* encryption = parsed.Find(encryption_switch);
  const ParsedOption* key = parsed.Find("key");
  const ParsedOption* key_file = parsed.Find("keyfile");
  if (encryption != nullptr) {
    options.encryption.enabled = true;
    if (encryption->value) {
      options.encryption.algorithm = ToUpperAscii(*encryption->value);
      const std::vector<std::string>& supported = SupportedEncryptionAlgorithms();
      if (std::find(supported.begin(), supported.end(), options.encryption.algorithm) ==
          supported.end()) {
        return Invalid("unsupported encryption algorithm '" + *encryption->value +
                       "' (use AES_128, AES_192 or AES_256)");
      }
    }
    if (options.no_compress) {
      return Invalid(switch_name + " and /nocompress cannot be used together");
    }
  }
  if (key != nullptr && key_file != nullptr) {
    return Invalid("/key and /keyfile cannot be used together");
  }
  if (encryption == nullptr && (key != nullptr || key_file != nullptr)) {
    return Invalid(std::string(key != nullptr ? "/key" : "/keyfile") + " needs " + switch_name);
  }
  if (encryption != nullptr && key == nullptr && key_file == nullptr) {
    return Invalid(switch_name + " needs a key: give /key or /keyfile");
  }
  if (key != nullptr) options.encryption.key = key->value;
  if (key_file != nullptr) options.encryption.key_file = key_file->value;
  return std::nullopt;
}

}  // namespace

OptionSpec StateToolOption(std::string_view name) {
  using enum OptionValue;
  using enum OptionValueKind;
  static const std::vector<OptionSpec> options = {
      {.name = "i",
       .aliases = {"rules"},
       .value = kRequired,
       .kind = kPath,
       .repeatable = true,
       .value_name = "FILE",
       .help = "A rule file (miguser.yaml, migapp.yaml, migdocs.yaml, your own)"},
      {.name = "config",
       .aliases = {"config"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "FILE",
       .help = "A config file that turns components of the rule files off"},
      {.name = "genconfig",
       .aliases = {"generate-config"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "FILE",
       .help = "Write a config file for this machine's components; no store"},
      {.name = "o", .aliases = {"overwrite"}, .help = "Replace an existing store (or config file)"},
      {.name = "c",
       .aliases = {"continue-on-error"},
       .help = "Log non-fatal errors and go on (exit 3 when there were some)"},
      {.name = "v",
       .aliases = {"verbosity"},
       .value = kRequired,
       .value_name = "N",
       .help = "Log detail 0-13 (+1 each entry, +4 status, +8 echo to stderr)"},
      {.name = "l",
       .aliases = {"log"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "FILE",
       .help = "Write the log to FILE"},
      {.name = "progress",
       .aliases = {"progress"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "FILE",
       .help = "Write USMT's comma-separated progress log to FILE"},
      {.name = "listfiles",
       .aliases = {"list-files"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "FILE",
       .help = "Write the path of every file captured to FILE"},
      {.name = "p",
       .aliases = {"estimate"},
       .value = kOptional,
       .kind = kPath,
       .value_name = "FILE",
       .help = "Only estimate the store size (to FILE, else needs /nocompress)"},
      {.name = "localonly",
       .aliases = {"local-only"},
       .help = "Skip files on removable media and network filesystems"},
      {.name = "hardlink",
       .aliases = {"hard-link"},
       .help = "A hard-link store (needs /nocompress)"},
      {.name = "nocompress",
       .aliases = {"no-compress"},
       .help = "A directory store: files as they are, not compressed"},
      {.name = "encrypt",
       .aliases = {"encrypt"},
       .value = kOptional,
       .value_name = "ALG",
       .help = "Encrypt the store: AES_128, AES_192 or AES_256 (default)"},
      {.name = "decrypt",
       .aliases = {"decrypt"},
       .value = kOptional,
       .value_name = "ALG",
       .help = "The store is encrypted: AES_128, AES_192 or AES_256 (default)"},
      {.name = "key",
       .aliases = {"key"},
       .value = kRequired,
       .kind = kSecret,
       .value_name = "KEY",
       .help = "The key text (visible to other users in ps: prefer /keyfile)"},
      {.name = "keyfile",
       .aliases = {"key-file"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "FILE",
       .help = "Read the key text from FILE (one trailing newline is ignored)"},
      {.name = "lac",
       .aliases = {"create-local-accounts"},
       .value = kOptional,
       .kind = kSecret,
       .value_name = "PASSWORD",
       .help = "Create missing local accounts (disabled; PASSWORD or none)"},
      {.name = "lae",
       .aliases = {"enable-local-accounts"},
       .help = "Enable the accounts /lac creates"},
      {.name = "mu",
       .aliases = {"move-user"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "OLD:NEW",
       .help = "Restore user OLD as NEW: DOM\\USER:[DOM\\]USER or USER:DOM\\USER"},
      {.name = "md",
       .aliases = {"move-domain"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "OLD:NEW",
       .help = "Move the users of domain OLD (* wildcard) to domain NEW"},
      {.name = "r",
       .aliases = {"retries"},
       .value = kRequired,
       .value_name = "N",
       .help = "Retries of a failed store or network operation (default 3)"},
      {.name = "w",
       .aliases = {"retry-wait"},
       .value = kRequired,
       .value_name = "SECONDS",
       .help = "Seconds between retries (default 1)"},
      {.name = "root",
       .aliases = {"root"},
       .value = kRequired,
       .kind = kPath,
       .value_name = "DIR",
       .help = "The machine root whose profiles are migrated (default /)"},
  };
  for (const OptionSpec& option : options) {
    if (option.name == name) return option;
  }
  for (const OptionSpec& option : UserSelectionOptionSpecs()) {
    if (option.name == name) return option;
  }
  assert(false && "not a scanstate or loadstate option");
  return {};
}

OptionSpec WithHelp(OptionSpec spec, std::string help) {
  spec.help = std::move(help);
  return spec;
}

std::string NormalizeStorePath(std::string_view store) {
  constexpr std::string_view kStoreFile = "USMT/USMT.MIG";
  if (store.find("://") != std::string_view::npos || store.size() < kStoreFile.size() ||
      !EqualsIgnoreCase(store.substr(store.size() - kStoreFile.size()), kStoreFile)) {
    return std::string(store);
  }
  std::string_view folder = store.substr(0, store.size() - kStoreFile.size());
  if (folder.empty()) return ".";
  if (folder.back() != '/') return std::string(store);  // "XUSMT/USMT.MIG" is another folder
  while (folder.size() > 1 && folder.back() == '/') folder.remove_suffix(1);
  return std::string(folder);
}

UsmtResult<std::string> TakeStore(const ParsedCommandLine& parsed, const CommandLineSyntax& syntax,
                                  std::string_view usage) {
  if (parsed.positionals.empty()) {
    return Invalid("the store parameter is required but not specified: " + std::string(usage));
  }
  if (parsed.positionals.size() > 1) {
    const std::string& extra = parsed.positionals[1];
    std::string message = UnexpectedArgumentMessage(extra, syntax);
    if (message.starts_with("unexpected argument")) {
      message += " (the store is already '" + parsed.positionals[0] + "')";
    }
    return Invalid(std::move(message));
  }
  return NormalizeStorePath(parsed.positionals[0]);
}

std::optional<UsmtError> RefuseOtherToolOptions(const ParsedCommandLine& parsed,
                                                const std::vector<std::string>& names,
                                                std::string_view tool, std::string_view other) {
  for (const ParsedOption& option : parsed.options) {
    if (std::find(names.begin(), names.end(), option.name) != names.end()) {
      return Invalid("option " + option.spelling + " is a " + std::string(other) + " option; " +
                     std::string(tool) + " does not take it");
    }
  }
  return std::nullopt;
}

std::optional<UsmtError> ParseStateToolOptions(const ParsedCommandLine& parsed,
                                               std::string_view encryption_switch,
                                               StateToolOptions& options) {
  if (const ParsedOption* verbosity = parsed.Find("v")) {
    UsmtResult<int> level = ParseVerbosity(*verbosity->value);
    if (!level.ok()) return level.error();
    options.verbosity = *level;
  }
  UsmtResult<UserSelectionOptions> users = ParseUserSelectionOptions(parsed);
  if (!users.ok()) return users.error();
  options.users = std::move(users).value();
  if (std::optional<UsmtError> error = ParseRetries(parsed, options)) return error;
  if (std::optional<UsmtError> error = ParseStoreOptions(parsed, encryption_switch, options)) {
    return error;
  }
  options.rule_files = parsed.Values("i");
  if (const ParsedOption* config = parsed.Find("config")) options.config_file = config->value;
  options.continue_on_error = parsed.Has("c");
  if (const ParsedOption* log = parsed.Find("l")) options.log_file = log->value;
  if (const ParsedOption* progress = parsed.Find("progress")) {
    options.progress_file = progress->value;
  }
  if (const ParsedOption* root = parsed.Find("root")) options.root = *root->value;
  return std::nullopt;
}

}  // namespace tseq
