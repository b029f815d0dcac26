// The file-handle half of the POSIX filesystem: opening, creating, linking, syncing and the
// immutable attribute. Internal to platform/; PosixFilesystem forwards to these. Every function is
// thread-safe; the returned files follow the ReadableFile / WritableFile contracts in
// platform/filesystem.h and own their descriptors (they may outlive the Filesystem).
#pragma once

#include <memory>
#include <string>

#include <sys/stat.h>

#include "platform/filesystem.h"

namespace tseq {

// FileInfo from a stat(2) result.
FileInfo PosixFileInfo(const struct stat& status);

Result<std::unique_ptr<ReadableFile>> PosixOpenForRead(const std::string& path,
                                                       SymlinkPolicy policy);
Result<OpenedFile> PosixOpenRegularFile(const std::string& path);
Result<std::unique_ptr<WritableFile>> PosixCreateFile(const std::string& path, mode_t mode,
                                                      CreateMode create_mode);
Status PosixCreateHardLink(const std::string& existing, const std::string& new_path);
Status PosixLinkOpenFile(const ReadableFile& file, const std::string& new_path);
Status PosixCreateSymlink(const std::string& target, const std::string& path);
Status PosixSyncDirectory(const std::string& path);
Status PosixSetImmutable(const std::string& path, bool immutable);
Result<bool> PosixIsImmutable(const std::string& path);

// The FailedPrecondition CreateHardLink returns for EXDEV: "cannot link 'NEW' to 'EXISTING': not
// on the same filesystem". Separate so that tests can check it without two filesystems.
Status HardLinkAcrossFilesystemsError(const std::string& existing, const std::string& new_path);

}  // namespace tseq
