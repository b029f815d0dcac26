// What the command lines of scanstate and loadstate share (docs/scanstate.md, docs/loadstate.md):
// the options both accept, the settings they give, the store argument, and the checks between
// them. Every failure is a UsmtError with code 11 whose message never contains a key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration/user_selection_options.h"
#include "migration/usmt_command_line.h"
#include "migration/usmt_return_codes.h"

namespace tseq {

inline constexpr int kDefaultRetryCount = 3;           // /r
inline constexpr int kDefaultRetryWaitSeconds = 1;     // /w
inline constexpr int kMaximumRetryCount = 1000;        // /r
inline constexpr int kMaximumRetryWaitSeconds = 3600;  // /w

// /encrypt (scanstate) or /decrypt (loadstate) with its key.
struct StoreEncryption {
  bool enabled = false;
  std::string algorithm = "AES_256";    // upper case; one of SupportedEncryptionAlgorithms()
  std::optional<std::string> key;       // /key: secret, never logged
  std::optional<std::string> key_file;  // /keyfile: read later; an unreadable file is 33
};

// The settings both tools take. Exactly one of encryption.key and encryption.key_file is set
// when encryption.enabled, and neither otherwise.
struct StateToolOptions {
  bool help = false;  // /? or /help: nothing else is set
  // The store folder as given, with a trailing USMT/USMT.MIG removed, or an SMP store URL.
  std::string store;
  std::vector<std::string> rule_files;                // /i, in command-line order
  std::optional<std::string> config_file;             // /config
  bool continue_on_error = false;                     // /c
  int verbosity = 0;                                  // /v, 0 to 13
  std::optional<std::string> log_file;                // /l
  std::optional<std::string> progress_file;           // /progress
  UserSelectionOptions users;                         // /all, /ui, /ue, /uel
  bool hard_link = false;                             // /hardlink
  bool no_compress = false;                           // /nocompress
  StoreEncryption encryption;                         // /encrypt or /decrypt, /key, /keyfile
  int retry_count = kDefaultRetryCount;               // /r
  int retry_wait_seconds = kDefaultRetryWaitSeconds;  // /w
  std::string root = "/";  // /root: the machine whose profiles are migrated
  // The command line with every secret (the key, the /lac password) shown as *****, for logs.
  std::vector<std::string> redacted_arguments;
};

// The table entry of an option of scanstate or loadstate (either), by its USMT name, so that
// both tools spell and explain a shared option alike. REQUIRES: `name` is one of them.
OptionSpec StateToolOption(std::string_view name);

// `spec` with its help line replaced, for an option whose meaning differs between the tools.
OptionSpec WithHelp(OptionSpec spec, std::string help);

// Removes a trailing "USMT/USMT.MIG" (any case) from a store path, so that the store's file and
// its folder name the same store: "/srv/s/USMT/USMT.MIG" is "/srv/s", "USMT/USMT.MIG" is ".",
// "/USMT/USMT.MIG" is "/". Other paths and URLs ("https://...") come back unchanged.
std::string NormalizeStorePath(std::string_view store);

// The one store argument of `parsed`, normalised. Errors (11):
//   "the store parameter is required but not specified: USAGE"      (`usage`, e.g.
//                                                                     "scanstate STORE [options]")
//   "unexpected argument 'X' (the store is already 'S')", or "unknown option '/X' (did you
//   mean /Y?)" when the extra argument looks like an option
UsmtResult<std::string> TakeStore(const ParsedCommandLine& parsed, const CommandLineSyntax& syntax,
                                  std::string_view usage);

// For options of the other tool (`names`, USMT names) that the syntax knows only to explain
// them: 11 "option /o is a scanstate option; loadstate does not take it" (as the user spelled
// it), or nullopt when none is given.
std::optional<UsmtError> RefuseOtherToolOptions(const ParsedCommandLine& parsed,
                                                const std::vector<std::string>& names,
                                                std::string_view tool, std::string_view other);

// Fills every StateToolOptions field but help, store and redacted_arguments from `parsed`.
// `encryption_switch` is "encrypt" or "decrypt". Errors (11), checked in this order:
//   "invalid verbosity 'X' for /v (use a number from 0 to 13)"
//   ParseUserSelectionOptions' (user_selection_options.h)
//   "invalid retry count 'X' for /r (use a whole number from 0 to 1000)"
//   "invalid wait 'X' for /w (use a whole number of seconds from 0 to 3600)"
//   "/hardlink requires /nocompress"
//   "unsupported encryption algorithm 'X' (use AES_128, AES_192 or AES_256)"
//   "/encrypt and /nocompress cannot be used together"   (/decrypt for loadstate)
//   "/key and /keyfile cannot be used together"
//   "/key needs /encrypt"  (or "/keyfile needs /encrypt"; /decrypt for loadstate)
//   "/encrypt needs a key: give /key or /keyfile"        (/decrypt for loadstate)
std::optional<UsmtError> ParseStateToolOptions(const ParsedCommandLine& parsed,
                                               std::string_view encryption_switch,
                                               StateToolOptions& options);

}  // namespace tseq
