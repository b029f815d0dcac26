// The command-line parser of the USMT tools (scanstate, loadstate, usmtutils), driven by a table
// of options. docs/usmt-command-lines.md describes the accepted forms and why this parser is
// hand-written (CLI11 cannot parse `/name:value`).
//
// Forms, for an option named `l` with the long alias `log` (names ignore case):
//   /l:FILE  /l FILE  /L:FILE  /log:FILE    USMT form (the USMT name or an alias)
//   --l=FILE  --log=FILE  --log FILE        GNU form (the USMT name or an alias)
// A value that is optional (`/verify[:TYPE]`) is taken only after `:` or `=`, never from the next
// argument. `--` ends the options. `/?`, `/help`, `--help`, `-h` and `-?` ask for the help.
//
// Linux paths start with `/` too. An argument that starts with `/` is an option when its name
// (up to the first `:`) is a known option name or alias; otherwise it is a path (a positional
// argument) when that name contains another `/` or the argument names an existing file;
// otherwise it is an unknown option if it contains `:` or is close to a known name (a typo, with
// "did you mean"), and a path (such as a store folder that does not exist yet) if not. A path
// spelled like an option (`/log`) is written with a trailing slash (`/log/`).
//
// Failures are UsmtErrors with USMT's codes: 11 for an unknown or repeated option, a missing or
// unexpected value; 12 for a value or path over 256 characters, measured on the absolute path
// for paths. Messages never contain the value of an option marked secret (a key).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration/usmt_return_codes.h"

namespace tseq {

// USMT's limit on option values and paths (measured on the absolute path).
inline constexpr size_t kUsmtMaximumArgumentLength = 256;

enum class OptionValue { kNone, kRequired, kOptional };

enum class OptionValueKind {
  kText,    // checked against the length limit as given
  kPath,    // checked against the length limit as an absolute path
  kSecret,  // a key: never echoed, and shown as ***** in RedactedArguments
};

struct OptionSpec {
  std::string name;                  // the USMT name without '/', lower case: "keyfile"
  std::vector<std::string> aliases;  // GNU long names without "--", lower case: "key-file"
  OptionValue value = OptionValue::kNone;
  OptionValueKind kind = OptionValueKind::kText;
  bool repeatable = false;
  // kRequired only: the value may be the next argument ("/l FILE") as well as "/l:FILE".
  bool value_after_space = true;
  std::string value_name;  // for help and messages: "FILE"
  std::string help;        // one line
};

struct CommandLineSyntax {
  std::vector<OptionSpec> options;
  // Positional arguments are paths: the length limit applies to their absolute form.
  bool positionals_are_paths = true;
  // The directory relative paths are resolved against for the length limit; empty: the
  // process's working directory.
  std::string working_directory;
  // Whether a path exists (an existing "/name" is a path even if close to an option name);
  // empty: no argument is taken for a path for that reason.
  std::function<bool(const std::string&)> path_exists;
};

struct ParsedOption {
  std::string name;      // the option's USMT name from its spec, lower case
  std::string spelling;  // as the user wrote it, without the value: "/L", "--log"
  std::optional<std::string> value;
};

struct ParsedCommandLine {
  bool help_requested = false;
  std::vector<ParsedOption> options;     // in command-line order
  std::vector<std::string> positionals;  // in command-line order
  // The arguments with the value of every secret option replaced by *****, for logs.
  std::vector<std::string> redacted_arguments;

  bool Has(std::string_view name) const;
  // The first occurrence of option `name`, or null.
  const ParsedOption* Find(std::string_view name) const;
  // The values of every occurrence of `name`, in order (occurrences without one are skipped).
  std::vector<std::string> Values(std::string_view name) const;
};

// Parses `arguments` (without the program name). When a help argument is present anywhere the
// result has help_requested and nothing else is checked. Errors, with their messages:
//   11 "unknown option '/verfy' (did you mean /verify?)"   the suggestion only when one is close
//   11 "option /l is given more than once"                 not repeatable; as the user spelled it
//   11 "option /l needs a value: /l:FILE"
//   11 "option /ec does not take a value"
//   12 "the value given to /key is 300 characters long (the limit is 256)"
//   12 "the path given to /l is 300 characters long as an absolute path (the limit is 256)"
//   12 "the path 'P' is 300 characters long as an absolute path (the limit is 256)"
UsmtResult<ParsedCommandLine> ParseUsmtCommandLine(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax);

// For a positional argument a tool did not expect: "unknown option '/X' (did you mean /Y?)" when
// it looks like an option (starts with '/' or '-' and has no other '/'), else "unexpected
// argument 'X'".
std::string UnexpectedArgumentMessage(const std::string& argument, const CommandLineSyntax& syntax);

// The options part of a help text: one line per option,
//   "  /l:FILE, --log=FILE" padded to a column, then its help.
std::string FormatOptionHelp(const CommandLineSyntax& syntax);

// Parses a /v value: a whole number from 0 to 13. 11 "invalid verbosity 'X' for /v (use a
// number from 0 to 13)" otherwise.
UsmtResult<int> ParseVerbosity(std::string_view value);

}  // namespace tseq
