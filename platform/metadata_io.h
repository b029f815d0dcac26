// Reading and writing file metadata through a descriptor, never through a path that could be
// swapped for a symlink. Internal to platform/: MetadataReader and RootedDirectory use it.
//
// The descriptor may be an O_PATH one (O_PATH | O_NOFOLLOW opens a symlink itself). Calls that
// have no descriptor form for O_PATH (getxattr, chmod, the ACL calls) go through the
// /proc/self/fd/N link, which reaches exactly the descriptor's file, a symlink included.
#pragma once

#include <string>

#include <sys/stat.h>

#include "base/status.h"
#include "platform/file_metadata.h"
#include "platform/filesystem.h"

namespace tseq {

FileType FileTypeOfMode(mode_t mode);

// "/proc/self/fd/N".
std::string DescriptorPath(int descriptor);

// The metadata of the file `descriptor` refers to, which `info` describes (fstat of it):
// `info`'s fields, the symlink target, and the extended attributes and ACLs, read through the
// descriptor itself when `opened_for_reading` (flistxattr, acl_get_fd) and through its
// /proc/self/fd link otherwise (an O_PATH descriptor). `path` names it in errors ("cannot read
// the metadata of 'PATH': REASON").
Result<FileMetadata> ReadMetadataThroughDescriptor(int descriptor, bool opened_for_reading,
                                                   const FileInfo& info, const std::string& path);

// The same for any descriptor, after an fstat of it.
Result<FileMetadata> ReadMetadataOfDescriptor(int descriptor, const std::string& path);

// Applies `update` in the order MetadataUpdate states to the file `descriptor` refers to, whose
// type is `type`. `path` names it in errors.
Status ApplyMetadataToDescriptor(int descriptor, FileType type, const MetadataUpdate& update,
                                 const std::string& path);

}  // namespace tseq
