// The patterns of migration rules: USMT's `PATH [LEAF]` form, relative to a profile's home.
// docs/migration-rules.md is the user's description; in short:
//
//   ~/Documents/* [*]      every file in Documents and in every folder below it
//   ~/Documents [*]        the files directly in Documents
//   ~/Documents/* [*.pdf]  every .pdf at any depth below Documents
//   ~ [.bashrc]            one file; `~/.bashrc` (no leaf) also names it
//   ~/.ssh                 no leaf: the file .ssh, or the folder .ssh and everything in it
//   ~/.config [k*rc]       kdeglobalrc, kwinrc, ... directly in ~/.config
//   ~/.mozilla/firefox/*/minidumps/* [*]   `*` alone in the middle: exactly one folder
//   ~/**/node_modules/* [*]                `**`: any number of folders, including none
//   $XDG_DOCUMENTS_DIR/* [*]              starts at the profile's Documents folder, wherever
//                                          user-dirs.dirs puts it
//
// A trailing `*` folder is the same as `**` (USMT's recursion). `*` in a name stands for any run
// of characters; every other character is literal, `?` included. Matching is case-sensitive, as
// Linux names are. `^` escapes `[`, `]`, `*` and `^` in names.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "migration/user_directories.h"

namespace tseq {

// A file or folder name pattern: literal runs separated by `*` wildcards. Matching allocates
// nothing.
class NamePattern {
 public:
  // Matches only the empty name (never a real one).
  NamePattern() : pieces_(1) {}
  static NamePattern Literal(std::string_view name);
  static NamePattern Everything() { return NamePattern(std::vector<std::string>{"", ""}); }
  // `pieces` are the literal runs around each `*`: "a*b*" is {"a", "b", ""}. REQUIRES: not empty.
  explicit NamePattern(std::vector<std::string> pieces);

  bool Matches(std::string_view name) const;
  bool is_literal() const { return pieces_.size() == 1; }
  // "*": matches every name.
  bool matches_everything() const;
  // The name of a literal pattern. REQUIRES: is_literal().
  const std::string& literal() const { return pieces_.front(); }
  // The pattern as written in a rule, literal `*`, `[`, `]` and `^` escaped with `^`.
  std::string ToString() const;

  friend bool operator==(const NamePattern&, const NamePattern&) = default;

 private:
  std::vector<std::string> pieces_;
};

// One step of a pattern's folder part: a folder name, or `**` (any number of folders).
struct FolderStep {
  NamePattern name;
  bool any_depth = false;

  friend bool operator==(const FolderStep&, const FolderStep&) = default;
};

// A parsed pattern, before the profile's user directories are known.
struct RulePattern {
  std::string text;                   // as written (trimmed), for messages and logs
  std::optional<UserDirectory> base;  // the $XDG_..._DIR it starts at; nullopt: `~`
  std::vector<FolderStep> folder;     // below the base; a trailing `*` is stored as `**`
  std::optional<NamePattern> leaf;    // nullopt: no [LEAF], the pattern names PATH itself
};

// Parses one pattern. Fails with InvalidArgument "invalid pattern 'TEXT': REASON", e.g.
//   empty pattern                               (the message is just "empty pattern")
//   a pattern starts with '~' (the profile's home) or a user folder such as
//     $XDG_DOCUMENTS_DIR, not '/etc'
//   unknown user folder '$XDG_DOCUMENT_DIR' (did you mean $XDG_DOCUMENTS_DIR?)
//   missing ']' after the file name
//   unexpected '[' (write '^[' for a '[' in a name)      likewise ']'
//   text after ']': 'x'
//   empty file name in '[]'
//   a file name in [...] cannot contain '/'
//   empty folder name ('//')
//   '..' is not allowed in a pattern                     likewise '.'
//   '^' must be followed by '[', ']', '*' or '^'
Result<RulePattern> ParseRulePattern(std::string_view input);

// How specific a pattern is (USMT's "most specific rule wins"). Compared member by member in
// order; the larger wins:
//   1. folder names without `*` (each folder of an expanded $XDG_..._DIR counts)
//   2. folder names with `*` and other text (`.*`, `k*rc`)
//   3. a fixed depth (no `**` or trailing `*`) beats any depth
//   4. the leaf: a literal name (2) beats a name with `*` and other text (1) beats `*` (0)
struct Specificity {
  int literal_folders = 0;
  int partial_folders = 0;
  bool fixed_depth = false;
  int leaf = 0;

  friend auto operator<=>(const Specificity&, const Specificity&) = default;
};

// A pattern resolved for one profile: folder steps from the home and a leaf. A directory is
// matched as an object (kept even when empty) when the leaf is `*` and the folder part matches
// the directory's own path: `~/Documents/* [*]` keeps Documents and every folder below it,
// `~/Documents [*]` keeps Documents only.
struct ResolvedPattern {
  std::vector<FolderStep> folder;
  NamePattern leaf;
  Specificity specificity;

  // `parents` are the folder names of the file's directory below the home; `name` its name.
  bool MatchesFile(std::span<const std::string_view> parents, std::string_view name) const;
  // `path` is the directory's folder names below the home (empty: the home itself).
  bool MatchesDirectory(std::span<const std::string_view> path) const;
  // Whether some file or directory strictly below the directory `path` could match (folders
  // the pattern still needs are assumed to exist).
  bool MayMatchBelow(std::span<const std::string_view> path) const;
  // Whether every file and directory strictly below the directory `path` matches.
  bool MatchesEverythingBelow(std::span<const std::string_view> path) const;
};

// Resolves a pattern for a profile. A pattern without a leaf becomes two: `~/.ssh` is
// `~ [.ssh]` (the file) and `~/.ssh/* [*]` (the folder and everything in it); one whose path
// ends in `*` or `**` is only the second. The result is empty when the pattern starts at a user
// directory the profile disabled.
std::vector<ResolvedPattern> ResolvePattern(const RulePattern& pattern,
                                            const UserDirectories& directories);

}  // namespace tseq
