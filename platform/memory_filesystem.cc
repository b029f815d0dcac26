#include "platform/memory_filesystem.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <utility>

#include "base/strings.h"
#include "platform/errno_status.h"
#include "platform/machine_root.h"

namespace tseq {
namespace {

// Linux follows at most 40 symlinks while resolving one path.
constexpr int kMaxSymlinkHops = 40;

// A Status with the errno's code and only its reason as the message.
Status Reason(int error) {
  return Status(ErrnoStatusCode(error), std::generic_category().message(error));
}

// "cannot ACTION 'PATH': REASON".
Status Describe(const Status& reason, const std::string& action, const std::string& path) {
  return reason.WithContext("cannot " + action + " '" + path + "'");
}

std::vector<std::string> Components(const std::string& normalized) {
  std::vector<std::string> components;
  for (std::string& part : Split(normalized, '/')) {
    if (!part.empty()) components.push_back(std::move(part));
  }
  return components;
}

std::string ParentOf(const std::string& normalized) {
  const size_t slash = normalized.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : normalized.substr(0, slash);
}

// The prefix under which the children of `directory` are stored.
std::string ChildPrefix(const std::string& directory) {
  return directory == "/" ? directory : directory + "/";
}

template <typename Map>
bool HasChildren(const Map& entries, const std::string& directory) {
  const std::string prefix = ChildPrefix(directory);
  const auto it = entries.upper_bound(prefix);
  return it != entries.end() && it->first.starts_with(prefix);
}

[[noreturn]] void SetUpFailed(const std::string& what, const Status& status) {
  std::fprintf(stderr, "MemoryFilesystem set-up failed: %s: %s\n", what.c_str(),
               status.message().c_str());
  std::abort();
}

}  // namespace

Result<std::string> MemoryFilesystem::ResolveLocked(const std::string& path,
                                                    SymlinkPolicy policy) const {
  if (path.empty() || path.front() != '/') {
    return InvalidArgumentError("not an absolute path");
  }
  std::string current = NormalizeAbsolutePath(path);
  int hops = 0;
  // Each symlink restarts the walk on the substituted path, which is normalised lexically.
  while (true) {
    const std::vector<std::string> components = Components(current);
    std::string prefix;
    bool restarted = false;
    for (size_t i = 0; i < components.size() && !restarted; ++i) {
      const bool last = i + 1 == components.size();
      const std::string candidate = prefix + "/" + components[i];
      const auto it = entries_.find(candidate);
      if (it == entries_.end()) {
        if (last) return candidate;
        return Reason(ENOENT);
      }
      const Entry& entry = it->second;
      if (entry.type == FileType::kSymlink && (!last || policy == SymlinkPolicy::kFollow)) {
        if (++hops > kMaxSymlinkHops) return Reason(ELOOP);
        if (entry.contents.empty()) return Reason(ENOENT);
        std::string substituted =
            entry.contents.front() == '/' ? entry.contents : prefix + "/" + entry.contents;
        for (size_t j = i + 1; j < components.size(); ++j) substituted += "/" + components[j];
        current = NormalizeAbsolutePath(substituted);
        restarted = true;
        continue;
      }
      if (!last && entry.type != FileType::kDirectory) return Reason(ENOTDIR);
      prefix = candidate;
    }
    if (!restarted) return prefix.empty() ? std::string("/") : prefix;
  }
}

Result<FileInfo> MemoryFilesystem::Stat(const std::string& path, SymlinkPolicy policy) const {
  std::lock_guard lock(mutex_);
  const Result<std::string> resolved = ResolveLocked(path, policy);
  if (!resolved.ok()) return Describe(resolved.status(), "stat", path);
  const auto it = entries_.find(*resolved);
  if (it == entries_.end()) return Describe(Reason(ENOENT), "stat", path);
  const Entry& entry = it->second;
  FileInfo info;
  info.type = entry.type;
  info.size = entry.type == FileType::kDirectory ? 0 : entry.contents.size();
  info.modified = entry.modified;
  info.mode = entry.mode;
  return info;
}

Result<std::string> MemoryFilesystem::ReadFile(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "read", path);
  const auto it = entries_.find(*resolved);
  if (it == entries_.end()) return Describe(Reason(ENOENT), "read", path);
  if (it->second.type == FileType::kDirectory) return Describe(Reason(EISDIR), "read", path);
  return it->second.contents;
}

Result<std::string> MemoryFilesystem::ReadSymlink(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "read symlink", path);
  const auto it = entries_.find(*resolved);
  if (it == entries_.end()) return Describe(Reason(ENOENT), "read symlink", path);
  if (it->second.type != FileType::kSymlink) {
    return InvalidArgumentError("cannot read symlink '" + path + "': not a symbolic link");
  }
  return it->second.contents;
}

Result<std::vector<std::string>> MemoryFilesystem::ListDirectory(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "list directory", path);
  const auto it = entries_.find(*resolved);
  if (it == entries_.end()) return Describe(Reason(ENOENT), "list directory", path);
  if (it->second.type != FileType::kDirectory) {
    return Describe(Reason(ENOTDIR), "list directory", path);
  }
  // The map is sorted bytewise and every child shares the prefix, so names come out sorted.
  const std::string prefix = ChildPrefix(*resolved);
  std::vector<std::string> names;
  for (auto child = entries_.upper_bound(prefix);
       child != entries_.end() && child->first.starts_with(prefix); ++child) {
    const std::string_view name = std::string_view(child->first).substr(prefix.size());
    if (name.find('/') == std::string_view::npos) names.emplace_back(name);
  }
  return names;
}

Status MemoryFilesystem::CreateDirectoriesLocked(const std::string& path, mode_t mode) {
  if (path.empty() || path.front() != '/') {
    return Describe(InvalidArgumentError("not an absolute path"), "create directory", path);
  }
  const std::vector<std::string> components = Components(NormalizeAbsolutePath(path));
  std::string prefix;
  for (size_t i = 0; i < components.size(); ++i) {
    const bool last = i + 1 == components.size();
    prefix += "/" + components[i];
    const Result<std::string> resolved = ResolveLocked(prefix, SymlinkPolicy::kDoNotFollow);
    if (!resolved.ok()) return Describe(resolved.status(), "create directory", path);
    const auto it = entries_.find(*resolved);
    if (it == entries_.end()) {
      entries_[*resolved] = Entry{.type = FileType::kDirectory, .mode = mode & 07777};
      continue;
    }
    FileType type = it->second.type;
    if (type == FileType::kSymlink) {
      // A symlink to a directory is as good as the directory, as with mkdir -p.
      const Result<std::string> target = ResolveLocked(prefix, SymlinkPolicy::kFollow);
      if (!target.ok()) return Describe(target.status(), "create directory", path);
      const auto target_entry = entries_.find(*target);
      type = target_entry == entries_.end() ? FileType::kOther : target_entry->second.type;
    }
    if (type != FileType::kDirectory) {
      return Describe(Reason(last ? EEXIST : ENOTDIR), "create directory", path);
    }
  }
  return Status::Ok();
}

Status MemoryFilesystem::CreateDirectories(const std::string& path, mode_t mode) {
  std::lock_guard lock(mutex_);
  return CreateDirectoriesLocked(path, mode);
}

Status MemoryFilesystem::PutLocked(const std::string& path, Entry entry) {
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "write", path);
  const auto it = entries_.find(*resolved);
  if (it != entries_.end() && it->second.type == FileType::kDirectory) {
    return Describe(Reason(EISDIR), "write", path);
  }
  entries_[*resolved] = std::move(entry);
  return Status::Ok();
}

Status MemoryFilesystem::WriteFileAtomically(const std::string& path, std::string_view contents,
                                             mode_t mode) {
  std::lock_guard lock(mutex_);
  return PutLocked(
      path,
      Entry{.type = FileType::kRegular, .contents = std::string(contents), .mode = mode & 07777});
}

Status MemoryFilesystem::Remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "remove", path);
  if (*resolved == "/") return Describe(Reason(EBUSY), "remove", path);
  const auto it = entries_.find(*resolved);
  if (it == entries_.end()) return Describe(Reason(ENOENT), "remove", path);
  if (HasChildren(entries_, *resolved)) return Describe(Reason(ENOTEMPTY), "remove", path);
  entries_.erase(it);
  return Status::Ok();
}

Status MemoryFilesystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(mutex_);
  const std::string what = "cannot rename '" + from + "' to '" + to + "'";
  const Result<std::string> source = ResolveLocked(from, SymlinkPolicy::kDoNotFollow);
  if (!source.ok()) return source.status().WithContext(what);
  const Result<std::string> destination = ResolveLocked(to, SymlinkPolicy::kDoNotFollow);
  if (!destination.ok()) return destination.status().WithContext(what);
  const auto source_entry = entries_.find(*source);
  if (source_entry == entries_.end()) return Reason(ENOENT).WithContext(what);
  if (*source == *destination) return Status::Ok();
  if (*source == "/" || *destination == "/") return Reason(EBUSY).WithContext(what);

  const bool moving_directory = source_entry->second.type == FileType::kDirectory;
  const std::string source_children = ChildPrefix(*source);
  if (moving_directory && destination->starts_with(source_children)) {
    return Reason(EINVAL).WithContext(what);
  }
  const auto destination_entry = entries_.find(*destination);
  if (destination_entry != entries_.end()) {
    const bool replacing_directory = destination_entry->second.type == FileType::kDirectory;
    if (moving_directory && !replacing_directory) return Reason(ENOTDIR).WithContext(what);
    if (!moving_directory && replacing_directory) return Reason(EISDIR).WithContext(what);
    if (HasChildren(entries_, *destination)) return Reason(ENOTEMPTY).WithContext(what);
    entries_.erase(destination_entry);
  }

  std::map<std::string, Entry> moved;
  moved[*destination] = std::move(source_entry->second);
  entries_.erase(source_entry);
  if (moving_directory) {
    auto child = entries_.lower_bound(source_children);
    while (child != entries_.end() && child->first.starts_with(source_children)) {
      moved[*destination + child->first.substr(source->size())] = std::move(child->second);
      child = entries_.erase(child);
    }
  }
  entries_.merge(moved);
  return Status::Ok();
}

void MemoryFilesystem::AddFile(const std::string& path, std::string_view contents, mode_t mode) {
  std::lock_guard lock(mutex_);
  Status status = CreateDirectoriesLocked(ParentOf(NormalizeAbsolutePath(path)), 0755);
  if (status.ok()) {
    status = PutLocked(
        path,
        Entry{.type = FileType::kRegular, .contents = std::string(contents), .mode = mode & 07777});
  }
  if (!status.ok()) SetUpFailed("AddFile " + path, status);
}

void MemoryFilesystem::AddSymlink(const std::string& path, const std::string& target) {
  std::lock_guard lock(mutex_);
  Status status = CreateDirectoriesLocked(ParentOf(NormalizeAbsolutePath(path)), 0755);
  if (status.ok()) {
    status = PutLocked(path, Entry{.type = FileType::kSymlink, .contents = target, .mode = 0777});
  }
  if (!status.ok()) SetUpFailed("AddSymlink " + path, status);
}

void MemoryFilesystem::SetModified(const std::string& path,
                                   std::chrono::system_clock::time_point modified) {
  std::lock_guard lock(mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  const auto it = resolved.ok() ? entries_.find(*resolved) : entries_.end();
  if (it == entries_.end()) SetUpFailed("SetModified " + path, Reason(ENOENT));
  it->second.modified = modified;
}

}  // namespace tseq
