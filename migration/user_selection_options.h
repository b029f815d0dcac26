// The user-selection options of scanstate and loadstate (reference/usmt.md §2): /all, /ui, /ue
// and /uel, their option-table entries, and the checks that turn them into the
// UserSelectionOptions that UserSelector (user_selection.h) applies. Every failure is a
// UsmtError with code 11.
#pragma once

#include <vector>

#include "migration/user_selection.h"
#include "migration/usmt_command_line.h"
#include "migration/usmt_return_codes.h"

namespace tseq {

// The table entries of /all, /ui, /ue and /uel, in that order, for the tools' syntaxes.
std::vector<OptionSpec> UserSelectionOptionSpecs();

// Reads /all, /ui, /ue and /uel from a parsed command line: the patterns in command-line order,
// each checked by ValidateUserPattern, and /uel by ParseLastLogonFilter, whose messages are
// returned as they are ("invalid user pattern 'a\b\c': use DOMAIN\user, with one backslash",
// "invalid /uel value 'x': use a number of days, a date YYYY/MM/DD, or 0 for the users logged on
// now", ...). The conflict, with both options as the user spelled them:
//   "/all conflicts with /ui, /ue and /uel; /ue cannot be combined with it"
UsmtResult<UserSelectionOptions> ParseUserSelectionOptions(const ParsedCommandLine& parsed);

}  // namespace tseq
