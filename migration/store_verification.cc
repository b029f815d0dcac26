#include "migration/store_verification.h"

#include "archive/store_verifier.h"
#include "base/strings.h"

namespace tseq {
namespace {

// Whether the catalog status says the catalog itself is damaged (rather than unreachable).
bool CatalogCorrupted(const StoreVerification& verification) {
  return verification.catalog.code() == StatusCode::kCorruption;
}

bool Checked(const StoreVerification& verification) {
  return verification.catalog.ok() || CatalogCorrupted(verification);
}

void VerifyDirectoryStore(OpenedStore& store, StoreVerification& verification) {
  const archive::Catalog& catalog = store.catalog();
  for (uint64_t i = 0; i < catalog.entries.size(); ++i) {
    const archive::CatalogEntry& entry = catalog.entries[i];
    bool corrupted = false;
    if (entry.type == archive::EntryType::kHardLink) {
      corrupted = verification.corrupted[entry.link_entry];
    } else if (entry.type == archive::EntryType::kFile) {
      const Status status = store.CheckContentFile(i);
      corrupted = !status.ok();
      if (corrupted) verification.problems.push_back(status);
    }
    verification.corrupted[i] = corrupted;
  }
}

}  // namespace

std::optional<VerifyReportType> ParseVerifyReportType(std::string_view text) {
  if (EqualsIgnoreCase(text, "summary")) return VerifyReportType::kSummary;
  if (EqualsIgnoreCase(text, "all")) return VerifyReportType::kAll;
  if (EqualsIgnoreCase(text, "failureonly")) return VerifyReportType::kFailureOnly;
  if (EqualsIgnoreCase(text, "catalog")) return VerifyReportType::kCatalog;
  return std::nullopt;
}

StoreVerification VerifyAnyStore(const Filesystem& filesystem, const StoreLocation& location,
                                 std::string_view key, size_t threads) {
  StoreVerification verification;
  verification.store_path =
      location.directory_store ? location.directory : archive::StoreFilePath(location.store);
  Result<std::unique_ptr<OpenedStore>> store =
      OpenedStore::Open(filesystem, location, key, threads);
  if (!store.ok()) {
    verification.catalog = store.status();
    return verification;
  }
  const archive::Catalog& catalog = (*store)->catalog();
  verification.corrupted.assign(catalog.entries.size(), false);
  if ((*store)->directory_store()) {
    VerifyDirectoryStore(**store, verification);
  } else {
    const archive::VerificationReport report = archive::VerifyOpenStore(*(*store)->reader());
    if (!report.catalog.ok()) {
      // An I/O error while reading the blocks: nothing can be said about the entries.
      verification.catalog = report.catalog;
      verification.corrupted.clear();
      return verification;
    }
    for (const auto& [index, status] : report.bad_blocks) verification.problems.push_back(status);
    verification.corrupted = report.entry_corrupted;
  }
  for (uint64_t i = 0; i < catalog.entries.size(); ++i) {
    verification.names.push_back(EntryName(catalog, i));
    ++(verification.corrupted[i] ? verification.corrupted_count : verification.intact);
  }
  return verification;
}

std::string FormatVerificationReport(const StoreVerification& verification, VerifyReportType type) {
  if (!Checked(verification)) return "";
  const bool catalog_ok = verification.catalog.ok();
  const std::string catalog_line =
      std::string("CATALOG\t") + (catalog_ok ? "OK" : "CORRUPTED") + "\n";
  std::string text;
  switch (type) {
    case VerifyReportType::kSummary:
      text += "Store:              " + verification.store_path + "\n";
      text += std::string("Catalog:            ") + (catalog_ok ? "OK" : "CORRUPTED") + "\n";
      if (catalog_ok) {
        text += "Intact entries:     " + std::to_string(verification.intact) + "\n";
        text += "Corrupted entries:  " + std::to_string(verification.corrupted_count) + "\n";
      }
      return text;
    case VerifyReportType::kAll:
    case VerifyReportType::kFailureOnly:
      for (size_t i = 0; i < verification.names.size(); ++i) {
        if (type == VerifyReportType::kFailureOnly && !verification.corrupted[i]) continue;
        text += verification.names[i] + (verification.corrupted[i] ? "\tCORRUPTED\n" : "\tOK\n");
      }
      if (type == VerifyReportType::kAll || !catalog_ok) text += catalog_line;
      return text;
    case VerifyReportType::kCatalog:
      return catalog_line;
  }
  return text;
}

UsmtReturnCode VerificationReturnCode(const StoreVerification& verification) {
  if (!verification.catalog.ok()) return ReturnCodeForStoreStatus(verification.catalog);
  if (verification.corrupted_count > 0 || !verification.problems.empty()) {
    return UsmtReturnCode::kCorruptedStore;
  }
  return UsmtReturnCode::kSuccess;
}

}  // namespace tseq
