// Fuzz target: arbitrary bytes as a USMT.MIG store, and as a bare catalog. The store reader must
// reject every damaged input with Corruption (or a wrong-key / version error) and never crash,
// hang or hand out bytes of a block that did not authenticate; the catalog decoder must hold its
// promises about what it accepts. The corpus holds small valid stores made with the test key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "archive/archive_test_support.h"
#include "archive/catalog.h"
#include "archive/store_verifier.h"

namespace {

void Check(bool condition, const std::string& message) {
  if (!condition) {
    std::fprintf(stderr, "store_reader_fuzzer: %s\n", message.c_str());
    std::abort();
  }
}

bool ExpectedFailure(tseq::StatusCode code) {
  return code == tseq::StatusCode::kCorruption || code == tseq::StatusCode::kUnauthenticated ||
         code == tseq::StatusCode::kFailedPrecondition;
}

void FuzzStore(std::string_view bytes) {
  using namespace tseq::archive;  // NOLINT(google-build-using-namespace): a fuzz driver
  auto reader = StoreReader::Open(std::make_unique<testing::StringFile>(std::string(bytes)),
                                  testing::kTestKey, StoreReaderOptions{.threads = 2});
  if (!reader.ok()) {
    Check(ExpectedFailure(reader.status().code()),
          "open failed with an unexpected code: " + reader.status().ToString());
    return;
  }
  const VerificationReport report = VerifyOpenStore(**reader);
  Check(report.catalog.ok(), "verification lost the catalog: " + report.catalog.ToString());
  const Catalog& catalog = (*reader)->catalog();
  for (uint64_t i = 0; i < catalog.entries.size(); ++i) {
    const EntryType type = catalog.entries[i].type;
    if (type != EntryType::kFile && type != EntryType::kHardLink) continue;
    uint64_t size = 0;
    const tseq::Status status = (*reader)->ReadFileContent(i, [&](std::string_view content) {
      size += content.size();
      return tseq::Status::Ok();
    });
    Check(status.ok() == !report.entry_corrupted[i],
          "reading an entry disagrees with verification: " + status.ToString());
    if (status.ok()) {
      const CatalogEntry& file = type == EntryType::kHardLink
                                     ? catalog.entries[catalog.entries[i].link_entry]
                                     : catalog.entries[i];
      Check(size == file.size, "an entry read back with the wrong size");
    }
  }
}

void FuzzCatalog(std::string_view bytes) {
  using namespace tseq::archive;  // NOLINT(google-build-using-namespace): a fuzz driver
  for (const bool content_in_files : {false, true}) {
    const CatalogLayout layout{.block_size = kMinimumBlockSize,
                               .first_block_offset = kHeaderSize,
                               .catalog_offset = kHeaderSize,
                               .data_block_count = 0,
                               .content_in_files = content_in_files};
    auto catalog = DecodeCatalog(bytes, layout, "fuzz");
    if (!catalog.ok()) {
      Check(catalog.status().code() == tseq::StatusCode::kCorruption,
            "catalog decode failed with an unexpected code");
      continue;
    }
    for (const CatalogEntry& entry : catalog->entries) {
      Check(IsValidEntryPath(entry.path), "a decoded catalog has an invalid path");
      Check(entry.root < catalog->roots.size(), "a decoded catalog has a bad root index");
    }
    Check(EncodeCatalog(*catalog) == bytes, "a decoded catalog does not re-encode to its bytes");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FuzzStore(bytes);
  FuzzCatalog(bytes);
  return 0;
}
