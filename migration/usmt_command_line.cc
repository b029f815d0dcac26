#include "migration/usmt_command_line.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr std::string_view kRedacted = "*****";

bool IsHelpArgument(std::string_view argument) {
  return argument == "/?" || argument == "-?" || argument == "-h" ||
         EqualsIgnoreCase(argument, "/help") || EqualsIgnoreCase(argument, "--help");
}

// By name first, so that an alias can never hide another option's name.
const OptionSpec* FindOption(const CommandLineSyntax& syntax, std::string_view name) {
  for (const OptionSpec& spec : syntax.options) {
    if (EqualsIgnoreCase(spec.name, name)) return &spec;
  }
  for (const OptionSpec& spec : syntax.options) {
    for (const std::string& alias : spec.aliases) {
      if (EqualsIgnoreCase(alias, name)) return &spec;
    }
  }
  return nullptr;
}

// The names a typo may have meant: every option's name and aliases, and "help".
std::vector<std::string> Candidates(const CommandLineSyntax& syntax) {
  std::vector<std::string> names;
  for (const OptionSpec& spec : syntax.options) {
    names.push_back(spec.name);
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  }
  names.push_back("help");
  return names;
}

std::string UnknownOptionMessage(std::string_view spelling, std::string_view name,
                                 const CommandLineSyntax& syntax, bool gnu) {
  std::string message = "unknown option '" + std::string(spelling) + "'";
  const std::vector<std::string> candidates = Candidates(syntax);
  if (const std::optional<std::string> match = ClosestMatch(name, candidates)) {
    message += " (did you mean " + std::string(gnu ? "--" : "/") + *match + "?)";
  }
  return message;
}

bool HasCloseOption(std::string_view name, const CommandLineSyntax& syntax) {
  const std::vector<std::string> candidates = Candidates(syntax);
  return ClosestMatch(name, candidates).has_value();
}

size_t AbsoluteLength(const std::string& path, const std::string& working_directory) {
  if (!path.empty() && path.front() == '/') return path.size();
  std::string base = working_directory;
  if (base.empty()) {
    std::error_code error;
    base = std::filesystem::current_path(error).string();
  }
  // USMT adds the relative path to the working directory as written, without normalising it.
  return (std::filesystem::path(base) / path).string().size();
}

struct OptionToken {
  const OptionSpec* spec = nullptr;
  std::string spelling;  // prefix and name as typed
  std::optional<std::string> attached_value;
  bool gnu = false;
};

// An option token, nullopt for a positional argument, or the error of an unknown option.
UsmtResult<std::optional<OptionToken>> Classify(const std::string& argument,
                                                const CommandLineSyntax& syntax) {
  const auto unknown = [&](std::string_view spelling, std::string_view name, bool gnu) {
    return UsmtError{UsmtReturnCode::kInvalidParameters,
                     UnknownOptionMessage(spelling, name, syntax, gnu)};
  };
  if (argument.size() > 2 && argument.starts_with("--")) {
    const size_t equals = argument.find('=');
    const std::string spelling = argument.substr(0, equals);
    const std::string name = spelling.substr(2);
    const OptionSpec* spec = FindOption(syntax, name);
    if (spec == nullptr) return unknown(spelling, name, true);
    OptionToken token{spec, spelling, std::nullopt, true};
    if (equals != std::string::npos) token.attached_value = argument.substr(equals + 1);
    return std::optional<OptionToken>(token);
  }
  if (argument.size() > 1 && argument.front() == '-' && argument != "--") {
    const std::string spelling = argument.substr(0, argument.find('='));
    return UsmtError{UsmtReturnCode::kInvalidParameters,
                     "unknown option '" + spelling + "' (options start with / or --)"};
  }
  if (argument.size() < 2 || argument.front() != '/') return std::optional<OptionToken>();
  const size_t colon = argument.find(':');
  const std::string spelling = argument.substr(0, colon);
  const std::string name = spelling.substr(1);
  if (const OptionSpec* spec = FindOption(syntax, name)) {
    OptionToken token{spec, spelling, std::nullopt, false};
    if (colon != std::string::npos) token.attached_value = argument.substr(colon + 1);
    return std::optional<OptionToken>(token);
  }
  if (name.find('/') != std::string::npos) return std::optional<OptionToken>();
  if (syntax.path_exists && syntax.path_exists(argument)) return std::optional<OptionToken>();
  if (colon != std::string::npos || HasCloseOption(name, syntax)) {
    return unknown(spelling, name, false);
  }
  return std::optional<OptionToken>();
}

// Whether `argument` is a known option (so it is not taken as the previous option's value).
bool IsKnownOption(const std::string& argument, const CommandLineSyntax& syntax) {
  if (argument == "--" || IsHelpArgument(argument)) return true;
  if (argument.size() > 2 && argument.starts_with("--")) {
    return FindOption(syntax, argument.substr(2, argument.find('=') - 2)) != nullptr;
  }
  if (argument.size() > 1 && argument.front() == '/') {
    const size_t colon = argument.find(':');
    return FindOption(syntax, argument.substr(1, colon == std::string::npos ? colon : colon - 1)) !=
           nullptr;
  }
  return false;
}

std::string ValueSpelling(const OptionToken& token) {
  const std::string& value_name =
      token.spec->value_name.empty() ? std::string("VALUE") : token.spec->value_name;
  return token.spelling + (token.gnu ? "=" : ":") + value_name;
}

// 12 when the value is too long; never echoes the value.
std::optional<UsmtError> CheckValueLength(const OptionToken& token, const std::string& value,
                                          const CommandLineSyntax& syntax) {
  const bool path = token.spec->kind == OptionValueKind::kPath;
  const size_t length = path ? AbsoluteLength(value, syntax.working_directory) : value.size();
  if (length <= kUsmtMaximumArgumentLength) return std::nullopt;
  return UsmtError{UsmtReturnCode::kOptionParamTooLarge,
                   "the " + std::string(path ? "path" : "value") + " given to " + token.spelling +
                       " is " + std::to_string(length) + " characters long" +
                       (path ? " as an absolute path" : "") + " (the limit is " +
                       std::to_string(kUsmtMaximumArgumentLength) + ")"};
}

}  // namespace

bool ParsedCommandLine::Has(std::string_view name) const { return Find(name) != nullptr; }

const ParsedOption* ParsedCommandLine::Find(std::string_view name) const {
  for (const ParsedOption& option : options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

std::vector<std::string> ParsedCommandLine::Values(std::string_view name) const {
  std::vector<std::string> values;
  for (const ParsedOption& option : options) {
    if (option.name == name && option.value) values.push_back(*option.value);
  }
  return values;
}

UsmtResult<ParsedCommandLine> ParseUsmtCommandLine(const std::vector<std::string>& arguments,
                                                   const CommandLineSyntax& syntax) {
  ParsedCommandLine parsed;
  for (const std::string& argument : arguments) {
    if (argument == "--") break;
    if (IsHelpArgument(argument)) {
      parsed.help_requested = true;
      return parsed;
    }
  }
  bool options_ended = false;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    std::optional<OptionToken> token;
    if (!options_ended && argument == "--") {
      options_ended = true;
      parsed.redacted_arguments.push_back(argument);
      continue;
    }
    if (!options_ended) {
      UsmtResult<std::optional<OptionToken>> classified = Classify(argument, syntax);
      if (!classified.ok()) return classified.error();
      token = std::move(classified).value();
    }
    if (!token) {
      if (syntax.positionals_are_paths &&
          AbsoluteLength(argument, syntax.working_directory) > kUsmtMaximumArgumentLength) {
        return UsmtError{UsmtReturnCode::kOptionParamTooLarge,
                         "the path '" + argument + "' is " +
                             std::to_string(AbsoluteLength(argument, syntax.working_directory)) +
                             " characters long as an absolute path (the limit is " +
                             std::to_string(kUsmtMaximumArgumentLength) + ")"};
      }
      parsed.positionals.push_back(argument);
      parsed.redacted_arguments.push_back(argument);
      continue;
    }
    const OptionSpec& spec = *token->spec;
    if (!spec.repeatable && parsed.Has(spec.name)) {
      return UsmtError{UsmtReturnCode::kInvalidParameters,
                       "option " + token->spelling + " is given more than once"};
    }
    const bool secret = spec.kind == OptionValueKind::kSecret;
    const std::string separator = token->gnu ? "=" : ":";
    ParsedOption option{spec.name, token->spelling, std::nullopt};
    std::string redacted = argument;
    std::optional<std::string> redacted_next;
    switch (spec.value) {
      case OptionValue::kNone:
        if (token->attached_value) {
          return UsmtError{UsmtReturnCode::kInvalidParameters,
                           "option " + token->spelling + " does not take a value"};
        }
        break;
      case OptionValue::kOptional:
        if (token->attached_value && !token->attached_value->empty()) {
          option.value = token->attached_value;
        }
        if (secret && option.value) redacted = token->spelling + separator + std::string(kRedacted);
        break;
      case OptionValue::kRequired:
        if (token->attached_value && !token->attached_value->empty()) {
          option.value = token->attached_value;
          if (secret) redacted = token->spelling + separator + std::string(kRedacted);
        } else if (!token->attached_value && spec.value_after_space && i + 1 < arguments.size() &&
                   !IsKnownOption(arguments[i + 1], syntax)) {
          option.value = arguments[++i];
          redacted_next = secret ? std::string(kRedacted) : *option.value;
        } else {
          return UsmtError{
              UsmtReturnCode::kInvalidParameters,
              "option " + token->spelling + " needs a value: " + ValueSpelling(*token)};
        }
        break;
    }
    if (option.value) {
      if (std::optional<UsmtError> too_long = CheckValueLength(*token, *option.value, syntax)) {
        return *too_long;
      }
    }
    parsed.redacted_arguments.push_back(redacted);
    if (redacted_next) parsed.redacted_arguments.push_back(*redacted_next);
    parsed.options.push_back(std::move(option));
  }
  return parsed;
}

std::string UnexpectedArgumentMessage(const std::string& argument,
                                      const CommandLineSyntax& syntax) {
  if (argument.size() > 2 && argument.starts_with("--")) {
    const std::string spelling = argument.substr(0, argument.find('='));
    return UnknownOptionMessage(spelling, spelling.substr(2), syntax, true);
  }
  if (argument.size() > 1 && argument.front() == '/') {
    const std::string spelling = argument.substr(0, argument.find(':'));
    if (spelling.find('/', 1) == std::string::npos) {
      return UnknownOptionMessage(spelling, spelling.substr(1), syntax, false);
    }
  }
  return "unexpected argument '" + argument + "'";
}

std::string FormatOptionHelp(const CommandLineSyntax& syntax) {
  constexpr size_t kHelpColumn = 34;
  std::string text;
  for (const OptionSpec& spec : syntax.options) {
    const std::string value_name = spec.value_name.empty() ? "VALUE" : spec.value_name;
    const auto with_value = [&](const std::string& spelling, const char* separator) {
      switch (spec.value) {
        case OptionValue::kNone:
          return spelling;
        case OptionValue::kRequired:
          return spelling + separator + value_name;
        case OptionValue::kOptional:
          return spelling + "[" + separator + value_name + "]";
      }
      return spelling;
    };
    std::string left = "  " + with_value("/" + spec.name, ":") + ", " +
                       with_value("--" + (spec.aliases.empty() ? spec.name : spec.aliases[0]), "=");
    if (left.size() + 2 > kHelpColumn) {
      text += left + "\n";
      left.clear();
    }
    left.resize(kHelpColumn, ' ');
    text += left + spec.help + "\n";
  }
  return text;
}

UsmtResult<int> ParseVerbosity(std::string_view value) {
  const bool digits =
      !value.empty() && value.size() <= 2 &&
      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int level = digits ? std::stoi(std::string(value)) : -1;
  if (level < 0 || level > 13) {
    return UsmtError{
        UsmtReturnCode::kInvalidParameters,
        "invalid verbosity '" + std::string(value) + "' for /v (use a number from 0 to 13)"};
  }
  return level;
}

}  // namespace tseq
