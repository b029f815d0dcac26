// FileDescriptor: owns a POSIX file descriptor and closes it when destroyed. Internal to
// platform/; not thread-safe (one owner).
#pragma once

#include <cerrno>
#include <utility>

#include <unistd.h>

namespace tseq {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int descriptor) : descriptor_(descriptor) {}
  ~FileDescriptor() { Close(); }
  FileDescriptor(FileDescriptor&& other) noexcept
      : descriptor_(std::exchange(other.descriptor_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      Close();
      descriptor_ = std::exchange(other.descriptor_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return descriptor_; }
  bool valid() const { return descriptor_ >= 0; }

  // Closes the descriptor (if any); returns 0 or the errno of close(2). Either way it is gone.
  int Close() {
    if (descriptor_ < 0) return 0;
    const int result = ::close(std::exchange(descriptor_, -1));
    return result == 0 ? 0 : errno;
  }

 private:
  int descriptor_ = -1;
};

}  // namespace tseq
