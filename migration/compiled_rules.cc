// CompiledRules (declared in migration/migration_rules.h): deciding paths.
#include <algorithm>
#include <array>
#include <limits>

#include "migration/migration_rules.h"

namespace tseq {
namespace {

// The folder names of a relative path, in a fixed buffer for the usual depths so that a decision
// allocates nothing. Empty names ("a//b", a trailing '/') are skipped.
class PathParts {
 public:
  explicit PathParts(std::string_view path) {
    size_t start = 0;
    while (start < path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string_view::npos) end = path.size();
      if (end > start) Push(path.substr(start, end - start));
      start = end + 1;
    }
  }

  std::span<const std::string_view> all() const {
    if (!overflow_.empty()) return overflow_;
    return std::span<const std::string_view>(inline_.data(), size_);
  }

 private:
  void Push(std::string_view part) {
    if (overflow_.empty() && size_ < inline_.size()) {
      inline_[size_++] = part;
      return;
    }
    if (overflow_.empty()) overflow_.assign(inline_.begin(), inline_.begin() + size_);
    overflow_.push_back(part);
    ++size_;
  }

  std::array<std::string_view, 32> inline_{};
  std::vector<std::string_view> overflow_;
  size_t size_ = 0;
};

constexpr uint32_t kNoComponent = std::numeric_limits<uint32_t>::max();

// Calls `visit(position)` for the union of two lists sorted in pattern order, in that order.
template <typename Visit>
bool VisitInOrder(std::span<const uint32_t> first, std::span<const uint32_t> second, Visit visit) {
  size_t a = 0;
  size_t b = 0;
  while (a < first.size() || b < second.size()) {
    const bool take_first = b == second.size() || (a < first.size() && first[a] < second[b]);
    if (visit(take_first ? first[a++] : second[b++])) return true;
  }
  return false;
}

}  // namespace

void CompiledRules::Index::Add(const Pattern& pattern, uint32_t position) {
  all.push_back(position);
  const std::vector<FolderStep>& folder = pattern.resolved.folder;
  if (folder.empty()) {
    home.push_back(position);
    return;
  }
  if (folder.front().any_depth || !folder.front().name.is_literal()) {
    others.push_back(position);
    return;
  }
  const std::string& name = folder.front().name.literal();
  auto found =
      std::lower_bound(by_first_folder.begin(), by_first_folder.end(), name,
                       [](const auto& entry, const std::string& key) { return entry.first < key; });
  if (found == by_first_folder.end() || found->first != name) {
    found = by_first_folder.insert(found, {name, {}});
  }
  found->second.push_back(position);
}

std::pair<std::span<const uint32_t>, std::span<const uint32_t>> CompiledRules::Index::Candidates(
    const std::string_view* first) const {
  if (first == nullptr) return {home, others};
  const auto found = std::lower_bound(
      by_first_folder.begin(), by_first_folder.end(), *first,
      [](const auto& entry, std::string_view key) { return std::string_view(entry.first) < key; });
  if (found == by_first_folder.end() || found->first != *first) return {{}, others};
  return {found->second, others};
}

CompiledRules::CompiledRules(const MigrationRules& rules, const UserDirectories& directories) {
  uint32_t component_position = 0;
  for (const RuleFile& file : rules.files()) {
    for (const RuleComponent& component : file.components) {
      if (!component.enabled) continue;
      for (const RuleEntry& entry : component.rules) {
        const auto origin = static_cast<uint32_t>(origins_.size());
        origins_.push_back({entry.kind, component.name, entry.pattern.text, entry.location});
        for (ResolvedPattern& resolved : ResolvePattern(entry.pattern, directories)) {
          const auto position = static_cast<uint32_t>(patterns_.size());
          patterns_.push_back({std::move(resolved), entry.kind, component_position, origin});
          Index& index = entry.kind == RuleKind::kUnconditionalExclude ? unconditional_ : scoped_;
          index.Add(patterns_.back(), position);
        }
      }
      ++component_position;
    }
  }
}

RuleDecision CompiledRules::Decide(std::string_view relative_path, bool is_directory) const {
  const PathParts parts(relative_path);
  std::span<const std::string_view> folder = parts.all();
  std::string_view name;
  if (!is_directory) {
    if (folder.empty()) return {};  // a file needs a name
    name = folder.back();
    folder = folder.first(folder.size() - 1);
  }
  const auto matches = [&](const Pattern& pattern) {
    return is_directory ? pattern.resolved.MatchesDirectory(folder)
                        : pattern.resolved.MatchesFile(folder, name);
  };
  const std::string_view* first = folder.empty() ? nullptr : &folder.front();

  const Pattern* unconditional = nullptr;
  const auto [unconditional_bucket, unconditional_others] = unconditional_.Candidates(first);
  VisitInOrder(unconditional_bucket, unconditional_others, [&](uint32_t position) {
    const Pattern& pattern = patterns_[position];
    if (matches(pattern) && (unconditional == nullptr ||
                             pattern.resolved.specificity > unconditional->resolved.specificity)) {
      unconditional = &pattern;
    }
    return false;
  });
  if (unconditional != nullptr) {
    return {RuleVerdict::kExcluded, &origins_[unconditional->origin]};
  }

  // Each component on its own, in order: the first whose best include beats its best exclude
  // decides.
  uint32_t component = kNoComponent;
  const Pattern* include = nullptr;
  const Pattern* exclude = nullptr;
  const Pattern* winning_exclude = nullptr;
  const auto settle = [&]() {
    if (include == nullptr) return false;
    if (exclude == nullptr || include->resolved.specificity > exclude->resolved.specificity) {
      return true;
    }
    if (winning_exclude == nullptr) winning_exclude = exclude;
    return false;
  };
  const auto [bucket, others] = scoped_.Candidates(first);
  const bool included = VisitInOrder(bucket, others, [&](uint32_t position) {
    const Pattern& pattern = patterns_[position];
    if (pattern.component != component) {
      if (settle()) return true;
      component = pattern.component;
      include = nullptr;
      exclude = nullptr;
    }
    if (!matches(pattern)) return false;
    const Pattern*& best = pattern.kind == RuleKind::kInclude ? include : exclude;
    if (best == nullptr || pattern.resolved.specificity > best->resolved.specificity) {
      best = &pattern;
    }
    return false;
  });
  if (included || settle()) return {RuleVerdict::kIncluded, &origins_[include->origin]};
  if (winning_exclude != nullptr) {
    return {RuleVerdict::kExcluded, &origins_[winning_exclude->origin]};
  }
  return {};
}

bool CompiledRules::MayIncludeBelow(std::string_view relative_directory) const {
  const PathParts parts(relative_directory);
  const std::span<const std::string_view> path = parts.all();
  const auto candidates = [&path](const Index& index) {
    if (path.empty()) {
      return std::pair<std::span<const uint32_t>, std::span<const uint32_t>>{index.all, {}};
    }
    return index.Candidates(&path.front());
  };

  const auto [unconditional_bucket, unconditional_others] = candidates(unconditional_);
  const bool covered = VisitInOrder(
      unconditional_bucket, unconditional_others,
      [&](uint32_t position) { return patterns_[position].resolved.MatchesEverythingBelow(path); });
  if (covered) return false;

  // A component can include something below when its most specific include that may match
  // there beats every exclude of it that covers all of it.
  uint32_t component = kNoComponent;
  const Specificity* include = nullptr;
  const Specificity* cover = nullptr;
  const auto alive = [&]() {
    return include != nullptr && (cover == nullptr || *include > *cover);
  };
  const auto [bucket, others] = candidates(scoped_);
  const bool may_include = VisitInOrder(bucket, others, [&](uint32_t position) {
    const Pattern& pattern = patterns_[position];
    if (pattern.component != component) {
      if (alive()) return true;
      component = pattern.component;
      include = nullptr;
      cover = nullptr;
    }
    const Specificity& specificity = pattern.resolved.specificity;
    if (pattern.kind == RuleKind::kInclude) {
      if ((include == nullptr || specificity > *include) && pattern.resolved.MayMatchBelow(path)) {
        include = &specificity;
      }
    } else if ((cover == nullptr || specificity > *cover) &&
               pattern.resolved.MatchesEverythingBelow(path)) {
      cover = &specificity;
    }
    return false;
  });
  return may_include || alive();
}

}  // namespace tseq
