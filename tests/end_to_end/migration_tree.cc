#include "tests/end_to_end/migration_tree.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/strings.h"

namespace tseq::round_trip {
namespace {

namespace fs = std::filesystem;

// The kernel's POSIX ACL extended-attribute format (linux/posix_acl_xattr.h): a version, then
// (tag, permissions, id) entries sorted by tag and id.
constexpr uint32_t kAclVersion = 2;
constexpr uint16_t kUserObject = 0x01;
constexpr uint16_t kUser = 0x02;
constexpr uint16_t kGroupObject = 0x04;
constexpr uint16_t kGroup = 0x08;
constexpr uint16_t kMask = 0x10;
constexpr uint16_t kOther = 0x20;
constexpr uint32_t kNoId = 0xFFFFFFFF;

using AclEntry = std::tuple<uint16_t, uint16_t, uint32_t>;

void Require(bool ok, const std::string& what) {
  if (!ok) FAIL("fixture set-up failed: " << what << ": " << std::strerror(errno));
}

// False when the filesystem does not support the attribute (the test then skips that part).
bool SetAcl(const std::string& path, const char* attribute, const std::vector<AclEntry>& entries) {
  std::string value(sizeof(uint32_t), '\0');
  std::memcpy(value.data(), &kAclVersion, sizeof(kAclVersion));
  for (const auto& [tag, permissions, id] : entries) {
    char raw[8];
    std::memcpy(raw, &tag, 2);
    std::memcpy(raw + 2, &permissions, 2);
    std::memcpy(raw + 4, &id, 4);
    value.append(raw, sizeof(raw));
  }
  if (::setxattr(path.c_str(), attribute, value.data(), value.size(), 0) == 0) return true;
  Require(errno == ENOTSUP || errno == EOPNOTSUPP, "setxattr " + std::string(attribute));
  return false;
}

std::string DescribeAcl(const std::string& path, const char* attribute, const AccountNames& names) {
  char buffer[1024];
  const ssize_t size = ::lgetxattr(path.c_str(), attribute, buffer, sizeof(buffer));
  if (size < 0) return "";
  std::string text;
  for (size_t offset = sizeof(uint32_t); offset + 8 <= static_cast<size_t>(size); offset += 8) {
    uint16_t tag = 0;
    uint16_t permissions = 0;
    uint32_t id = 0;
    std::memcpy(&tag, buffer + offset, 2);
    std::memcpy(&permissions, buffer + offset + 2, 2);
    std::memcpy(&id, buffer + offset + 4, 4);
    std::string qualifier;
    if (tag == kUser) qualifier = names.User(id);
    if (tag == kGroup) qualifier = names.Group(id);
    text += std::to_string(tag) + ":" + qualifier + ":" + std::to_string(permissions) + ",";
  }
  return text;
}

std::string DescribeUserAttributes(const std::string& path) {
  char list[4096];
  const ssize_t size = ::llistxattr(path.c_str(), list, sizeof(list));
  std::vector<std::string> parts;
  for (ssize_t offset = 0; offset < size;) {
    const std::string name(list + offset);
    offset += static_cast<ssize_t>(name.size()) + 1;
    if (!name.starts_with("user.")) continue;
    char value[1024];
    const ssize_t length = ::lgetxattr(path.c_str(), name.c_str(), value, sizeof(value));
    parts.push_back(name + "=" + std::string(value, length < 0 ? 0 : static_cast<size_t>(length)));
  }
  std::sort(parts.begin(), parts.end());
  return Join(parts, ",");
}

void Write(const std::string& path, const std::string& content, mode_t mode) {
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  Require(descriptor >= 0, "open " + path);
  Require(
      ::write(descriptor, content.data(), content.size()) == static_cast<ssize_t>(content.size()),
      "write " + path);
  ::close(descriptor);
  Require(::chmod(path.c_str(), mode) == 0, "chmod " + path);
}

void Folder(const std::string& path, mode_t mode) {
  std::error_code error;
  fs::create_directories(path, error);
  Require(!error, "mkdir " + path);
  Require(::chmod(path.c_str(), mode) == 0, "chmod " + path);
}

// chown -h, as root only (non-root runs keep the caller's files).
void Own(const SourceMachine& machine, const std::string& path, uid_t uid, gid_t gid) {
  if (machine.as_root) Require(::lchown(path.c_str(), uid, gid) == 0, "lchown " + path);
}

// Every object below `folder` gets `uid`:`gid`, as root only.
void OwnTree(const SourceMachine& machine, const std::string& folder, uid_t uid, gid_t gid) {
  Own(machine, folder, uid, gid);
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    Own(machine, entry.path().string(), uid, gid);
  }
}

void MakeAlice(SourceMachine& machine) {
  const std::string home = machine.root + "/home/alice";
  Folder(home, 0700);
  Write(home + "/Documents/report.odt", "quarterly numbers", 0640);
  Folder(home + "/Documents/Projects", 0750);
  Write(home + "/Documents/Projects/plan.md", "# plan\n", 0644);
  Write(home + "/Documents/notes.txt", "linked twice", 0644);
  Require(::link((home + "/Documents/notes.txt").c_str(),
                 (home + "/Documents/Projects/notes-link.txt").c_str()) == 0,
          "link");
  Require(::symlink("report.odt", (home + "/Documents/latest.odt").c_str()) == 0, "symlink");
  Require(::symlink("/etc/hostname", (home + "/Documents/hostname").c_str()) == 0, "symlink");
  Folder(home + "/Documents/Shared", 0770);
  Write(home + "/Documents/Shared/minutes.txt", "shared minutes", 0640);
  Write(home + "/Documents/from-bob.txt", "written by bob", 0644);
  Write(home + "/Documents/acl.txt", "shared by ACL", 0640);
  Write(home + "/Pictures/cat.jpg", std::string(70000, 'c'), 0644);
  Write(home + "/.bashrc", "alias ll='ls -l'\n", 0644);
  Write(home + "/.gitconfig", "[user]\n\tname = Alice\n", 0644);
  Folder(home + "/.ssh", 0700);
  Write(home + "/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n", 0600);
  Write(home + "/.cache/thumbnails/a.png", "cache", 0644);
  Write(home + "/.local/share/Trash/files/old.odt", "thrown away", 0644);
  OwnTree(machine, home, 1000, 1000);
  Own(machine, home + "/Documents/from-bob.txt", 1001, 1001);
  Own(machine, home + "/Documents/Shared", 1000, 1500);
  Own(machine, home + "/Documents/Shared/minutes.txt", 1000, 1500);
  Require(::chmod((home + "/Documents/Shared").c_str(), 02770) == 0, "chmod g+s");
  const std::string report = home + "/Documents/report.odt";
  machine.user_xattrs = ::setxattr(report.c_str(), "user.origin", "pc01", 4, 0) == 0;
  if (!machine.user_xattrs) Require(errno == ENOTSUP || errno == EOPNOTSUPP, "setxattr user.*");
  if (machine.as_root) {
    machine.acls = SetAcl(home + "/Documents/acl.txt", "system.posix_acl_access",
                          {{kUserObject, 6, kNoId},
                           {kUser, 4, 1001},
                           {kGroupObject, 4, kNoId},
                           {kGroup, 6, 1500},
                           {kMask, 6, kNoId},
                           {kOther, 0, kNoId}});
    if (machine.acls) {
      SetAcl(home + "/Documents/Shared", "system.posix_acl_default",
             {{kUserObject, 7, kNoId},
              {kUser, 5, 1001},
              {kGroupObject, 7, kNoId},
              {kMask, 7, kNoId},
              {kOther, 0, kNoId}});
    }
  }
  const struct timespec times[2] = {{0, UTIME_OMIT}, {1700000000, 123456789}};
  Require(::utimensat(AT_FDCWD, report.c_str(), times, 0) == 0, "utimensat");
  const struct timespec folder_times[2] = {{0, UTIME_OMIT}, {1690000000, 987654321}};
  Require(::utimensat(AT_FDCWD, (home + "/Documents/Projects").c_str(), folder_times, 0) == 0,
          "utimensat");
}

}  // namespace

AccountNames AccountNames::Read(const std::string& root) {
  AccountNames names;
  for (const auto& [file, ids, by_name] :
       {std::tuple{"/etc/passwd", &names.users, &names.user_ids},
        std::tuple{"/etc/group", &names.groups, &names.group_ids}}) {
    for (const std::string& line : Split(testing::ReadFileForTest(root + file), '\n')) {
      const std::vector<std::string> fields = Split(line, ':');
      if (fields.size() < 3) continue;
      const uint32_t id = static_cast<uint32_t>(std::stoul(fields[2]));
      ids->emplace(id, fields[0]);
      by_name->emplace(fields[0], id);
    }
  }
  return names;
}

std::string AccountNames::User(uint32_t id) const {
  const auto found = users.find(id);
  return found != users.end() ? found->second : "#" + std::to_string(id);
}

std::string AccountNames::Group(uint32_t id) const {
  const auto found = groups.find(id);
  return found != groups.end() ? found->second : "#" + std::to_string(id);
}

SourceMachine MakeSourceMachine(const testing::TempDirectory& temp) {
  SourceMachine machine;
  machine.root = temp.MakeDirectory("source");
  machine.as_root = ::geteuid() == 0;
  temp.WriteFile("source/etc/hostname", "pc01\n");
  temp.WriteFile("source/etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
  temp.WriteFile("source/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "svc:x:999:999:service:/home/svc:/usr/sbin/nologin\n"
                 "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
                 "bob:x:1001:1001:Bob:/home/bob:/bin/bash\n");
  temp.WriteFile("source/etc/group",
                 "root:x:0:\nsvc:x:999:\nalice:x:1000:\nbob:x:1001:\ndevelopers:x:1500:alice\n");
  temp.WriteFile("source/home/svc/Documents/service.txt", "a system account's file");
  OwnTree(machine, machine.root + "/home/svc", 999, 999);
  MakeAlice(machine);
  const std::string bob = machine.root + "/home/bob";
  Folder(bob, 0700);
  Write(bob + "/Documents/todo.txt", "bob's list", 0600);
  Write(bob + "/.bashrc", "export EDITOR=vi\n", 0644);
  Write(bob + "/.cache/x", "cache", 0644);
  OwnTree(machine, bob, 1001, 1001);
  if (machine.as_root) {
    const std::string carol = machine.root + "/home/carol@contoso.com";
    Folder(carol, 0700);
    Write(carol + "/Documents/contract.docx", "signed", 0640);
    Write(carol + "/.bashrc", "PS1='$ '\n", 0644);
    OwnTree(machine, carol, 5000, 5000);
  }
  return machine;
}

std::string MakeTargetMachine(const testing::TempDirectory& temp) {
  const std::string root = temp.MakeDirectory("target");
  const bool as_root = ::geteuid() == 0;
  const std::string alice = as_root ? "2001" : std::to_string(::getuid());
  const std::string bob = as_root ? "2002" : std::to_string(::getuid());
  const std::string group = as_root ? "" : std::to_string(::getgid());
  temp.WriteFile("target/etc/hostname", "pc02\n");
  temp.WriteFile("target/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "alice:x:" +
                     alice + ":" + (as_root ? alice : group) +
                     "::/home/alice:/bin/bash\n"
                     "bob:x:" +
                     bob + ":" + (as_root ? bob : group) + "::/home/bob:/bin/bash\n");
  temp.WriteFile("target/etc/group", as_root ? "root:x:0:\nalice:x:2001:\nbob:x:2002:\n"
                                               "developers:x:3500:\n"
                                             : "root:x:0:\nalice:x:" + group + ":\n");
  temp.WriteFile("target/etc/shadow", "root:*:19000:0:99999:7:::\n");
  temp.MakeDirectory("target/home");
  return root;
}

std::map<std::string, std::string> DescribeTree(const std::string& home, const AccountNames& names,
                                                bool with_owners) {
  std::map<std::string, std::string> tree;
  std::error_code error;
  if (!fs::exists(fs::symlink_status(home, error))) return tree;
  std::map<std::pair<dev_t, ino_t>, std::set<std::string>> inodes;
  std::vector<std::pair<std::string, struct stat>> objects;
  for (const auto& entry : fs::recursive_directory_iterator(home)) {
    const std::string path = entry.path().string();
    struct stat status {};
    REQUIRE(::lstat(path.c_str(), &status) == 0);
    const std::string relative = path.substr(home.size() + 1);
    objects.emplace_back(relative, status);
    if (S_ISREG(status.st_mode)) inodes[{status.st_dev, status.st_ino}].insert(relative);
  }
  for (const auto& [relative, status] : objects) {
    const std::string path = home + "/" + relative;
    std::ostringstream text;
    text << (S_ISDIR(status.st_mode)   ? "folder"
             : S_ISLNK(status.st_mode) ? "symlink"
                                       : "file")
         << " mode=" << std::oct << (status.st_mode & 07777) << std::dec;
    if (with_owners) {
      text << " owner=" << names.User(status.st_uid) << ":" << names.Group(status.st_gid);
    }
    text << " mtime=" << status.st_mtim.tv_sec << "." << status.st_mtim.tv_nsec;
    if (S_ISREG(status.st_mode)) {
      text << " content='" << testing::ReadFileForTest(path) << "'";
      const std::set<std::string>& names_of_inode = inodes[{status.st_dev, status.st_ino}];
      if (names_of_inode.size() > 1) text << " inode-of=" << *names_of_inode.begin();
    }
    if (S_ISLNK(status.st_mode)) text << " target=" << fs::read_symlink(path).string();
    text << " xattrs=" << DescribeUserAttributes(path)
         << " acl=" << DescribeAcl(path, "system.posix_acl_access", names)
         << " default-acl=" << DescribeAcl(path, "system.posix_acl_default", names);
    tree[relative] = text.str();
  }
  return tree;
}

std::map<std::string, std::string> Without(std::map<std::string, std::string> tree,
                                           std::initializer_list<std::string> prefixes) {
  std::erase_if(tree, [&](const auto& entry) {
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& prefix) {
      return entry.first == prefix || entry.first.starts_with(prefix + "/");
    });
  });
  return tree;
}

}  // namespace tseq::round_trip
