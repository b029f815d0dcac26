#include "migration/store_extraction.h"

#include <map>
#include <set>

#include "base/strings.h"
#include "migration/profile_record.h"

namespace tseq {
namespace {

using archive::CatalogEntry;
using archive::EntryType;

// The more severe code wins: a stopped run, then corruption, then a kept name.
int Severity(UsmtReturnCode code) {
  switch (code) {
    case UsmtReturnCode::kSuccess:
      return 0;
    case UsmtReturnCode::kPreflightFileCreationFailed:
      return 1;
    case UsmtReturnCode::kCorruptedStore:
      return 2;
    default:
      return 3;
  }
}

void Raise(ExtractionSummary& summary, UsmtReturnCode code) {
  if (Severity(code) > Severity(summary.code)) summary.code = code;
}

EntryTimes TimesOf(const CatalogEntry& entry) {
  return EntryTimes{entry.mtime_seconds, entry.mtime_nanoseconds};
}

std::string BaseName(std::string_view name) {
  const size_t slash = name.find_last_of('/');
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

}  // namespace

std::vector<std::string> SplitPatterns(const std::vector<std::string>& values) {
  std::vector<std::string> patterns;
  for (const std::string& value : values) {
    std::string current;
    for (const char c : value + ",") {
      if (c != ',' && c != ';') {
        current.push_back(c);
        continue;
      }
      const std::string_view trimmed = TrimWhitespace(current);
      if (!trimmed.empty()) patterns.emplace_back(trimmed);
      current.clear();
    }
  }
  return patterns;
}

bool PatternMatches(std::string_view pattern, std::string_view name) {
  if (pattern.find('/') != std::string_view::npos) return WildcardMatch(pattern, name);
  return WildcardMatch(pattern, BaseName(name));
}

bool EntrySelected(std::string_view name, const std::vector<std::string>& include_patterns,
                   const std::vector<std::string>& exclude_patterns) {
  const auto any = [&](const std::vector<std::string>& patterns) {
    for (const std::string& pattern : patterns) {
      if (PatternMatches(pattern, name)) return true;
    }
    return false;
  };
  if (!include_patterns.empty()) return any(include_patterns);
  return !any(exclude_patterns);
}

ExtractionSummary ExtractStore(OpenedStore& store, ExtractionTarget& target,
                               const ExtractionOptions& options,
                               const std::function<void(const std::string&)>& report,
                               UsmtLog& log) {
  ExtractionSummary summary;
  const archive::Catalog& catalog = store.catalog();
  std::map<uint64_t, std::string> written_files;  // entry index -> NAME written by this run
  std::set<std::string> handled_directories;
  for (uint64_t index = 0; index < catalog.entries.size(); ++index) {
    const CatalogEntry& entry = catalog.entries[index];
    const std::string name = EntryName(catalog, index);
    if (!EntrySelected(name, options.include_patterns, options.exclude_patterns)) {
      ++summary.not_selected;
      continue;
    }
    EntryResult result;
    const auto content = [&](const std::function<Status(std::string_view)>& sink) {
      return store.ReadContent(index, sink);
    };
    switch (entry.type) {
      case EntryType::kFile:
        result = target.WriteFile(name, entry.mode, TimesOf(entry), content);
        if (result.outcome == EntryOutcome::kExtracted) written_files[index] = name;
        break;
      case EntryType::kDirectory:
        result = target.MakeDirectory(name, entry.mode, TimesOf(entry));
        handled_directories.insert(name);
        break;
      case EntryType::kSymlink:
        result = target.WriteSymlink(name, entry.symlink_target, TimesOf(entry));
        break;
      case EntryType::kHardLink: {
        const auto linked = written_files.find(entry.link_entry);
        if (linked != written_files.end()) {
          result = target.WriteHardLink(name, linked->second);
        } else {
          // Its file was not written by this run (not selected, kept, or corrupted): a copy.
          const CatalogEntry& file = catalog.entries[entry.link_entry];
          result = target.WriteFile(name, file.mode, TimesOf(file), content);
        }
        break;
      }
    }
    switch (result.outcome) {
      case EntryOutcome::kExtracted:
        ++summary.extracted;
        log.Verbose("extracted " + name);
        continue;
      case EntryOutcome::kConflict:
        Raise(summary, UsmtReturnCode::kPreflightFileCreationFailed);
        break;
      case EntryOutcome::kStoreError:
        Raise(summary, result.status.code() == StatusCode::kCorruption
                           ? UsmtReturnCode::kCorruptedStore
                           : ReturnCodeForStoreStatus(result.status));
        break;
      case EntryOutcome::kOutputError:
        Raise(summary, UsmtReturnCode::kMigrationStoppedNonFatal);
        break;
    }
    ++summary.not_extracted;
    const std::string message = "not extracted: " + name + ": " + result.status.message();
    report(message);
    log.Error(message);
    if (Severity(summary.code) >= 3) {
      const std::string stopped = "extraction stopped after the error above";
      report(stopped);
      log.Error(stopped);
      break;
    }
  }
  // Folders created only as parents still get the metadata the store recorded for them.
  for (uint64_t index = 0; index < catalog.entries.size(); ++index) {
    const CatalogEntry& entry = catalog.entries[index];
    if (entry.type != EntryType::kDirectory) continue;
    const std::string name = EntryName(catalog, index);
    if (target.Created(name) && handled_directories.count(name) == 0) {
      target.QueueDirectoryMetadata(name, entry.mode, TimesOf(entry));
    }
  }
  // So do the homes themselves (the roots' folders), as loadstate gives a home it creates; a root
  // without them (an older store, another tool's) keeps 0700.
  for (size_t index = 0; index < catalog.roots.size(); ++index) {
    const Result<ProfileRecord> record = ProfileRecordFromCatalogRoot(catalog.roots[index], index);
    if (!record.ok() || !record->home_mode || !record->home_modified) continue;
    const std::string& name = catalog.roots[index].directory;
    if (target.Created(name) && handled_directories.count(name) == 0) {
      target.QueueDirectoryMetadata(
          name, *record->home_mode,
          EntryTimes{record->home_modified->seconds, record->home_modified->nanoseconds});
    }
  }
  const Status finished = target.FinishDirectories();
  if (!finished.ok()) {
    const std::string message = "cannot apply the folders' metadata: " + finished.message();
    report(message);
    log.Error(message);
    Raise(summary, UsmtReturnCode::kMigrationStoppedNonFatal);
  }
  return summary;
}

std::string FormatExtractionSummary(const ExtractionSummary& summary) {
  return "Extracted:          " + std::to_string(summary.extracted) + "\n" +
         "Not extracted:      " + std::to_string(summary.not_extracted) + "\n" +
         "Not selected:       " + std::to_string(summary.not_selected) + "\n";
}

}  // namespace tseq
