// RunScanState's error handling (/c, 61, 27, 41), /genconfig, /p, /listfiles and the progress log.
#include <set>

#include <doctest/doctest.h>

#include "migration/scanstate.h"
#include "migration/scanstate_test_support.h"
#include "platform/fault_injecting_filesystem.h"

namespace tseq {
namespace {

using scanstate_testing::EntryNames;
using scanstate_testing::FindEntry;
using scanstate_testing::Machine;
using scanstate_testing::ReadFile;
using scanstate_testing::RunResult;

// The real reader, except for the paths told to fail (an unreadable file).
class FailingMetadataReader : public MetadataReader {
 public:
  Result<FileMetadata> Read(const std::string& path) const override {
    if (failing.contains(path)) {
      return IoError("cannot read the metadata of '" + path + "': Input/output error");
    }
    return real_->Read(path);
  }
  std::set<std::string> failing;

 private:
  std::unique_ptr<MetadataReader> real_ = NewPosixMetadataReader();
};

bool Exists(const Machine& machine, const std::string& path) {
  return machine.filesystem->Stat(path, SymlinkPolicy::kDoNotFollow).ok();
}

TEST_SUITE("RunScanState errors") {
  TEST_CASE("an unreadable file stops the capture with 61 and leaves no store") {
    Machine machine;
    FailingMetadataReader reader;
    const std::string notes = machine.Host("home/alice/Documents/notes.txt");
    reader.failing.insert(notes);
    machine.context.metadata = &reader;
    const std::string progress = machine.temp.Join("progress.log");
    const RunResult result = machine.Run({machine.Store(), "/progress:" + progress});
    CHECK(result.code == 61);
    CHECK(result.error ==
          "scanstate: processing stopped due to an I/O error: cannot read the "
          "metadata of '" +
              notes + "': Input/output error (give /c to skip such errors)\n");
    CHECK_FALSE(Exists(machine, machine.Store() + "/USMT"));
    const std::string log = ReadFile(progress);
    CHECK(log.find(", error, UnableToOpen, objectName, /home/alice/Documents/notes.txt, action, "
                   "Abort\n") != std::string::npos);
    CHECK(log.find(", errorCode, 61, numberOfIgnoredErrors, 0, message, ") != std::string::npos);
  }

  TEST_CASE("with /c an unreadable file is skipped, logged, and the exit code is 3") {
    Machine machine;
    FailingMetadataReader reader;
    reader.failing.insert(machine.Host("home/alice/Documents/notes.txt"));
    machine.context.metadata = &reader;
    const std::string progress = machine.temp.Join("progress.log");
    const std::string log_file = machine.temp.Join("scan.log");
    const RunResult result =
        machine.Run({machine.Store(), "/c", "/progress:" + progress, "/l:" + log_file});
    CHECK(result.code == 3);
    CHECK(result.out.ends_with("1 error skipped because of /c: see the log.\n"));
    const archive::Catalog catalog = machine.Catalog();
    CHECK(FindEntry(catalog, "PC01\\alice", "Documents/notes.txt") == nullptr);
    CHECK(FindEntry(catalog, "PC01\\alice", "Documents/report.odt") != nullptr);
    const std::string log = ReadFile(progress);
    CHECK(log.find(", error, UnableToOpen, objectName, /home/alice/Documents/notes.txt, action, "
                   "Ignore\n") != std::string::npos);
    CHECK(
        log.ends_with(", errorCode, 3, numberOfIgnoredErrors, 1, message, \"1 error skipped "
                      "because of /c\"\n"));
    CHECK(ReadFile(log_file).find(", Error, cannot read the metadata of '" +
                                  machine.Host("home/alice/Documents/notes.txt") +
                                  "': Input/output error (skipped because of /c)\n") !=
          std::string::npos);
  }

  TEST_CASE("an encrypted capture stopped by its walk leaves no store, and an old one as it was") {
    Machine machine;
    FailingMetadataReader reader;
    reader.failing.insert(machine.Host("home/alice/Documents"));
    machine.context.metadata = &reader;
    // The new store is made while the profiles are walked: the failed walk takes it away again.
    const std::string key = "/key:" + std::string(scanstate_testing::kKey);
    RunResult result = machine.Run({machine.Store(), "/encrypt", key});
    CHECK(result.code == 61);
    CHECK_FALSE(Exists(machine, machine.Store()));
    // An old store is replaced only after a good walk.
    machine.context.metadata = nullptr;
    REQUIRE(machine.Run({machine.Store(), "/encrypt", key}).code == 0);
    machine.context.metadata = &reader;
    result = machine.Run({machine.Store(), "/encrypt", key, "/o"});
    CHECK(result.code == 61);
    CHECK(FindEntry(machine.Catalog(scanstate_testing::kKey), "PC01\\alice",
                    "Documents/notes.txt") != nullptr);
  }

  TEST_CASE("a file that cannot be read while collecting removes the partial store") {
    Machine machine;
    FaultInjectingFilesystem faulty(*machine.filesystem);
    faulty.FailNth(FilesystemOperation::kReadAt, 1, IoError("read failed: Input/output error"));
    std::ostringstream out;
    std::ostringstream error;
    const int code = RunScanState({machine.Store(), "/root:" + machine.Root()}, faulty, out, error,
                                  machine.context);
    CHECK(code == 61);
    CHECK(error.str() ==
          "scanstate: processing stopped due to an I/O error: read failed: Input/output error "
          "(give /c to skip such errors)\n");
    CHECK_FALSE(Exists(machine, machine.Store() + "/USMT/USMT.MIG"));
    CHECK_FALSE(Exists(machine, machine.Store() + "/USMT/USMT.MIG.partial"));
  }

  TEST_CASE("/r retries a failed write of the store after /w seconds; /r:0 stops with 72") {
    Machine machine;
    FaultInjectingFilesystem faulty(*machine.filesystem);
    faulty.FailNth(FilesystemOperation::kAppend, 2, IoError("Connection timed out"));
    std::ostringstream out;
    std::ostringstream error;
    const int retried =
        RunScanState({machine.Store(), "/root:" + machine.Root(), "/r:2", "/w:0", "/v:8"}, faulty,
                     out, error, machine.context);
    CHECK(retried == 0);
    CHECK(error.str().find("writing the store failed (Connection timed out): attempt 2 of 3 in 0 s "
                           "(/r, /w)") != std::string::npos);
    CHECK_FALSE(EntryNames(machine.Catalog()).empty());

    faulty.FailNth(FilesystemOperation::kAppend, 2, IoError("Connection timed out"));
    std::ostringstream stopped_error;
    const int stopped = RunScanState({machine.Store(), "/root:" + machine.Root(), "/o", "/r:0"},
                                     faulty, out, stopped_error, machine.context);
    CHECK(stopped == 72);
    CHECK(stopped_error.str() == "scanstate: cannot finish the store: Connection timed out\n");
  }

  TEST_CASE("a store that exists needs /o, which replaces it") {
    Machine machine;
    REQUIRE(machine.Run({machine.Store(), "/ue:bob"}).code == 0);
    const RunResult refused = machine.Run({machine.Store()});
    CHECK(refused.code == 27);
    CHECK(refused.error == "scanstate: a store already exists at '" + machine.Store() +
                               "' (give /o to replace it)\n");
    const RunResult replaced = machine.Run({machine.Store(), "/o", "/nocompress"});
    REQUIRE_MESSAGE(replaced.code == 0, replaced.error);
    CHECK_FALSE(Exists(machine, machine.Store() + "/USMT/USMT.MIG"));
    CHECK(FindEntry(machine.Catalog(), "PC01\\bob", "Pictures/cat.jpg") != nullptr);
  }

  TEST_CASE("/genconfig writes the config file and no store; an existing one needs /o") {
    Machine machine;
    const std::string config = machine.temp.Join("config.yaml");
    const RunResult result = machine.Run({"/genconfig:" + config, "/i:miguser.yaml"});
    CHECK(result.code == 0);
    CHECK(result.out == "Wrote the config file '" + config + "' (7 components).\n");
    CHECK(ReadFile(config).find("name: \"Documents\"") != std::string::npos);
    CHECK_FALSE(Exists(machine, machine.Store()));
    const RunResult again = machine.Run({"/genconfig:" + config});
    CHECK(again.code == 41);
    CHECK(again.error ==
          "scanstate: the config file '" + config + "' already exists (give /o to replace it)\n");
    CHECK(machine.Run({"/genconfig:" + config, "/o"}).code == 0);
  }

  TEST_CASE("a /config that turns Documents off leaves them out") {
    Machine machine;
    const std::string config = machine.temp.WriteFile(
        "config.yaml", "components:\n  - name: Documents\n    migrate: false\n");
    REQUIRE(machine.Run({machine.Store(), "/i:miguser.yaml", "/config:" + config}).code == 0);
    const archive::Catalog catalog = machine.Catalog();
    CHECK(FindEntry(catalog, "PC01\\alice", "Documents/notes.txt") == nullptr);
    CHECK(FindEntry(catalog, "PC01\\alice", "Music/song.mp3") != nullptr);
  }

  TEST_CASE("/p:FILE writes the estimate in 4096-byte clusters and no store") {
    Machine machine;
    const std::string estimate = machine.temp.Join("estimate.xml");
    const RunResult result =
        machine.Run({machine.Store(), "/p:" + estimate, "/i:miguser.yaml", "/ue:*\\*", "/ui:bob"});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    CHECK(result.out == "Estimated store size: 4096 bytes for 1 file of 1 profile.\n");
    CHECK(ReadFile(estimate) == EstimateXml(4096));
    CHECK(EstimateXml(4096).find("<size clusterSize=\"4096\">4096</size>") != std::string::npos);
    CHECK_FALSE(Exists(machine, machine.Store()));
  }

  TEST_CASE("/listfiles lists every captured object but folders") {
    Machine machine;
    const std::string list = machine.temp.Join("list.txt");
    REQUIRE(machine
                .Run({machine.Store(), "/listfiles:" + list, "/i:miguser.yaml", "/ue:*\\*",
                      "/ui:alice"})
                .code == 0);
    CHECK(ReadFile(list) ==
          "/home/alice/Documents/Old/2020.txt\n/home/alice/Documents/notes.txt\n"
          "/home/alice/Documents/report.odt\n/home/alice/Music/song.mp3\n");
  }

  TEST_CASE("the progress log shows every profile, the size, the percentage and the result") {
    Machine machine;
    machine.Write("home/alice/Documents/big.odt", std::string(1000, 'x'));
    const std::string progress = machine.temp.Join("progress.log");
    const RunResult result = machine.Run(
        {machine.Store(), "/i:miguser.yaml", "/ue:bob", "/ue:contoso\\*", "/progress:" + progress});
    REQUIRE_MESSAGE(result.code == 0, result.error);
    const std::string prefix = "21 Sep 2026, 14:13:20 +00:00, 00:00:00, ";
    std::string expected = prefix + "program, scanstate, computerName, PC01, commandLine, " +
                           "\"scanstate " + machine.Store() + " /i:miguser.yaml /ue:bob " +
                           "/ue:contoso\\* /progress:" + progress + " /root:" + machine.Root() +
                           "\"\n" + prefix + "PHASE, Initializing\n" + prefix + "PHASE, Scanning\n";
    if (machine.has_domain_user) {
      expected += prefix + "detectedUser, CONTOSO\\carol, includedInMigration, No\n";
    }
    expected += prefix + "detectedUser, PC01\\alice, includedInMigration, Yes\n" + prefix +
                "detectedUser, PC01\\bob, includedInMigration, No\n" + prefix +
                "totalSizeInMBToTransfer, 0.00\n" + prefix + "PHASE, Collecting\n" + prefix +
                "collectingUser, PC01\\alice\n";
    // 1026 bytes: Documents/Old/2020.txt (3), Documents/big.odt (1000), notes.txt (5),
    // report.odt (10), Music/song.mp3 (8).
    expected += prefix + "totalPercentageCompleted, 0\n" + prefix + "totalMinutesRemaining, 0\n";
    expected += prefix + "totalPercentageCompleted, 97\n" + prefix + "totalMinutesRemaining, 0\n";
    expected += prefix + "totalPercentageCompleted, 98\n" + prefix + "totalMinutesRemaining, 0\n";
    expected += prefix + "totalPercentageCompleted, 99\n" + prefix + "totalMinutesRemaining, 0\n";
    expected += prefix + "totalPercentageCompleted, 100\n" + prefix + "totalMinutesRemaining, 0\n" +
                prefix + "PHASE, Saving\n" + prefix +
                "errorCode, 0, numberOfIgnoredErrors, 0, message, \"Successful run\"\n";
    CHECK(ReadFile(progress) == expected);
  }

  TEST_CASE("the minutes remaining follow the pace of the bytes collected so far") {
    Machine machine;
    // Every progress line takes a minute: the pace is slow enough to show.
    machine.context.local_time = [&machine](std::time_t time) {
      machine.clock.Advance(std::chrono::minutes(1));
      std::tm result{};
      ::gmtime_r(&time, &result);
      return result;
    };
    const std::string progress = machine.temp.Join("progress.log");
    REQUIRE(machine
                .Run({machine.Store(), "/i:miguser.yaml", "/ue:*\\*", "/ui:alice",
                      "/progress:" + progress})
                .code == 0);
    std::vector<std::string> minutes;
    std::istringstream lines(ReadFile(progress));
    for (std::string line; std::getline(lines, line);) {
      const size_t at = line.find("totalMinutesRemaining, ");
      if (at != std::string::npos) minutes.push_back(line.substr(at + 23));
    }
    // 26 bytes: 3 after 1 minute (11%: 8 minutes to go), 8 after 3 minutes (30%: 7), 18 after 5
    // (69%: 3), 26 after 7 (100%: 0).
    CHECK(minutes == std::vector<std::string>{"8", "7", "3", "0"});
  }
}

}  // namespace
}  // namespace tseq
