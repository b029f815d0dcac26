// Helpers for the scanstate tests: a machine root with several profiles in a temporary folder,
// RunScanState with captured output, a fixed clock and local time, and store read-back.
#pragma once

#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migration/scanstate.h"
#include "migration/store_access.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq::scanstate_testing {

inline constexpr char kKey[] = "correct horse battery staple";

inline std::string ReadFile(const std::string& path) { return testing::ReadFileForTest(path); }

struct RunResult {
  int code = -1;
  std::string out;
  std::string error;
};

// A machine under TEMP/m: local people alice (1000) and bob (1001), the system account svc (999,
// home /var/lib/svc), and, when the tests run as root (chown), the directory-service user
// carol@contoso.com (uid 5000, not in passwd). The store goes to TEMP/store by default.
struct Machine {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  FakeClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1790000000))};
  ScanStateContext context;
  bool has_domain_user = false;

  Machine() {
    temp.WriteFile("m/etc/passwd",
                   "root:x:0:0:root:/root:/bin/bash\n"
                   "svc:x:999:999:service:/var/lib/svc:/usr/sbin/nologin\n"
                   "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
                   "bob:x:1001:1001:Bob:/home/bob:/bin/bash\n");
    temp.WriteFile("m/etc/group", "root:x:0:\nsvc:x:999:\nalice:x:1000:\nbob:x:1001:\n");
    temp.WriteFile("m/etc/hostname", "pc01.example.org\n");
    Write("home/alice/Documents/report.odt", "the report");
    Write("home/alice/Documents/notes.txt", "notes");
    Write("home/alice/Documents/Old/2020.txt", "old");
    Write("home/alice/Music/song.mp3", "la la la");
    Write("home/alice/.bashrc", "alias ll='ls -l'\n");
    Write("home/alice/.cache/fontconfig/cache-1", "cache");
    Write("home/alice/.local/share/Trash/files/gone.txt", "trash");
    Write("home/alice/random.bin", "not a document");
    Write("home/bob/Pictures/cat.jpg", "meow");
    Write("home/bob/.gitconfig", "[user]\n");
    Write("var/lib/svc/Documents/secret.txt", "system account data");
    Own("home/alice", 1000, 1000);
    Own("home/bob", 1001, 1001);
    if (::geteuid() == 0) {
      Write("home/carol@contoso.com/Documents/plan.txt", "carol's plan");
      Own("home/carol@contoso.com", 5000, 5000);
      has_domain_user = true;
    }
    context.clock = &clock;
    context.local_time = [](std::time_t time) {
      std::tm result{};
      ::gmtime_r(&time, &result);
      return result;
    };
    context.scrypt = archive::ScryptCost{.log2_n = 10, .r = 8, .p = 1};
    context.threads = 2;
  }

  std::string Root() const { return temp.Join("m"); }
  std::string Store() const { return temp.Join("store"); }
  std::string Host(const std::string& machine_path) const { return temp.Join("m/" + machine_path); }
  void Write(const std::string& machine_path, const std::string& content) const {
    temp.WriteFile("m/" + machine_path, content);
  }
  // Gives the tree at `machine_path` to `uid`:`gid` (only as root; a no-op otherwise).
  void Own(const std::string& machine_path, uid_t uid, gid_t gid) const {
    if (::geteuid() != 0) return;
    const std::string top = Host(machine_path);
    REQUIRE(::lchown(top.c_str(), uid, gid) == 0);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(top)) {
      REQUIRE(::lchown(entry.path().c_str(), uid, gid) == 0);
    }
  }

  // Runs scanstate with `arguments` plus /root:ROOT.
  RunResult Run(std::vector<std::string> arguments) {
    arguments.push_back("/root:" + Root());
    std::ostringstream out;
    std::ostringstream error;
    RunResult result;
    result.code = RunScanState(arguments, *filesystem, out, error, context);
    result.out = out.str();
    result.error = error.str();
    return result;
  }

  // The catalog of the store (a copy: it outlives the opened store).
  archive::Catalog Catalog(const std::string& key = "") const { return Open(key)->catalog(); }

  std::unique_ptr<OpenedStore> Open(const std::string& key = "") const {
    Result<std::unique_ptr<OpenedStore>> store =
        OpenedStore::Open(*filesystem, LocateStore(*filesystem, Store()), key, 2);
    REQUIRE_MESSAGE(store.ok(), store.status().message());
    return std::move(store).value();
  }
};

// "ROOT NAME: PATH" for every entry of a store, in catalog order.
inline std::vector<std::string> EntryNames(const archive::Catalog& catalog) {
  std::vector<std::string> names;
  for (const archive::CatalogEntry& entry : catalog.entries) {
    names.push_back(catalog.roots[entry.root].name + ": " + entry.path);
  }
  return names;
}

inline const archive::CatalogEntry* FindEntry(const archive::Catalog& catalog,
                                              const std::string& root_name, const std::string& path,
                                              uint64_t* index = nullptr) {
  for (uint64_t i = 0; i < catalog.entries.size(); ++i) {
    const archive::CatalogEntry& entry = catalog.entries[i];
    if (catalog.roots[entry.root].name == root_name && entry.path == path) {
      if (index != nullptr) *index = i;
      return &entry;
    }
  }
  return nullptr;
}

inline std::string Content(OpenedStore& store, const std::string& root_name,
                           const std::string& path) {
  uint64_t index = 0;
  REQUIRE(FindEntry(store.catalog(), root_name, path, &index) != nullptr);
  std::string content;
  const Status read = store.ReadContent(index, [&](std::string_view bytes) {
    content.append(bytes);
    return Status();
  });
  REQUIRE_MESSAGE(read.ok(), read.message());
  return content;
}

}  // namespace tseq::scanstate_testing
