// StateStore: what lets a sequence survive a restart or a crash (SPEC §4 "State").
//
// The state directory holds:
//   state.json     the pointer and the whole environment, replaced atomically (write, fsync,
//                  rename) before every instruction; 0600; secret values sealed (AES-256-GCM)
//   sequence.sealed  the text of the sequence and of every child sequence it runs, as they were
//                  when the run started, sealed like the secrets (the text may hold secret
//                  values), so `tseq resume` runs the same sequences even if a file changed or
//                  was wiped by a reimage
//   state.key      the 32-byte sealing key, 0600, created on first use
//   lock           held (flock) by the running engine: one sequence per machine
// The key lives beside the state so that the state survives a reimage with it: sealing keeps
// secrets out of support bundles and copies of state.json, not from root on the same machine.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/smsts_log.h"
#include "platform/filesystem.h"
#include "variables/persistence.h"
#include "variables/variable_store.h"

namespace tseq {

// A plugin folder the run loaded step plugins from, so that a resume loads the same ones.
struct SavedPluginDirectory {
  std::string path;               // absolute
  bool from_environment = false;  // named by TSEQ_PLUGIN_PATH rather than --plugin-dir
};

struct SavedState {
  std::string sequence_file;  // the path the run was started with, for messages
  int pointer = 0;            // the instruction to run on resume
  std::string machine_root;   // host path
  std::string log_directory;  // host path of LOGDIR
  std::string machine_name;
  bool offline = false;
  uint64_t log_max_size = kDefaultLogMaxSize;  // the smsts.log rollover settings of the run
  int log_history = kDefaultLogHistory;
  std::vector<SavedPluginDirectory> plugin_directories;
  VariableStore variables;
};

// One sequence file as sealed in the state: the path it was loaded as, and its text.
struct SavedSequenceFile {
  std::string path;
  std::string text;
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

  // Seals the sequence files of the run (the top-level one first) into sequence.sealed.
  Status SaveSequenceFiles(const std::vector<SavedSequenceFile>& files);
  // The sealed files. A sequence.sealed written by a tseq that kept the top-level text only
  // comes back as one file named `top_level_path`. Corruption naming the file when it cannot be
  // unsealed or its content is damaged.
  Result<std::vector<SavedSequenceFile>> LoadSequenceFiles(const std::string& top_level_path) const;
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
