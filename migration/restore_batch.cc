#include "migration/restore_batch.h"

#include <utility>

namespace tseq {

RestoreBatch::RestoreBatch(size_t maximum_files, uint64_t maximum_bytes)
    : maximum_files_(maximum_files), maximum_bytes_(maximum_bytes) {}

bool RestoreBatch::Add(File file) {
  names_.insert(file.relative);
  entries_.insert(file.index);
  bytes_ += file.size;
  files_.push_back(std::move(file));
  return files_.size() >= maximum_files_ || bytes_ >= maximum_bytes_;
}

Status RestoreBatch::Flush(RootedDirectory& directory,
                           const std::function<void(const File&)>& published,
                           const std::function<bool(const File&, const Status&)>& failed) {
  std::vector<File> files = std::move(files_);
  Clear();
  if (files.empty()) return Status::Ok();
  const Status synced = directory.SyncFilesystem();
  for (const File& file : files) {
    const Status status = synced.ok() ? file.file->Publish(ReplacePolicy::kNoReplace) : synced;
    if (status.ok()) {
      published(file);
    } else if (!failed(file, status)) {
      return status;
    }
  }
  return Status::Ok();
}

void RestoreBatch::Clear() {
  files_.clear();
  names_.clear();
  entries_.clear();
  bytes_ = 0;
}

}  // namespace tseq
