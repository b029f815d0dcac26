// The command line of `usmtutils` (docs/usmtutils.md): its option table, and the checks that
// turn a parsed command line into one command with its settings. Every failure is a UsmtError
// (11 or 12) whose message never contains the key.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "migration/store_verification.h"
#include "migration/usmt_command_line.h"
#include "migration/usmt_return_codes.h"

namespace tseq {

enum class UsmtUtilsCommand { kVerify, kExtract, kRemoveStore, kListAlgorithms };

struct UsmtUtilsOptions {
  bool help = false;  // /? or /help: nothing else is set
  UsmtUtilsCommand command = UsmtUtilsCommand::kVerify;
  VerifyReportType report = VerifyReportType::kSummary;
  std::string store;                          // /verify, /extract; the folder for /rd
  std::string destination;                    // /extract
  std::vector<std::string> include_patterns;  // split at , and ;
  std::vector<std::string> exclude_patterns;
  bool overwrite = false;                       // /o
  bool yes = false;                             // /y
  bool decrypt = false;                         // /decrypt
  std::string algorithm;                        // /decrypt:ALG, upper case; AES_256 when not given
  std::optional<std::string> key;               // /key: secret
  std::optional<std::string> key_file;          // /keyfile
  std::optional<std::string> log_file;          // /l
  int verbosity = 0;                            // /v
  std::vector<std::string> redacted_arguments;  // the command line for the log
};

// The algorithm IDs /decrypt accepts (and /ec lists): AES_128, AES_192, AES_256. A tseq store is
// always AES-256-GCM; the ID is accepted for compatibility with USMT command lines.
const std::vector<std::string>& SupportedEncryptionAlgorithms();

// usmtutils' option table. `path_exists` and `working_directory` as in CommandLineSyntax.
CommandLineSyntax UsmtUtilsSyntax(std::function<bool(const std::string&)> path_exists = {},
                                  std::string working_directory = "");

// Parses and checks the command line. Messages (code 11 unless said):
//   "no command: give /verify, /extract, /rd or /ec (usmtutils /? shows the help)"
//   "a command was already specified: /verify; /extract cannot be combined with it"
//   "option /o cannot be used with /verify"
//   "/verify needs the store: usmtutils /verify[:TYPE] STORE"
//   "/extract needs the store and a destination folder: usmtutils /extract STORE DEST"
//   "/rd needs the store folder: usmtutils /rd DIR [/y]"
//   "unexpected argument 'X'" or "unknown option '/X' (did you mean /Y?)"
//   "unknown report type 'X' for /verify (use summary, all, failureonly or catalog)"
//   "invalid verbosity 'X' for /v (use a number from 0 to 13)"
//   "unsupported encryption algorithm 'X' (use AES_128, AES_192 or AES_256)"
//   "/key and /keyfile cannot be used together"
//   "/key needs /decrypt"  (or "/keyfile needs /decrypt")
//   "/decrypt needs a key: give /key or /keyfile"
// and the parser's own (usmt_command_line.h).
UsmtResult<UsmtUtilsOptions> ParseUsmtUtilsOptions(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax);

// The text /? prints.
std::string UsmtUtilsHelp(const CommandLineSyntax& syntax);

// The usage lines printed after "no command".
std::string UsmtUtilsUsage();

}  // namespace tseq
