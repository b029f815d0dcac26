#include "migration/user_mapping.h"

#include <set>
#include <utility>

#include "base/strings.h"
#include "platform/machine_root.h"

namespace tseq {
namespace {

std::string FirstLabel(std::string_view domain) {
  return std::string(domain.substr(0, domain.find('.')));
}

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string DirectoryName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string JoinPath(const std::string& directory, const std::string& name) {
  return directory == "/" ? "/" + name : directory + "/" + name;
}

struct Account {
  std::string domain;  // "" for a bare name
  std::string user;
};

// "DOMAIN\user", "user@domain.tld" or "user"; nullopt when a part is empty or a backslash repeats.
std::optional<Account> ParseAccount(std::string_view text) {
  Account account{"", std::string(text)};
  if (const size_t slash = text.find('\\'); slash != std::string_view::npos) {
    account = {std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  } else if (const size_t at = text.find('@'); at != std::string_view::npos) {
    account = {std::string(text.substr(at + 1)), std::string(text.substr(0, at))};
    if (account.domain.empty()) return std::nullopt;
  }
  if (account.user.empty() || account.user.find_first_of("\\@") != std::string::npos ||
      account.domain.find_first_of("\\@") != std::string::npos ||
      (text.find_first_of("\\@") != std::string_view::npos && account.domain.empty())) {
    return std::nullopt;
  }
  return account;
}

// How the source laid out a directory-service home (see the header).
struct SourceLayout {
  enum class Kind { kUserAtDomain, kDomainDirectory, kOther };
  Kind kind = Kind::kOther;
  std::string parent;            // where the home (or its domain folder) is
  std::string domain_directory;  // kDomainDirectory: the folder's name
  std::string full_domain;       // "contoso.com" when the layout tells it
};

SourceLayout DetectLayout(const StoredProfile& profile, std::string_view domain) {
  const std::string home = NormalizeAbsolutePath(profile.home);
  const std::string base = BaseName(home);
  SourceLayout layout;
  layout.parent = DirectoryName(home);
  if (profile.local) return layout;
  if (const size_t at = base.find('@'); at != std::string::npos) {
    layout.kind = SourceLayout::Kind::kUserAtDomain;
    layout.full_domain = base.substr(at + 1);
  } else if (const std::string folder = BaseName(layout.parent);
             layout.parent != "/" && EqualsIgnoreCase(FirstLabel(folder), domain)) {
    layout.kind = SourceLayout::Kind::kDomainDirectory;
    layout.domain_directory = folder;
    layout.parent = DirectoryName(layout.parent);
    if (folder.find('.') != std::string::npos) layout.full_domain = folder;
  }
  return layout;
}

bool MatchesOldUser(const UserMappingRule& rule, const StoredProfile& profile,
                    std::string_view domain, std::string_view user) {
  if (!EqualsIgnoreCase(rule.old_user, user)) return false;
  if (rule.old_domain.empty()) return profile.local;
  return EqualsIgnoreCase(FirstLabel(rule.old_domain), domain);
}

}  // namespace

Result<UserMappingRule> ParseUserMappingRule(std::string_view value) {
  const std::string quoted = "invalid /mu value '" + std::string(value) + "': ";
  const std::vector<std::string> parts = Split(value, ':');
  std::optional<Account> old_account;
  std::optional<Account> new_account;
  if (parts.size() == 2) {
    old_account = ParseAccount(parts[0]);
    new_account = ParseAccount(parts[1]);
  }
  if (!old_account || !new_account) {
    return InvalidArgumentError(quoted + "use /mu:OLDDOMAIN\\OLDUSER:[NEWDOMAIN\\]NEWUSER");
  }
  if (HasWildcard(value)) return InvalidArgumentError(quoted + "/mu does not accept wildcards");
  return UserMappingRule{old_account->domain, old_account->user, new_account->domain,
                         new_account->user, std::string(value)};
}

Result<DomainMappingRule> ParseDomainMappingRule(std::string_view value) {
  const std::string quoted = "invalid /md value '" + std::string(value) + "': ";
  const std::vector<std::string> parts = Split(value, ':');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty() ||
      value.find_first_of("\\@") != std::string_view::npos) {
    return InvalidArgumentError(quoted + "use /md:OLDDOMAIN:NEWDOMAIN");
  }
  if (HasWildcard(parts[1])) {
    return InvalidArgumentError(quoted + "the new domain cannot contain wildcards");
  }
  return DomainMappingRule{parts[0], parts[1], std::string(value)};
}

Status CheckUserMappingRules(const UserMappingOptions& options) {
  for (size_t i = 0; i < options.users.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const UserMappingRule& a = options.users[j];
      const UserMappingRule& b = options.users[i];
      if (EqualsIgnoreCase(a.old_user, b.old_user) &&
          EqualsIgnoreCase(FirstLabel(a.old_domain), FirstLabel(b.old_domain))) {
        return InvalidArgumentError("/mu:" + a.text + " and /mu:" + b.text +
                                    " both rename the same user");
      }
    }
  }
  return Status::Ok();
}

MappedUser MapUser(const StoredProfile& profile, const UserMappingOptions& options,
                   const TargetMachine& target) {
  const size_t slash = profile.name.find('\\');
  const std::string source_domain =
      slash == std::string::npos ? std::string() : profile.name.substr(0, slash);
  const std::string source_user =
      slash == std::string::npos ? profile.name : profile.name.substr(slash + 1);

  std::string user = source_user;
  std::optional<std::string> new_domain;  // as given by a rule
  std::vector<std::string> applied;
  for (const UserMappingRule& rule : options.users) {
    if (!MatchesOldUser(rule, profile, source_domain, source_user)) continue;
    user = rule.new_user;
    if (!rule.new_domain.empty()) new_domain = rule.new_domain;
    applied.push_back("/mu:" + rule.text);
    break;
  }
  if (!new_domain) {
    for (const DomainMappingRule& rule : options.domains) {
      if (!WildcardMatch(FirstLabel(rule.old_domain), source_domain)) continue;
      new_domain = rule.new_domain;
      applied.push_back("/md:" + rule.text);
      break;
    }
  }

  MappedUser mapped;
  mapped.user = user;
  mapped.applied_rules = Join(applied, ", ");
  if (new_domain) {
    mapped.local = EqualsIgnoreCase(FirstLabel(*new_domain), target.name);
  } else {
    mapped.local = profile.local;
  }
  if (mapped.local) {
    mapped.domain = target.name;
    mapped.name = mapped.domain + "\\" + user;
    if (const PasswdEntry* account = target.accounts->FindUser(user); account != nullptr) {
      mapped.existing_account = *account;
      mapped.home = account->home;
    } else {
      mapped.home = "/home/" + user;
    }
    return mapped;
  }

  mapped.domain = ToUpperAscii(FirstLabel(new_domain.value_or(source_domain)));
  mapped.name = mapped.domain + "\\" + user;
  const SourceLayout layout = DetectLayout(profile, source_domain);
  if (!profile.local && EqualsIgnoreCase(mapped.domain, source_domain) && user == source_user) {
    mapped.home = profile.home;
    return mapped;
  }
  std::string full_domain = new_domain.value_or(layout.full_domain);
  if (full_domain.empty()) full_domain = mapped.domain;
  if (full_domain.find('.') == std::string::npos && !layout.full_domain.empty() &&
      layout.full_domain.find('.') != std::string::npos) {
    full_domain += layout.full_domain.substr(layout.full_domain.find('.'));
  }
  switch (layout.kind) {
    case SourceLayout::Kind::kUserAtDomain:
      mapped.home = JoinPath(layout.parent, ToLowerAscii(user + "@" + full_domain));
      break;
    case SourceLayout::Kind::kDomainDirectory: {
      std::string folder = mapped.domain;
      if (layout.domain_directory.find('.') != std::string::npos) {
        folder = ToLowerAscii(full_domain);
      } else if (layout.domain_directory == ToLowerAscii(layout.domain_directory)) {
        folder = ToLowerAscii(folder);
      }
      mapped.home = JoinPath(JoinPath(layout.parent, folder), user);
      break;
    }
    case SourceLayout::Kind::kOther:
      mapped.home = profile.local ? "/home/" + ToLowerAscii(user + "@" + full_domain)
                                  : JoinPath(layout.parent, user);
      break;
  }
  return mapped;
}

}  // namespace tseq
