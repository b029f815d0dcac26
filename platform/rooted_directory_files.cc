#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/errno_status.h"
#include "platform/metadata_io.h"
#include "platform/rooted_directory_internal.h"

namespace tseq {
namespace {

constexpr size_t kCompareChunk = 64 * 1024;

class DescriptorReadableFile : public ReadableFile {
 public:
  DescriptorReadableFile(std::string path, FileDescriptor file)
      : path_(std::move(path)), file_(std::move(file)) {}

  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    size_t total = 0;
    while (total < length) {
      const uint64_t position = offset + total;
      // No file reaches the largest off_t, so an offset beyond it is past the end.
      if (position < offset ||
          position > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
        break;
      }
      const ssize_t count =
          ::pread(file_.get(), buffer + total, length - total, static_cast<off_t>(position));
      if (count < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "read", path_);
      }
      if (count == 0) break;
      total += static_cast<size_t>(count);
    }
    return total;
  }

  Result<uint64_t> Size() const override {
    struct stat status {};
    if (::fstat(file_.get(), &status) != 0) return ErrnoStatus(errno, "stat", path_);
    return static_cast<uint64_t>(status.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const FileDescriptor file_;
};

class PosixPendingFile : public PendingFile {
 public:
  PosixPendingFile(BeneathResolver::Parent parent, std::string temporary, FileDescriptor file,
                   std::string full_path, std::shared_ptr<const SyncLedger> syncs)
      : parent_(std::move(parent)),
        temporary_(std::move(temporary)),
        file_(std::move(file)),
        path_(std::move(full_path)),
        syncs_(std::move(syncs)) {}

  ~PosixPendingFile() override {
    // The folder may belong to someone else, but removing a name in it is all this does.
    if (!committed_) ::unlinkat(parent_.directory.get(), temporary_.c_str(), 0);
  }

  PosixPendingFile(const PosixPendingFile&) = delete;
  PosixPendingFile& operator=(const PosixPendingFile&) = delete;

  Status Append(std::string_view data) override {
    TSEQ_RETURN_IF_ERROR(CheckWritable("write"));
    while (!data.empty()) {
      const ssize_t written = ::write(file_.get(), data.data(), data.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write", path_);
      }
      data.remove_prefix(static_cast<size_t>(written));
    }
    return Status::Ok();
  }

  Status Commit(const MetadataUpdate& metadata, ReplacePolicy replace) override {
    TSEQ_RETURN_IF_ERROR(CheckWritable("commit"));
    TSEQ_RETURN_IF_ERROR(ApplyMetadata(metadata));
    // fsync after the metadata, so that the owner and mode survive a power loss with the data.
    while (::fsync(file_.get()) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, "sync", path_);
    }
    TSEQ_RETURN_IF_ERROR(PlaceEntry(parent_, temporary_, replace, "create", path_));
    committed_ = true;
    const int error = file_.Close();
    TSEQ_RETURN_IF_ERROR(SyncDirectoryDescriptor(parent_.directory.get(), FolderOf(path_)));
    if (error != 0) return ErrnoStatus(error, "close", path_);
    return Status::Ok();
  }

  Status Seal(const MetadataUpdate& metadata) override {
    TSEQ_RETURN_IF_ERROR(CheckWritable("seal"));
    // Taken before the metadata goes on: a sync that started earlier may miss some of it.
    const uint64_t syncs_before = syncs_->StartedSoFar();
    TSEQ_RETURN_IF_ERROR(ApplyMetadata(metadata));
    syncs_before_seal_ = syncs_before;
    sealed_ = true;
    return Status::Ok();
  }

  Status Publish(ReplacePolicy replace) override {
    if (committed_) return StateError("publish", "the file is committed");
    if (!sealed_) return StateError("publish", "the file is not sealed");
    if (!syncs_->SucceededAfter(syncs_before_seal_)) {
      return StateError("publish", "the file was not synced since it was sealed");
    }
    TSEQ_RETURN_IF_ERROR(PlaceEntry(parent_, temporary_, replace, "create", path_));
    committed_ = true;
    if (const int error = file_.Close(); error != 0) return ErrnoStatus(error, "close", path_);
    return Status::Ok();
  }

  const std::string& path() const override { return path_; }

 private:
  Status StateError(const std::string& action, const std::string& why) const {
    return FailedPreconditionError("cannot " + action + " '" + path_ + "': " + why);
  }

  Status CheckWritable(const std::string& action) const {
    if (committed_) return StateError(action, "the file is committed");
    if (sealed_) return StateError(action, "the file is sealed");
    return Status::Ok();
  }

  Status ApplyMetadata(const MetadataUpdate& metadata) {
    // The mode is set even when not asked for, so that a retried Commit never keeps an earlier
    // attempt's mode; but an ACL, applied before the mode, sets the permission bits itself.
    MetadataUpdate effective = metadata;
    const bool has_acl = metadata.access_acl.has_value() && !metadata.access_acl->empty();
    if (!effective.mode.has_value() && !has_acl) effective.mode = 0600;
    // Through our own descriptor: whatever happens to the temporary name meanwhile, the metadata
    // lands on the file this object wrote.
    return ApplyMetadataToDescriptor(file_.get(), FileType::kRegular, effective, path_);
  }

  const BeneathResolver::Parent parent_;
  const std::string temporary_;
  FileDescriptor file_;
  const std::string path_;
  const std::shared_ptr<const SyncLedger> syncs_;
  bool committed_ = false;
  bool sealed_ = false;
  uint64_t syncs_before_seal_ = 0;
};

}  // namespace

std::string FolderOf(const std::string& full_path) {
  return full_path.substr(0, full_path.find_last_of('/'));
}

std::string TemporaryEntryName() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char random[17];
  std::snprintf(random, sizeof(random), "%016llx",
                static_cast<unsigned long long>(generator()));  // NOLINT(runtime/int)
  return ".tseq-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" + random +
         ".tmp";
}

Status SyncDirectoryDescriptor(int directory, const std::string& path) {
  const FileDescriptor readable(::openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!readable.valid()) return ErrnoStatus(errno, "sync", path);
  while (::fsync(readable.get()) != 0) {
    if (errno != EINTR) return ErrnoStatus(errno, "sync", path);
  }
  return Status::Ok();
}

Status PlaceEntry(const BeneathResolver::Parent& parent, const std::string& temporary,
                  ReplacePolicy replace, const std::string& action, const std::string& full_path) {
  const int directory = parent.directory.get();
  const unsigned int flags = replace == ReplacePolicy::kNoReplace ? RENAME_NOREPLACE : 0;
  int result = ::renameat2(directory, temporary.c_str(), directory, parent.name.c_str(), flags);
  if (result != 0 && errno == EINVAL && flags != 0) {
    // A filesystem without RENAME_NOREPLACE: link(2) refuses an existing name just the same.
    result = ::linkat(directory, temporary.c_str(), directory, parent.name.c_str(), 0);
    if (result == 0) ::unlinkat(directory, temporary.c_str(), 0);
  }
  if (result != 0) {
    const int error = errno;
    if (error == EISDIR) {
      return FailedPreconditionError("cannot " + action + " '" + full_path + "': it is a folder");
    }
    return BeneathResolver::EntryError(error, parent, action, full_path);
  }
  return Status::Ok();
}

std::unique_ptr<ReadableFile> NewDescriptorReadableFile(std::string path, FileDescriptor file) {
  return std::make_unique<DescriptorReadableFile>(std::move(path), std::move(file));
}

uint64_t SyncLedger::Start() {
  std::lock_guard lock(mutex_);
  return ++started_;
}

void SyncLedger::Succeeded(uint64_t number) {
  std::lock_guard lock(mutex_);
  latest_success_ = std::max(latest_success_, number);
}

uint64_t SyncLedger::StartedSoFar() const {
  std::lock_guard lock(mutex_);
  return started_;
}

bool SyncLedger::SucceededAfter(uint64_t started) const {
  std::lock_guard lock(mutex_);
  return latest_success_ > started;
}

std::unique_ptr<PendingFile> NewPosixPendingFile(BeneathResolver::Parent parent,
                                                 std::string temporary, FileDescriptor file,
                                                 std::string full_path,
                                                 std::shared_ptr<const SyncLedger> syncs) {
  return std::make_unique<PosixPendingFile>(std::move(parent), std::move(temporary),
                                            std::move(file), std::move(full_path),
                                            std::move(syncs));
}

Result<bool> HasSameContent(const ReadableFile& file, const ContentSource& source) {
  uint64_t offset = 0;
  bool differs = false;
  Status read_error;
  std::vector<char> buffer;
  const Status produced = source([&](std::string_view data) -> Status {
    while (!data.empty()) {
      const size_t length = std::min(data.size(), kCompareChunk);
      buffer.resize(length);
      Result<size_t> read = file.ReadAt(offset, buffer.data(), length);
      if (!read.ok()) {
        read_error = read.status();
        return read_error;
      }
      if (*read != length || !std::equal(buffer.begin(), buffer.end(), data.begin())) {
        differs = true;
        // Stops the source early; recognized below by `differs`.
        return FailedPreconditionError("the content differs");
      }
      offset += length;
      data.remove_prefix(length);
    }
    return Status::Ok();
  });
  if (!read_error.ok()) return read_error;
  if (differs) return false;
  if (!produced.ok()) return produced;
  // Same so far: the file must also end where the source did.
  char extra = 0;
  TSEQ_ASSIGN_OR_RETURN(const size_t past_end, file.ReadAt(offset, &extra, 1));
  return past_end == 0;
}

}  // namespace tseq
