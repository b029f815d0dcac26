#include "platform/file_metadata.h"

#include <chrono>
#include <functional>
#include <optional>

namespace tseq {
namespace {

// The qualifier of an ACL entry ("[default:]TAG:QUALIFIER:PERMISSIONS"), as a position and a
// length within `entry`, when TAG is a user or group tag and QUALIFIER is not empty.
struct Qualifier {
  AclQualifierKind kind = AclQualifierKind::kUser;
  size_t start = 0;
  size_t length = 0;
};

std::optional<Qualifier> FindQualifier(const std::string& entry) {
  size_t position = entry.find_first_not_of(" \t");
  if (position == std::string::npos || entry[position] == '#') return std::nullopt;
  size_t colon = entry.find(':', position);
  if (colon == std::string::npos) return std::nullopt;
  std::string tag = entry.substr(position, colon - position);
  if (tag == "default" || tag == "d") {
    position = colon + 1;
    colon = entry.find(':', position);
    if (colon == std::string::npos) return std::nullopt;
    tag = entry.substr(position, colon - position);
  }
  Qualifier qualifier;
  if (tag == "user" || tag == "u") {
    qualifier.kind = AclQualifierKind::kUser;
  } else if (tag == "group" || tag == "g") {
    qualifier.kind = AclQualifierKind::kGroup;
  } else {
    return std::nullopt;
  }
  qualifier.start = colon + 1;
  const size_t end = entry.find(':', qualifier.start);
  if (end == std::string::npos || end == qualifier.start) return std::nullopt;
  qualifier.length = end - qualifier.start;
  return qualifier;
}

}  // namespace

Result<FileMetadata> MetadataReader::ReadOpenFile(const ReadableFile& file,
                                                  const FileInfo& /*info*/) const {
  return Read(file.path());
}

Result<FileMetadata> MetadataReader::ReadLinkedFile(const std::string& path,
                                                    const std::string& /*own_path*/,
                                                    const FileInfo& /*info*/) const {
  return Read(path);
}

FileMetadata MetadataOfFileInfo(const FileInfo& info) {
  FileMetadata metadata;
  metadata.type = info.type;
  metadata.mode = info.mode & 07777;
  metadata.uid = info.owner;
  metadata.gid = info.group;
  // floor, not truncation: a time before the epoch has a negative second and positive nanoseconds,
  // as stat(2) gives it.
  const auto since_epoch = info.modified.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  metadata.modified = FileTime{
      static_cast<int64_t>(seconds.count()),
      static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count())};
  metadata.size = info.size;
  metadata.device = info.device;
  metadata.inode = info.inode;
  metadata.link_count = info.link_count;
  return metadata;
}

Result<std::string> RewriteAclQualifiers(
    const std::string& acl_text,
    const std::function<Result<std::string>(AclQualifierKind kind, const std::string& qualifier)>&
        map) {
  std::string result;
  result.reserve(acl_text.size());
  size_t start = 0;
  while (start <= acl_text.size()) {
    size_t end = acl_text.find_first_of(",\n", start);
    if (end == std::string::npos) end = acl_text.size();
    std::string entry = acl_text.substr(start, end - start);
    if (const std::optional<Qualifier> qualifier = FindQualifier(entry); qualifier.has_value()) {
      Result<std::string> mapped =
          map(qualifier->kind, entry.substr(qualifier->start, qualifier->length));
      if (!mapped.ok()) return mapped.status().WithContext("in the ACL '" + acl_text + "'");
      entry.replace(qualifier->start, qualifier->length, *mapped);
    }
    result += entry;
    if (end < acl_text.size()) result += acl_text[end];
    start = end + 1;
  }
  return result;
}

}  // namespace tseq
