// Migration rule files: the YAML files scanstate and loadstate take with /i (USMT's MigXML), and
// the three that ship inside the programs (miguser.yaml, migapp.yaml, migdocs.yaml).
// docs/migration-rules.md describes the format:
//
//   description: optional text
//   components:
//     - name: Documents                 # unique across every loaded file (ignoring case)
//       description: optional text
//       enabled: true                   # the default; a /config file can change it
//       include: ["$XDG_DOCUMENTS_DIR/* [*]"]
//       exclude: ["$XDG_DOCUMENTS_DIR/* [*.tmp]"]
//       unconditionalExclude: ["~/.cache/* [*]"]
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "migration/rule_pattern.h"
#include "platform/filesystem.h"

namespace tseq {

enum class RuleKind { kInclude, kExclude, kUnconditionalExclude };

// "include", "exclude", "unconditionalExclude": the key the rule is listed under.
std::string_view RuleKindName(RuleKind kind);

struct RuleEntry {
  RuleKind kind = RuleKind::kInclude;
  RulePattern pattern;
  SourceLocation location;  // of the pattern in its file
};

struct RuleComponent {
  std::string name;
  std::string description;
  bool enabled = true;
  SourceLocation location;       // of the component's `name` value
  std::vector<RuleEntry> rules;  // in file order: includes, excludes, unconditionalExcludes
};

struct RuleFile {
  std::string file_name;  // as given to ParseRuleFile, for messages
  std::string description;
  std::vector<RuleComponent> components;
};

// Upper bound on the patterns of one file, aliases counted as copies, so that a small file of
// nested YAML aliases cannot exhaust memory.
inline constexpr size_t kMaxRulePatterns = 100'000;

// Parses a rule file. Returns nullopt after adding every problem found to `diagnostics` (as
// `FILE:LINE:COL: error: MESSAGE`, `file_name` naming the file), for example
//   YAML syntax error: ...
//   unknown key 'includes' in component 'Documents' (did you mean 'include'?)
//   component is missing required key 'name'
//   'enabled' must be true or false, not 'maybe'
//   'include' must be a list of patterns, not a string
//   a pattern must be a string, not nothing (quote a pattern that is just "~")
//   invalid pattern '~/Docs [x': missing ']' after the file name
//   component 'Documents' is already defined at FILE:3:11
// A component name is non-empty text without control characters or surrounding spaces.
std::optional<RuleFile> ParseRuleFile(std::string_view text, const std::string& file_name,
                                      Diagnostics& diagnostics);

// Reads and parses the rule file at `path` (named `path` in messages). On failure the Status
// is InvalidArgument whose message is every diagnostic, one per line (no final newline), or the
// read error (NotFound, PermissionDenied, IoError) naming the path. USMT answers either with
// return code 28.
Result<RuleFile> ReadRuleFile(const Filesystem& filesystem, const std::string& path);

// The rule files built into the programs, from migration/rules/ at build time.
struct ShippedRuleFile {
  std::string_view name;  // "miguser.yaml"
  std::string_view text;
};
// miguser.yaml, migapp.yaml, migdocs.yaml, in that order.
std::span<const ShippedRuleFile> ShippedRuleFiles();
// The shipped file called `name` (exact, "migapp.yaml"), or nullopt.
std::optional<std::string_view> FindShippedRuleFile(std::string_view name);
// Every shipped file, parsed (named by its file name in locations).
Result<std::vector<RuleFile>> ParseShippedRuleFiles();

}  // namespace tseq
