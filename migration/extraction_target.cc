#include "migration/extraction_target.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace tseq {
namespace {

// The owner is not restored, so a set-ID bit would hand the extracting user's rights to whoever
// runs the file (root's, when root extracts).
constexpr mode_t kDroppedModeBits = 06000;

EntryResult Extracted() { return EntryResult{}; }
EntryResult Conflict(std::string message) {
  return EntryResult{EntryOutcome::kConflict,
                     Status(StatusCode::kAlreadyExists, std::move(message))};
}
EntryResult OutputError(Status status) {
  return EntryResult{EntryOutcome::kOutputError, std::move(status)};
}
// A symlink or a file where a folder must be, or a name taken that may not be replaced, is in
// the way; anything else is a failure to write.
EntryResult Classify(Status status) {
  if (status.code() == StatusCode::kFailedPrecondition ||
      status.code() == StatusCode::kAlreadyExists) {
    return Conflict(status.message());
  }
  return OutputError(std::move(status));
}

size_t Depth(const std::string& name) {
  return static_cast<size_t>(std::count(name.begin(), name.end(), '/'));
}

std::string ParentOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? "" : name.substr(0, slash);
}

FileTime TimeOf(EntryTimes times) { return FileTime{times.seconds, times.nanoseconds}; }

}  // namespace

ExtractionTarget::ExtractionTarget(Filesystem& filesystem, std::string destination, bool overwrite,
                                   DestinationOpener open)
    : filesystem_(filesystem),
      destination_(std::move(destination)),
      overwrite_(overwrite),
      open_(std::move(open)) {
  while (destination_.size() > 1 && destination_.back() == '/') destination_.pop_back();
}

Status ExtractionTarget::Prepare() {
  // The destination itself is the user's choice: a symlink to a folder is fine there.
  const Result<FileInfo> info = filesystem_.Stat(destination_, SymlinkPolicy::kFollow);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    TSEQ_RETURN_IF_ERROR(filesystem_.CreateDirectories(destination_, 0700));
  } else if (!info.ok()) {
    return info.status();
  } else if (info->type != FileType::kDirectory) {
    return FailedPreconditionError("the destination '" + destination_ + "' is not a folder");
  }
  std::error_code error;
  const std::filesystem::path resolved = std::filesystem::canonical(destination_, error);
  const std::string path = error ? destination_ : resolved.string();
  TSEQ_ASSIGN_OR_RETURN(directory_, open_ ? open_(path)
                                          : OpenRootedDirectory(path, PathResolution::kAutomatic,
                                                                FolderSync::kDeferred));
  return Status::Ok();
}

EntryResult ExtractionTarget::EnsureParents(const std::string& name) {
  const std::string parent = ParentOf(name);
  if (parent.empty() || verified_.count(parent) != 0) return Extracted();
  Result<std::vector<std::string>> created = directory_->MakeDirectories(parent, 0700);
  if (!created.ok()) return Classify(created.status());
  created_.insert(created->begin(), created->end());
  for (std::string folder = parent; !folder.empty(); folder = ParentOf(folder)) {
    if (!verified_.insert(folder).second) break;
  }
  return Extracted();
}

EntryResult ExtractionTarget::CheckTarget(const std::string& name) {
  const Result<FileInfo> info = directory_->Stat(name);
  if (!info.ok()) {
    return info.status().code() == StatusCode::kNotFound ? Extracted() : Classify(info.status());
  }
  if (info->type == FileType::kDirectory) {
    return Conflict("'" + PathOf(name) +
                    "' exists and is a folder; usmtutils does not replace a folder");
  }
  if (!overwrite_) return Conflict("'" + PathOf(name) + "' exists (give /o to replace it)");
  return Extracted();
}

EntryResult ExtractionTarget::WriteFile(const std::string& name, mode_t mode, EntryTimes times,
                                        const ContentProducer& producer) {
  EntryResult result = EnsureParents(name);
  if (result.outcome == EntryOutcome::kExtracted) result = CheckTarget(name);
  if (result.outcome != EntryOutcome::kExtracted) return result;
  Result<std::unique_ptr<PendingFile>> created = directory_->CreateFile(name);
  if (!created.ok()) return Classify(created.status());
  PendingFile& file = **created;
  Status output_error;
  const Status produced = producer([&](std::string_view bytes) {
    Status appended = file.Append(bytes);
    if (!appended.ok()) output_error = appended;
    return appended;
  });
  if (!produced.ok()) {
    // The pending file is removed when `created` goes.
    const bool store_failed = output_error.ok();
    return EntryResult{store_failed ? EntryOutcome::kStoreError : EntryOutcome::kOutputError,
                       produced};
  }
  const Status committed =
      file.Commit({.mode = mode & 07777 & ~kDroppedModeBits, .modified = TimeOf(times)}, Replace());
  return committed.ok() ? Extracted() : Classify(committed);
}

EntryResult ExtractionTarget::WriteSymlink(const std::string& name, const std::string& target,
                                           EntryTimes times) {
  EntryResult result = EnsureParents(name);
  if (result.outcome == EntryOutcome::kExtracted) result = CheckTarget(name);
  if (result.outcome != EntryOutcome::kExtracted) return result;
  const Status status =
      directory_->CreateSymlink(target, name, {.modified = TimeOf(times)}, Replace());
  return status.ok() ? Extracted() : Classify(status);
}

EntryResult ExtractionTarget::WriteHardLink(const std::string& name,
                                            const std::string& existing_name) {
  EntryResult result = EnsureParents(name);
  if (result.outcome == EntryOutcome::kExtracted) result = CheckTarget(name);
  if (result.outcome != EntryOutcome::kExtracted) return result;
  const Status status = directory_->CreateHardLink(existing_name, name, Replace());
  return status.ok() ? Extracted() : Classify(status);
}

EntryResult ExtractionTarget::MakeDirectory(const std::string& name, mode_t mode,
                                            EntryTimes times) {
  const EntryResult parents = EnsureParents(name);
  if (parents.outcome != EntryOutcome::kExtracted) return parents;
  const Result<FileInfo> info = directory_->Stat(name);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    const Status created = directory_->CreateDirectory(name, 0700);
    if (!created.ok()) return Classify(created);
    created_.insert(name);
  } else if (!info.ok()) {
    return Classify(info.status());
  } else if (info->type != FileType::kDirectory) {
    return Conflict("'" + PathOf(name) +
                    "' exists and is not a folder; usmtutils does not replace it");
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
  for (const PendingDirectory& folder : pending_) {
    const Status status = directory_->ApplyMetadata(
        folder.name,
        {.mode = folder.mode & 07777 & ~kDroppedModeBits, .modified = TimeOf(folder.times)});
    if (first.ok()) first = status;
  }
  pending_.clear();
  const Status synced = directory_->SyncFilesystem();
  return first.ok() ? synced : first;
}

}  // namespace tseq
