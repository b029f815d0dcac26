#include "platform/machine_root.h"

#include <deque>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace tseq {
namespace {

// Linux follows at most 40 symlinks while resolving one path.
constexpr int kMaxSymlinkHops = 40;

// The components of `path` without empty ones and ".", in order; ".." is kept.
std::vector<std::string> Components(std::string_view path) {
  std::vector<std::string> components;
  for (std::string& part : Split(path, '/')) {
    if (!part.empty() && part != ".") components.push_back(std::move(part));
  }
  return components;
}

// Appends `component` to a resolved path, where ".." removes the last one and never more.
void Append(std::vector<std::string>& resolved, std::string component) {
  if (component == "..") {
    if (!resolved.empty()) resolved.pop_back();
    return;
  }
  resolved.push_back(std::move(component));
}

}  // namespace

std::string NormalizeAbsolutePath(std::string_view path) {
  std::vector<std::string> resolved;
  for (std::string& component : Components(path)) Append(resolved, std::move(component));
  return "/" + Join(resolved, "/");
}

MachineRoot::MachineRoot(std::string directory, const Filesystem& filesystem)
    : filesystem_(filesystem) {
  // An empty root means the default, the real machine; a relative one is taken from the
  // working directory, which cannot change meaning later.
  if (!directory.empty() && directory.front() != '/') {
    std::error_code error;
    const std::filesystem::path current = std::filesystem::current_path(error);
    if (!error) directory = current.string() + "/" + directory;
  }
  directory_ = NormalizeAbsolutePath(directory);
}

std::string MachineRoot::HostPathLexical(std::string_view machine_path) const {
  const std::string normalized = NormalizeAbsolutePath(machine_path);
  if (is_host_root()) return normalized;
  if (normalized == "/") return directory_;
  return directory_ + normalized;
}

Result<std::string> MachineRoot::Resolve(std::string_view machine_path,
                                         SymlinkPolicy final_component) const {
  if (machine_path.empty()) return InvalidArgumentError("cannot resolve an empty machine path");
  const auto host_path = [this](const std::vector<std::string>& components) {
    if (components.empty()) return directory_;
    return (is_host_root() ? "/" : directory_ + "/") + Join(components, "/");
  };

  // `..` is applied to the resolved prefix, as the kernel does: after following /a/link to
  // /b/c, "/a/link/.." is /b, not /a.
  const std::vector<std::string> components = Components(machine_path);
  std::deque<std::string> pending(components.begin(), components.end());
  std::vector<std::string> resolved;
  int hops = 0;
  while (!pending.empty()) {
    std::string component = std::move(pending.front());
    pending.pop_front();
    if (component == "..") {
      Append(resolved, std::move(component));
      continue;
    }
    resolved.push_back(std::move(component));
    if (pending.empty() && final_component == SymlinkPolicy::kDoNotFollow) break;

    const std::string host = host_path(resolved);
    const Result<FileInfo> info = filesystem_.Stat(host, SymlinkPolicy::kDoNotFollow);
    Result<std::string> target = InvalidArgumentError("not a symlink");
    if (info.ok() && info->type == FileType::kSymlink) target = filesystem_.ReadSymlink(host);
    if (!info.ok() || (info->type == FileType::kSymlink && (!target.ok() || target->empty()))) {
      // Whatever does not exist (or cannot be read) here is mapped lexically: the caller's own
      // access to the result reports the real reason.
      while (!pending.empty()) {
        Append(resolved, std::move(pending.front()));
        pending.pop_front();
      }
      break;
    }
    if (info->type != FileType::kSymlink) continue;

    if (++hops > kMaxSymlinkHops) {
      return InvalidArgumentError("too many levels of symbolic links resolving '" +
                                  std::string(machine_path) + "'");
    }
    resolved.pop_back();
    // An absolute target starts again at the machine's root, never the host's.
    if (target->front() == '/') resolved.clear();
    const std::vector<std::string> target_components = Components(*target);
    pending.insert(pending.begin(), target_components.begin(), target_components.end());
  }
  return host_path(resolved);
}

}  // namespace tseq
