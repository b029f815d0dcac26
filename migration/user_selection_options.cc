#include "migration/user_selection_options.h"

#include <string>
#include <utility>

namespace tseq {
namespace {

UsmtError Invalid(std::string message) {
  return UsmtError{UsmtReturnCode::kInvalidParameters, std::move(message)};
}

}  // namespace

std::vector<OptionSpec> UserSelectionOptionSpecs() {
  using enum OptionValue;
  return {
      {.name = "all",
       .aliases = {"all-users"},
       .help = "Every profile (the default); not with /ui, /ue or /uel"},
      {.name = "ui",
       .aliases = {"include-user"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "USER",
       .help = "Migrate [DOMAIN\\]USER even if /ue or /uel leave it out"},
      {.name = "ue",
       .aliases = {"exclude-user"},
       .value = kRequired,
       .repeatable = true,
       .value_name = "USER",
       .help = "Skip [DOMAIN\\]USER"},
      {.name = "uel",
       .aliases = {"last-logon"},
       .value = kRequired,
       .value_name = "DAYS|DATE|0",
       .help = "Only users logged on in the last DAYS, since DATE, or now (0)"},
  };
}

UsmtResult<UserSelectionOptions> ParseUserSelectionOptions(const ParsedCommandLine& parsed) {
  UserSelectionOptions selection;
  const ParsedOption* all = parsed.Find("all");
  for (const ParsedOption& option : parsed.options) {
    const bool include = option.name == "ui";
    if (!include && option.name != "ue" && option.name != "uel") continue;
    if (all != nullptr) {
      return Invalid(all->spelling + " conflicts with /ui, /ue and /uel; " + option.spelling +
                     " cannot be combined with it");
    }
    if (option.name == "uel") {
      Result<LastLogonFilter> last_logon = ParseLastLogonFilter(*option.value);
      if (!last_logon.ok()) return Invalid(last_logon.status().message());
      selection.last_logon = std::move(last_logon).value();
      continue;
    }
    if (Status valid = ValidateUserPattern(*option.value); !valid.ok()) {
      return Invalid(valid.message());
    }
    (include ? selection.include_patterns : selection.exclude_patterns).push_back(*option.value);
  }
  selection.all = all != nullptr;
  return selection;
}

}  // namespace tseq
