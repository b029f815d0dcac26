// StateStore: what lets a sequence survive a restart or a crash (SPEC §4 "State").
//
// The state directory holds:
//   state.json     the pointer and the whole environment, replaced atomically (write, fsync,
//                  rename) before every instruction; 0600; secret values sealed (AES-256-GCM)
//   sequence.sealed  the sequence text as it was when the run started, sealed like the secrets
//                  (the text may hold secret values), so `tseq resume` runs the same sequence
//                  even if the file changed or was wiped by a reimage
//   state.key      the 32-byte sealing key, 0600, created on first use
//   lock           held (flock) by the running engine: one sequence per machine
// The key lives beside the state so that the state survives a reimage with it: sealing keeps
// secrets out of support bundles and copies of state.json, not from root on the same machine.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "platform/filesystem.h"
#include "variables/persistence.h"
#include "variables/variable_store.h"

namespace tseq {

struct SavedState {
  std::string sequence_file;  // the path the run was started with, for messages
  int pointer = 0;            // the instruction to run on resume
  std::string machine_root;   // host path
  std::string log_directory;  // host path of LOGDIR
  std::string machine_name;
  bool offline = false;
  VariableStore variables;
};

class StateStore {
 public:
  // Opens (creating, 0700) the state directory `directory` (a host path) and its sealing key.
  // The filesystem must outlive the store.
  static Result<StateStore> Open(Filesystem& filesystem, std::string directory);

  const std::string& directory() const { return directory_; }

  // True when a saved state exists (a run was interrupted).
  bool HasState() const;
  Status Save(const SavedState& state);
  // The saved state. NotFound when there is none; Corruption naming the file and the problem when
  // it is damaged, foreign, or from an unsupported version (never a partial state).
  Result<SavedState> Load() const;

  Status SaveSequenceText(std::string_view text);
  Result<std::string> LoadSequenceText() const;
  std::string sequence_path() const { return directory_ + "/sequence.sealed"; }

  // Removes state.json and sequence.sealed (the key and lock stay): the run is over.
  Status Clear();

 private:
  StateStore(Filesystem& filesystem, std::string directory,
             std::shared_ptr<const SecretSealer> sealer)
      : filesystem_(&filesystem), directory_(std::move(directory)), sealer_(std::move(sealer)) {}

  Filesystem* filesystem_;
  std::string directory_;
  std::shared_ptr<const SecretSealer> sealer_;
};

// An exclusive lock on DIRECTORY/lock, released when the object is destroyed (or the process
// dies). Acquire fails with AlreadyExists ("another task sequence is running on this machine
// (lock DIRECTORY/lock held by process N)") when another engine holds it.
class MachineLock {
 public:
  static Result<MachineLock> Acquire(const std::string& directory);
  MachineLock(MachineLock&& other) noexcept : descriptor_(other.descriptor_) {
    other.descriptor_ = -1;
  }
  MachineLock& operator=(MachineLock&&) = delete;
  MachineLock(const MachineLock&) = delete;
  ~MachineLock();

 private:
  explicit MachineLock(int descriptor) : descriptor_(descriptor) {}
  int descriptor_ = -1;
};

}  // namespace tseq
