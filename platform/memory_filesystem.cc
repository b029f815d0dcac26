#include "platform/memory_filesystem.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "base/strings.h"
#include "platform/machine_root.h"
#include "platform/memory_filesystem_internal.h"

namespace tseq {

using memory_filesystem_internal::Describe;
using memory_filesystem_internal::ParentOf;
using memory_filesystem_internal::Reason;

namespace {

// Linux follows at most 40 symlinks while resolving one path.
constexpr int kMaxSymlinkHops = 40;

std::vector<std::string> Components(const std::string& normalized) {
  std::vector<std::string> components;
  for (std::string& part : Split(normalized, '/')) {
    if (!part.empty()) components.push_back(std::move(part));
  }
  return components;
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

MemoryFilesystem::MemoryFilesystem() {
  entries_["/"] = NewInodeLocked(FileType::kDirectory, "", 0755);
}

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
      const Inode& entry = *it->second;
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

std::shared_ptr<MemoryFilesystem::Inode> MemoryFilesystem::FindLocked(
    const std::string& resolved) const {
  const auto it = entries_.find(resolved);
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<MemoryFilesystem::Inode> MemoryFilesystem::NewInodeLocked(FileType type,
                                                                          std::string contents,
                                                                          mode_t mode) {
  auto inode = std::make_shared<Inode>();
  inode->type = type;
  inode->contents = std::move(contents);
  inode->mode = mode & 07777;
  inode->number = next_inode_number_++;
  return inode;
}

Status MemoryFilesystem::CheckChangeableLocked(const std::string& resolved) const {
  const std::shared_ptr<Inode> entry = FindLocked(resolved);
  if (entry != nullptr && entry->immutable) return Reason(EPERM);
  if (resolved == "/") return Status::Ok();
  const std::shared_ptr<Inode> parent = FindLocked(ParentOf(resolved));
  if (parent != nullptr && parent->immutable) return Reason(EPERM);
  return Status::Ok();
}

void MemoryFilesystem::LinkLocked(const std::string& resolved, std::shared_ptr<Inode> inode) {
  std::shared_ptr<Inode>& slot = entries_[resolved];
  if (slot != nullptr) --slot->link_count;
  slot = std::move(inode);
}

FileInfo MemoryFilesystem::InfoOf(const Inode& inode) {
  FileInfo info;
  info.type = inode.type;
  info.size = inode.contents.size();
  info.modified = inode.modified;
  info.mode = inode.mode;
  info.owner = inode.owner;
  info.group = inode.group;
  info.device = 1;
  info.inode = inode.number;
  info.link_count = inode.link_count;
  return info;
}

Result<FileInfo> MemoryFilesystem::Stat(const std::string& path, SymlinkPolicy policy) const {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, policy);
  if (!resolved.ok()) return Describe(resolved.status(), "stat", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "stat", path);
  FileInfo info = InfoOf(*entry);
  if (entry->type == FileType::kDirectory) info.size = 0;
  if (entry->type == FileType::kDirectory) {
    // As on ext4: its name, its own ".", and each subdirectory's "..".
    info.link_count = 2;
    const std::string prefix = ChildPrefix(*resolved);
    for (auto child = entries_.upper_bound(prefix);
         child != entries_.end() && child->first.starts_with(prefix); ++child) {
      if (child->second->type == FileType::kDirectory &&
          child->first.find('/', prefix.size()) == std::string::npos) {
        ++info.link_count;
      }
    }
  }
  return info;
}

Result<std::string> MemoryFilesystem::ReadFile(const std::string& path) const {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "read", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "read", path);
  if (entry->type == FileType::kDirectory) return Describe(Reason(EISDIR), "read", path);
  return entry->contents;
}

Result<std::string> MemoryFilesystem::ReadSymlink(const std::string& path) const {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "read symlink", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "read symlink", path);
  if (entry->type != FileType::kSymlink) {
    return InvalidArgumentError("cannot read symlink '" + path + "': not a symbolic link");
  }
  return entry->contents;
}

Result<std::vector<std::string>> MemoryFilesystem::ListDirectory(const std::string& path) const {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "list directory", path);
  const std::shared_ptr<Inode> entry = FindLocked(*resolved);
  if (entry == nullptr) return Describe(Reason(ENOENT), "list directory", path);
  if (entry->type != FileType::kDirectory) {
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
    const std::shared_ptr<Inode> entry = FindLocked(*resolved);
    if (entry == nullptr) {
      TSEQ_RETURN_IF_ERROR(Describe(CheckChangeableLocked(*resolved), "create directory", path));
      LinkLocked(*resolved, NewInodeLocked(FileType::kDirectory, "", mode));
      continue;
    }
    FileType type = entry->type;
    if (type == FileType::kSymlink) {
      // A symlink to a directory is as good as the directory, as with mkdir -p.
      const Result<std::string> target = ResolveLocked(prefix, SymlinkPolicy::kFollow);
      if (!target.ok()) return Describe(target.status(), "create directory", path);
      const std::shared_ptr<Inode> target_entry = FindLocked(*target);
      type = target_entry == nullptr ? FileType::kOther : target_entry->type;
    }
    if (type != FileType::kDirectory) {
      return Describe(Reason(last ? EEXIST : ENOTDIR), "create directory", path);
    }
  }
  return Status::Ok();
}

Status MemoryFilesystem::CreateDirectories(const std::string& path, mode_t mode) {
  std::lock_guard lock(*mutex_);
  return CreateDirectoriesLocked(path, mode);
}

Status MemoryFilesystem::PutLocked(const std::string& path, std::shared_ptr<Inode> inode) {
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "write", path);
  const std::shared_ptr<Inode> existing = FindLocked(*resolved);
  if (existing != nullptr && existing->type == FileType::kDirectory) {
    return Describe(Reason(EISDIR), "write", path);
  }
  TSEQ_RETURN_IF_ERROR(Describe(CheckChangeableLocked(*resolved), "write", path));
  LinkLocked(*resolved, std::move(inode));
  return Status::Ok();
}

Status MemoryFilesystem::WriteFileAtomically(const std::string& path, std::string_view contents,
                                             mode_t mode) {
  std::lock_guard lock(*mutex_);
  return PutLocked(path, NewInodeLocked(FileType::kRegular, std::string(contents), mode));
}

Status MemoryFilesystem::WriteFileAtomicallyOwnedBy(const std::string& path,
                                                    std::string_view contents, mode_t mode,
                                                    uid_t owner, gid_t group) {
  std::lock_guard lock(*mutex_);
  std::shared_ptr<Inode> inode = NewInodeLocked(FileType::kRegular, std::string(contents), mode);
  inode->owner = owner;
  inode->group = group;
  return PutLocked(path, std::move(inode));
}

Status MemoryFilesystem::Remove(const std::string& path) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  if (!resolved.ok()) return Describe(resolved.status(), "remove", path);
  if (*resolved == "/") return Describe(Reason(EBUSY), "remove", path);
  const auto it = entries_.find(*resolved);
  if (it == entries_.end()) return Describe(Reason(ENOENT), "remove", path);
  TSEQ_RETURN_IF_ERROR(Describe(CheckChangeableLocked(*resolved), "remove", path));
  if (HasChildren(entries_, *resolved)) return Describe(Reason(ENOTEMPTY), "remove", path);
  --it->second->link_count;
  entries_.erase(it);
  return Status::Ok();
}

Status MemoryFilesystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(*mutex_);
  const std::string what = "cannot rename '" + from + "' to '" + to + "'";
  const Result<std::string> source = ResolveLocked(from, SymlinkPolicy::kDoNotFollow);
  if (!source.ok()) return source.status().WithContext(what);
  const Result<std::string> destination = ResolveLocked(to, SymlinkPolicy::kDoNotFollow);
  if (!destination.ok()) return destination.status().WithContext(what);
  const auto source_entry = entries_.find(*source);
  if (source_entry == entries_.end()) return Reason(ENOENT).WithContext(what);
  if (*source == *destination) return Status::Ok();
  if (*source == "/" || *destination == "/") return Reason(EBUSY).WithContext(what);
  TSEQ_RETURN_IF_ERROR(CheckChangeableLocked(*source).WithContext(what));
  TSEQ_RETURN_IF_ERROR(CheckChangeableLocked(*destination).WithContext(what));

  const bool moving_directory = source_entry->second->type == FileType::kDirectory;
  const std::string source_children = ChildPrefix(*source);
  if (moving_directory && destination->starts_with(source_children)) {
    return Reason(EINVAL).WithContext(what);
  }
  const auto destination_entry = entries_.find(*destination);
  if (destination_entry != entries_.end()) {
    // rename(2) between two names of one file does nothing.
    if (destination_entry->second == source_entry->second) return Status::Ok();
    const bool replacing_directory = destination_entry->second->type == FileType::kDirectory;
    if (moving_directory && !replacing_directory) return Reason(ENOTDIR).WithContext(what);
    if (!moving_directory && replacing_directory) return Reason(EISDIR).WithContext(what);
    if (HasChildren(entries_, *destination)) return Reason(ENOTEMPTY).WithContext(what);
    --destination_entry->second->link_count;
    entries_.erase(destination_entry);
  }

  std::map<std::string, std::shared_ptr<Inode>> moved;
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
  std::lock_guard lock(*mutex_);
  Status status = CreateDirectoriesLocked(ParentOf(NormalizeAbsolutePath(path)), 0755);
  if (status.ok()) {
    status = PutLocked(path, NewInodeLocked(FileType::kRegular, std::string(contents), mode));
  }
  if (!status.ok()) SetUpFailed("AddFile " + path, status);
}

void MemoryFilesystem::AddSymlink(const std::string& path, const std::string& target) {
  std::lock_guard lock(*mutex_);
  Status status = CreateDirectoriesLocked(ParentOf(NormalizeAbsolutePath(path)), 0755);
  if (status.ok()) status = PutLocked(path, NewInodeLocked(FileType::kSymlink, target, 0777));
  if (!status.ok()) SetUpFailed("AddSymlink " + path, status);
}

void MemoryFilesystem::SetModified(const std::string& path,
                                   std::chrono::system_clock::time_point modified) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  const std::shared_ptr<Inode> entry = resolved.ok() ? FindLocked(*resolved) : nullptr;
  if (entry == nullptr) SetUpFailed("SetModified " + path, Reason(ENOENT));
  entry->modified = modified;
}

void MemoryFilesystem::SetOwner(const std::string& path, uid_t owner, gid_t group) {
  std::lock_guard lock(*mutex_);
  const Result<std::string> resolved = ResolveLocked(path, SymlinkPolicy::kDoNotFollow);
  const std::shared_ptr<Inode> entry = resolved.ok() ? FindLocked(*resolved) : nullptr;
  if (entry == nullptr) SetUpFailed("SetOwner " + path, Reason(ENOENT));
  entry->owner = owner;
  entry->group = group;
}

}  // namespace tseq
