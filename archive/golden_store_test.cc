// Golden stores (archive/testdata/) pin the format of docs/store-format.md down: the writer must
// reproduce the uncompressed golden byte for byte, and the reader must read every golden store,
// and reject the known-bad ones with the exact message. To regenerate after a deliberate format
// change (which also needs a new format version): TSEQ_UPDATE_GOLDEN=1 tseq_archive_tests
// -tc='*golden*'.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "archive/archive_test_support.h"
#include "archive/store_verifier.h"

namespace tseq::archive {
namespace {

using testing::SampleContent;

const std::string kDirectory = std::string(TSEQ_SOURCE_DIR) + "/archive/testdata/";

std::string ReadGolden(const std::string& name) {
  std::ifstream in(kDirectory + name, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteGolden(const std::string& name, const std::string& bytes) {
  std::ofstream out(kDirectory + name, std::ios::binary | std::ios::trunc);
  out << bytes;
}

StoreWriterOptions GoldenOptions(Compression compression);

// Seeds for tests/fuzz/store_reader_fuzzer: small stores of each kind, and a bare catalog.
void WriteFuzzCorpus() {
  const std::string corpus =
      std::string(TSEQ_SOURCE_DIR) + "/tests/fuzz/corpus/store_reader_fuzzer/";
  const std::vector<testing::SampleFile> files = {
      {"docs/a.txt", "alpha"}, {"docs/b.bin", SampleContent(700, 3)}, {"docs/c", ""}};
  StoreWriterOptions options = GoldenOptions(Compression::kZstd);
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream out(corpus + name, std::ios::binary | std::ios::trunc);
    out << bytes;
  };
  write("encrypted-zstd.mig", testing::BuildStore(files, options));
  options.encryption = Encryption::kNone;
  write("integrity-only-zstd.mig", testing::BuildStore(files, options, ""));
  options.compression = Compression::kNone;
  write("integrity-only-plain.mig", testing::BuildStore(files, options, ""));
  Catalog catalog;
  catalog.properties = {{"program", "fuzz"}};
  catalog.roots = {
      {.name = "PC\\alice", .directory = "home/alice", .attributes = {{"uid", "1000"}}}};
  CatalogEntry directory = testing::DirectoryEntry("docs");
  CatalogEntry link = testing::FileEntry("docs/link");
  link.type = EntryType::kSymlink;
  link.symlink_target = "../elsewhere";
  link.extended_attributes = {{"user.comment", "hello"}};
  link.access_acl = "user::rw-,user:bob:r--,group::r--,mask::r--,other::---";
  catalog.entries = {directory, link};
  write("catalog-only.bin", EncodeCatalog(catalog));
}

bool Updating() { return std::getenv("TSEQ_UPDATE_GOLDEN") != nullptr; }

StoreWriterOptions GoldenOptions(Compression compression) {
  StoreWriterOptions options = testing::FastOptions();
  options.compression = compression;
  options.threads = 1;
  StoreId id{};
  std::array<uint8_t, kSaltSize> salt{};
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(0xA0 + i);
  for (size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<uint8_t>(i);
  options.store_id = id;
  options.salt = salt;
  options.properties = {{"program", "golden_store_test"}};
  return options;
}

const std::vector<testing::SampleFile>& GoldenFiles() {
  static const std::vector<testing::SampleFile> files = {
      {"docs/readme.txt", "A golden store.\n"},
      {"docs/two-blocks.bin", SampleContent(kMinimumBlockSize + 1000, 7)},
      {"docs/empty", ""},
  };
  return files;
}

Status OpenAndVerify(const std::string& bytes, const std::string& key = testing::kTestKey) {
  auto reader = testing::OpenString(bytes, key);
  if (!reader.ok()) return reader.status();
  return VerifyOpenStore(**reader).FirstProblem();
}

TEST_SUITE("golden stores") {
  TEST_CASE("the writer reproduces the uncompressed golden store byte for byte") {
    const std::string built = testing::BuildStore(GoldenFiles(), GoldenOptions(Compression::kNone));
    if (Updating()) {
      WriteGolden("good-uncompressed.mig", built);
      // The known-bad stores derive from the compressed one, which is smaller.
      const std::string compressed =
          testing::BuildStore(GoldenFiles(), GoldenOptions(Compression::kZstd));
      WriteGolden("good-zstd.mig", compressed);
      std::string flipped = compressed;
      flipped[kHeaderSize + kBlockHeaderSize + 10] ^= 0x10;
      WriteGolden("bad-flipped-bit.mig", flipped);
      WriteGolden("bad-truncated.mig", compressed.substr(0, compressed.size() - 100));
      WriteGolden("bad-trailing-garbage.mig", compressed + "garbage after the end");
      StoreHeader newer = DecodeHeader(compressed, "golden").value();
      newer.format_version = 2;
      newer.minimum_reader_version = 2;
      WriteGolden("bad-newer-version.mig", EncodeHeader(newer) + compressed.substr(kHeaderSize));
      WriteFuzzCorpus();
    }
    CHECK(built == ReadGolden("good-uncompressed.mig"));
  }

  TEST_CASE("both good golden stores read back every file") {
    for (const std::string name : {"good-uncompressed.mig", "good-zstd.mig"}) {
      CAPTURE(name);
      auto reader = testing::OpenString(ReadGolden(name));
      REQUIRE(reader.ok());
      const Catalog& catalog = (*reader)->catalog();
      REQUIRE(catalog.entries.size() == GoldenFiles().size() + 1);
      CHECK(catalog.properties == Attributes{{"program", "golden_store_test"}});
      for (size_t i = 0; i < GoldenFiles().size(); ++i) {
        CHECK(catalog.entries[i + 1].path == GoldenFiles()[i].path);
        CHECK(testing::ReadAll(**reader, i + 1) == GoldenFiles()[i].content);
      }
      CHECK(VerifyOpenStore(**reader).ok());
    }
  }

  TEST_CASE("known-bad golden stores are rejected with a message that names the damage") {
    const Status flipped = OpenAndVerify(ReadGolden("bad-flipped-bit.mig"));
    CHECK(flipped.code() == StatusCode::kCorruption);
    CHECK(flipped.message() ==
          "/stores/USMT/USMT.MIG: block 0 at offset 128 failed authentication: the data is "
          "corrupted");

    const Status truncated = OpenAndVerify(ReadGolden("bad-truncated.mig"));
    CHECK(truncated.code() == StatusCode::kCorruption);
    CHECK(truncated.message().find("/stores/USMT/USMT.MIG: the store is truncated or its end is "
                                   "damaged: no valid trailer in its last 64 bytes") == 0);

    const Status trailing = OpenAndVerify(ReadGolden("bad-trailing-garbage.mig"));
    CHECK(trailing.code() == StatusCode::kCorruption);
    const std::string good = ReadGolden("good-zstd.mig");
    CHECK(trailing.message() == "/stores/USMT/USMT.MIG: 21 bytes follow the end of the store (at " +
                                    std::string("offset ") + std::to_string(good.size()) +
                                    "): data was appended to it");

    const Status newer = OpenAndVerify(ReadGolden("bad-newer-version.mig"));
    CHECK(newer.code() == StatusCode::kFailedPrecondition);
    CHECK(newer.message() ==
          "/stores/USMT/USMT.MIG: the store was written by a newer tseq (format version 2, "
          "readable from version 2); this tseq reads versions 1 to 1");
  }
}

}  // namespace
}  // namespace tseq::archive
