#include "migration/restore_target.h"

#include <filesystem>
#include <system_error>

namespace tseq {
namespace {

Result<std::string> Canonical(const std::string& path) {
  std::error_code error;
  const std::filesystem::path canonical = std::filesystem::canonical(path, error);
  if (error) return IoError("cannot resolve '" + path + "': " + error.message());
  return canonical.string();
}

std::string RelativeTo(const std::string& folder, const std::string& path) {
  if (path == folder) return "";
  return path.substr(folder == "/" ? 1 : folder.size() + 1);
}

}  // namespace

Result<TargetHome> OpenTargetHome(const MachineRoot& root, Filesystem& filesystem,
                                  const std::string& home, FileOwner owner) {
  const std::string normalized = NormalizeAbsolutePath(home);
  if (home.empty() || home.front() != '/' || normalized == "/") {
    return InvalidArgumentError("cannot restore into '" + home +
                                "': it is not an absolute path below /");
  }
  const size_t slash = normalized.rfind('/');
  const std::string parent = slash == 0 ? "/" : normalized.substr(0, slash);
  const std::string leaf = normalized.substr(slash + 1);
  TSEQ_ASSIGN_OR_RETURN(std::string host_parent, root.Resolve(parent, SymlinkPolicy::kFollow));
  const Result<FileInfo> parent_info = filesystem.Stat(host_parent, SymlinkPolicy::kDoNotFollow);
  if (!parent_info.ok() && parent_info.status().code() == StatusCode::kNotFound) {
    TSEQ_RETURN_IF_ERROR(filesystem.CreateDirectories(host_parent, 0755));
  } else if (!parent_info.ok()) {
    return parent_info.status();
  } else if (parent_info->type != FileType::kDirectory) {
    return FailedPreconditionError("cannot restore into '" + home + "': '" + parent +
                                   "' is not a folder");
  }
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<RootedDirectory> parent_directory,
                        OpenRootedDirectory(host_parent));
  TargetHome target;
  const Result<FileInfo> info = parent_directory->Stat(leaf);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    TSEQ_RETURN_IF_ERROR(parent_directory->CreateDirectory(leaf, 0700));
    MetadataUpdate update;
    update.owner = owner;
    TSEQ_RETURN_IF_ERROR(parent_directory->ApplyMetadata(leaf, update));
    target.created = true;
  } else if (!info.ok()) {
    return info.status();
  } else if (info->type == FileType::kSymlink) {
    return FailedPreconditionError("cannot restore into '" + home + "': it is a symlink");
  } else if (info->type != FileType::kDirectory) {
    return FailedPreconditionError("cannot restore into '" + home + "': it is not a folder");
  }
  target.host_path = host_parent == "/" ? "/" + leaf : host_parent + "/" + leaf;
  // OpenRootedDirectory refuses a symlink at the last component, so a home swapped for a
  // symlink since the check above is refused too.
  TSEQ_ASSIGN_OR_RETURN(
      target.directory,
      OpenRootedDirectory(target.host_path, PathResolution::kAutomatic, FolderSync::kDeferred));
  return target;
}

Result<CommonFolder> FindCommonFolder(const std::string& first, const std::string& second) {
  TSEQ_ASSIGN_OR_RETURN(std::string first_path, Canonical(first));
  TSEQ_ASSIGN_OR_RETURN(std::string second_path, Canonical(second));
  std::string folder = first_path;
  const auto contains = [](const std::string& outer, const std::string& inner) {
    return inner == outer || outer == "/" ||
           (inner.starts_with(outer) && inner[outer.size()] == '/');
  };
  while (!contains(folder, second_path)) {
    const size_t slash = folder.rfind('/');
    folder = slash == 0 ? "/" : folder.substr(0, slash);
  }
  return CommonFolder{folder, RelativeTo(folder, first_path), RelativeTo(folder, second_path)};
}

}  // namespace tseq
