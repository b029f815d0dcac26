#include "migration/profile_discovery.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include <lastlog.h>
#include <utmp.h>

#include "base/strings.h"

namespace tseq {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

bool IsWithin(const std::string& path, const std::string& directory) {
  if (directory == "/") return true;
  return path == directory || (path.size() > directory.size() && path.starts_with(directory) &&
                               path[directory.size()] == '/');
}

std::string FirstLabelUpper(std::string_view domain) {
  return ToUpperAscii(domain.substr(0, domain.find('.')));
}

std::string Quote(const std::string& text) { return "'" + text + "'"; }

// A file's contents, or nullopt when it does not exist.
Result<std::optional<std::string>> ReadIfPresent(const MachineRoot& root,
                                                 std::string_view machine_path) {
  TSEQ_ASSIGN_OR_RETURN(const std::string path, root.Resolve(machine_path, SymlinkPolicy::kFollow));
  Result<std::string> contents = root.filesystem().ReadFile(path);
  if (contents.ok()) return std::optional<std::string>(std::move(contents).value());
  if (contents.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return contents.status();
}

class Discoverer {
 public:
  Discoverer(const MachineRoot& root, const ProfileDiscoveryOptions& options,
             LocalAccounts accounts)
      : root_(root), options_(options), accounts_(std::move(accounts)) {
    for (const std::string& path : options_.excluded_host_paths) {
      excluded_.push_back(NormalizeAbsolutePath(path));
    }
  }

  Result<DiscoveredProfiles> Run() {
    result_.warnings = accounts_.warnings();
    TSEQ_ASSIGN_OR_RETURN(const std::optional<std::string> hostname,
                          ReadIfPresent(root_, "/etc/hostname"));
    result_.machine_name = MachineNameFromHostname(hostname.value_or(""));
    if (result_.machine_name.empty()) {
      result_.machine_name = ToUpperAscii(options_.fallback_machine_name);
      result_.warnings.push_back("no machine name in " +
                                 Quote(root_.HostPathLexical("/etc/hostname")) +
                                 "; local profiles are named " + result_.machine_name + "\\USER");
    }
    for (const PasswdEntry& user : accounts_.users()) AddLocal(user);
    TSEQ_RETURN_IF_ERROR(AddDirectoryServiceProfiles());
    TSEQ_RETURN_IF_ERROR(AddLogons());
    return Finish();
  }

 private:
  // The reason `host_path` may not be a profile, or "".
  std::string Unusable(const std::string& host_path) const {
    if (host_path == root_.directory()) return "it is the machine's root directory";
    // A home that merely holds the store stays a profile: the walker leaves the store out.
    for (const std::string& excluded : excluded_) {
      if (host_path == excluded) return "it is the store " + Quote(excluded);
      if (IsWithin(host_path, excluded)) return "it is inside the store " + Quote(excluded);
    }
    if (claimed_.contains(host_path)) return "it is already the home of another profile";
    return "";
  }

  void AddLocal(const PasswdEntry& user) {
    if (!accounts_.IsPersonId(user.uid)) return;
    const std::string skipping = "skipping user " + Quote(user.name) + ": home " + Quote(user.home);
    if (user.home.empty() || user.home[0] != '/') {
      result_.warnings.push_back(skipping + " is not an absolute path");
      return;
    }
    Result<std::string> host_home = root_.Resolve(user.home, SymlinkPolicy::kFollow);
    if (!host_home.ok()) {
      result_.warnings.push_back(skipping + ": " + host_home.status().message());
      return;
    }
    Result<FileInfo> info = root_.filesystem().Stat(*host_home, SymlinkPolicy::kFollow);
    if (!info.ok() || info->type != FileType::kDirectory) {
      result_.warnings.push_back(skipping +
                                 (info.ok() ? " is not a directory" : " does not exist"));
      return;
    }
    if (const std::string reason = Unusable(*host_home); !reason.empty()) {
      result_.warnings.push_back(skipping + ": " + reason);
      return;
    }
    Profile profile;
    profile.domain = result_.machine_name;
    profile.user = user.name;
    profile.home = NormalizeAbsolutePath(user.home);
    profile.uid = user.uid;
    profile.gid = user.gid;
    profile.owner_name = user.name;
    profile.local = true;
    Add(std::move(profile), *host_home, *info);
  }

  void Add(Profile profile, const std::string& host_home, const FileInfo& info) {
    profile.name = profile.domain + "\\" + profile.user;
    profile.host_home = host_home;
    if (const GroupEntry* group = accounts_.FindGroupById(profile.gid); group != nullptr) {
      profile.group_name = group->name;
    }
    claimed_.insert(host_home);
    profile.home_mode = info.mode & 07777;
    profile.home_modified = info.modified;
    home_modified_.push_back(info.modified);
    result_.profiles.push_back(std::move(profile));
  }

  Status AddDirectoryServiceProfiles() {
    TSEQ_ASSIGN_OR_RETURN(const std::string home_root,
                          root_.Resolve("/home", SymlinkPolicy::kFollow));
    Result<std::vector<std::string>> entries = root_.filesystem().ListDirectory(home_root);
    if (!entries.ok()) {
      return entries.status().code() == StatusCode::kNotFound ? Status::Ok() : entries.status();
    }
    for (const std::string& entry : *entries) {
      const std::string host_path = home_root + "/" + entry;
      if (entry == "lost+found" || claimed_.contains(host_path)) continue;
      Result<FileInfo> status = root_.filesystem().Stat(host_path, SymlinkPolicy::kDoNotFollow);
      if (!status.ok()) {
        result_.warnings.push_back("skipping " + Quote("/home/" + entry) + ": " +
                                   status.status().message());
        continue;
      }
      const FileInfo& info = *status;
      if (info.type != FileType::kDirectory) continue;
      const size_t at = entry.find('@');
      const bool owned_locally = accounts_.FindUserById(info.owner) != nullptr;
      if (at != std::string::npos) {
        if (at == 0 || at + 1 == entry.size() || owned_locally) {
          result_.warnings.push_back("skipping " + Quote("/home/" + entry) + ": " +
                                     (owned_locally
                                          ? "owned by the local account " +
                                                Quote(accounts_.FindUserById(info.owner)->name) +
                                                ", not a directory-service account"
                                          : std::string("not named user@domain")));
          continue;
        }
        AddDirectoryService(FirstLabelUpper(entry.substr(at + 1)), entry.substr(0, at),
                            "/home/" + entry, host_path, info);
      } else if (!owned_locally) {
        result_.warnings.push_back("skipping " + Quote("/home/" + entry) + ": owned by uid " +
                                   std::to_string(info.owner) +
                                   ", which is not an account, and not named user@domain");
      } else {
        AddDomainDirectory(entry, host_path);
      }
    }
    return Status::Ok();
  }

  // /home/DOMAIN/user: every subdirectory owned by a uid that is not a local account. What cannot
  // be read is skipped with a warning: one bad directory must not stop the whole capture.
  void AddDomainDirectory(const std::string& domain, const std::string& host_directory) {
    Result<std::vector<std::string>> users = root_.filesystem().ListDirectory(host_directory);
    if (!users.ok()) {
      result_.warnings.push_back("skipping " + Quote("/home/" + domain) + ": " +
                                 users.status().message());
      return;
    }
    for (const std::string& user : *users) {
      const std::string host_path = host_directory + "/" + user;
      Result<FileInfo> info = root_.filesystem().Stat(host_path, SymlinkPolicy::kDoNotFollow);
      if (!info.ok() || info->type != FileType::kDirectory || claimed_.contains(host_path) ||
          accounts_.FindUserById(info->owner) != nullptr) {
        continue;
      }
      AddDirectoryService(FirstLabelUpper(domain), user, "/home/" + domain + "/" + user, host_path,
                          *info);
    }
  }

  void AddDirectoryService(std::string domain, std::string user, std::string home,
                           const std::string& host_path, const FileInfo& info) {
    if (const std::string reason = Unusable(host_path); !reason.empty()) {
      result_.warnings.push_back("skipping " + Quote(home) + ": " + reason);
      return;
    }
    Profile profile;
    profile.domain = std::move(domain);
    profile.user = std::move(user);
    profile.home = std::move(home);
    profile.uid = info.owner;
    profile.gid = info.group;
    Add(std::move(profile), host_path, info);
  }

  // Whether `login` (from lastlog's owner or a utmp record) is this profile's user.
  bool IsLoginOf(const Profile& profile, const std::string& login) const {
    if (profile.local) return login == profile.user;
    const std::string directory = profile.home.substr(profile.home.rfind('/') + 1);
    return EqualsIgnoreCase(login, profile.domain + "\\" + profile.user) ||
           (directory.find('@') != std::string::npos && EqualsIgnoreCase(login, directory)) ||
           (EqualsIgnoreCase(login, profile.user) && accounts_.FindUser(login) == nullptr);
  }

  std::optional<TimePoint> Latest(const Profile& profile,
                                  const std::map<std::string, TimePoint>& records) const {
    std::optional<TimePoint> latest;
    for (const auto& [login, time] : records) {
      if (IsLoginOf(profile, login) && (!latest || time > *latest)) latest = time;
    }
    return latest;
  }

  Status AddLogons() {
    TSEQ_ASSIGN_OR_RETURN(const std::optional<std::string> wtmp,
                          ReadIfPresent(root_, "/var/log/wtmp"));
    TSEQ_ASSIGN_OR_RETURN(const std::optional<std::string> utmp,
                          ReadIfPresent(root_, "/var/run/utmp"));
    const std::map<std::string, TimePoint> logons = UserProcessRecords(wtmp.value_or(""));
    const std::map<std::string, TimePoint> sessions = UserProcessRecords(utmp.value_or(""));
    TSEQ_ASSIGN_OR_RETURN(const std::string lastlog_path,
                          root_.Resolve("/var/log/lastlog", SymlinkPolicy::kFollow));
    Result<std::unique_ptr<ReadableFile>> lastlog =
        root_.filesystem().OpenForRead(lastlog_path, SymlinkPolicy::kFollow);
    if (!lastlog.ok() && lastlog.status().code() != StatusCode::kNotFound) {
      return lastlog.status();
    }

    for (size_t i = 0; i < result_.profiles.size(); ++i) {
      Profile& profile = result_.profiles[i];
      profile.logged_on = Latest(profile, sessions).has_value();
      if (lastlog.ok()) {
        struct lastlog record {};
        const uint64_t offset = uint64_t{profile.uid} * sizeof(record);
        TSEQ_ASSIGN_OR_RETURN(
            const size_t read,
            (*lastlog)->ReadAt(offset, reinterpret_cast<char*>(&record), sizeof(record)));
        if (read == sizeof(record) && record.ll_time != 0) {
          profile.last_logon = std::chrono::system_clock::from_time_t(record.ll_time);
          profile.last_logon_source = LastLogonSource::kLastlog;
        }
      }
      if (const std::optional<TimePoint> time = Latest(profile, logons);
          time && (!profile.last_logon || *time > *profile.last_logon)) {
        profile.last_logon = time;
        profile.last_logon_source = LastLogonSource::kWtmp;
      }
      if (!profile.last_logon) {
        profile.last_logon = home_modified_[i];
        profile.last_logon_source = LastLogonSource::kHomeDirectory;
      }
    }
    return Status::Ok();
  }

  DiscoveredProfiles Finish() {
    std::vector<Profile> unique;
    std::set<std::string> names;
    for (Profile& profile : result_.profiles) {
      if (!names.insert(ToLowerAscii(profile.name)).second) {
        result_.warnings.push_back("skipping " + Quote(profile.home) + ": the profile name " +
                                   profile.name + " is already used by another profile");
        continue;
      }
      unique.push_back(std::move(profile));
    }
    std::sort(unique.begin(), unique.end(), [](const Profile& a, const Profile& b) {
      const int order = CompareIgnoreCase(a.name, b.name);
      return order != 0 ? order < 0 : a.name < b.name;
    });
    result_.profiles = std::move(unique);
    return std::move(result_);
  }

  const MachineRoot& root_;
  const ProfileDiscoveryOptions& options_;
  const LocalAccounts accounts_;
  std::vector<std::string> excluded_;
  std::set<std::string> claimed_;         // host paths of the homes already taken
  std::vector<TimePoint> home_modified_;  // parallel to result_.profiles until Finish
  DiscoveredProfiles result_;
};

}  // namespace

const char* LastLogonSourceName(LastLogonSource source) {
  switch (source) {
    case LastLogonSource::kNone:
      return "none";
    case LastLogonSource::kLastlog:
      return "lastlog";
    case LastLogonSource::kWtmp:
      return "wtmp";
    case LastLogonSource::kHomeDirectory:
      return "home directory";
  }
  return "none";
}

std::string MachineNameFromHostname(std::string_view hostname_file) {
  for (const std::string& line : Split(hostname_file, '\n')) {
    const std::string_view name = TrimWhitespace(line);
    if (name.empty() || name[0] == '#') continue;
    return FirstLabelUpper(name);
  }
  return "";
}

std::map<std::string, TimePoint> UserProcessRecords(std::string_view utmp_data) {
  std::map<std::string, TimePoint> records;
  for (size_t offset = 0; offset + sizeof(struct utmp) <= utmp_data.size();
       offset += sizeof(struct utmp)) {
    struct utmp record {};
    std::memcpy(&record, utmp_data.data() + offset, sizeof(record));
    if (record.ut_type != USER_PROCESS) continue;
    std::string name(record.ut_user, strnlen(record.ut_user, sizeof(record.ut_user)));
    if (name.empty()) continue;
    const TimePoint time = std::chrono::system_clock::from_time_t(record.ut_tv.tv_sec) +
                           std::chrono::microseconds(record.ut_tv.tv_usec);
    auto [it, inserted] = records.emplace(std::move(name), time);
    if (!inserted && time > it->second) it->second = time;
  }
  return records;
}

Result<DiscoveredProfiles> DiscoverProfiles(const MachineRoot& root,
                                            const ProfileDiscoveryOptions& options) {
  TSEQ_ASSIGN_OR_RETURN(LocalAccounts accounts, LocalAccounts::Read(root));
  return Discoverer(root, options, std::move(accounts)).Run();
}

}  // namespace tseq
