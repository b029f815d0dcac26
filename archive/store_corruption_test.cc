// Every damage to a store is detected: each flipped bit, each truncation, appended bytes, and
// failures while writing (ENOSPC, short writes, a failed final rename) leave no store that could
// be misread.
#include <doctest/doctest.h>

#include "archive/archive_test_support.h"
#include "archive/store_verifier.h"
#include "platform/fault_injecting_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq::archive {
namespace {

using testing::SampleContent;

std::string SmallStore(Encryption encryption) {
  StoreWriterOptions options = testing::FastOptions();
  options.encryption = encryption;
  return testing::BuildStore(
      {{"docs/a.txt", "alpha"}, {"docs/b.txt", SampleContent(300, 1)}, {"docs/c.txt", "gamma"}},
      options, encryption == Encryption::kNone ? "" : testing::kTestKey);
}

// OK when the store opens and verifies cleanly; otherwise the first problem.
Status Check(const std::string& bytes, const std::string& key) {
  auto reader = testing::OpenString(bytes, key);
  if (!reader.ok()) return reader.status();
  return VerifyOpenStore(**reader).FirstProblem();
}

TEST_SUITE("store damage") {
  TEST_CASE("every single flipped bit is reported as corruption") {
    for (const Encryption encryption : {Encryption::kAes256Gcm, Encryption::kNone}) {
      const std::string key = encryption == Encryption::kNone ? "" : testing::kTestKey;
      const std::string good = SmallStore(encryption);
      REQUIRE(Check(good, key).ok());
      for (size_t position = 0; position < good.size(); ++position) {
        for (const uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
          std::string damaged = good;
          damaged[position] = static_cast<char>(damaged[position] ^ bit);
          const Status status = Check(damaged, key);
          if (status.code() != StatusCode::kCorruption) {
            FAIL("flipping bit " << int{bit} << " of byte " << position
                                 << " gave: " << status.ToString());
          }
        }
      }
    }
  }

  TEST_CASE("every truncation is reported as corruption") {
    const std::string good = SmallStore(Encryption::kAes256Gcm);
    for (size_t length = 0; length < good.size(); ++length) {
      const Status status = Check(good.substr(0, length), testing::kTestKey);
      if (status.code() != StatusCode::kCorruption) {
        FAIL("truncating to " << length << " bytes gave: " << status.ToString());
      }
    }
  }

  TEST_CASE("appended bytes are reported, with where the store ended") {
    const std::string good = SmallStore(Encryption::kAes256Gcm);
    for (const size_t extra : {size_t{1}, size_t{64}, size_t{5000}}) {
      const Status status = Check(good + std::string(extra, 'x'), testing::kTestKey);
      CHECK(status.code() == StatusCode::kCorruption);
      CHECK(status.message() == "/stores/USMT/USMT.MIG: " + std::to_string(extra) +
                                    " bytes follow the end of the store (at offset " +
                                    std::to_string(good.size()) + "): data was appended to it");
    }
  }

  TEST_CASE("a block moved to another place fails even though it is authentic") {
    const std::string content = SampleContent(3 * kMinimumBlockSize, 9);
    StoreWriterOptions options = testing::FastOptions();
    options.compression = Compression::kNone;
    const std::string good = testing::BuildStore({{"docs/big", content}}, options);
    auto reader = testing::OpenString(good);
    REQUIRE(reader.ok());
    const auto& blocks = (*reader)->catalog().data_blocks;
    REQUIRE(blocks.size() == 3);
    // Swap blocks 0 and 1 (same size): each block is intact but in the wrong place.
    const size_t size = blocks[1].offset - blocks[0].offset;
    std::string swapped = good;
    swapped.replace(blocks[0].offset, size, good, blocks[1].offset, size);
    swapped.replace(blocks[1].offset, size, good, blocks[0].offset, size);
    const Status status = Check(swapped, testing::kTestKey);
    CHECK(status.code() == StatusCode::kCorruption);
    CHECK(status.message() == "/stores/USMT/USMT.MIG: block 0 at offset 128 disagrees with the " +
                                  std::string("catalog"));
  }

  TEST_CASE("a damaged block spoils only the files that touch it") {
    const std::string first = SampleContent(kMinimumBlockSize, 1);
    const std::string second = SampleContent(kMinimumBlockSize, 2);
    const std::string good = testing::BuildStore({{"docs/first", first}, {"docs/second", second}});
    auto reader = testing::OpenString(good);
    REQUIRE(reader.ok());
    const uint64_t second_block = (*reader)->catalog().data_blocks[1].offset;
    std::string damaged = good;
    damaged[second_block + kBlockHeaderSize + 5] ^= 1;
    auto damaged_reader = testing::OpenString(damaged);
    REQUIRE(damaged_reader.ok());
    const VerificationReport report = VerifyOpenStore(**damaged_reader);
    CHECK(report.catalog.ok());
    CHECK(report.bad_blocks.size() == 1);
    CHECK(report.entry_corrupted == std::vector<bool>{false, false, true});
    CHECK(report.intact_entries == 2);
    CHECK(report.corrupted_entries == 1);
    CHECK(testing::ReadAll(**damaged_reader, 1) == first);
    CHECK(testing::ReadAll(**damaged_reader, 2) ==
          "error: /stores/USMT/USMT.MIG: block 1 at offset " + std::to_string(second_block) +
              " failed authentication: the data is corrupted");
  }
}

TEST_SUITE("store writes that fail") {
  struct Fixture {
    tseq::testing::TempDirectory temp;
    std::unique_ptr<Filesystem> posix = NewPosixFilesystem();
    FaultInjectingFilesystem faulty{*posix};
    std::string store_file = temp.Join("store/USMT/USMT.MIG");

    Fixture() { REQUIRE(posix->CreateDirectories(temp.Join("store/USMT"), 0700).ok()); }

    // Writes a store of several blocks through the faulty filesystem.
    Status Write() {
      auto sink = NewFileSink(faulty, store_file);
      if (!sink.ok()) return sink.status();
      auto writer =
          StoreWriter::Create(std::move(sink).value(), testing::FastOptions(), testing::kTestKey);
      if (!writer.ok()) return writer.status();
      TSEQ_RETURN_IF_ERROR(
          (*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).status());
      for (unsigned i = 0; i < 6; ++i) {
        TSEQ_RETURN_IF_ERROR((*writer)
                                 ->AddFileContent(testing::FileEntry("f" + std::to_string(i)),
                                                  SampleContent(kMinimumBlockSize / 2, i))
                                 .status());
      }
      return (*writer)->Finish();
    }

    bool Exists(const std::string& path) {
      return posix->Stat(path, SymlinkPolicy::kDoNotFollow).ok();
    }
  };

  TEST_CASE("ENOSPC in the middle of a block leaves no store and no partial file") {
    for (int nth = 1; nth <= 4; ++nth) {
      CAPTURE(nth);
      Fixture fixture;
      fixture.faulty.FailNth(FilesystemOperation::kAppend, nth,
                             IoError("cannot write 'USMT.MIG.partial': No space left on device"));
      const Status status = fixture.Write();
      CHECK(status.message() == "cannot write 'USMT.MIG.partial': No space left on device");
      CHECK_FALSE(fixture.Exists(fixture.store_file));
      CHECK_FALSE(fixture.Exists(fixture.store_file + ".partial"));
      CHECK(OpenStore(*fixture.posix, fixture.temp.Join("store"), testing::kTestKey)
                .status()
                .code() == StatusCode::kNotFound);
    }
  }

  TEST_CASE("a failed sync or final rename leaves no store") {
    for (const FilesystemOperation operation :
         {FilesystemOperation::kSync, FilesystemOperation::kRename}) {
      Fixture fixture;
      fixture.faulty.FailNth(operation, 1, IoError("injected failure"));
      CHECK(fixture.Write().message() == "injected failure");
      CHECK_FALSE(fixture.Exists(fixture.store_file));
    }
  }

  TEST_CASE("a capture that died before the rename is reported as incomplete") {
    Fixture fixture;
    REQUIRE(fixture.Write().ok());
    REQUIRE(fixture.posix->Rename(fixture.store_file, fixture.store_file + ".partial").ok());
    const auto opened = OpenStore(*fixture.posix, fixture.temp.Join("store"), testing::kTestKey);
    CHECK(opened.status().code() == StatusCode::kFailedPrecondition);
    CHECK(opened.status().message() == "the store at '" + fixture.temp.Join("store") +
                                           "' is incomplete: its capture did not finish (only " +
                                           fixture.store_file + ".partial exists)");
  }

  TEST_CASE("a store written through the real filesystem opens by folder or by file") {
    Fixture fixture;
    REQUIRE(fixture.Write().ok());
    CHECK(OpenStore(*fixture.posix, fixture.temp.Join("store"), testing::kTestKey).ok());
    CHECK(OpenStore(*fixture.posix, fixture.store_file, testing::kTestKey).ok());
    const auto info = fixture.posix->Stat(fixture.store_file, SymlinkPolicy::kDoNotFollow);
    REQUIRE(info.ok());
    CHECK(info->mode == 0600);
  }
}

}  // namespace
}  // namespace tseq::archive
