#include "migration/extraction_target.h"

#include <algorithm>

#include <unistd.h>

namespace tseq {
namespace {

// The owner is not restored, so a set-ID bit would hand the extracting user's rights to whoever
// runs the file (root's, when root extracts).
constexpr mode_t kDroppedModeBits = 06000;
constexpr int kTemporaryNameAttempts = 100;

EntryResult Extracted() { return EntryResult{}; }
EntryResult Conflict(std::string message) {
  return EntryResult{EntryOutcome::kConflict,
                     Status(StatusCode::kAlreadyExists, std::move(message))};
}
EntryResult OutputError(Status status) {
  return EntryResult{EntryOutcome::kOutputError, std::move(status)};
}

size_t Depth(const std::string& name) {
  return static_cast<size_t>(std::count(name.begin(), name.end(), '/'));
}

}  // namespace

ExtractionTarget::ExtractionTarget(Filesystem& filesystem, FileMetadataWriter& metadata,
                                   std::string destination, bool overwrite)
    : filesystem_(filesystem),
      metadata_(metadata),
      destination_(std::move(destination)),
      overwrite_(overwrite) {
  while (destination_.size() > 1 && destination_.back() == '/') destination_.pop_back();
}

Status ExtractionTarget::Prepare() {
  // The destination itself is the user's choice: a symlink to a folder is fine there.
  const Result<FileInfo> info = filesystem_.Stat(destination_, SymlinkPolicy::kFollow);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    return filesystem_.CreateDirectories(destination_, 0700);
  }
  if (!info.ok()) return info.status();
  if (info->type != FileType::kDirectory) {
    return FailedPreconditionError("the destination '" + destination_ + "' is not a folder");
  }
  return Status::Ok();
}

std::string ExtractionTarget::TemporaryPathBeside(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return path.substr(0, slash + 1) + ".usmtutils-" + std::to_string(::getpid()) + "-" +
         std::to_string(++temporary_counter_) + ".tmp";
}

EntryResult ExtractionTarget::EnsureParents(const std::string& name) {
  for (size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    const std::string folder = name.substr(0, slash);
    if (verified_.count(folder) != 0) continue;
    const std::string path = PathOf(folder);
    const Result<FileInfo> info = filesystem_.Stat(path, SymlinkPolicy::kDoNotFollow);
    if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
      // Its parent is verified, so this creates exactly one folder.
      const Status created = filesystem_.CreateDirectories(path, 0700);
      if (!created.ok()) return OutputError(created);
      created_.insert(folder);
    } else if (!info.ok()) {
      return OutputError(info.status());
    } else if (info->type == FileType::kSymlink) {
      return Conflict("'" + path + "' is a symlink, and usmtutils never writes through one");
    } else if (info->type != FileType::kDirectory) {
      return Conflict("'" + path + "' is in the way: it is not a folder");
    }
    verified_.insert(folder);
  }
  return Extracted();
}

EntryResult ExtractionTarget::CheckTarget(const std::string& name, bool& exists) {
  const std::string path = PathOf(name);
  const Result<FileInfo> info = filesystem_.Stat(path, SymlinkPolicy::kDoNotFollow);
  exists = info.ok();
  if (!info.ok()) {
    return info.status().code() == StatusCode::kNotFound ? Extracted() : OutputError(info.status());
  }
  if (info->type == FileType::kDirectory) {
    return Conflict("'" + path + "' exists and is a folder; usmtutils does not replace a folder");
  }
  if (!overwrite_) return Conflict("'" + path + "' exists (give /o to replace it)");
  return Extracted();
}

EntryResult ExtractionTarget::WriteFile(const std::string& name, mode_t mode, EntryTimes times,
                                        const ContentProducer& producer) {
  EntryResult result = EnsureParents(name);
  bool exists = false;
  if (result.outcome == EntryOutcome::kExtracted) result = CheckTarget(name, exists);
  if (result.outcome != EntryOutcome::kExtracted) return result;
  const std::string path = PathOf(name);
  std::string temporary;
  std::unique_ptr<WritableFile> file;
  for (int attempt = 0; !file; ++attempt) {
    temporary = TemporaryPathBeside(path);
    Result<std::unique_ptr<WritableFile>> created =
        filesystem_.CreateFile(temporary, mode & 07777 & ~kDroppedModeBits, CreateMode::kCreateNew);
    if (created.ok()) {
      file = std::move(created).value();
    } else if (created.status().code() != StatusCode::kAlreadyExists ||
               attempt == kTemporaryNameAttempts) {
      return OutputError(created.status());
    }
  }
  Status output_error;
  const Status produced = producer([&](std::string_view bytes) {
    Status appended = file->Append(bytes);
    if (!appended.ok()) output_error = appended;
    return appended;
  });
  Status status = produced;
  if (status.ok()) status = file->Sync();
  const Status closed = file->Close();
  if (status.ok()) status = closed;
  if (status.ok())
    status = metadata_.SetModificationTime(temporary, times.seconds, times.nanoseconds);
  if (status.ok()) status = filesystem_.Rename(temporary, path);
  if (!status.ok()) {
    (void)filesystem_.Remove(temporary);
    const bool store_failed = !produced.ok() && output_error.ok();
    return EntryResult{store_failed ? EntryOutcome::kStoreError : EntryOutcome::kOutputError,
                       status};
  }
  return Extracted();
}

EntryResult ExtractionTarget::WriteSymlink(const std::string& name, const std::string& target,
                                           EntryTimes times) {
  EntryResult result = EnsureParents(name);
  bool exists = false;
  if (result.outcome == EntryOutcome::kExtracted) result = CheckTarget(name, exists);
  if (result.outcome != EntryOutcome::kExtracted) return result;
  const std::string path = PathOf(name);
  Status status;
  if (!exists) {
    status = filesystem_.CreateSymlink(target, path);
  } else {
    // Replaced by a rename, so the name never disappears.
    const std::string temporary = TemporaryPathBeside(path);
    status = filesystem_.CreateSymlink(target, temporary);
    if (status.ok()) status = filesystem_.Rename(temporary, path);
    if (!status.ok()) (void)filesystem_.Remove(temporary);
  }
  if (status.ok()) status = metadata_.SetModificationTime(path, times.seconds, times.nanoseconds);
  return status.ok() ? Extracted() : OutputError(status);
}

EntryResult ExtractionTarget::WriteHardLink(const std::string& name,
                                            const std::string& existing_name) {
  EntryResult result = EnsureParents(name);
  bool exists = false;
  if (result.outcome == EntryOutcome::kExtracted) result = CheckTarget(name, exists);
  if (result.outcome != EntryOutcome::kExtracted) return result;
  const std::string path = PathOf(name);
  const std::string existing = PathOf(existing_name);
  if (!exists) {
    const Status status = filesystem_.CreateHardLink(existing, path);
    return status.ok() ? Extracted() : OutputError(status);
  }
  const std::string temporary = TemporaryPathBeside(path);
  Status status = filesystem_.CreateHardLink(existing, temporary);
  if (status.ok()) status = filesystem_.Rename(temporary, path);
  // rename(2) does nothing when both names are already links to the same file.
  (void)filesystem_.Remove(temporary);
  return status.ok() ? Extracted() : OutputError(status);
}

EntryResult ExtractionTarget::MakeDirectory(const std::string& name, mode_t mode,
                                            EntryTimes times) {
  const EntryResult parents = EnsureParents(name);
  if (parents.outcome != EntryOutcome::kExtracted) return parents;
  const std::string path = PathOf(name);
  const Result<FileInfo> info = filesystem_.Stat(path, SymlinkPolicy::kDoNotFollow);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    const Status created = filesystem_.CreateDirectories(path, 0700);
    if (!created.ok()) return OutputError(created);
    created_.insert(name);
  } else if (!info.ok()) {
    return OutputError(info.status());
  } else if (info->type != FileType::kDirectory) {
    return Conflict("'" + path + "' exists and is not a folder; usmtutils does not replace it");
  }
  verified_.insert(name);
  if (overwrite_ || Created(name)) QueueDirectoryMetadata(name, mode, times);
  return Extracted();
}

void ExtractionTarget::QueueDirectoryMetadata(const std::string& name, mode_t mode,
                                              EntryTimes times) {
  pending_.push_back(PendingDirectory{name, mode, times});
}

Status ExtractionTarget::FinishDirectories() {
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const PendingDirectory& a, const PendingDirectory& b) {
                     return Depth(a.name) > Depth(b.name);
                   });
  Status first;
  for (const PendingDirectory& directory : pending_) {
    const std::string path = PathOf(directory.name);
    Status status = metadata_.SetPermissions(path, directory.mode & 07777 & ~kDroppedModeBits);
    if (status.ok()) {
      status =
          metadata_.SetModificationTime(path, directory.times.seconds, directory.times.nanoseconds);
    }
    if (first.ok()) first = status;
  }
  pending_.clear();
  return first;
}

}  // namespace tseq
