// The command line of `scanstate` (docs/scanstate.md): its option table, and the checks that
// turn a parsed command line into its settings. Every failure is a UsmtError (11 or 12) whose
// message never contains the key.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "migration/state_tool_options.h"
#include "migration/usmt_command_line.h"
#include "migration/usmt_return_codes.h"

namespace tseq {

// The options shared with loadstate (state_tool_options.h) and scanstate's own. With
// /genconfig, `store` is empty and only rule_files, verbosity, log_file, overwrite, no_compress
// and root may be set besides it.
struct ScanStateOptions : StateToolOptions {
  std::optional<std::string> generate_config_file;  // /genconfig: write a config file, no store
  bool overwrite = false;                           // /o: replace an existing store
  std::optional<std::string> list_files_file;       // /listfiles: every file captured
  bool estimate_space = false;                      // /p: estimate the store size, no store
  std::optional<std::string> estimate_file;         // /p:FILE: write the estimate here
  bool local_only = false;                          // /localonly: only local filesystems
};

// scanstate's option table. `path_exists` and `working_directory` as in CommandLineSyntax.
// The table also names loadstate's own options, only to refuse them with a clear message.
CommandLineSyntax ScanStateSyntax(std::function<bool(const std::string&)> path_exists = {},
                                  std::string working_directory = "");

// Parses and checks the command line. Messages (code 11), in the order they are checked after
// the parser's own (usmt_command_line.h):
//   "command line arguments are required: scanstate STORE [options] (scanstate /? shows the
//    help)"                                                           no argument at all
//   "option /lac is a loadstate option; scanstate does not take it"  also /lae, /mu, /md,
//                                                                     /decrypt
//   "option /c cannot be used with /genconfig"     anything but /i, /o, /v, /l, /nocompress,
//                                                  /root (as the user spelled both options)
//   "/genconfig does not take a store: unexpected argument 'S'"
//   TakeStore's (state_tool_options.h), with the usage "scanstate STORE [options]"
//   "invalid store '/': the store cannot be the root folder"
//   "/listfiles and /p cannot be used together"
//   "/p without a file needs /nocompress: give /nocompress, or a file with /p:FILE"
//   ParseStateToolOptions' (state_tool_options.h), with /encrypt
UsmtResult<ScanStateOptions> ParseScanStateOptions(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax);

// The text /? prints.
std::string ScanStateHelp(const CommandLineSyntax& syntax);

// The usage lines.
std::string ScanStateUsage();

}  // namespace tseq
