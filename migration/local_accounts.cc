#include "migration/local_accounts.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <memory>
#include <set>
#include <utility>

#include <crypt.h>
#include <string.h>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr size_t kMaxUserNameLength = 32;

std::optional<uint32_t> ParseId(std::string_view text) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::string Location(std::string_view file, size_t line) {
  return std::string(file) + ":" + std::to_string(line);
}

// Lines worth parsing, with their 1-based numbers; comments, blanks and NIS entries are skipped.
std::vector<std::pair<size_t, std::string>> DataLines(std::string_view text) {
  std::vector<std::pair<size_t, std::string>> lines;
  size_t number = 0;
  for (std::string& line : Split(text, '\n')) {
    ++number;
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    lines.emplace_back(number, std::move(line));
  }
  return lines;
}

// The first entry whose `field` equals `key`, or null.
template <typename Entry, typename Field, typename Key>
const Entry* FindBy(const std::vector<Entry>& entries, Field Entry::*field, const Key& key) {
  const auto found = std::find_if(entries.begin(), entries.end(),
                                  [&](const Entry& entry) { return entry.*field == key; });
  return found == entries.end() ? nullptr : &*found;
}

// A file's contents and status, or nullopt when it does not exist.
struct ExistingFile {
  std::string host_path;
  std::optional<std::string> contents;
  FileInfo info;
};

Result<ExistingFile> ReadIfPresent(const MachineRoot& root, std::string_view machine_path) {
  ExistingFile file;
  TSEQ_ASSIGN_OR_RETURN(file.host_path, root.Resolve(machine_path, SymlinkPolicy::kFollow));
  Result<std::string> contents = root.filesystem().ReadFile(file.host_path);
  if (!contents.ok()) {
    if (contents.status().code() == StatusCode::kNotFound) return file;
    return contents.status();
  }
  TSEQ_ASSIGN_OR_RETURN(file.info, root.filesystem().Stat(file.host_path, SymlinkPolicy::kFollow));
  file.contents = std::move(contents).value();
  return file;
}

// useradd's choice: one above the highest ID in use within the range, else the lowest free one.
std::optional<uint32_t> NextFreeId(const std::set<uint32_t>& used, const IdRange& range) {
  uint32_t highest = 0;
  bool any = false;
  for (uint32_t id : used) {
    if (range.Contains(id)) {
      highest = id;
      any = true;
    }
  }
  if (!any) return range.min;
  if (highest < range.max) return highest + 1;
  for (uint32_t id = range.min; id <= range.max; ++id) {
    if (!used.contains(id)) return id;
    if (id == range.max) break;
  }
  return std::nullopt;
}

// The uid and gid of a new account: see CreateLocalAccount.
Result<std::pair<uint32_t, uint32_t>> ChooseIds(const LocalAccounts& accounts,
                                                const GroupEntry* existing_group,
                                                const std::string& context) {
  const LoginDefinitions& definitions = accounts.login_definitions();
  std::set<uint32_t> used_uids;
  std::set<uint32_t> used_gids;
  for (const PasswdEntry& user : accounts.users()) used_uids.insert(user.uid);
  for (const GroupEntry& group : accounts.groups()) used_gids.insert(group.gid);
  const auto none_free = [&context](const char* kind, const IdRange& range) {
    return FailedPreconditionError(context + ": no free " + kind + " ID in " +
                                   std::to_string(range.min) + ".." + std::to_string(range.max));
  };
  std::optional<uint32_t> uid = NextFreeId(used_uids, definitions.user_ids);
  if (existing_group != nullptr && definitions.user_ids.Contains(existing_group->gid) &&
      !used_uids.contains(existing_group->gid)) {
    uid = existing_group->gid;
  }
  if (!uid) return none_free("user", definitions.user_ids);
  std::optional<uint32_t> gid = NextFreeId(used_gids, definitions.group_ids);
  if (existing_group != nullptr) {
    gid = existing_group->gid;
  } else if (definitions.group_ids.Contains(*uid) && !used_gids.contains(*uid)) {
    gid = *uid;
  }
  if (!gid) return none_free("group", definitions.group_ids);
  return std::pair{*uid, *gid};
}

// `text` with the line for `name` replaced by `line`, or `line` appended.
std::string ReplaceOrAppendLine(std::string_view text, std::string_view name,
                                const std::string& line) {
  const std::string prefix = std::string(name) + ":";
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  bool replaced = false;
  for (std::string& existing : lines) {
    if (!replaced && existing.starts_with(prefix)) {
      existing = line;
      replaced = true;
    }
  }
  if (!replaced) lines.push_back(line);
  return Join(lines, "\n") + "\n";
}

// Writes `contents` over the file, keeping its mode and owner; a new file gets `new_file_mode`.
Status Rewrite(Filesystem& filesystem, const ExistingFile& file, const std::string& contents,
               mode_t new_file_mode) {
  if (!file.contents)
    return filesystem.WriteFileAtomically(file.host_path, contents, new_file_mode);
  return filesystem.WriteFileAtomicallyOwnedBy(file.host_path, contents, file.info.mode,
                                               file.info.owner, file.info.group);
}

}  // namespace

Result<LoginDefinitions> ParseLoginDefinitions(std::string_view text, std::string_view file_name) {
  LoginDefinitions definitions;
  struct Key {
    const char* name;
    uint32_t* id;
    int* days;
  };
  const Key keys[] = {
      {"UID_MIN", &definitions.user_ids.min, nullptr},
      {"UID_MAX", &definitions.user_ids.max, nullptr},
      {"GID_MIN", &definitions.group_ids.min, nullptr},
      {"GID_MAX", &definitions.group_ids.max, nullptr},
      {"PASS_MIN_DAYS", nullptr, &definitions.password_min_days},
      {"PASS_MAX_DAYS", nullptr, &definitions.password_max_days},
      {"PASS_WARN_AGE", nullptr, &definitions.password_warn_days},
  };
  size_t number = 0;
  for (const std::string& line : Split(text, '\n')) {
    ++number;
    const std::vector<std::string> words = SplitWhitespace(line);
    if (words.empty() || words[0].starts_with("#")) continue;
    for (const Key& key : keys) {
      if (words[0] != key.name) continue;
      const std::string value = words.size() > 1 ? words[1] : "";
      const std::optional<uint32_t> parsed = ParseId(value);
      if (!parsed || (key.days != nullptr && *parsed > 2147483647U)) {
        return InvalidArgumentError(Location(file_name, number) + ": " + key.name + " '" + value +
                                    "' is not a number");
      }
      if (key.id != nullptr) *key.id = *parsed;
      if (key.days != nullptr) *key.days = static_cast<int>(*parsed);
    }
  }
  for (const auto& [range, kind] :
       {std::pair{definitions.user_ids, "UID"}, std::pair{definitions.group_ids, "GID"}}) {
    if (range.min > range.max) {
      return InvalidArgumentError(std::string(file_name) + ": " + kind + "_MIN " +
                                  std::to_string(range.min) + " is greater than " + kind + "_MAX " +
                                  std::to_string(range.max));
    }
  }
  return definitions;
}

LocalAccounts LocalAccounts::Parse(std::string_view passwd, std::string_view passwd_file,
                                   std::string_view group, std::string_view group_file,
                                   LoginDefinitions login_definitions) {
  LocalAccounts accounts;
  accounts.login_definitions_ = login_definitions;
  std::vector<std::string>& warnings = accounts.warnings_;
  const auto ignore = [&warnings](std::string_view file, size_t line, const std::string& reason) {
    warnings.push_back(Location(file, line) + ": " + reason + "; the line is ignored");
  };

  std::vector<std::pair<std::string, size_t>> seen;  // name, line
  const auto defined_before = [&seen](const std::string& name) -> size_t {
    for (const auto& [seen_name, line] : seen) {
      if (seen_name == name) return line;
    }
    return 0;
  };

  for (const auto& [number, line] : DataLines(passwd)) {
    const std::vector<std::string> fields = Split(line, ':');
    if (fields.size() != 7) {
      ignore(passwd_file, number,
             "expected 7 fields separated by ':', found " + std::to_string(fields.size()));
      continue;
    }
    if (fields[0].empty()) {
      ignore(passwd_file, number, "the user name is empty");
      continue;
    }
    const std::optional<uint32_t> uid = ParseId(fields[2]);
    const std::optional<uint32_t> gid = ParseId(fields[3]);
    if (!uid || !gid) {
      ignore(passwd_file, number,
             std::string(uid ? "group" : "user") + " ID '" + (uid ? fields[3] : fields[2]) +
                 "' of '" + fields[0] + "' is not a number");
      continue;
    }
    if (const size_t first = defined_before(fields[0]); first != 0) {
      ignore(passwd_file, number,
             "user '" + fields[0] + "' is already defined on line " + std::to_string(first));
      continue;
    }
    seen.emplace_back(fields[0], number);
    accounts.users_.push_back({fields[0], *uid, *gid, fields[4], fields[5], fields[6]});
  }

  seen.clear();
  for (const auto& [number, line] : DataLines(group)) {
    const std::vector<std::string> fields = Split(line, ':');
    if (fields.size() != 4) {
      ignore(group_file, number,
             "expected 4 fields separated by ':', found " + std::to_string(fields.size()));
      continue;
    }
    const std::optional<uint32_t> gid = ParseId(fields[2]);
    if (fields[0].empty()) {
      ignore(group_file, number, "the group name is empty");
    } else if (!gid) {
      ignore(group_file, number,
             "group ID '" + fields[2] + "' of '" + fields[0] + "' is not a number");
    } else if (const size_t first = defined_before(fields[0]); first != 0) {
      ignore(group_file, number,
             "group '" + fields[0] + "' is already defined on line " + std::to_string(first));
    } else {
      seen.emplace_back(fields[0], number);
      std::vector<std::string> members;
      if (!fields[3].empty()) members = Split(fields[3], ',');
      accounts.groups_.push_back({fields[0], *gid, std::move(members)});
    }
  }
  return accounts;
}

Result<LocalAccounts> LocalAccounts::Read(const MachineRoot& root) {
  TSEQ_ASSIGN_OR_RETURN(const ExistingFile passwd, ReadIfPresent(root, "/etc/passwd"));
  if (!passwd.contents) {
    return NotFoundError("cannot read '" + passwd.host_path + "': No such file or directory");
  }
  TSEQ_ASSIGN_OR_RETURN(const ExistingFile group, ReadIfPresent(root, "/etc/group"));
  TSEQ_ASSIGN_OR_RETURN(const ExistingFile login_defs, ReadIfPresent(root, "/etc/login.defs"));
  LoginDefinitions definitions;
  if (login_defs.contents) {
    TSEQ_ASSIGN_OR_RETURN(definitions,
                          ParseLoginDefinitions(*login_defs.contents, login_defs.host_path));
  }
  return Parse(*passwd.contents, passwd.host_path, group.contents.value_or(""), group.host_path,
               definitions);
}

const PasswdEntry* LocalAccounts::FindUser(std::string_view name) const {
  return FindBy(users_, &PasswdEntry::name, name);
}
const PasswdEntry* LocalAccounts::FindUserById(uid_t uid) const {
  return FindBy(users_, &PasswdEntry::uid, uid);
}
const GroupEntry* LocalAccounts::FindGroup(std::string_view name) const {
  return FindBy(groups_, &GroupEntry::name, name);
}
const GroupEntry* LocalAccounts::FindGroupById(gid_t gid) const {
  return FindBy(groups_, &GroupEntry::gid, gid);
}

std::optional<uid_t> LocalAccounts::UserId(std::string_view name) const {
  const PasswdEntry* user = FindUser(name);
  return user != nullptr ? std::optional<uid_t>(user->uid) : std::nullopt;
}

std::optional<gid_t> LocalAccounts::GroupId(std::string_view name) const {
  const GroupEntry* group = FindGroup(name);
  return group != nullptr ? std::optional<gid_t>(group->gid) : std::nullopt;
}

bool IsValidUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameLength) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (size_t i = 1; i < name.size(); ++i) {
    const char c = name[i];
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                         (c == '$' && i + 1 == name.size());
    if (!allowed) return false;
  }
  return true;
}

Result<std::string> HashPassword(std::string_view password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof(setting)) == nullptr) {
    return InternalError(std::string("cannot hash the password: ") + strerror(errno));
  }
  // crypt_data is about 32 KiB: too big for the stack of a worker thread.
  auto data = std::make_unique<crypt_data>();
  std::string phrase(password);
  const char* hash = crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
  const int error = errno;
  std::string result = hash != nullptr ? std::string(hash) : std::string();
  // Neither the phrase nor crypt's scratch space should linger in freed memory.
  explicit_bzero(phrase.data(), phrase.size());
  explicit_bzero(data.get(), sizeof(crypt_data));
  if (hash == nullptr || result.empty() || result[0] == '*') {
    return InternalError(std::string("cannot hash the password: ") + strerror(error));
  }
  return result;
}

Result<CreatedAccount> CreateLocalAccount(const MachineRoot& root, Filesystem& filesystem,
                                          std::string_view name, const NewAccountOptions& options) {
  const std::string context = "cannot create local account '" + std::string(name) + "'";
  if (!IsValidUserName(name)) {
    return InvalidArgumentError(context +
                                ": not a valid user name (use a lower-case letter or '_', then "
                                "lower-case letters, digits, '_' or '-', at most 32 characters)");
  }
  TSEQ_ASSIGN_OR_RETURN(const LocalAccounts accounts, LocalAccounts::Read(root));
  if (accounts.FindUser(name) != nullptr) {
    return Status(StatusCode::kAlreadyExists, context + ": it already exists");
  }
  const LoginDefinitions& definitions = accounts.login_definitions();

  // A group of this name is what an interrupted earlier attempt leaves: adopt it.
  const GroupEntry* existing_group = accounts.FindGroup(name);
  TSEQ_ASSIGN_OR_RETURN(const auto ids, ChooseIds(accounts, existing_group, context));
  const auto [uid, gid] = ids;

  TSEQ_ASSIGN_OR_RETURN(std::string hash, HashPassword(options.password));
  if (!options.enable) hash = "!" + hash;
  const auto days = std::chrono::duration_cast<std::chrono::days>(options.now.time_since_epoch());
  const std::string user(name);
  const std::string shadow_line = user + ":" + hash + ":" + std::to_string(days.count()) + ":" +
                                  std::to_string(definitions.password_min_days) + ":" +
                                  std::to_string(definitions.password_max_days) + ":" +
                                  std::to_string(definitions.password_warn_days) + ":::";
  CreatedAccount created;
  created.account = {user, uid, gid, "", "/home/" + user, "/bin/bash"};
  const std::string passwd_line = user + ":x:" + std::to_string(uid) + ":" + std::to_string(gid) +
                                  "::/home/" + user + ":/bin/bash";

  TSEQ_ASSIGN_OR_RETURN(const ExistingFile group, ReadIfPresent(root, "/etc/group"));
  TSEQ_ASSIGN_OR_RETURN(const ExistingFile gshadow, ReadIfPresent(root, "/etc/gshadow"));
  TSEQ_ASSIGN_OR_RETURN(const ExistingFile shadow, ReadIfPresent(root, "/etc/shadow"));
  TSEQ_ASSIGN_OR_RETURN(const ExistingFile passwd, ReadIfPresent(root, "/etc/passwd"));
  if (existing_group == nullptr) {
    TSEQ_RETURN_IF_ERROR(Rewrite(filesystem, group,
                                 ReplaceOrAppendLine(group.contents.value_or(""), user,
                                                     user + ":x:" + std::to_string(gid) + ":"),
                                 0644));
    if (gshadow.contents) {
      TSEQ_RETURN_IF_ERROR(Rewrite(
          filesystem, gshadow, ReplaceOrAppendLine(*gshadow.contents, user, user + ":!::"), 0640));
    }
  }
  TSEQ_RETURN_IF_ERROR(Rewrite(filesystem, shadow,
                               ReplaceOrAppendLine(shadow.contents.value_or(""), user, shadow_line),
                               0640));
  TSEQ_RETURN_IF_ERROR(Rewrite(filesystem, passwd,
                               ReplaceOrAppendLine(passwd.contents.value_or(""), user, passwd_line),
                               0644));
  return created;
}

UsmtError MissingLocalAccountError(std::string_view name) {
  return {UsmtReturnCode::kUseLac,
          "Unable to create a local account because /lac was not specified: " + std::string(name)};
}

UsmtResult<EnsuredAccount> EnsureLocalAccount(const MachineRoot& root, Filesystem& filesystem,
                                              std::string_view name,
                                              const std::optional<NewAccountOptions>& create) {
  Result<LocalAccounts> accounts = LocalAccounts::Read(root);
  if (!accounts.ok()) {
    return UsmtError{ReturnCodeForStatus(accounts.status()), accounts.status().message()};
  }
  if (const PasswdEntry* existing = accounts->FindUser(name); existing != nullptr) {
    return EnsuredAccount{*existing, false};
  }
  if (!create) return MissingLocalAccountError(name);
  Result<CreatedAccount> created = CreateLocalAccount(root, filesystem, name, *create);
  if (!created.ok()) {
    return UsmtError{ReturnCodeForStatus(created.status()), created.status().message()};
  }
  return EnsuredAccount{std::move(created->account), true};
}

}  // namespace tseq
