#include "migration/profile_walker.h"

#include <charconv>
#include <map>
#include <utility>

namespace tseq {

struct ProfileWalker::WalkState {
  const CompiledRules& rules;
  const WalkErrorHandler& on_error;
  std::string machine_home;
  uint64_t home_device = 0;
  ProfileWalk walk;
  std::map<std::pair<uint64_t, uint64_t>, size_t> first_names;  // (device, inode) -> item
  std::optional<Status> stop;

  std::string MachinePath(const std::string& relative) const {
    if (relative.empty()) return machine_home;
    return machine_home == "/" ? "/" + relative : machine_home + "/" + relative;
  }
  // Reports a problem; false when the walk must stop.
  bool Problem(const std::string& relative, const Status& status) {
    if (on_error(MachinePath(relative), status)) return true;
    stop = status;
    return false;
  }
};

namespace {

std::string Describe(const RuleDecision& decision) {
  if (decision.rule == nullptr) return "no rule includes it";
  return decision.rule->ToString();
}

std::string JoinPath(const std::string& parent, const std::string& name) {
  if (parent.empty()) return name;
  return parent.back() == '/' ? parent + name : parent + "/" + name;
}

}  // namespace

ProfileWalker::ProfileWalker(const Filesystem& filesystem, const MetadataReader& metadata,
                             const LocalAccounts& accounts, ProfileWalkOptions options,
                             UsmtLog& log)
    : filesystem_(filesystem),
      metadata_(metadata),
      accounts_(accounts),
      options_(std::move(options)),
      log_(log) {}

Result<ProfileWalk> ProfileWalker::Walk(const std::string& host_home,
                                        const std::string& machine_home, const CompiledRules& rules,
                                        const WalkErrorHandler& on_error) const {
  WalkState state{.rules = rules, .on_error = on_error, .machine_home = machine_home};
  const Result<FileInfo> home = filesystem_.Stat(host_home, SymlinkPolicy::kDoNotFollow);
  if (!home.ok()) {
    if (state.Problem("", home.status())) return std::move(state.walk);
    return *state.stop;
  }
  state.home_device = home->device;
  // When the home cannot be scanned, listing it reports why, as it always has.
  Result<DirectoryScan> scan = filesystem_.ScanDirectory(host_home);
  const bool walked = scan.ok() ? WalkEntries(state, "", host_home, scan->entries)
                                : WalkDirectory(state, "", host_home);
  if (!walked) return *state.stop;
  return std::move(state.walk);
}

bool ProfileWalker::WalkDirectory(WalkState& state, const std::string& relative,
                                  const std::string& host) const {
  const Result<std::vector<std::string>> names = filesystem_.ListDirectory(host);
  if (!names.ok()) return state.Problem(relative, names.status());
  for (const std::string& name : *names) {
    const std::string child = JoinPath(host, name);
    if (!VisitObject(state, JoinPath(relative, name), child,
                     [&] { return filesystem_.Stat(child, SymlinkPolicy::kDoNotFollow); })) {
      return false;
    }
  }
  return true;
}

bool ProfileWalker::WalkEntries(WalkState& state, const std::string& relative,
                                const std::string& host, std::vector<ScannedEntry>& entries) const {
  for (ScannedEntry& entry : entries) {
    if (!VisitObject(state, JoinPath(relative, entry.name), JoinPath(host, entry.name),
                     [&] { return std::move(entry.info); })) {
      return false;
    }
  }
  return true;
}

bool ProfileWalker::VisitObject(WalkState& state, const std::string& relative,
                                const std::string& host,
                                const std::function<Result<FileInfo>()>& examine) const {
  const std::string machine_path = state.MachinePath(relative);
  if (IsExcluded(host)) {
    if (log_.verbose()) log_.Verbose(machine_path + ": not captured: the store or a log file");
    return true;
  }
  const Result<FileInfo> info = examine();
  if (!info.ok()) return state.Problem(relative, info.status());
  if (options_.same_filesystem_only && info->device != state.home_device) {
    log_.Warning("skipping '" + machine_path + "': it is on another filesystem (/localonly)");
    return true;
  }
  const bool is_directory = info->type == FileType::kDirectory;
  const RuleDecision decision = state.rules.Decide(relative, is_directory);
  if (is_directory) {
    const bool descend = state.rules.MayIncludeBelow(relative);
    if (!decision.included() && !descend) {
      if (log_.verbose()) {
        log_.Verbose(machine_path + "/: not captured, nothing below can be: " + Describe(decision));
      }
      return true;
    }
    // A folder to enter is opened once, for its listing and its metadata; when it cannot be, the
    // metadata and the listing are read apart, which reports the problem as it always has.
    std::optional<DirectoryScan> scan;
    if (descend) {
      if (Result<DirectoryScan> scanned = filesystem_.ScanDirectory(host); scanned.ok()) {
        scan = std::move(scanned).value();
      }
    }
    const Result<FileMetadata> metadata = scan.has_value() && scan->directory != nullptr
                                              ? metadata_.ReadOpenFile(*scan->directory, scan->info)
                                              : metadata_.Read(host);
    if (scan.has_value()) scan->directory.reset();  // one descriptor open at a time, however deep
    if (!metadata.ok()) return state.Problem(relative, metadata.status());
    const size_t position = state.walk.items.size();
    state.walk.items.push_back({host, machine_path, EntryFor(relative, *metadata), std::nullopt});
    if (decision.included() && log_.verbose()) {
      log_.Verbose(machine_path + "/: captured: " + Describe(decision));
    }
    if (descend) {
      const bool walked = scan.has_value() ? WalkEntries(state, relative, host, scan->entries)
                                           : WalkDirectory(state, relative, host);
      if (!walked) return false;
    }
    if (!decision.included()) {
      if (state.walk.items.size() == position + 1) {
        state.walk.items.pop_back();
      } else if (log_.verbose()) {
        log_.Verbose(machine_path + "/: captured as the folder of captured objects");
      }
    }
    return true;
  }
  if (!decision.included()) {
    if (log_.verbose()) log_.Verbose(machine_path + ": not captured: " + Describe(decision));
    return true;
  }
  if (info->type == FileType::kOther) {
    log_.Warning("skipping '" + machine_path + "': sockets, FIFOs and devices are not captured");
    return true;
  }
  // A later name of a file already walked is recorded now, whole: it is never opened.
  const bool pending = options_.defer_file_metadata && info->type == FileType::kRegular &&
                       !(info->link_count > 1 &&
                         state.first_names.contains(std::make_pair(info->device, info->inode)));
  Result<FileMetadata> metadata =
      pending ? Result<FileMetadata>(MetadataOfFileInfo(*info)) : metadata_.Read(host);
  if (!metadata.ok()) return state.Problem(relative, metadata.status());
  if (metadata->type == FileType::kOther || metadata->type == FileType::kDirectory) {
    // Replaced since it was listed: take it as the next walk finds it.
    log_.Warning("skipping '" + machine_path + "': it changed type while being examined");
    return true;
  }
  CaptureItem item{.host_path = host,
                   .machine_path = machine_path,
                   .entry = EntryFor(relative, *metadata),
                   .metadata_pending = pending,
                   .device = metadata->device,
                   .inode = metadata->inode};
  if (metadata->type == FileType::kRegular) {
    if (metadata->link_count > 1) {
      const auto [first, inserted] = state.first_names.emplace(
          std::make_pair(metadata->device, metadata->inode), state.walk.items.size());
      if (!inserted) {
        item.entry.type = archive::EntryType::kHardLink;
        item.entry.size = 0;
        item.hard_link_of = first->second;
      }
    }
    if (!item.hard_link_of) {
      state.walk.total_bytes += item.entry.size;
      ++state.walk.file_count;
    }
  }
  if (log_.verbose()) log_.Verbose(machine_path + ": captured: " + Describe(decision));
  state.walk.items.push_back(std::move(item));
  return true;
}

Result<OpenedCaptureFile> ProfileWalker::OpenForCapture(const CaptureItem& item) const {
  TSEQ_ASSIGN_OR_RETURN(OpenedFile opened, filesystem_.OpenRegularFile(item.host_path));
  OpenedCaptureFile capture;
  capture.size = opened.info.size;
  capture.same_as_walked = opened.info.device == item.device && opened.info.inode == item.inode;
  if (!capture.same_as_walked) {
    // Saved anew since the walk, or reached through a folder that is a symlink now: only the
    // first is to be captured.
    const std::string& relative = item.entry.path;
    const std::string home = item.host_path.substr(0, item.host_path.size() - relative.size());
    TSEQ_ASSIGN_OR_RETURN(const FileInfo now, filesystem_.StatBeneath(home, relative));
    if (now.device != opened.info.device || now.inode != opened.info.inode) {
      return InvalidArgumentError("cannot open '" + item.host_path +
                                  "': it was replaced while being opened");
    }
  }
  if (item.metadata_pending) {
    // OpenRegularFile opened a regular file, which is what the metadata describes.
    TSEQ_ASSIGN_OR_RETURN(const FileMetadata metadata,
                          metadata_.ReadOpenFile(*opened.file, opened.info));
    capture.entry = EntryFor(item.entry.path, metadata);
  } else {
    capture.entry = item.entry;
  }
  capture.file = std::move(opened.file);
  return capture;
}

Result<std::optional<archive::CatalogEntry>> ProfileWalker::DescribeLinked(
    const CaptureItem& item, const std::string& linked_path) const {
  TSEQ_ASSIGN_OR_RETURN(const FileInfo info,
                        filesystem_.Stat(linked_path, SymlinkPolicy::kDoNotFollow));
  if (info.type != FileType::kRegular || info.device != item.device || info.inode != item.inode) {
    return std::optional<archive::CatalogEntry>();
  }
  archive::CatalogEntry entry = item.entry;
  if (item.metadata_pending) {
    TSEQ_ASSIGN_OR_RETURN(const FileMetadata metadata,
                          metadata_.ReadLinkedFile(item.host_path, linked_path, info));
    entry = EntryFor(item.entry.path, metadata);
  }
  entry.size = info.size;
  return std::optional<archive::CatalogEntry>(std::move(entry));
}

bool ProfileWalker::IsExcluded(const std::string& host_path) const {
  for (const std::string& excluded : options_.excluded_host_paths) {
    if (host_path == excluded) return true;
    if (host_path.size() > excluded.size() && host_path.starts_with(excluded) &&
        (excluded == "/" || host_path[excluded.size()] == '/')) {
      return true;
    }
  }
  return false;
}

std::string ProfileWalker::NameOf(AclQualifierKind kind, uint32_t id) const {
  if (kind == AclQualifierKind::kUser) {
    const PasswdEntry* user = accounts_.FindUserById(id);
    return user != nullptr ? user->name : "";
  }
  const GroupEntry* group = accounts_.FindGroupById(id);
  return group != nullptr ? group->name : "";
}

archive::CatalogEntry ProfileWalker::EntryFor(const std::string& relative_path,
                                              const FileMetadata& metadata) const {
  archive::CatalogEntry entry;
  entry.path = relative_path;
  switch (metadata.type) {
    case FileType::kDirectory:
      entry.type = archive::EntryType::kDirectory;
      break;
    case FileType::kSymlink:
      entry.type = archive::EntryType::kSymlink;
      entry.symlink_target = metadata.symlink_target;
      break;
    default:
      entry.type = archive::EntryType::kFile;
      entry.size = metadata.size;
      break;
  }
  entry.mode = static_cast<uint32_t>(metadata.mode) & 07777U;
  entry.uid = metadata.uid;
  entry.gid = metadata.gid;
  entry.owner = NameOf(AclQualifierKind::kUser, metadata.uid);
  entry.group = NameOf(AclQualifierKind::kGroup, metadata.gid);
  entry.mtime_seconds = metadata.modified.seconds;
  entry.mtime_nanoseconds = metadata.modified.nanoseconds;
  for (const ExtendedAttribute& attribute : metadata.extended_attributes) {
    entry.extended_attributes.push_back({attribute.name, attribute.value});
  }
  // Qualifiers without an account keep their number: restoring it by number is loadstate's
  // decision, and a name invented here would be worse.
  const auto to_name = [this](AclQualifierKind kind,
                              const std::string& qualifier) -> Result<std::string> {
    uint32_t id = 0;
    const char* end = qualifier.data() + qualifier.size();
    const auto [stop, error] = std::from_chars(qualifier.data(), end, id);
    if (error != std::errc() || stop != end) return qualifier;
    const std::string name = NameOf(kind, id);
    return name.empty() ? qualifier : name;
  };
  for (const auto& [source, target] : {std::pair{&metadata.access_acl, &entry.access_acl},
                                       std::pair{&metadata.default_acl, &entry.default_acl}}) {
    if (source->empty()) continue;
    Result<std::string> named = RewriteAclQualifiers(*source, to_name);
    *target = named.ok() ? std::move(named).value() : *source;
  }
  return entry;
}

}  // namespace tseq
