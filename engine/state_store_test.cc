#include "engine/state_store.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include "platform/fault_injecting_filesystem.h"
#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

SavedState SampleState() {
  SavedState state;
  state.sequence_file = "refresh.yaml";
  state.pointer = 7;
  state.machine_root = "/machines/pc01";
  state.log_directory = "/machines/pc01/var/log/tseq";
  state.machine_name = "PC01";
  SetOptions secret;
  secret.secrecy = Secrecy::kSecret;
  REQUIRE(state.variables.Set("OSDStateStorePath", "/srv/state/pc01").ok());
  REQUIRE(state.variables.Set("AdminToken", "sup3r-s3cret", secret).ok());
  return state;
}

TEST_SUITE("StateStore") {
  TEST_CASE("saves and loads the pointer and environment, sealing secrets") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    CHECK_FALSE(store->HasState());
    REQUIRE(store->Save(SampleState()).ok());
    CHECK(store->HasState());
    const std::string text = filesystem.ReadFile("/state/state.json").value();
    CHECK(text.find("sup3r-s3cret") == std::string::npos);
    CHECK(filesystem.Stat("/state/state.json", SymlinkPolicy::kFollow)->mode == 0600);
    CHECK(filesystem.Stat("/state/state.key", SymlinkPolicy::kFollow)->mode == 0600);

    Result<StateStore> reopened = StateStore::Open(filesystem, "/state");
    REQUIRE(reopened.ok());
    Result<SavedState> loaded = reopened->Load();
    REQUIRE(loaded.ok());
    CHECK(loaded->pointer == 7);
    CHECK(loaded->machine_name == "PC01");
    CHECK(loaded->variables.Get("AdminToken") == "sup3r-s3cret");
    CHECK(loaded->variables.IsSecret("AdminToken"));
    REQUIRE(reopened->Clear().ok());
    CHECK_FALSE(reopened->HasState());
  }

  TEST_CASE("a damaged or foreign state file is reported, never half-used") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    SUBCASE("truncated") {
      REQUIRE(store->Save(SampleState()).ok());
      const std::string text = filesystem.ReadFile("/state/state.json").value();
      filesystem.AddFile("/state/state.json", text.substr(0, text.size() / 2));
      CHECK(store->Load().status().message() ==
            "state file '/state/state.json' cannot be used: it is not valid JSON (damaged or "
            "truncated)");
    }
    SUBCASE("foreign") {
      filesystem.AddFile("/state/state.json", "{\"hello\": 1}");
      CHECK(store->Load().status().message() ==
            "state file '/state/state.json' cannot be used: it is not a tseq state file");
    }
    SUBCASE("newer version") {
      filesystem.AddFile("/state/state.json", "{\"format\": \"tseq-state\", \"version\": 9}");
      CHECK(store->Load().status().message() ==
            "state file '/state/state.json' cannot be used: unsupported version 9 (this tseq "
            "reads 1 to 2)");
    }
    SUBCASE("sealed with another key") {
      REQUIRE(store->Save(SampleState()).ok());
      filesystem.AddFile("/state/state.key", std::string(32, 'k'), 0600);
      Result<StateStore> rekeyed = StateStore::Open(filesystem, "/state");
      REQUIRE(rekeyed.ok());
      Result<SavedState> loaded = rekeyed->Load();
      REQUIRE_FALSE(loaded.ok());
      CHECK(loaded.status().code() == StatusCode::kCorruption);
    }
  }

  TEST_CASE("keeps the log settings and plugin folders of the run") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    SavedState state = SampleState();
    state.log_max_size = 0;
    state.log_history = 7;
    state.plugin_directories = {{"/opt/plugins", false}, {"/usr/local/plugins", true}};
    REQUIRE(store->Save(state).ok());
    Result<SavedState> loaded = store->Load();
    REQUIRE(loaded.ok());
    CHECK(loaded->log_max_size == 0);
    CHECK(loaded->log_history == 7);
    REQUIRE(loaded->plugin_directories.size() == 2);
    CHECK(loaded->plugin_directories[0].path == "/opt/plugins");
    CHECK_FALSE(loaded->plugin_directories[0].from_environment);
    CHECK(loaded->plugin_directories[1].path == "/usr/local/plugins");
    CHECK(loaded->plugin_directories[1].from_environment);
  }

  TEST_CASE("a version 1 state (before log settings and plugin folders) is read with defaults") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    REQUIRE(store->Save(SampleState()).ok());
    std::string text = filesystem.ReadFile("/state/state.json").value();
    const auto remove_field = [&text](const std::string& field) {
      const size_t start = text.find(",\"" + field + "\":");
      REQUIRE(start != std::string::npos);
      size_t end = text.find(",\"", start + 1);
      // pluginDirectories is an array of objects holding commas of their own.
      if (field == "pluginDirectories") end = text.find("],", start) + 1;
      text.erase(start, end - start);
    };
    remove_field("logMaxSize");
    remove_field("logHistory");
    remove_field("pluginDirectories");
    text.replace(text.find("\"version\":2"), 11, "\"version\":1");
    filesystem.AddFile("/state/state.json", text, 0600);
    Result<SavedState> loaded = store->Load();
    INFO(text);
    REQUIRE(loaded.ok());
    CHECK(loaded->pointer == 7);
    CHECK(loaded->log_max_size == 5 * 1024 * 1024);
    CHECK(loaded->log_history == 3);
    CHECK(loaded->plugin_directories.empty());
  }

  TEST_CASE("seals every sequence file of the run, whatever bytes they hold") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    const std::vector<SavedSequenceFile> files = {
        {"main.yaml", "name: Main\nvariables: { Key: { value: t0ps3cret, secret: true } }\n"},
        {"lib/child one.yaml", std::string("name: C\n# \xff\x00 bytes\n12 34\n", 21)},
        {"empty.yaml", ""}};
    REQUIRE(store->SaveSequenceFiles(files).ok());
    CHECK(filesystem.ReadFile(store->sequence_path())->find("t0ps3cret") == std::string::npos);
    Result<std::vector<SavedSequenceFile>> loaded = store->LoadSequenceFiles("main.yaml");
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == 3);
    for (size_t index = 0; index < files.size(); ++index) {
      CHECK((*loaded)[index].path == files[index].path);
      CHECK((*loaded)[index].text == files[index].text);
    }
    REQUIRE(store->Clear().ok());
    CHECK(store->LoadSequenceFiles("main.yaml").status().code() == StatusCode::kNotFound);
  }

  TEST_CASE("a sealed sequence from before child sequences is the top-level file") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    // What an earlier tseq wrote: the top-level text alone, sealed the same way.
    Result<std::unique_ptr<SecretSealer>> sealer =
        NewAesGcmSecretSealer(filesystem.ReadFile("/state/state.key").value());
    REQUIRE(sealer.ok());
    filesystem.AddFile(store->sequence_path(), (*sealer)->Seal("name: Old\nsteps: []\n").value(),
                       0600);
    Result<std::vector<SavedSequenceFile>> loaded = store->LoadSequenceFiles("old.yaml");
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == 1);
    CHECK((*loaded)[0].path == "old.yaml");
    CHECK((*loaded)[0].text == "name: Old\nsteps: []\n");
  }

  TEST_CASE("a damaged list of sequence files is reported") {
    MemoryFilesystem filesystem;
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    Result<std::unique_ptr<SecretSealer>> sealer =
        NewAesGcmSecretSealer(filesystem.ReadFile("/state/state.key").value());
    REQUIRE(sealer.ok());
    filesystem.AddFile(store->sequence_path(),
                       (*sealer)->Seal("tseq-sequence-files 1\n9 99\nmain.yaml").value(), 0600);
    CHECK(store->LoadSequenceFiles("main.yaml").status().message() ==
          "saved sequence '/state/sequence.sealed' cannot be used: its list of files is damaged");
  }

  TEST_CASE("a failed save leaves the previous state intact") {
    MemoryFilesystem memory;
    FaultInjectingFilesystem filesystem(memory);
    Result<StateStore> store = StateStore::Open(filesystem, "/state");
    REQUIRE(store.ok());
    REQUIRE(store->Save(SampleState()).ok());
    SavedState next = SampleState();
    next.pointer = 8;
    filesystem.FailNth(FilesystemOperation::kWriteFileAtomically, 1,
                       IoError("No space left on device"));
    CHECK_FALSE(store->Save(next).ok());
    CHECK(store->Load()->pointer == 7);
  }
}

TEST_SUITE("MachineLock") {
  TEST_CASE("a second lock on the same machine is refused, and freed with the first") {
    testing::TempDirectory temp;
    {
      Result<MachineLock> first = MachineLock::Acquire(temp.path());
      REQUIRE(first.ok());
      Result<MachineLock> second = MachineLock::Acquire(temp.path());
      REQUIRE_FALSE(second.ok());
      CHECK(second.status().code() == StatusCode::kAlreadyExists);
      CHECK(second.status().message() == "another task sequence is running on this machine (lock " +
                                             temp.path() + "/lock held by process " +
                                             std::to_string(getpid()) + ")");
    }
    CHECK(MachineLock::Acquire(temp.path()).ok());
  }
}

}  // namespace
}  // namespace tseq
