// Helpers for the loadstate tests: a target machine root in a temporary folder, stores written
// with archive's writers and ProfileToCatalogRoot (as scanstate writes them), and RunLoadState
// with captured output.
#pragma once

#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "archive/directory_store.h"
#include "migration/loadstate.h"
#include "migration/migration_test_support.h"
#include "migration/profile_record.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq::loadstate_testing {

using migration_testing::Directory;
using migration_testing::File;
using migration_testing::HardLink;
using migration_testing::RunResult;
using migration_testing::StoreItem;
using migration_testing::Symlink;

// PC01\alice, uid 1000 on the source.
inline Profile SourceAlice() {
  Profile profile;
  profile.name = "PC01\\alice";
  profile.domain = "PC01";
  profile.user = "alice";
  profile.home = "/home/alice";
  profile.uid = 1000;
  profile.gid = 1000;
  profile.owner_name = "alice";
  profile.group_name = "alice";
  profile.local = true;
  return profile;
}

// A file entry owned by `owner` (group `owner` too).
inline StoreItem OwnedFile(const std::string& path, std::string content, const std::string& owner,
                           uint32_t mode = 0644) {
  StoreItem item = File(path, std::move(content), mode);
  item.entry.owner = owner;
  item.entry.group = owner;
  return item;
}

struct LoadStateFixture {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  FakeClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1790000000))};
  std::string root;  // the target machine root
  // What Run gives loadstate instead of `filesystem` (a FaultInjectingFilesystem around it).
  Filesystem* run_filesystem = nullptr;

  // A target PC02 where alice is uid 2001 and bob 2002 (other numbers than the source's).
  LoadStateFixture() {
    root = temp.MakeDirectory("target");
    temp.WriteFile("target/etc/hostname", "pc02\n");
    temp.WriteFile("target/etc/passwd",
                   "root:x:0:0:root:/root:/bin/bash\n"
                   "alice:x:2001:2001::/home/alice:/bin/bash\n"
                   "bob:x:2002:2002::/home/bob:/bin/bash\n");
    temp.WriteFile("target/etc/group", "root:x:0:\nalice:x:2001:\nbob:x:2002:\n");
    temp.WriteFile("target/etc/shadow", "root:*:19000:0:99999:7:::\n");
    temp.MakeDirectory("target/home");
  }

  std::string Target(const std::string& machine_path) const { return root + machine_path; }

  // STORE/USMT/USMT.MIG with one profile; `key` empty: unencrypted.
  std::string WriteStore(const std::vector<StoreItem>& items,
                         const Profile& profile = SourceAlice(), const std::string& key = "") {
    return WriteProfiles({{profile, items}}, key);
  }

  // The same with several profiles, each with its entries.
  std::string WriteProfiles(const std::vector<std::pair<Profile, std::vector<StoreItem>>>& profiles,
                            const std::string& key = "") {
    const std::string store = temp.Join("store");
    REQUIRE(filesystem->CreateDirectories(store + "/USMT", 0755).ok());
    archive::StoreWriterOptions options = archive::testing::FastOptions();
    if (key.empty()) options.encryption = archive::Encryption::kNone;
    auto sink = archive::NewFileSink(*filesystem, store + "/USMT/USMT.MIG");
    REQUIRE(sink.ok());
    auto writer = archive::StoreWriter::Create(std::move(sink).value(), options, key);
    REQUIRE(writer.ok());
    for (const auto& [profile, items] : profiles) {
      const Result<uint32_t> store_root = (*writer)->AddRoot(ProfileToCatalogRoot(profile, "PC01"));
      REQUIRE(store_root.ok());
      for (StoreItem item : items) {
        item.entry.root = *store_root;
        if (item.entry.type == archive::EntryType::kFile) {
          REQUIRE((*writer)->AddFileContent(item.entry, item.content).ok());
        } else {
          REQUIRE((*writer)->AddEntry(item.entry).ok());
        }
      }
    }
    REQUIRE((*writer)->Finish().ok());
    return store;
  }

  // A directory store (/nocompress, or /hardlink /nocompress) of alice's profile; file content
  // comes from files written under the temporary folder's `sources` first.
  std::string WriteDirectoryStore(const std::vector<StoreItem>& items,
                                  archive::DirectoryStoreKind kind) {
    const std::string store = temp.Join("dirstore");
    auto writer = archive::DirectoryStoreWriter::Create(*filesystem, store, kind, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot(ProfileToCatalogRoot(SourceAlice(), "PC01")).ok());
    for (const StoreItem& item : items) {
      if (item.entry.type == archive::EntryType::kFile) {
        const std::string source = temp.WriteFile("sources/" + item.entry.path, item.content);
        REQUIRE((*writer)->AddFile(item.entry, source).ok());
      } else {
        REQUIRE((*writer)->AddEntry(item.entry).ok());
      }
    }
    REQUIRE((*writer)->Finish().ok());
    return store;
  }

  RunResult Run(std::vector<std::string> arguments) {
    arguments.push_back("/root:" + root);
    std::ostringstream out;
    std::ostringstream error;
    LoadStateContext context;
    context.clock = &clock;
    context.local_time = [](std::time_t time) {
      std::tm calendar{};
      gmtime_r(&time, &calendar);
      return calendar;
    };
    context.working_directory = temp.path();
    context.threads = 2;
    const int code = RunLoadState(
        arguments, run_filesystem != nullptr ? *run_filesystem : *filesystem, out, error, context);
    return RunResult{code, out.str(), error.str()};
  }

  FileInfo Info(const std::string& path) {
    Result<FileInfo> info = filesystem->Stat(path, SymlinkPolicy::kDoNotFollow);
    REQUIRE_MESSAGE(info.ok(), info.status().message());
    return *info;
  }
  bool Exists(const std::string& path) {
    return filesystem->Stat(path, SymlinkPolicy::kDoNotFollow).ok();
  }
  std::string Read(const std::string& path) { return tseq::testing::ReadFileForTest(path); }
  std::vector<std::string> List(const std::string& path) {
    Result<std::vector<std::string>> names = filesystem->ListDirectory(path);
    REQUIRE(names.ok());
    return *names;
  }
};

}  // namespace tseq::loadstate_testing
