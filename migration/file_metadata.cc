#include "migration/file_metadata.h"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/errno_status.h"

namespace tseq {
namespace {

class PosixFileMetadataWriter : public FileMetadataWriter {
 public:
  Status SetPermissions(const std::string& path, mode_t mode) override {
    const std::string action = "change the mode of";
    // O_PATH descriptors cannot be fchmod'ed, and fchmodat cannot refuse symlinks on Linux: open
    // the file itself (O_NOFOLLOW fails with ELOOP on a symlink).
    const int descriptor =
        ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (descriptor < 0) {
      if (errno == ELOOP) {
        return InvalidArgumentError("cannot " + action + " '" + path + "': it is a symlink");
      }
      return ErrnoStatus(errno, action, path);
    }
    const int error = ::fchmod(descriptor, mode & 07777) == 0 ? 0 : errno;
    ::close(descriptor);
    return error == 0 ? Status::Ok() : ErrnoStatus(error, action, path);
  }

  Status SetModificationTime(const std::string& path, int64_t seconds,
                             uint32_t nanoseconds) override {
    timespec times[2] = {};
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = static_cast<time_t>(seconds);
    times[1].tv_nsec = static_cast<long>(nanoseconds);
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0) return Status::Ok();
    return ErrnoStatus(errno, "set the time of", path);
  }
};

}  // namespace

std::unique_ptr<FileMetadataWriter> NewPosixFileMetadataWriter() {
  return std::make_unique<PosixFileMetadataWriter>();
}

}  // namespace tseq
