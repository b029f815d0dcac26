// `usmtutils /verify`: checks a store of either kind and formats USMT's report types.
//
//   .MIG store: archive::VerifyOpenStore (every block authenticated, the catalog checked against
//   the data). Directory store: the catalog is sound and every file entry's content file is a
//   regular file of the recorded size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "migration/store_access.h"
#include "migration/usmt_return_codes.h"
#include "platform/filesystem.h"

namespace tseq {

enum class VerifyReportType { kSummary, kAll, kFailureOnly, kCatalog };

// "summary", "all", "failureonly", "catalog" (any case); nullopt otherwise.
std::optional<VerifyReportType> ParseVerifyReportType(std::string_view text);

struct StoreVerification {
  std::string store_path;  // the .MIG file or the directory store's folder, for the summary
  // OK when the catalog could be read and trusted; otherwise why not (and nothing below is set).
  Status catalog;
  std::vector<std::string> names;  // every entry's NAME (EntryName), in catalog order
  std::vector<bool> corrupted;     // per entry
  uint64_t intact = 0;
  uint64_t corrupted_count = 0;
  // Every problem found in the data (a bad block, a missing content file), in order.
  std::vector<Status> problems;
};

StoreVerification VerifyAnyStore(const Filesystem& filesystem, const StoreLocation& location,
                                 std::string_view key, size_t threads);

// The report on stdout:
//   summary      "Store:              PATH" / "Catalog:            OK|CORRUPTED" /
//                "Intact entries:     N" / "Corrupted entries:  N" (the counts only when the
//                catalog could be read)
//   all          "NAME\tOK|CORRUPTED" per entry, then "CATALOG\tOK|CORRUPTED"
//   failureonly  only the corrupted entries, and the catalog line only when it is corrupted
//   catalog      only the catalog line
// Nothing when the store could not be checked at all (missing, wrong key, I/O error).
std::string FormatVerificationReport(const StoreVerification& verification, VerifyReportType type);

// 0 when all is intact; 42 for corruption (catalog or data); otherwise the store error's code
// (27 missing or incomplete or newer, 37 key, 38 I/O error).
UsmtReturnCode VerificationReturnCode(const StoreVerification& verification);

}  // namespace tseq
