#include "engine/os_release.h"

#include <utility>
#include <vector>

#include "base/strings.h"

namespace tseq {
namespace {

bool IsKeyCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// The value part of an assignment, after shell-style unquoting. A value that is not valid shell
// (an unterminated quote) is taken literally rather than dropping the whole line.
std::string UnquoteValue(std::string_view raw) {
  if (raw.empty()) return "";
  Result<std::vector<std::string>> words = SplitCommandLine(raw);
  if (!words.ok()) return std::string(raw);
  return Join(*words, " ");
}

Result<std::string> ReadMachineFile(const MachineRoot& machine_root, std::string_view path) {
  TSEQ_ASSIGN_OR_RETURN(const std::string host_path,
                        machine_root.Resolve(path, SymlinkPolicy::kFollow));
  return machine_root.filesystem().ReadFile(host_path);
}

}  // namespace

std::string OsRelease::Get(std::string_view key) const {
  const auto found = fields.find(std::string(key));
  return found == fields.end() ? std::string() : found->second;
}

std::string OsRelease::Id() const {
  const std::string id = Get("ID");
  return id.empty() ? "linux" : id;
}

std::map<std::string, std::string> ParseOsRelease(std::string_view text) {
  std::map<std::string, std::string> fields;
  for (const std::string& line : Split(text, '\n')) {
    const std::string_view trimmed = TrimWhitespace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const size_t equals = trimmed.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    const std::string_view key = trimmed.substr(0, equals);
    bool valid_key = true;
    for (const char c : key) valid_key = valid_key && IsKeyCharacter(c);
    if (!valid_key) continue;
    fields[std::string(key)] = UnquoteValue(trimmed.substr(equals + 1));
  }
  return fields;
}

Result<OsRelease> ReadOsRelease(const MachineRoot& machine_root) {
  for (const std::string_view path : {kOsReleasePath, kOsReleaseFallbackPath}) {
    Result<std::string> text = ReadMachineFile(machine_root, path);
    if (!text.ok()) {
      if (text.status().code() == StatusCode::kNotFound) continue;
      return text.status();
    }
    OsRelease release;
    release.fields = ParseOsRelease(*text);
    release.source = std::string(path);
    return release;
  }
  return NotFoundError("no " + std::string(kOsReleasePath) + " or " +
                       std::string(kOsReleaseFallbackPath));
}

}  // namespace tseq
