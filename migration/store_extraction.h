// `usmtutils /extract`: copies entries of a store (either kind) to a destination folder, as
// DEST/NAME (NAME = the root's directory, "/", the entry's path).
//
// Selection (/i and /e, docs/usmtutils.md): patterns with `*` and `?`, matched ignoring case
// against the entry's base name, or against its whole NAME when the pattern contains "/".
// Without /i every entry is selected except those matching /e; with /i only the entries matching
// /i are, whether or not they match /e (include wins, as in USMT's current documentation).
// Folders between DEST and a selected entry are created too, with their recorded metadata when
// the store has them.
//
// Salvage: an entry whose content is corrupted (or missing from a directory store) is skipped
// and reported, and the others are extracted. A failure to write the output stops the run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "migration/extraction_target.h"
#include "migration/store_access.h"
#include "migration/usmt_log.h"
#include "migration/usmt_return_codes.h"

namespace tseq {

// Splits /i or /e values into patterns at "," and ";", dropping empty ones and surrounding
// spaces: {"*.txt,*.pdf", "a;b"} -> {"*.txt", "*.pdf", "a", "b"}.
std::vector<std::string> SplitPatterns(const std::vector<std::string>& values);

// Whether `pattern` matches the entry called `name` (see above).
bool PatternMatches(std::string_view pattern, std::string_view name);

// Whether the entry `name` is selected by the include and exclude patterns (see above).
bool EntrySelected(std::string_view name, const std::vector<std::string>& include_patterns,
                   const std::vector<std::string>& exclude_patterns);

struct ExtractionOptions {
  std::vector<std::string> include_patterns;  // already split
  std::vector<std::string> exclude_patterns;
};

struct ExtractionSummary {
  uint64_t extracted = 0;
  uint64_t not_extracted = 0;  // selected, but skipped (conflict, corruption) or failed
  uint64_t not_selected = 0;
  // 0; 41 when an existing name was kept or something was in the way; 42 when content was
  // corrupted (wins over 41); 38 when the store could not be read, 61 when the output could not
  // be written (both stop the run, and win).
  UsmtReturnCode code = UsmtReturnCode::kSuccess;
};

// Extracts the selected entries of `store` through `target` (already prepared). `report` gets
// one message per entry that was not extracted, "NAME: REASON", and the final error, if any;
// `log` records every entry at verbosity 1.
ExtractionSummary ExtractStore(OpenedStore& store, ExtractionTarget& target,
                               const ExtractionOptions& options,
                               const std::function<void(const std::string&)>& report, UsmtLog& log);

// "Extracted:          N" / "Not extracted:      N" / "Not selected:       N", one per line.
std::string FormatExtractionSummary(const ExtractionSummary& summary);

}  // namespace tseq
