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
            "reads 1)");
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
