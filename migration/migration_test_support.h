// Helpers for the migration tests: stores written to temporary folders with archive::StoreWriter
// (a cheap key derivation keeps the tests fast), and RunUsmtUtils with captured output.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "archive/archive_test_support.h"
#include "archive/byte_sink.h"
#include "archive/store_writer.h"
#include "migration/usmtutils.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq::migration_testing {

using archive::testing::kTestKey;

// One entry of a store built by WriteStore: a file (content), directory, symlink or hard link.
struct StoreItem {
  archive::CatalogEntry entry;
  std::string content;  // files
};

inline StoreItem File(const std::string& path, std::string content, uint32_t mode = 0644) {
  return {archive::testing::FileEntry(path, mode), std::move(content)};
}
inline StoreItem Directory(const std::string& path, uint32_t mode = 0755) {
  archive::CatalogEntry entry = archive::testing::DirectoryEntry(path);
  entry.mode = mode;
  return {entry, ""};
}
inline StoreItem Symlink(const std::string& path, const std::string& target) {
  archive::CatalogEntry entry = archive::testing::FileEntry(path, 0777);
  entry.type = archive::EntryType::kSymlink;
  entry.symlink_target = target;
  return {entry, ""};
}
inline StoreItem HardLink(const std::string& path, uint64_t link_entry) {
  archive::CatalogEntry entry = archive::testing::FileEntry(path);
  entry.type = archive::EntryType::kHardLink;
  entry.link_entry = link_entry;
  return {entry, ""};
}

struct RunResult {
  int code = -1;
  std::string out;
  std::string error;
};

struct Fixture {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  FakeClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1790000000))};
  bool terminal = false;
  std::vector<std::string> answers;  // lines read_line returns, in order

  // Writes STORE/USMT/USMT.MIG under the temp folder (one root "PC\alice" in "home/alice") and
  // returns the store folder. `key` empty: an unencrypted store.
  std::string WriteStore(const std::string& name, const std::vector<StoreItem>& items,
                         const std::string& key = kTestKey,
                         archive::StoreWriterOptions options = archive::testing::FastOptions()) {
    const std::string store = temp.Join(name);
    REQUIRE(filesystem->CreateDirectories(store + "/USMT", 0755).ok());
    if (key.empty()) options.encryption = archive::Encryption::kNone;
    auto sink = archive::NewFileSink(*filesystem, store + "/USMT/USMT.MIG");
    REQUIRE(sink.ok());
    auto writer = archive::StoreWriter::Create(std::move(sink).value(), options, key);
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
    for (const StoreItem& item : items) {
      if (item.entry.type == archive::EntryType::kFile) {
        REQUIRE((*writer)->AddFileContent(item.entry, item.content).ok());
      } else {
        REQUIRE((*writer)->AddEntry(item.entry).ok());
      }
    }
    REQUIRE((*writer)->Finish().ok());
    return store;
  }

  RunResult Run(const std::vector<std::string>& arguments) { return RunOn(*filesystem, arguments); }

  // /extract opens its destination with this, when set (a FaultInjectingRootedDirectory).
  DestinationOpener open_destination;

  // The same on another filesystem (a FaultInjectingFilesystem around `filesystem`).
  RunResult RunOn(Filesystem& on, const std::vector<std::string>& arguments) {
    std::ostringstream out;
    std::ostringstream error;
    UsmtUtilsContext context;
    context.stdin_is_terminal = [this] { return terminal; };
    context.read_line = [this]() -> std::optional<std::string> {
      if (answers.empty()) return std::nullopt;
      std::string answer = answers.front();
      answers.erase(answers.begin());
      return answer;
    };
    context.clock = &clock;
    context.working_directory = temp.path();
    context.threads = 2;
    context.open_destination = open_destination;
    const int code = RunUsmtUtils(arguments, on, out, error, context);
    return RunResult{code, out.str(), error.str()};
  }

  FileInfo Info(const std::string& path) {
    Result<FileInfo> info = filesystem->Stat(path, SymlinkPolicy::kDoNotFollow);
    REQUIRE(info.ok());
    return *info;
  }
  bool Exists(const std::string& path) {
    return filesystem->Stat(path, SymlinkPolicy::kDoNotFollow).ok();
  }
};

}  // namespace tseq::migration_testing
