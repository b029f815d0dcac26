#include "engine/state_store.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

namespace tseq {
namespace {

constexpr const char* kFormat = "tseq-state";
// Version 2 added the log rollover settings and the plugin folders; a version 1 state (without
// them) is still read, with the defaults.
constexpr int kVersion = 2;
constexpr int kOldestReadableVersion = 1;

// sequence.sealed holds, once unsealed, this header and then per file "PATH_BYTES TEXT_BYTES\n",
// the path and the text: lengths rather than a text format, since a file may hold any bytes.
constexpr std::string_view kSequenceFilesHeader = "tseq-sequence-files 1\n";

std::string EncodeSequenceFiles(const std::vector<SavedSequenceFile>& files) {
  std::string encoded(kSequenceFilesHeader);
  for (const SavedSequenceFile& file : files) {
    encoded += std::to_string(file.path.size()) + " " + std::to_string(file.text.size()) + "\n";
    encoded += file.path;
    encoded += file.text;
  }
  return encoded;
}

std::optional<std::vector<SavedSequenceFile>> DecodeSequenceFiles(std::string_view encoded) {
  encoded.remove_prefix(kSequenceFilesHeader.size());
  std::vector<SavedSequenceFile> files;
  while (!encoded.empty()) {
    const size_t newline = encoded.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    unsigned long long path_size = 0;
    unsigned long long text_size = 0;
    char extra = 0;
    const std::string sizes(encoded.substr(0, newline));
    if (std::sscanf(sizes.c_str(), "%llu %llu%c", &path_size, &text_size, &extra) != 2) {
      return std::nullopt;
    }
    encoded.remove_prefix(newline + 1);
    if (path_size > encoded.size() || text_size > encoded.size() - path_size) return std::nullopt;
    SavedSequenceFile file;
    file.path = std::string(encoded.substr(0, path_size));
    file.text = std::string(encoded.substr(path_size, text_size));
    encoded.remove_prefix(path_size + text_size);
    files.push_back(std::move(file));
  }
  if (files.empty()) return std::nullopt;
  return files;
}

}  // namespace

Result<StateStore> StateStore::Open(Filesystem& filesystem, std::string directory) {
  TSEQ_RETURN_IF_ERROR(filesystem.CreateDirectories(directory, 0700));
  const std::string key_path = directory + "/state.key";
  Result<std::string> key = filesystem.ReadFile(key_path);
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    TSEQ_ASSIGN_OR_RETURN(std::string fresh, GenerateSealingKey());
    TSEQ_RETURN_IF_ERROR(filesystem.WriteFileAtomically(key_path, fresh, 0600));
    key = std::move(fresh);
  }
  if (!key.ok()) return key.status();
  if (key->size() != 32) {
    return CorruptionError("state key '" + key_path + "' is damaged (expected 32 bytes, found " +
                           std::to_string(key->size()) + ")");
  }
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<SecretSealer> sealer, NewAesGcmSecretSealer(*key));
  return StateStore(filesystem, std::move(directory), std::move(sealer));
}

bool StateStore::HasState() const {
  return filesystem_->Stat(directory_ + "/state.json", SymlinkPolicy::kDoNotFollow).ok();
}

Status StateStore::Save(const SavedState& state) {
  TSEQ_ASSIGN_OR_RETURN(const std::string variables, SerializeVariables(state.variables, *sealer_));
  nlohmann::ordered_json document;
  document["format"] = kFormat;
  document["version"] = kVersion;
  document["sequenceFile"] = state.sequence_file;
  document["pointer"] = state.pointer;
  document["machineRoot"] = state.machine_root;
  document["logDirectory"] = state.log_directory;
  document["machineName"] = state.machine_name;
  document["offline"] = state.offline;
  document["logMaxSize"] = state.log_max_size;
  document["logHistory"] = state.log_history;
  nlohmann::ordered_json plugins = nlohmann::ordered_json::array();
  for (const SavedPluginDirectory& directory : state.plugin_directories) {
    plugins.push_back({{"path", directory.path},
                       {"from", directory.from_environment ? "environment" : "command line"}});
  }
  document["pluginDirectories"] = std::move(plugins);
  document["variables"] = variables;
  // Paths and the machine name may hold bytes that are not UTF-8; keep them readable, not fatal.
  const std::string text =
      document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return filesystem_->WriteFileAtomically(directory_ + "/state.json", text, 0600);
}

Result<SavedState> StateStore::Load() const {
  const std::string path = directory_ + "/state.json";
  TSEQ_ASSIGN_OR_RETURN(const std::string text, filesystem_->ReadFile(path));
  auto corrupt = [&path](const std::string& problem) {
    return CorruptionError("state file '" + path + "' cannot be used: " + problem);
  };
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return corrupt("it is not valid JSON (damaged or truncated)");
  }
  if (!document.is_object() || !document.contains("format") || document["format"] != kFormat) {
    return corrupt("it is not a tseq state file");
  }
  if (!document.contains("version") || !document["version"].is_number_integer()) {
    return corrupt("it has no version");
  }
  const int version = document["version"].get<int>();
  if (version < kOldestReadableVersion || version > kVersion) {
    return corrupt("unsupported version " + document["version"].dump() + " (this tseq reads " +
                   std::to_string(kOldestReadableVersion) + " to " + std::to_string(kVersion) +
                   ")");
  }
  SavedState state;
  try {
    state.sequence_file = document.at("sequenceFile").get<std::string>();
    state.pointer = document.at("pointer").get<int>();
    state.machine_root = document.at("machineRoot").get<std::string>();
    state.log_directory = document.at("logDirectory").get<std::string>();
    state.machine_name = document.at("machineName").get<std::string>();
    state.offline = document.at("offline").get<bool>();
    if (version >= 2) {
      state.log_max_size = document.at("logMaxSize").get<uint64_t>();
      state.log_history = document.at("logHistory").get<int>();
      for (const nlohmann::json& directory : document.at("pluginDirectories")) {
        const std::string from = directory.at("from").get<std::string>();
        if (from != "environment" && from != "command line") {
          return corrupt("unknown plugin folder origin '" + from + "'");
        }
        state.plugin_directories.push_back(
            {directory.at("path").get<std::string>(), from == "environment"});
      }
    }
    Result<VariableStore> variables =
        DeserializeVariables(document.at("variables").get<std::string>(), *sealer_);
    if (!variables.ok()) return corrupt(variables.status().message());
    state.variables = std::move(variables).value();
  } catch (const nlohmann::json::exception& error) {
    return corrupt(std::string("missing or mistyped field (") + error.what() + ")");
  }
  if (state.pointer < 0) return corrupt("negative instruction pointer");
  if (state.log_history < 0) return corrupt("negative log history");
  return state;
}

Status StateStore::SaveSequenceFiles(const std::vector<SavedSequenceFile>& files) {
  TSEQ_ASSIGN_OR_RETURN(const std::string sealed, sealer_->Seal(EncodeSequenceFiles(files)));
  return filesystem_->WriteFileAtomically(sequence_path(), sealed, 0600);
}

Result<std::vector<SavedSequenceFile>> StateStore::LoadSequenceFiles(
    const std::string& top_level_path) const {
  TSEQ_ASSIGN_OR_RETURN(const std::string sealed, filesystem_->ReadFile(sequence_path()));
  Result<std::string> text = sealer_->Unseal(sealed);
  if (!text.ok()) {
    return CorruptionError("saved sequence '" + sequence_path() +
                           "' cannot be used: " + text.status().message());
  }
  if (!text->starts_with(kSequenceFilesHeader)) {
    return std::vector<SavedSequenceFile>{{top_level_path, std::move(text).value()}};
  }
  std::optional<std::vector<SavedSequenceFile>> files = DecodeSequenceFiles(*text);
  if (!files.has_value()) {
    return CorruptionError("saved sequence '" + sequence_path() +
                           "' cannot be used: its list of files is damaged");
  }
  return std::move(*files);
}

Status StateStore::Clear() {
  for (const std::string& name : {std::string("state.json"), std::string("sequence.sealed")}) {
    const Status status = filesystem_->Remove(directory_ + "/" + name);
    if (!status.ok() && status.code() != StatusCode::kNotFound) return status;
  }
  return Status::Ok();
}

Result<MachineLock> MachineLock::Acquire(const std::string& directory) {
  const std::string path = directory + "/lock";
  const int descriptor = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (descriptor < 0) {
    return IoError("cannot open lock '" + path + "': " + std::strerror(errno));
  }
  if (flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[32] = {};
    const ssize_t count = pread(descriptor, holder, sizeof(holder) - 1, 0);
    close(descriptor);
    if (error == EWOULDBLOCK) {
      std::string message = "another task sequence is running on this machine (lock " + path;
      if (count > 0)
        message += " held by process " + std::string(holder, static_cast<size_t>(count));
      return Status(StatusCode::kAlreadyExists, message + ")");
    }
    return IoError("cannot lock '" + path + "': " + std::strerror(error));
  }
  const std::string pid = std::to_string(getpid());
  if (ftruncate(descriptor, 0) == 0) {
    (void)!pwrite(descriptor, pid.data(), pid.size(), 0);
  }
  return MachineLock(descriptor);
}

MachineLock::~MachineLock() {
  if (descriptor_ >= 0) close(descriptor_);
}

}  // namespace tseq
