#include "migration/profile_walker.h"

#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "platform/clock.h"
#include "platform/fake_metadata_reader.h"
#include "platform/fault_injecting_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

LocalAccounts Accounts() {
  return LocalAccounts::Parse("root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
                              "passwd", "root:x:0:\nalice:x:1000:\nstaff:x:50:\n", "group",
                              LoginDefinitions{});
}

struct WalkFixture {
  tseq::testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
  FakeClock clock{std::chrono::system_clock::time_point()};
  std::ostringstream echo;
  UsmtLog log{clock, 0, echo};
  LocalAccounts accounts = Accounts();

  std::vector<std::string> Walk(const MetadataReader& metadata,
                                std::vector<std::string> excluded = {},
                                std::vector<std::string>* problems = nullptr) {
    Result<MigrationRules> rules = MigrationRules::Shipped();
    REQUIRE(rules.ok());
    const CompiledRules compiled(*rules, UserDirectories());
    ProfileWalker walker(*filesystem, metadata, accounts, {.excluded_host_paths = excluded}, log);
    Result<ProfileWalk> walk = walker.Walk(temp.Join("home"), "/home/alice", compiled,
                                           [&](const std::string& path, const Status& status) {
                                             if (problems != nullptr)
                                               problems->push_back(path + ": " + status.message());
                                             return problems != nullptr;
                                           });
    REQUIRE_MESSAGE(walk.ok(), walk.status().message());
    std::vector<std::string> paths;
    for (const CaptureItem& item : walk->items) {
      paths.push_back(item.entry.path +
                      (item.entry.type == archive::EntryType::kDirectory ? "/" : ""));
    }
    return paths;
  }
};

// Walks `home` (shown as /home/alice) with `walker` and `rules`, going on after each problem,
// which is noted in `problems` as "PATH: MESSAGE". Returns the walk and the paths it captures.
std::pair<ProfileWalk, std::vector<std::string>> WalkNotingProblems(
    const ProfileWalker& walker, const std::string& home, const CompiledRules& rules,
    std::vector<std::string>& problems) {
  Result<ProfileWalk> walk =
      walker.Walk(home, "/home/alice", rules, [&](const std::string& path, const Status& status) {
        problems.push_back(path + ": " + status.message());
        return true;
      });
  REQUIRE_MESSAGE(walk.ok(), walk.status().message());
  std::vector<std::string> paths;
  for (const CaptureItem& item : walk->items) paths.push_back(item.entry.path);
  return {std::move(walk).value(), std::move(paths)};
}

// Fails for the paths given, else reads the real file.
class PartlyFailingReader : public MetadataReader {
 public:
  explicit PartlyFailingReader(std::string failing) : failing_(std::move(failing)) {}
  Result<FileMetadata> Read(const std::string& path) const override {
    if (path.starts_with(failing_)) return IoError("cannot read '" + path + "'");
    return real_->Read(path);
  }

 private:
  std::string failing_;
  std::unique_ptr<MetadataReader> real_ = NewPosixMetadataReader();
};

// The real reader, counting the calls of each kind per path.
class CountingReader : public MetadataReader {
 public:
  Result<FileMetadata> Read(const std::string& path) const override {
    ++reads[path];
    return real_->Read(path);
  }
  Result<FileMetadata> ReadOpenFile(const ReadableFile& file, const FileInfo& info) const override {
    ++open_file_reads[file.path()];
    return real_->ReadOpenFile(file, info);
  }
  mutable std::map<std::string, int> reads;
  mutable std::map<std::string, int> open_file_reads;

 private:
  std::unique_ptr<MetadataReader> real_ = NewPosixMetadataReader();
};

struct DeferredWalk {
  WalkFixture fixture;
  CountingReader reader;
  Result<MigrationRules> rules = MigrationRules::Shipped();
  std::optional<ProfileWalker> walker;

  ProfileWalk Walk() {
    REQUIRE(rules.ok());
    const CompiledRules compiled(*rules, UserDirectories());
    walker.emplace(*fixture.filesystem, reader, fixture.accounts,
                   ProfileWalkOptions{.defer_file_metadata = true}, fixture.log);
    Result<ProfileWalk> walk =
        walker->Walk(fixture.temp.Join("home"), "/home/alice", compiled,
                     [](const std::string&, const Status&) { return false; });
    REQUIRE_MESSAGE(walk.ok(), walk.status().message());
    return std::move(walk).value();
  }
};

TEST_SUITE("ProfileWalker") {
  TEST_CASE("deferring file metadata, the walk examines files and opening them completes them") {
    DeferredWalk deferred;
    const std::string path = deferred.fixture.temp.WriteFile("home/Documents/a.txt", "content");
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    const bool has_attribute = ::setxattr(path.c_str(), "user.tag", "x", 1, 0) == 0;
    const ProfileWalk walk = deferred.Walk();
    REQUIRE(walk.items.size() == 2);
    const CaptureItem& item = walk.items[1];
    CHECK(item.entry.path == "Documents/a.txt");
    CHECK(item.metadata_pending);
    CHECK(item.entry.size == 7);
    CHECK(item.entry.mode == 0640);
    CHECK(item.entry.extended_attributes.empty());
    CHECK(walk.total_bytes == 7);
    CHECK(deferred.reader.reads[path] == 0);
    // The folder's metadata comes through the descriptor its listing was read from.
    CHECK(deferred.reader.reads[deferred.fixture.temp.Join("home/Documents")] == 0);
    CHECK(deferred.reader.open_file_reads[deferred.fixture.temp.Join("home/Documents")] == 1);

    Result<OpenedCaptureFile> opened = deferred.walker->OpenForCapture(item);
    REQUIRE(opened.ok());
    CHECK(deferred.reader.open_file_reads[path] == 1);
    CHECK(opened->same_as_walked);
    CHECK(opened->size == 7);
    CHECK(opened->entry.path == "Documents/a.txt");
    CHECK(opened->entry.type == archive::EntryType::kFile);
    CHECK(opened->entry.mode == 0640);
    if (has_attribute) {
      CHECK(opened->entry.extended_attributes ==
            std::vector<archive::ExtendedAttribute>{{"user.tag", "x"}});
    }
    CHECK(opened->entry ==
          deferred.walker->EntryFor("Documents/a.txt", *deferred.reader.Read(path)));
  }

  TEST_CASE("a folder that cannot be scanned is read and listed apart, and still walked") {
    DeferredWalk deferred;
    deferred.fixture.temp.WriteFile("home/Documents/a.txt", "a");
    const std::string folder = deferred.fixture.temp.Join("home/Documents");
    FaultInjectingFilesystem faulty(*deferred.fixture.filesystem);
    // The home's scan, then the folder's, which fails; the folder's own listing then works.
    faulty.FailNth(FilesystemOperation::kListDirectory, 2, IoError("scan failed"));
    REQUIRE(deferred.rules.ok());
    const CompiledRules compiled(*deferred.rules, UserDirectories());
    const ProfileWalker walker(faulty, deferred.reader, deferred.fixture.accounts,
                               ProfileWalkOptions{.defer_file_metadata = true},
                               deferred.fixture.log);
    std::vector<std::string> problems;
    const auto [walk, paths] =
        WalkNotingProblems(walker, deferred.fixture.temp.Join("home"), compiled, problems);
    CHECK(paths == std::vector<std::string>{"Documents", "Documents/a.txt"});
    CHECK(problems.empty());
    CHECK(faulty.CallCount(FilesystemOperation::kListDirectory) == 3);
    CHECK(deferred.reader.reads[folder] == 1);
    CHECK(deferred.reader.open_file_reads[folder] == 0);
    CHECK(walk.items[0].entry == walker.EntryFor("Documents", *deferred.reader.Read(folder)));
  }

  TEST_CASE("a folder that cannot be listed at all is reported as it always was") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/Documents/a.txt", "a");
    fixture.temp.WriteFile("home/notes.txt", "n");
    // The outer filesystem fails the folder's scan (its 2nd call), the inner one the listing
    // that follows (its 2nd call: the outer passes the home's scan and that listing on).
    FaultInjectingFilesystem inner(*fixture.filesystem);
    inner.FailNth(FilesystemOperation::kListDirectory, 2, IoError("cannot list 'Documents'"));
    FaultInjectingFilesystem faulty(static_cast<Filesystem&>(inner));
    faulty.FailNth(FilesystemOperation::kListDirectory, 2, IoError("scan failed"));
    Result<MigrationRules> rules = MigrationRules::Shipped();
    REQUIRE(rules.ok());
    const CompiledRules compiled(*rules, UserDirectories());
    const ProfileWalker walker(faulty, *fixture.reader, fixture.accounts, {}, fixture.log);
    std::vector<std::string> problems;
    const auto [walk, paths] =
        WalkNotingProblems(walker, fixture.temp.Join("home"), compiled, problems);
    CHECK(paths == std::vector<std::string>{"Documents", "notes.txt"});
    CHECK(problems == std::vector<std::string>{"/home/alice/Documents: cannot list 'Documents'"});
  }

  TEST_CASE("a file replaced since the walk is opened as it is now, and said to be another") {
    DeferredWalk deferred;
    const std::string path = deferred.fixture.temp.WriteFile("home/Documents/a.txt", "old");
    const ProfileWalk walk = deferred.Walk();
    REQUIRE(walk.items.size() == 2);
    const std::string replacement = deferred.fixture.temp.WriteFile("new.txt", "brand new");
    REQUIRE(::chmod(replacement.c_str(), 0600) == 0);
    REQUIRE(::rename(replacement.c_str(), path.c_str()) == 0);
    Result<OpenedCaptureFile> opened = deferred.walker->OpenForCapture(walk.items[1]);
    REQUIRE(opened.ok());
    CHECK_FALSE(opened->same_as_walked);
    CHECK(opened->size == 9);
    CHECK(opened->entry.mode == 0600);
  }

  TEST_CASE("a file that became a symlink or went away since the walk is not opened") {
    DeferredWalk deferred;
    const std::string path = deferred.fixture.temp.WriteFile("home/Documents/a.txt", "a");
    const std::string gone = deferred.fixture.temp.WriteFile("home/Documents/b.txt", "b");
    const ProfileWalk walk = deferred.Walk();
    REQUIRE(walk.items.size() == 3);
    REQUIRE(::unlink(path.c_str()) == 0);
    REQUIRE(::symlink("/etc/passwd", path.c_str()) == 0);
    REQUIRE(::unlink(gone.c_str()) == 0);
    const Status symlink = deferred.walker->OpenForCapture(walk.items[1]).status();
    CHECK(symlink.code() == StatusCode::kInvalidArgument);
    CHECK(symlink.message() == "cannot open '" + path + "': it is a symlink");
    const Status vanished = deferred.walker->OpenForCapture(walk.items[2]).status();
    CHECK(vanished.code() == StatusCode::kNotFound);
    CHECK(vanished.message() == "cannot open '" + gone + "': No such file or directory");
    CHECK(deferred.reader.open_file_reads[path] == 0);
    CHECK(deferred.reader.open_file_reads[gone] == 0);
  }

  TEST_CASE("deferring file metadata, a file's later names are still read whole by the walk") {
    DeferredWalk deferred;
    const std::string first = deferred.fixture.temp.WriteFile("home/Documents/a.txt", "content");
    const std::string second = deferred.fixture.temp.Join("home/Documents/b.txt");
    REQUIRE(::link(first.c_str(), second.c_str()) == 0);
    const ProfileWalk walk = deferred.Walk();
    REQUIRE(walk.items.size() == 3);
    CHECK(walk.items[1].metadata_pending);
    CHECK_FALSE(walk.items[2].metadata_pending);
    CHECK(walk.items[2].entry.type == archive::EntryType::kHardLink);
    CHECK(walk.items[2].hard_link_of == size_t{1});
    CHECK(deferred.reader.reads[first] == 0);
    CHECK(deferred.reader.reads[second] == 1);
    CHECK(walk.file_count == 1);
  }

  TEST_CASE("the folders of a captured file are kept, in sorted order, and others are not") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/work/deep/plan.odt", "plan");
    fixture.temp.WriteFile("home/work/deep/build.o", "object");
    fixture.temp.WriteFile("home/empty/nothing.bin", "x");
    fixture.temp.WriteFile("home/Documents/b.txt", "b");
    fixture.temp.WriteFile("home/Documents/a.txt", "a");
    CHECK(fixture.Walk(*fixture.reader) ==
          std::vector<std::string>{"Documents/", "Documents/a.txt", "Documents/b.txt", "work/",
                                   "work/deep/", "work/deep/plan.odt"});
  }

  TEST_CASE("a folder no rule can include below is never read") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/.cache/thumbnails/x.txt", "x");
    fixture.temp.WriteFile("home/notes.txt", "n");
    const PartlyFailingReader reader(fixture.temp.Join("home/.cache"));
    std::vector<std::string> problems;
    CHECK(fixture.Walk(reader, {}, &problems) == std::vector<std::string>{"notes.txt"});
    CHECK(problems.empty());
  }

  TEST_CASE("an unreadable object goes to the error handler, which can skip it") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/a.txt", "a");
    fixture.temp.WriteFile("home/b.txt", "b");
    const PartlyFailingReader reader(fixture.temp.Join("home/a.txt"));
    std::vector<std::string> problems;
    CHECK(fixture.Walk(reader, {}, &problems) == std::vector<std::string>{"b.txt"});
    CHECK(problems == std::vector<std::string>{"/home/alice/a.txt: cannot read '" +
                                               fixture.temp.Join("home/a.txt") + "'"});
  }

  TEST_CASE("excluded host paths are neither captured nor entered") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/Documents/store/USMT/USMT.MIG", "store");
    fixture.temp.WriteFile("home/Documents/keep.txt", "k");
    CHECK(fixture.Walk(*fixture.reader, {fixture.temp.Join("home/Documents/store")}) ==
          std::vector<std::string>{"Documents/", "Documents/keep.txt"});
  }

  TEST_CASE("/localonly skips what is on another filesystem than the home, with a warning") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/Documents/a.txt", "a");
    fixture.temp.WriteFile("home/Documents/usb/b.txt", "b");
    FaultInjectingFilesystem mounted(*fixture.filesystem);
    mounted.SimulateMount(fixture.temp.Join("home/Documents/usb"), 99);
    Result<MigrationRules> rules = MigrationRules::Shipped();
    REQUIRE(rules.ok());
    const CompiledRules compiled(*rules, UserDirectories());
    std::ostringstream echo;
    UsmtLog log(fixture.clock, 8, echo);  // 8: every line echoed
    const auto walk = [&](bool local_only) {
      ProfileWalker walker(mounted, *fixture.reader, fixture.accounts,
                           {.same_filesystem_only = local_only}, log);
      Result<ProfileWalk> walked =
          walker.Walk(fixture.temp.Join("home"), "/home/alice", compiled,
                      [](const std::string&, const Status&) { return false; });
      REQUIRE(walked.ok());
      std::vector<std::string> paths;
      for (const CaptureItem& item : walked->items) paths.push_back(item.entry.path);
      return paths;
    };
    CHECK(walk(false) == std::vector<std::string>{"Documents", "Documents/a.txt", "Documents/usb",
                                                  "Documents/usb/b.txt"});
    CHECK(echo.str().find("/localonly") == std::string::npos);
    CHECK(walk(true) == std::vector<std::string>{"Documents", "Documents/a.txt"});
    CHECK(echo.str().find(
              "skipping '/home/alice/Documents/usb': it is on another filesystem (/localonly)") !=
          std::string::npos);
  }

  TEST_CASE("a second name of a file becomes a hard link to the first") {
    WalkFixture fixture;
    fixture.temp.WriteFile("home/a.txt", "content");
    REQUIRE(::link(fixture.temp.Join("home/a.txt").c_str(),
                   fixture.temp.Join("home/b.txt").c_str()) == 0);
    Result<MigrationRules> rules = MigrationRules::Shipped();
    REQUIRE(rules.ok());
    const CompiledRules compiled(*rules, UserDirectories());
    ProfileWalker walker(*fixture.filesystem, *fixture.reader, fixture.accounts, {}, fixture.log);
    Result<ProfileWalk> walk = walker.Walk(fixture.temp.Join("home"), "/home/alice", compiled,
                                           [](const std::string&, const Status&) { return false; });
    REQUIRE(walk.ok());
    REQUIRE(walk->items.size() == 2);
    CHECK(walk->items[1].entry.type == archive::EntryType::kHardLink);
    CHECK(walk->items[1].hard_link_of == size_t{0});
    CHECK(walk->total_bytes == 7);
    CHECK(walk->file_count == 1);
  }

  TEST_CASE("entries name owners, groups and ACL qualifiers from the machine's accounts") {
    WalkFixture fixture;
    ProfileWalker walker(*fixture.filesystem, *fixture.reader, fixture.accounts, {}, fixture.log);
    FileMetadata metadata;
    metadata.type = FileType::kDirectory;
    metadata.mode = 02775;
    metadata.uid = 1000;
    metadata.gid = 4242;
    metadata.modified = {1700000000, 5};
    metadata.extended_attributes = {{"user.tag", "x"}};
    metadata.access_acl =
        "user::rwx,user:1000:r--,user:4242:r--,group::r-x,group:50:rwx,"
        "mask::rwx,other::r-x";
    metadata.default_acl = "user::rwx,group:0:r-x,group::r-x,other::---";
    const archive::CatalogEntry entry = walker.EntryFor("Shared", metadata);
    CHECK(entry.path == "Shared");
    CHECK(entry.type == archive::EntryType::kDirectory);
    CHECK(entry.mode == 02775);
    CHECK(entry.owner == "alice");
    CHECK(entry.group.empty());
    CHECK(entry.gid == 4242);
    CHECK(entry.mtime_seconds == 1700000000);
    CHECK(entry.mtime_nanoseconds == 5);
    CHECK(entry.extended_attributes == std::vector<archive::ExtendedAttribute>{{"user.tag", "x"}});
    CHECK(entry.access_acl ==
          "user::rwx,user:alice:r--,user:4242:r--,group::r-x,group:staff:rwx,mask::rwx,"
          "other::r-x");
    CHECK(entry.default_acl == "user::rwx,group:root:r-x,group::r-x,other::---");
  }
}

}  // namespace
}  // namespace tseq
