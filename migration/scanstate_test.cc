#include "migration/scanstate.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "archive/directory_store.h"
#include "migration/scanstate_test_support.h"
#include "platform/fault_injecting_filesystem.h"

namespace tseq {
namespace {

using scanstate_testing::Content;
using scanstate_testing::EntryNames;
using scanstate_testing::FindEntry;
using scanstate_testing::kKey;
using scanstate_testing::Machine;
using scanstate_testing::RunResult;

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_SUITE("RunScanState") {
  TEST_CASE("an encrypted compressed store holds the selected profiles' documents and settings") {
    Machine machine;
    const RunResult result =
        machine.Run({machine.Store(), "/encrypt:AES_256", std::string("/key:") + kKey});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(result.error.empty());
    CHECK(machine.filesystem->Stat(machine.Store() + "/USMT/USMT.MIG", SymlinkPolicy::kDoNotFollow)
              .ok());
    std::unique_ptr<OpenedStore> store = machine.Open(kKey);
    const archive::Catalog& catalog = store->catalog();
    std::vector<std::string> roots;
    for (const archive::CatalogRoot& root : catalog.roots) roots.push_back(root.name);
    if (machine.has_domain_user) {
      CHECK(roots == std::vector<std::string>{"CONTOSO\\carol", "PC01\\alice", "PC01\\bob"});
    } else {
      CHECK(roots == std::vector<std::string>{"PC01\\alice", "PC01\\bob"});
    }
    const std::vector<std::string> names = EntryNames(catalog);
    CHECK(Has(names, "PC01\\alice: .bashrc"));
    CHECK(Has(names, "PC01\\alice: Documents"));
    CHECK(Has(names, "PC01\\alice: Documents/Old"));
    CHECK(Has(names, "PC01\\alice: Documents/Old/2020.txt"));
    CHECK(Has(names, "PC01\\alice: Music/song.mp3"));
    CHECK(Has(names, "PC01\\bob: Pictures/cat.jpg"));
    CHECK(Has(names, "PC01\\bob: .gitconfig"));
    CHECK_FALSE(Has(names, "PC01\\alice: random.bin"));
    CHECK_FALSE(Has(names, "PC01\\alice: .cache"));
    CHECK_FALSE(Has(names, "PC01\\alice: .cache/fontconfig/cache-1"));
    CHECK_FALSE(Has(names, "PC01\\alice: .local/share/Trash/files/gone.txt"));
    for (const std::string& name : names) CHECK_FALSE(name.find("secret") != std::string::npos);
    if (machine.has_domain_user) {
      CHECK(Has(names, "CONTOSO\\carol: Documents/plan.txt"));
      CHECK(Content(*store, "CONTOSO\\carol", "Documents/plan.txt") == "carol's plan");
    }
    CHECK(Content(*store, "PC01\\alice", "Documents/report.odt") == "the report");
    CHECK(result.out.find("into the compressed store at '" + machine.Store() + "'.\n") !=
          std::string::npos);
  }

  TEST_CASE("without /encrypt the store is readable without a key") {
    Machine machine;
    REQUIRE(machine.Run({machine.Store()}).code == 0);
    std::unique_ptr<OpenedStore> store = machine.Open();
    CHECK(Content(*store, "PC01\\bob", "Pictures/cat.jpg") == "meow");
  }

  TEST_CASE("a compressed store is written in 2 MiB blocks") {
    Machine machine;
    REQUIRE(machine.Run({machine.Store()}).code == 0);
    std::unique_ptr<OpenedStore> store = machine.Open();
    REQUIRE(store->reader() != nullptr);
    CHECK(store->reader()->header().block_size == 2 * 1024 * 1024);
  }

  TEST_CASE("each profile's root records it as profile_record.h says") {
    Machine machine;
    REQUIRE(machine.Run({machine.Store()}).code == 0);
    const archive::Catalog catalog = machine.Catalog();
    const archive::CatalogRoot* alice = nullptr;
    for (const archive::CatalogRoot& root : catalog.roots) {
      if (root.name == "PC01\\alice") alice = &root;
    }
    REQUIRE(alice != nullptr);
    CHECK(alice->directory == "home/alice");
    const auto attribute = [&](const std::string& key) {
      for (const auto& [name, value] : alice->attributes) {
        if (name == key) return value;
      }
      return std::string("<none>");
    };
    CHECK(attribute("home") == "/home/alice");
    CHECK(attribute("machine") == "PC01");
    CHECK(attribute("local") == "yes");
  }

  TEST_CASE("/nocompress writes copies and a catalog") {
    Machine machine;
    const RunResult result = machine.Run({machine.Store(), "/nocompress"});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    CHECK(scanstate_testing::ReadFile(machine.Store() +
                                      "/USMT/File/home/alice/Documents/notes.txt") == "notes");
    Result<archive::Catalog> catalog =
        archive::ReadDirectoryStoreCatalog(*machine.filesystem, machine.Store());
    REQUIRE(catalog.ok());
    CHECK(Has(EntryNames(*catalog), "PC01\\alice: Documents/notes.txt"));
    CHECK_FALSE(archive::IsProtectedStore(*machine.filesystem, machine.Store()));
    CHECK(result.out.find("into the uncompressed store") != std::string::npos);
  }

  TEST_CASE("/hardlink /nocompress links the originals and protects the store") {
    Machine machine;
    const RunResult result = machine.Run({machine.Store(), "/hardlink", "/nocompress"});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    struct stat original {};
    struct stat linked {};
    REQUIRE(::stat(machine.Host("home/bob/Pictures/cat.jpg").c_str(), &original) == 0);
    REQUIRE(::stat((machine.Store() + "/USMT/File/home/bob/Pictures/cat.jpg").c_str(), &linked) ==
            0);
    CHECK(original.st_ino == linked.st_ino);
    CHECK(archive::IsProtectedStore(*machine.filesystem, machine.Store()));

    const RunResult again = machine.Run({machine.Store(), "/hardlink", "/nocompress", "/o"});
    CHECK(again.code == 35);
    CHECK(again.error == "scanstate: '" + machine.Store() +
                             "' holds a protected hard-link store, which scanstate never replaces: "
                             "remove it first with usmtutils /rd " +
                             machine.Store() + "\n");
    REQUIRE(archive::RemoveStore(*machine.filesystem, machine.Store()).ok());
  }

  TEST_CASE(
      "a file costs one examination and one open (or one link and its examination), a folder one "
      "mkdir") {
    using Operation = FilesystemOperation;
    const std::vector<Operation> operations = {
        Operation::kStat,         Operation::kListDirectory,     Operation::kOpenRegularFile,
        Operation::kOpenForRead,  Operation::kCreateDirectories, Operation::kLinkOpenFile,
        Operation::kSetImmutable, Operation::kCreateHardLink};
    // The calls of a capture of the test machine, with `extra` more files in a folder of their own.
    bool protected_by_attribute = false;  // where the privilege and the filesystem allow
    const auto count = [&](const std::vector<std::string>& options, int extra) {
      Machine machine;
      for (int i = 0; i < extra; ++i) {
        machine.Write("home/alice/Documents/More/file" + std::to_string(i) + ".txt", "more");
      }
      FaultInjectingFilesystem counted(*machine.filesystem);
      std::vector<std::string> arguments = {machine.Store(), "/root:" + machine.Root()};
      arguments.insert(arguments.end(), options.begin(), options.end());
      std::ostringstream out;
      std::ostringstream error;
      REQUIRE_MESSAGE(RunScanState(arguments, counted, out, error, machine.context) == 0,
                      error.str());
      std::map<Operation, int> calls;
      for (const Operation operation : operations) calls[operation] = counted.CallCount(operation);
      if (archive::IsProtectedStore(*machine.filesystem, machine.Store())) {
        protected_by_attribute = machine.filesystem->IsImmutable(machine.Store()).value();
        REQUIRE(archive::RemoveStore(*machine.filesystem, machine.Store()).ok());
      }
      return calls;
    };
    for (const std::vector<std::string>& options :
         std::vector<std::vector<std::string>>{{}, {"/nocompress"}, {"/hardlink", "/nocompress"}}) {
      CAPTURE(options.size());
      const std::map<Operation, int> base = count(options, 0);
      std::map<Operation, int> more = count(options, 20);
      for (const Operation operation : operations) more[operation] -= base.at(operation);
      // A hard-link store links each file by its path and examines the link instead of opening it.
      const bool hard_link = options.size() == 2;
      CHECK(more[Operation::kStat] == (hard_link ? 41 : 21));  // the 20 files and their folder
      CHECK(more[Operation::kListDirectory] == 1);
      CHECK(more[Operation::kOpenRegularFile] == (hard_link ? 0 : 20));
      CHECK(more[Operation::kOpenForRead] == 0);
      CHECK(more[Operation::kCreateHardLink] == (hard_link ? 20 : 0));
      CHECK(more[Operation::kCreateDirectories] == (options.empty() ? 0 : 1));
      CHECK(more[Operation::kLinkOpenFile] == 0);
      CHECK(more[Operation::kSetImmutable] == (protected_by_attribute ? 1 : 0));
    }
  }

  TEST_CASE("metadata is captured: mode, owner names, nanosecond times, symlinks, hard links") {
    Machine machine;
    const std::string notes = machine.Host("home/alice/Documents/notes.txt");
    REQUIRE(::chmod(notes.c_str(), 0640) == 0);
    const struct timespec times[2] = {{0, UTIME_OMIT}, {1600000000, 123456789}};
    REQUIRE(::utimensat(AT_FDCWD, notes.c_str(), times, 0) == 0);
    REQUIRE(::symlink("notes.txt", machine.Host("home/alice/Documents/latest").c_str()) == 0);
    REQUIRE(::link(notes.c_str(), machine.Host("home/alice/Documents/zz-notes.txt").c_str()) == 0);
    const bool has_xattr = ::setxattr(notes.c_str(), "user.comment", "draft", 5, 0) == 0;
    REQUIRE(machine.Run({machine.Store()}).code == 0);
    const archive::Catalog catalog = machine.Catalog();
    uint64_t notes_index = 0;
    const archive::CatalogEntry* entry =
        FindEntry(catalog, "PC01\\alice", "Documents/notes.txt", &notes_index);
    REQUIRE(entry != nullptr);
    CHECK(entry->type == archive::EntryType::kFile);
    CHECK(entry->mode == 0640);
    CHECK(entry->mtime_seconds == 1600000000);
    CHECK(entry->mtime_nanoseconds == 123456789);
    CHECK(entry->size == 5);
    if (::geteuid() == 0) {
      CHECK(entry->uid == 1000);
      CHECK(entry->owner == "alice");
      CHECK(entry->group == "alice");
    }
    if (has_xattr) {
      CHECK(entry->extended_attributes ==
            std::vector<archive::ExtendedAttribute>{{"user.comment", "draft"}});
    }
    const archive::CatalogEntry* link = FindEntry(catalog, "PC01\\alice", "Documents/latest");
    REQUIRE(link != nullptr);
    CHECK(link->type == archive::EntryType::kSymlink);
    CHECK(link->symlink_target == "notes.txt");
    const archive::CatalogEntry* second =
        FindEntry(catalog, "PC01\\alice", "Documents/zz-notes.txt");
    REQUIRE(second != nullptr);
    CHECK(second->type == archive::EntryType::kHardLink);
    CHECK(second->link_entry == notes_index);
  }

  TEST_CASE("the store is never captured, even inside a home") {
    Machine machine;
    const std::string store = machine.Host("home/alice/Documents/store");
    const RunResult result = machine.Run({store, "/l:" + machine.temp.Join("scan.log")});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    Result<std::unique_ptr<OpenedStore>> opened =
        OpenedStore::Open(*machine.filesystem, LocateStore(*machine.filesystem, store), "", 2);
    REQUIRE(opened.ok());
    const std::vector<std::string> names = EntryNames((*opened)->catalog());
    CHECK(Has(names, "PC01\\alice: Documents/notes.txt"));
    for (const std::string& name : names) CHECK(name.find("Documents/store") == std::string::npos);
  }

  TEST_CASE("the store is never captured when named through a symlinked folder") {
    Machine machine;
    REQUIRE(::symlink(machine.Host("home/alice/Documents").c_str(),
                      machine.temp.Join("documents-link").c_str()) == 0);
    const RunResult result = machine.Run({machine.temp.Join("documents-link/store")});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    Result<std::unique_ptr<OpenedStore>> opened = OpenedStore::Open(
        *machine.filesystem,
        LocateStore(*machine.filesystem, machine.Host("home/alice/Documents/store")), "", 2);
    REQUIRE(opened.ok());
    const std::vector<std::string> names = EntryNames((*opened)->catalog());
    CHECK(Has(names, "PC01\\alice: Documents/notes.txt"));
    for (const std::string& name : names) CHECK(name.find("Documents/store") == std::string::npos);
  }

  TEST_CASE("a FIFO is skipped with a warning") {
    Machine machine;
    REQUIRE(::mkfifo(machine.Host("home/alice/Documents/pipe").c_str(), 0600) == 0);
    const std::string log = machine.temp.Join("scan.log");
    REQUIRE(machine.Run({machine.Store(), "/l:" + log}).code == 0);
    CHECK(FindEntry(machine.Catalog(), "PC01\\alice", "Documents/pipe") == nullptr);
    CHECK(scanstate_testing::ReadFile(log).find(
              ", Warning, skipping '/home/alice/Documents/pipe': sockets, FIFOs and devices are "
              "not captured\n") != std::string::npos);
  }

  TEST_CASE("/i with a shipped file's name uses that file only") {
    Machine machine;
    const RunResult result = machine.Run({machine.Store(), "/i:MigUser.yaml"});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    const std::vector<std::string> names = EntryNames(machine.Catalog());
    CHECK(Has(names, "PC01\\alice: Documents/notes.txt"));
    CHECK_FALSE(Has(names, "PC01\\alice: .bashrc"));
  }

  TEST_CASE("a missing rule file is 28") {
    Machine machine;
    const RunResult result = machine.Run({machine.Store(), "/i:" + machine.temp.Join("no.yaml")});
    CHECK(result.code == 28);
    CHECK(result.error.starts_with("scanstate: cannot use the rule file '" +
                                   machine.temp.Join("no.yaml") + "': "));
  }
}

}  // namespace
}  // namespace tseq
