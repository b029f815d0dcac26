// The command line of `loadstate` (docs/loadstate.md): its option table, and the checks that
// turn a parsed command line into its settings. Every failure is a UsmtError (11 or 12) whose
// message never contains the key or the /lac password.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "migration/state_tool_options.h"
#include "migration/user_mapping.h"
#include "migration/usmt_command_line.h"
#include "migration/usmt_return_codes.h"

namespace tseq {

// The options shared with scanstate (state_tool_options.h) and loadstate's own. `store` is
// always set; encryption is /decrypt.
struct LoadStateOptions : StateToolOptions {
  bool create_local_accounts = false;  // /lac
  std::string local_account_password;  // /lac:PASSWORD, secret; empty: no password
  bool enable_local_accounts = false;  // /lae
  UserMappingOptions user_mapping;     // /mu and /md, each in command-line order
};

// loadstate's option table. `path_exists` and `working_directory` as in CommandLineSyntax.
// The table also names scanstate's own options, only to refuse them with a clear message.
CommandLineSyntax LoadStateSyntax(std::function<bool(const std::string&)> path_exists = {},
                                  std::string working_directory = "");

// Parses and checks the command line. Messages (code 11), in the order they are checked after
// the parser's own (usmt_command_line.h):
//   "command line arguments are required: loadstate STORE [options] (loadstate /? shows the
//    help)"                                                           no argument at all
//   "option /o is a scanstate option; loadstate does not take it"    also /genconfig,
//                                                                     /listfiles, /p,
//                                                                     /localonly, /encrypt
//   "/lac takes a password only as /lac:PASSWORD, not as the next argument"
//       when an argument right after a bare /lac is one of two or more positional arguments
//       (`loadstate STORE /lac PASSWORD`); the argument is not echoed
//   TakeStore's (state_tool_options.h), with the usage "loadstate STORE [options]"
//   "/lae is only used with /lac"
//   ParseUserMappingRule's, ParseDomainMappingRule's and CheckUserMappingRules' messages
//   (user_mapping.h), as they are
//   ParseStateToolOptions' (state_tool_options.h), with /decrypt
UsmtResult<LoadStateOptions> ParseLoadStateOptions(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax);

// The text /? prints.
std::string LoadStateHelp(const CommandLineSyntax& syntax);

// The usage lines.
std::string LoadStateUsage();

}  // namespace tseq
