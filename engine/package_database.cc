#include "engine/package_database.h"

#include "base/strings.h"

namespace tseq {
namespace {

struct PackageQuery {
  std::string_view name;
  std::string_view architecture;  // "" = any
};

PackageQuery ParseQuery(std::string_view query) {
  const std::string_view trimmed = TrimWhitespace(query);
  const size_t colon = trimmed.find(':');
  if (colon == std::string_view::npos) return {trimmed, {}};
  return {trimmed.substr(0, colon), trimmed.substr(colon + 1)};
}

bool Matches(const PackageRecord& record, const PackageQuery& query) {
  return EqualsIgnoreCase(record.name, query.name) &&
         (query.architecture.empty() || EqualsIgnoreCase(record.architecture, query.architecture));
}

// Stores `value` in the record field named `field`, if it is one the record keeps.
void AssignField(std::string_view field, std::string_view value, PackageRecord& record) {
  if (EqualsIgnoreCase(field, "Package")) {
    record.name.assign(value);
  } else if (EqualsIgnoreCase(field, "Status")) {
    record.status.assign(value);
  } else if (EqualsIgnoreCase(field, "Architecture")) {
    record.architecture.assign(value);
  } else if (EqualsIgnoreCase(field, "Version")) {
    record.version.assign(value);
  }
}

}  // namespace

bool PackageRecord::installed() const {
  const std::string_view trimmed = TrimWhitespace(status);
  const size_t space = trimmed.find_last_of(" \t");
  const std::string_view last_word =
      space == std::string_view::npos ? trimmed : trimmed.substr(space + 1);
  return last_word == "installed";
}

PackageDatabase PackageDatabase::Parse(std::string_view status_text) {
  PackageDatabase database;
  PackageRecord current;
  const auto finish_stanza = [&] {
    if (!current.name.empty()) {
      database.by_name_[ToLowerAscii(current.name)].push_back(std::move(current));
    }
    current = PackageRecord();
  };
  // A status file runs to megabytes; walk it as views and copy only the fields kept.
  size_t start = 0;
  while (start <= status_text.size()) {
    size_t end = status_text.find('\n', start);
    if (end == std::string_view::npos) end = status_text.size();
    std::string_view line = status_text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimWhitespace(line).empty()) {
      finish_stanza();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    AssignField(line.substr(0, colon), TrimWhitespace(line.substr(colon + 1)), current);
  }
  finish_stanza();
  return database;
}

std::vector<PackageRecord> PackageDatabase::Find(std::string_view query) const {
  const PackageQuery wanted = ParseQuery(query);
  std::vector<PackageRecord> matches;
  const auto found = by_name_.find(ToLowerAscii(wanted.name));
  if (found == by_name_.end()) return matches;
  for (const PackageRecord& record : found->second) {
    if (Matches(record, wanted)) matches.push_back(record);
  }
  return matches;
}

std::vector<PackageRecord> FindPackageRecords(std::string_view status_text,
                                              std::string_view query) {
  return PackageDatabase::Parse(status_text).Find(query);
}

Result<std::string> ReadDpkgStatus(const MachineRoot& machine_root) {
  TSEQ_ASSIGN_OR_RETURN(const std::string host_path,
                        machine_root.Resolve(kDpkgStatusPath, SymlinkPolicy::kFollow));
  return machine_root.filesystem().ReadFile(host_path);
}

}  // namespace tseq

namespace tseq {
namespace {

bool SameFile(const FileInfo& a, const FileInfo& b) {
  return a.device == b.device && a.inode == b.inode && a.size == b.size && a.modified == b.modified;
}

}  // namespace

Result<std::shared_ptr<const PackageDatabase>> LoadPackageDatabase(
    const MachineRoot& machine_root) {
  TSEQ_ASSIGN_OR_RETURN(const std::string text, ReadDpkgStatus(machine_root));
  return std::make_shared<const PackageDatabase>(PackageDatabase::Parse(text));
}

Result<std::shared_ptr<const PackageDatabase>> PackageDatabaseCache::Load(
    const MachineRoot& machine_root) {
  TSEQ_ASSIGN_OR_RETURN(const std::string host_path,
                        machine_root.Resolve(kDpkgStatusPath, SymlinkPolicy::kFollow));
  const Filesystem& filesystem = machine_root.filesystem();
  TSEQ_ASSIGN_OR_RETURN(const FileInfo before, filesystem.Stat(host_path, SymlinkPolicy::kFollow));
  {
    std::lock_guard lock(mutex_);
    if (database_ && host_path_ == host_path && SameFile(info_, before)) return database_;
  }
  TSEQ_ASSIGN_OR_RETURN(const std::string text, filesystem.ReadFile(host_path));
  auto database = std::make_shared<const PackageDatabase>(PackageDatabase::Parse(text));
  // Kept only when the file did not change while it was read, so the key matches the content.
  Result<FileInfo> after = filesystem.Stat(host_path, SymlinkPolicy::kFollow);
  if (after.ok() && SameFile(before, *after)) {
    std::lock_guard lock(mutex_);
    host_path_ = host_path;
    info_ = before;
    database_ = database;
  }
  return std::shared_ptr<const PackageDatabase>(std::move(database));
}

}  // namespace tseq
