#include "archive/store_verifier.h"

namespace tseq::archive {

Status VerificationReport::FirstProblem() const {
  if (!catalog.ok()) return catalog;
  if (!bad_blocks.empty()) return bad_blocks.begin()->second;
  return Status::Ok();
}

VerificationReport VerifyOpenStore(StoreReader& reader) {
  VerificationReport report;
  const Catalog& catalog = reader.catalog();
  const Status scan = reader.CheckDataBlocks([&](uint64_t index, const Status& status) {
    if (!status.ok()) report.bad_blocks.emplace(index, status);
  });
  if (!scan.ok()) {
    report.catalog = scan;
    return report;
  }
  report.entries = std::make_shared<Catalog>(catalog);
  const uint64_t block_size = reader.header().block_size;
  report.entry_corrupted.assign(catalog.entries.size(), false);
  for (size_t i = 0; i < catalog.entries.size(); ++i) {
    const CatalogEntry& entry = catalog.entries[i];
    bool corrupted = false;
    if (entry.type == EntryType::kHardLink) {
      corrupted = report.entry_corrupted[entry.link_entry];
    } else if (entry.type == EntryType::kFile && entry.size > 0 && !report.bad_blocks.empty()) {
      const uint64_t first = entry.data_offset / block_size;
      const uint64_t last = (entry.data_offset + entry.size - 1) / block_size;
      auto bad = report.bad_blocks.lower_bound(first);
      corrupted = bad != report.bad_blocks.end() && bad->first <= last;
    }
    report.entry_corrupted[i] = corrupted;
    ++(corrupted ? report.corrupted_entries : report.intact_entries);
  }
  return report;
}

VerificationReport VerifyStore(const Filesystem& filesystem, const std::string& store,
                               std::string_view key_text, StoreReaderOptions options) {
  Result<std::unique_ptr<StoreReader>> reader = OpenStore(filesystem, store, key_text, options);
  if (!reader.ok()) {
    VerificationReport report;
    report.catalog = reader.status();
    return report;
  }
  return VerifyOpenStore(**reader);
}

}  // namespace tseq::archive
