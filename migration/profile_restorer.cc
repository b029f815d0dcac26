#include "migration/profile_restorer.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include <sys/stat.h>

namespace tseq {
namespace {

// More copies than this of one name is not a collision but a loop (or an attack): give up.
constexpr int kMaximumCopies = 1000;

std::string ParentOf(const std::string& relative) {
  const size_t slash = relative.rfind('/');
  return slash == std::string::npos ? "" : relative.substr(0, slash);
}

size_t Depth(const std::string& relative) {
  return static_cast<size_t>(std::count(relative.begin(), relative.end(), '/'));
}

bool IsNumber(const std::string& text) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc() && stop == end;
}

}  // namespace

struct ProfileRestorer::Placement {
  std::string relative;
  bool present = false;  // the entry is already there: only its metadata is applied
  int number = 0;        // the collision copy it went to; 0: its own name
};

ProfileRestorer::ProfileRestorer(OpenedStore& store, RootedDirectory& home,
                                 const LocalAccounts& accounts, RestoredUser user, UsmtLog& log,
                                 std::optional<HardLinkSource> hard_link)
    : store_(store),
      home_(home),
      accounts_(accounts),
      restored_user_(std::move(user)),
      user_(restored_user_.ids),
      log_(log),
      hard_link_(std::move(hard_link)) {}

std::string ProfileRestorer::NumberedName(const std::string& relative, int number) {
  const size_t slash = relative.rfind('/');
  const size_t leaf_start = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = relative.rfind('.');
  // A leading dot names a hidden file, not an extension: ".bashrc (1)".
  if (dot == std::string::npos || dot <= leaf_start) dot = relative.size();
  return relative.substr(0, dot) + " (" + std::to_string(number) + ")" + relative.substr(dot);
}

mode_t ProfileRestorer::SafeMode(uint32_t mode, bool directory, FileOwner owner, FileOwner user) {
  mode_t safe = static_cast<mode_t>(mode & 07777U);
  if (owner.uid != user.uid) safe &= ~static_cast<mode_t>(S_ISUID);
  if (!directory && owner.gid != user.gid) safe &= ~static_cast<mode_t>(S_ISGID);
  return safe;
}

uid_t ProfileRestorer::MapOwner(const std::string& name, AclQualifierKind kind) {
  const bool is_user = kind == AclQualifierKind::kUser;
  const std::string& own_name = is_user ? restored_user_.owner_name : restored_user_.group_name;
  if (name == own_name) return is_user ? user_.uid : user_.gid;
  const std::optional<uint32_t> id =
      name.empty() ? std::nullopt : (is_user ? accounts_.UserId(name) : accounts_.GroupId(name));
  if (id) return *id;
  const std::string key = (is_user ? "user " : "group ") + name;
  if (warned_names_.insert(key).second) {
    log_.Warning(
        (name.empty()
             ? std::string(is_user ? "an owner" : "a group") + " without a name in the store"
             : (is_user ? "owner '" : "group '") + name + "' is not an account of the target") +
        ": its files in '" + home_.path() + "' get the restored user's " +
        (is_user ? "uid " + std::to_string(user_.uid) : "gid " + std::to_string(user_.gid)));
  }
  return is_user ? user_.uid : user_.gid;
}

Result<MetadataUpdate> ProfileRestorer::UpdateFor(const archive::CatalogEntry& entry) {
  MetadataUpdate update;
  const FileOwner owner{MapOwner(entry.owner, AclQualifierKind::kUser),
                        MapOwner(entry.group, AclQualifierKind::kGroup)};
  update.owner = owner;
  update.modified = FileTime{entry.mtime_seconds, entry.mtime_nanoseconds};
  for (const archive::ExtendedAttribute& attribute : entry.extended_attributes) {
    update.extended_attributes.push_back({attribute.name, attribute.value});
  }
  if (entry.type == archive::EntryType::kSymlink) return update;
  const bool directory = entry.type == archive::EntryType::kDirectory;
  update.mode = SafeMode(entry.mode, directory, owner, user_);
  // Qualifiers are names (or numbers the source had no account for): both map like owners, a
  // number never being trusted across machines.
  const auto to_target = [this](AclQualifierKind kind,
                                const std::string& qualifier) -> Result<std::string> {
    return std::to_string(MapOwner(IsNumber(qualifier) ? "" : qualifier, kind));
  };
  if (!entry.access_acl.empty()) {
    TSEQ_ASSIGN_OR_RETURN(std::string acl, RewriteAclQualifiers(entry.access_acl, to_target));
    update.access_acl = std::move(acl);
  }
  if (directory && !entry.default_acl.empty()) {
    TSEQ_ASSIGN_OR_RETURN(std::string acl, RewriteAclQualifiers(entry.default_acl, to_target));
    update.default_acl = std::move(acl);
  }
  return update;
}

Status ProfileRestorer::EnsureParent(const std::string& relative) {
  const std::string parent = ParentOf(relative);
  // Entries come parents first, so a folder is usually known by now. Skipping the check risks
  // nothing: every later operation resolves the path again, never through a symlink.
  if (parent.empty() || known_folders_.contains(parent)) return Status();
  TSEQ_ASSIGN_OR_RETURN(std::vector<std::string> created, home_.MakeDirectories(parent, 0700));
  known_folders_.insert(parent);
  // Folders the store has no entry for belong to the user; a stored entry re-applies its own.
  for (const std::string& folder : created) {
    MetadataUpdate update;
    update.owner = user_;
    TSEQ_RETURN_IF_ERROR(home_.ApplyMetadata(folder, update));
  }
  return Status();
}

Result<bool> ProfileRestorer::Matches(const std::string& relative, uint64_t index,
                                      const archive::CatalogEntry& entry) {
  TSEQ_ASSIGN_OR_RETURN(FileInfo info, home_.Stat(relative));
  switch (entry.type) {
    case archive::EntryType::kDirectory:
      return info.type == FileType::kDirectory;
    case archive::EntryType::kSymlink: {
      if (info.type != FileType::kSymlink) return false;
      TSEQ_ASSIGN_OR_RETURN(FileMetadata metadata, home_.ReadMetadata(relative));
      return metadata.symlink_target == entry.symlink_target;
    }
    case archive::EntryType::kHardLink: {
      const auto first = restored_files_.find(entry.link_entry);
      if (info.type != FileType::kRegular || first == restored_files_.end()) return false;
      TSEQ_ASSIGN_OR_RETURN(FileInfo first_info, home_.Stat(first->second));
      return first_info.device == info.device && first_info.inode == info.inode;
    }
    case archive::EntryType::kFile: {
      if (info.type != FileType::kRegular || info.size != entry.size) return false;
      TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file, home_.OpenForRead(relative));
      return HasSameContent(*file, [&](const std::function<Status(std::string_view)>& sink) {
        return store_.ReadContent(index, sink);
      });
    }
  }
  return false;
}

Result<ProfileRestorer::Placement> ProfileRestorer::Place(uint64_t index,
                                                          const archive::CatalogEntry& entry) {
  for (int number = 0; number <= kMaximumCopies; ++number) {
    Placement placement{number == 0 ? entry.path : NumberedName(entry.path, number), false, number};
    // A file waiting in the batch for this name is named first, so that it is seen.
    if (batch_.HasName(placement.relative)) TSEQ_RETURN_IF_ERROR(FlushBatch());
    const Result<bool> matches = Matches(placement.relative, index, entry);
    if (!matches.ok() && matches.status().code() == StatusCode::kNotFound) return placement;
    TSEQ_RETURN_IF_ERROR(matches.status());
    if (*matches) {
      placement.present = true;
      return placement;
    }
    if (entry.type == archive::EntryType::kDirectory) {
      const Result<FileInfo> info = home_.Stat(entry.path);
      const bool symlink = info.ok() && info->type == FileType::kSymlink;
      return FailedPreconditionError(
          "cannot restore the folder '" + home_.path() + "/" + entry.path +
          "': " + (symlink ? "it is a symlink (never followed)" : "a file has its name"));
    }
  }
  return FailedPreconditionError("cannot restore '" + home_.path() + "/" + entry.path + "': " +
                                 std::to_string(kMaximumCopies) + " copies of it exist already");
}

Result<bool> ProfileRestorer::RestoreFile(uint64_t index, const Placement& placement,
                                          const std::string& stored_path,
                                          const std::string& machine_path,
                                          const MetadataUpdate& update) {
  const std::string& relative = placement.relative;
  const uint64_t size = store_.catalog().entries[index].size;
  if (!hard_link_) {
    TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<PendingFile> file, home_.CreateFile(relative));
    TSEQ_RETURN_IF_ERROR(
        store_.ReadContent(index, [&](std::string_view data) { return file->Append(data); }));
    TSEQ_RETURN_IF_ERROR(file->Seal(update));
    if (batch_.Add({std::move(file), index, relative, size, stored_path, machine_path,
                    placement.number})) {
      TSEQ_RETURN_IF_ERROR(FlushBatch());
    }
    return false;
  }
  TSEQ_RETURN_IF_ERROR(hard_link_->base->CreateHardLink(
      hard_link_->content(index), hard_link_->home + "/" + relative, ReplacePolicy::kNoReplace));
  TSEQ_RETURN_IF_ERROR(home_.ApplyMetadata(relative, update));
  summary_.bytes += size;
  if (on_bytes_) on_bytes_(size);
  return true;
}

Status ProfileRestorer::FlushBatch() {
  stop_ = batch_.Flush(
      home_,
      [this](const RestoreBatch::File& file) {
        restored_files_[file.index] = file.relative;
        summary_.bytes += file.size;
        if (on_bytes_) on_bytes_(file.size);
        Counted(file.machine_path, file.stored_path, file.relative, file.copy);
      },
      [this](const RestoreBatch::File& file, const Status& status) {
        if (!(*on_error_)(file.machine_path, status)) return false;
        ++summary_.skipped;
        return true;
      });
  return stop_;
}

void ProfileRestorer::Counted(const std::string& machine_path, const std::string& stored_path,
                              const std::string& relative, int number) {
  ++(number > 0 ? summary_.renamed : summary_.restored);
  if (number > 0) {
    log_.Information(machine_path + ": a different '" + stored_path + "' exists: restored as '" +
                     relative + "'");
  } else if (log_.verbose()) {
    log_.Verbose(machine_path + ": restored");
  }
}

Result<ProfileRestoreSummary> ProfileRestorer::Restore(
    uint32_t root, const std::string& machine_home, const RestoreErrorHandler& on_error,
    const std::function<void(uint64_t)>& on_bytes, const std::vector<bool>* selected) {
  summary_ = {};
  restored_files_.clear();
  known_folders_.clear();
  on_bytes_ = on_bytes;
  on_error_ = &on_error;
  stop_ = Status();
  // Whatever way Restore returns, no file is left waiting.
  struct BatchCleared {
    RestoreBatch& batch;
    ~BatchCleared() { batch.Clear(); }
  } batch_cleared{batch_};
  std::vector<std::pair<std::string, MetadataUpdate>> folders;
  const std::vector<archive::CatalogEntry>& entries = store_.catalog().entries;
  for (uint64_t catalog_index = 0; catalog_index < entries.size(); ++catalog_index) {
    if (entries[catalog_index].root != root) continue;
    if (selected != nullptr && !(*selected)[catalog_index]) continue;
    // A hard link whose first name is left out carries the content itself: it becomes that
    // file, restored under the hard link's name, and later links to the same file link to it.
    uint64_t index = catalog_index;
    archive::CatalogEntry promoted;
    const archive::CatalogEntry* stored = &entries[catalog_index];
    if (stored->type == archive::EntryType::kHardLink && selected != nullptr &&
        !(*selected)[stored->link_entry] && !restored_files_.contains(stored->link_entry) &&
        !batch_.HasEntry(stored->link_entry)) {
      index = stored->link_entry;
      promoted = *stored;
      promoted.type = archive::EntryType::kFile;
      promoted.size = entries[index].size;
      stored = &promoted;
    }
    const archive::CatalogEntry& entry = *stored;
    const std::string machine_path = machine_home + "/" + entry.path;
    const auto restore = [&]() -> Status {
      // A hard link links to a name: its file, waiting in the batch, is named first.
      if (entry.type == archive::EntryType::kHardLink && batch_.HasEntry(entry.link_entry)) {
        TSEQ_RETURN_IF_ERROR(FlushBatch());
      }
      TSEQ_ASSIGN_OR_RETURN(MetadataUpdate update, UpdateFor(entry));
      TSEQ_RETURN_IF_ERROR(EnsureParent(entry.path));
      TSEQ_ASSIGN_OR_RETURN(Placement placement, Place(index, entry));
      const std::string& relative = placement.relative;
      if (placement.present) {
        if (entry.type == archive::EntryType::kDirectory) {
          known_folders_.insert(relative);
          folders.emplace_back(relative, std::move(update));
        } else if (entry.type != archive::EntryType::kHardLink) {
          TSEQ_RETURN_IF_ERROR(home_.ApplyMetadata(relative, update));
        }
        if (entry.type == archive::EntryType::kFile) restored_files_[index] = relative;
        ++summary_.unchanged;
        if (log_.verbose()) log_.Verbose(machine_path + ": already restored");
        return Status();
      }
      switch (entry.type) {
        case archive::EntryType::kDirectory:
          TSEQ_RETURN_IF_ERROR(home_.CreateDirectory(relative, 0700));
          known_folders_.insert(relative);
          folders.emplace_back(relative, std::move(update));
          break;
        case archive::EntryType::kSymlink:
          TSEQ_RETURN_IF_ERROR(home_.CreateSymlink(entry.symlink_target, relative, update,
                                                   ReplacePolicy::kNoReplace));
          break;
        case archive::EntryType::kHardLink: {
          const auto first = restored_files_.find(entry.link_entry);
          if (first == restored_files_.end()) {
            return FailedPreconditionError("cannot link '" + machine_path +
                                           "': its first name was not restored");
          }
          TSEQ_RETURN_IF_ERROR(
              home_.CreateHardLink(first->second, relative, ReplacePolicy::kNoReplace));
          break;
        }
        case archive::EntryType::kFile: {
          // Without /hardlink the file waits in the batch: it is counted when it is named.
          TSEQ_ASSIGN_OR_RETURN(const bool in_place,
                                RestoreFile(index, placement, entry.path, machine_path, update));
          if (!in_place) return Status();
          restored_files_[index] = relative;
          break;
        }
      }
      Counted(machine_path, entry.path, relative, placement.number);
      return Status();
    };
    if (const Status status = restore(); !status.ok()) {
      if (!stop_.ok()) return stop_;
      if (!on_error(machine_path, status)) return status;
      ++summary_.skipped;
    }
  }
  TSEQ_RETURN_IF_ERROR(FlushBatch());
  // Deepest first: a folder's time is set after everything inside it changed.
  std::stable_sort(folders.begin(), folders.end(), [](const auto& left, const auto& right) {
    return Depth(left.first) > Depth(right.first);
  });
  for (const auto& [relative, update] : folders) {
    if (const Status status = home_.ApplyMetadata(relative, update); !status.ok()) {
      if (!on_error(machine_home + "/" + relative, status)) return status;
      ++summary_.skipped;
    }
  }
  if (home_metadata_.has_value()) {
    if (const Status status = home_.ApplyMetadata("", *home_metadata_);
        !status.ok() && !on_error(machine_home, status)) {
      return status;
    }
  }
  // Names of links and symlinks, folders' metadata: everything on disk before reporting success.
  if (const Status status = home_.SyncFilesystem();
      !status.ok() && !on_error(machine_home, status)) {
    return status;
  }
  return summary_;
}

}  // namespace tseq
