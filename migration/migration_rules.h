// Migration rules as scanstate and loadstate use them: the rule files given with /i (or the
// shipped ones), merged, with the components a /config file turns off, compiled for one profile
// into a matcher that decides each path the file walker meets. docs/migration-rules.md is the
// user's description; the precedence is USMT's (reference/usmt.md §8.5):
//
//   1. an unconditionalExclude of any enabled component excludes, whatever else matches;
//   2. otherwise rules act only within their component: in each component the most specific
//      matching include and the most specific matching exclude are compared (Specificity in
//      rule_pattern.h), and an exclude that is at least as specific wins;
//   3. a path is captured when some component includes it; a path no include matches is not.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "migration/rule_config.h"
#include "migration/rule_file.h"
#include "migration/rule_pattern.h"
#include "migration/user_directories.h"

namespace tseq {

// The rule files of one run, merged, with each component's switch. Copyable.
class MigrationRules {
 public:
  // Merges rule files (in /i order). Fails with InvalidArgument "component 'Documents' is
  // defined in both a.yaml:3:11 and b.yaml:5:11" when two files define one name (names ignore
  // case), for the first such name.
  static Result<MigrationRules> Merge(std::vector<RuleFile> files);
  // The shipped miguser.yaml, migapp.yaml and migdocs.yaml, merged (the rules of simple mode).
  static Result<MigrationRules> Shipped();

  // Switches components on or off as `config` says; unlisted components keep their `enabled`.
  // Fails with InvalidArgument whose message has one line per name that no loaded component
  // has, "FILE:LINE:COL: error: component 'Docments' is not in the loaded rule files (did you
  // mean 'Documents'?)", and then changes nothing. (USMT return code 39.)
  Status ApplyConfig(const MigrationConfig& config);

  // The /genconfig file: every component of every loaded file, in order, with `migrate` set to
  // whether it is enabled now, each after a comment naming its file and description. Parsing
  // it and applying it to the same rules changes nothing.
  std::string GenerateConfig() const;

  const std::vector<RuleFile>& files() const { return files_; }
  // The component called `name` (ignoring case), or null.
  const RuleComponent* FindComponent(std::string_view name) const;

 private:
  std::vector<RuleFile> files_;
};

// Where a rule is, for verbose logs: which pattern of which component decided.
struct RuleOrigin {
  RuleKind kind = RuleKind::kInclude;
  std::string component;
  std::string pattern;      // as written
  SourceLocation location;  // of the pattern in its rule file

  // "include '~/Documents/* [*]' of component 'Documents' (miguser.yaml:12:9)".
  std::string ToString() const;
};

enum class RuleVerdict {
  kIncluded,     // an include of some component won
  kExcluded,     // an unconditionalExclude, or an exclude that beat every matching include
  kNotIncluded,  // no include of an enabled component matches
};

struct RuleDecision {
  RuleVerdict verdict = RuleVerdict::kNotIncluded;
  // The deciding rule: the winning include (of the first component, in load order, that
  // includes the path), the unconditionalExclude (the most specific), or the exclude that beat
  // an include (of the first such component). Null for kNotIncluded. Points into the
  // CompiledRules that decided, and lives as long as it does.
  const RuleOrigin* rule = nullptr;

  bool included() const { return verdict == RuleVerdict::kIncluded; }
};

// The enabled components of a MigrationRules, resolved for one profile's user directories and
// indexed by their first folder. Building one costs about as much as deciding a few hundred
// paths; deciding allocates nothing for paths up to 32 folders deep. Const methods are safe to
// call from several threads. Copyable; decisions point into the object that made them.
class CompiledRules {
 public:
  CompiledRules(const MigrationRules& rules, const UserDirectories& directories);

  // Decides one path of the profile. `relative_path` is relative to the profile's home, with
  // '/' separators ("Documents/report.odt"; "" is the home itself, for a directory). A file is
  // anything but a directory (symlinks included); a directory is decided as an object of its own
  // (kept even when empty), which only patterns whose leaf is `*` match: `~/Documents/* [*]`
  // keeps Documents and every folder below it. The walker keeps the parent folders of what it
  // captures whatever their decision.
  RuleDecision Decide(std::string_view relative_path, bool is_directory) const;

  // False when nothing strictly below the directory `relative_directory` can be included, so the
  // walker need not list it: an unconditionalExclude covers all of it (`~/.cache/* [*]` for
  // ".cache/fontconfig"), or in every component each include that could match below it loses to
  // an exclude covering all of it. True when something might be (it does not look at the disk).
  bool MayIncludeBelow(std::string_view relative_directory) const;

  size_t pattern_count() const { return patterns_.size(); }

 private:
  struct Pattern {
    ResolvedPattern resolved;
    RuleKind kind = RuleKind::kInclude;
    uint32_t component = 0;  // position among the enabled components
    uint32_t origin = 0;     // into origins_
  };
  // Patterns by their first folder: those starting with a literal folder in `by_first_folder`
  // (sorted by name), those for files directly in the home (no folder) in `home`, all others in
  // `others`. Every list is in pattern order, which is component order.
  struct Index {
    std::vector<std::pair<std::string, std::vector<uint32_t>>> by_first_folder;
    std::vector<uint32_t> home;
    std::vector<uint32_t> others;
    std::vector<uint32_t> all;

    void Add(const Pattern& pattern, uint32_t position);
    // The lists that can hold a pattern matching something whose folders start with `first`
    // (null: no folders).
    std::pair<std::span<const uint32_t>, std::span<const uint32_t>> Candidates(
        const std::string_view* first) const;
  };

  std::vector<RuleOrigin> origins_;
  std::vector<Pattern> patterns_;
  Index unconditional_;  // unconditionalExclude patterns
  Index scoped_;         // include and exclude patterns
};

}  // namespace tseq
