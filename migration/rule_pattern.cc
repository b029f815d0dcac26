#include "migration/rule_pattern.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr std::string_view kEscapable = "[]*^";

Status Invalid(std::string_view text, std::string_view reason) {
  return InvalidArgumentError("invalid pattern '" + std::string(text) +
                              "': " + std::string(reason));
}

// `raw` is a name as written: `*` wildcards and `^` escapes.
Result<NamePattern> ParseName(std::string_view raw, std::string_view text) {
  std::vector<std::string> pieces(1);
  for (size_t index = 0; index < raw.size(); ++index) {
    const char character = raw[index];
    if (character == '^') {
      if (index + 1 == raw.size() || kEscapable.find(raw[index + 1]) == std::string_view::npos) {
        return Invalid(text, "'^' must be followed by '[', ']', '*' or '^'");
      }
      pieces.back() += raw[++index];
    } else if (character == '*') {
      // "**" inside a name is the same as "*".
      if (pieces.size() > 1 && pieces.back().empty()) continue;
      pieces.emplace_back();
    } else {
      pieces.back() += character;
    }
  }
  return NamePattern(std::move(pieces));
}

// The folder steps of `path`, which starts after `~` or the user folder variable.
Result<std::vector<FolderStep>> ParseFolders(std::string_view path, std::string_view text) {
  std::vector<FolderStep> steps;
  if (path.empty()) return steps;
  std::vector<std::string> names = Split(path.substr(1), '/');
  if (!names.empty() && names.back().empty()) names.pop_back();  // "~/Documents/ [*]"
  for (size_t index = 0; index < names.size(); ++index) {
    const std::string& name = names[index];
    if (name.empty()) return Invalid(text, "empty folder name ('//')");
    if (name == "." || name == "..") {
      return Invalid(text, "'" + name + "' is not allowed in a pattern");
    }
    if (name == "**" || (name == "*" && index + 1 == names.size())) {
      if (steps.empty() || !steps.back().any_depth) {
        steps.push_back({NamePattern::Everything(), true});
      }
      continue;
    }
    TSEQ_ASSIGN_OR_RETURN(NamePattern pattern, ParseName(name, text));
    steps.push_back({std::move(pattern), false});
  }
  return steps;
}

Specificity Measure(const std::vector<FolderStep>& folder, const NamePattern& leaf) {
  Specificity specificity;
  specificity.fixed_depth = true;
  for (const FolderStep& step : folder) {
    if (step.any_depth) {
      specificity.fixed_depth = false;
    } else if (step.name.is_literal()) {
      ++specificity.literal_folders;
    } else if (!step.name.matches_everything()) {
      ++specificity.partial_folders;
    }
  }
  specificity.leaf = leaf.is_literal() ? 2 : leaf.matches_everything() ? 0 : 1;
  return specificity;
}

ResolvedPattern Resolve(std::vector<FolderStep> folder, NamePattern leaf) {
  const Specificity specificity = Measure(folder, leaf);
  return {std::move(folder), std::move(leaf), specificity};
}

// Whether `steps` match exactly the folders `parts`: `**` steps match any run of folders, the
// others one folder each. The usual greedy wildcard match with one backtracking point, which
// needs no memory.
bool MatchSteps(std::span<const FolderStep> steps, std::span<const std::string_view> parts) {
  size_t step = 0;
  size_t part = 0;
  size_t star_step = steps.size();  // none yet
  size_t star_part = 0;
  while (part < parts.size()) {
    if (step < steps.size() && steps[step].any_depth) {
      star_step = step++;
      star_part = part;
    } else if (step < steps.size() && steps[step].name.Matches(parts[part])) {
      ++step;
      ++part;
    } else if (star_step != steps.size()) {
      step = star_step + 1;
      part = ++star_part;
    } else {
      return false;
    }
  }
  while (step < steps.size() && steps[step].any_depth) ++step;
  return step == steps.size();
}

}  // namespace

NamePattern NamePattern::Literal(std::string_view name) {
  return NamePattern(std::vector<std::string>{std::string(name)});
}

NamePattern::NamePattern(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {
  assert(!pieces_.empty());
}

bool NamePattern::Matches(std::string_view name) const {
  if (pieces_.size() == 1) return name == pieces_.front();
  const std::string& first = pieces_.front();
  const std::string& last = pieces_.back();
  if (name.size() < first.size() + last.size() || !name.starts_with(first) ||
      !name.ends_with(last)) {
    return false;
  }
  // The middle pieces, leftmost first, between the first and the last: taking each as early as
  // possible leaves the most room for the rest.
  std::string_view middle = name.substr(first.size(), name.size() - first.size() - last.size());
  for (size_t index = 1; index + 1 < pieces_.size(); ++index) {
    const size_t found = middle.find(pieces_[index]);
    if (found == std::string_view::npos) return false;
    middle.remove_prefix(found + pieces_[index].size());
  }
  return true;
}

bool NamePattern::matches_everything() const {
  return pieces_.size() == 2 && pieces_[0].empty() && pieces_[1].empty();
}

std::string NamePattern::ToString() const {
  std::string text;
  for (size_t index = 0; index < pieces_.size(); ++index) {
    if (index > 0) text += '*';
    for (const char character : pieces_[index]) {
      if (kEscapable.find(character) != std::string_view::npos) text += '^';
      text += character;
    }
  }
  return text;
}

Result<RulePattern> ParseRulePattern(std::string_view input) {
  const std::string_view text = TrimWhitespace(input);
  if (text.empty()) return InvalidArgumentError("empty pattern");
  size_t open = std::string_view::npos;
  size_t close = std::string_view::npos;
  for (size_t index = 0; index < text.size(); ++index) {
    if (text[index] == '^') {
      ++index;  // ParseName checks what follows
    } else if (text[index] == '[') {
      if (open != std::string_view::npos) {
        return Invalid(text, "unexpected '[' (write '^[' for a '[' in a name)");
      }
      open = index;
    } else if (text[index] == ']') {
      if (open == std::string_view::npos || close != std::string_view::npos) {
        return Invalid(text, "unexpected ']' (write '^]' for a ']' in a name)");
      }
      close = index;
    }
  }
  if (open != std::string_view::npos && close == std::string_view::npos) {
    return Invalid(text, "missing ']' after the file name");
  }
  if (close != std::string_view::npos && close + 1 != text.size()) {
    return Invalid(text, "text after ']': '" + std::string(text.substr(close + 1)) + "'");
  }

  RulePattern pattern;
  pattern.text = std::string(text);
  std::string_view path = TrimWhitespace(text.substr(0, open));
  const std::string_view written_path = path;
  if (open != std::string_view::npos) {
    const std::string_view leaf = text.substr(open + 1, close - open - 1);
    if (leaf.empty()) return Invalid(text, "empty file name in '[]'");
    if (leaf.find('/') != std::string_view::npos) {
      return Invalid(text, "a file name in [...] cannot contain '/'");
    }
    TSEQ_ASSIGN_OR_RETURN(pattern.leaf, ParseName(leaf, text));
  }

  const auto bad_start = [&]() {
    return Invalid(text,
                   "a pattern starts with '~' (the profile's home) or a user folder such as "
                   "$XDG_DOCUMENTS_DIR, not '" +
                       std::string(written_path) + "'");
  };
  if (path.starts_with('~')) {
    path.remove_prefix(1);
  } else if (path.starts_with('$')) {
    const size_t end = std::min(path.find('/'), path.size());
    const std::string_view variable = path.substr(1, end - 1);
    pattern.base = FindUserDirectory(variable);
    if (!pattern.base) {
      std::string message = "unknown user folder '$" + std::string(variable) + "'";
      const std::vector<std::string> variables = UserDirectoryVariables();
      if (std::optional<std::string> close_match = ClosestMatch(variable, variables)) {
        message += " (did you mean $" + *close_match + "?)";
      }
      return Invalid(text, message);
    }
    path.remove_prefix(end);
  } else {
    return bad_start();
  }
  if (!path.empty() && path.front() != '/') return bad_start();
  TSEQ_ASSIGN_OR_RETURN(pattern.folder, ParseFolders(path, text));
  return pattern;
}

bool ResolvedPattern::MatchesFile(std::span<const std::string_view> parents,
                                  std::string_view name) const {
  return leaf.Matches(name) && MatchSteps(folder, parents);
}

bool ResolvedPattern::MatchesDirectory(std::span<const std::string_view> path) const {
  return leaf.matches_everything() && MatchSteps(folder, path);
}

bool ResolvedPattern::MayMatchBelow(std::span<const std::string_view> path) const {
  // Something below `path` matches when some first steps match `path` exactly: the folders
  // below it can then be whatever the remaining steps need. (A `**` that would straddle the end
  // of `path` matches it too when taken into the first steps.)
  const std::span<const FolderStep> steps(folder);
  for (size_t count = 0; count <= steps.size(); ++count) {
    if (MatchSteps(steps.first(count), path)) return true;
  }
  return false;
}

bool ResolvedPattern::MatchesEverythingBelow(std::span<const std::string_view> path) const {
  if (!leaf.matches_everything() || folder.empty() || !folder.back().any_depth) return false;
  // The steps before the trailing `**` must match a leading part of `path`; the `**` takes the
  // rest of it and anything below.
  const std::span<const FolderStep> head =
      std::span<const FolderStep>(folder).first(folder.size() - 1);
  for (size_t count = 0; count <= path.size(); ++count) {
    if (MatchSteps(head, path.first(count))) return true;
  }
  return false;
}

std::vector<ResolvedPattern> ResolvePattern(const RulePattern& pattern,
                                            const UserDirectories& directories) {
  std::vector<FolderStep> folder;
  if (pattern.base) {
    const std::vector<std::string>& names = directories.Get(*pattern.base);
    if (names.empty()) return {};
    for (const std::string& name : names) folder.push_back({NamePattern::Literal(name), false});
  }
  folder.insert(folder.end(), pattern.folder.begin(), pattern.folder.end());

  std::vector<ResolvedPattern> resolved;
  if (pattern.leaf) {
    resolved.push_back(Resolve(std::move(folder), *pattern.leaf));
    return resolved;
  }
  if (!folder.empty() && !folder.back().any_depth) {
    std::vector<FolderStep> parents(folder.begin(), folder.end() - 1);
    resolved.push_back(Resolve(std::move(parents), folder.back().name));
  }
  if (folder.empty() || !folder.back().any_depth) {
    folder.push_back({NamePattern::Everything(), true});
  }
  resolved.push_back(Resolve(std::move(folder), NamePattern::Everything()));
  return resolved;
}

}  // namespace tseq
