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

std::vector<PackageRecord> FindPackageRecords(std::string_view status_text,
                                              std::string_view query) {
  const PackageQuery wanted = ParseQuery(query);
  std::vector<PackageRecord> matches;
  PackageRecord current;
  const auto finish_stanza = [&] {
    if (!current.name.empty() && Matches(current, wanted)) matches.push_back(current);
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
  return matches;
}

Result<std::string> ReadDpkgStatus(const MachineRoot& machine_root) {
  TSEQ_ASSIGN_OR_RETURN(const std::string host_path,
                        machine_root.Resolve(kDpkgStatusPath, SymlinkPolicy::kFollow));
  return machine_root.filesystem().ReadFile(host_path);
}

}  // namespace tseq
