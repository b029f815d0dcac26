#include "migration/profile_discovery.h"

#include <cstring>
#include <filesystem>
#include <map>

#include <doctest/doctest.h>
#include <lastlog.h>
#include <utmp.h>

#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "bob:x:1001:100::/home/bob:/bin/bash\n"
    "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
constexpr char kGroup[] = "root:x:0:\nusers:x:100:\nalice:x:1000:\n";

TimePoint At(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

const TimePoint kHomeTime = At(1700000000);

std::string UtmpRecord(short type, const std::string& user, int64_t seconds) {
  struct utmp record {};
  record.ut_type = type;
  std::strncpy(record.ut_user, user.c_str(), sizeof(record.ut_user));
  record.ut_tv.tv_sec = static_cast<decltype(record.ut_tv.tv_sec)>(seconds);
  return std::string(reinterpret_cast<const char*>(&record), sizeof(record));
}

// A lastlog file with a record for each uid (sparse records stay zero: never logged in).
std::string Lastlog(const std::map<uid_t, int64_t>& times) {
  std::string data((times.rbegin()->first + 1) * sizeof(struct lastlog), '\0');
  for (const auto& [uid, seconds] : times) {
    struct lastlog record {};
    record.ll_time = static_cast<decltype(record.ll_time)>(seconds);
    std::strncpy(record.ll_line, "pts/0", sizeof(record.ll_line));
    std::memcpy(data.data() + uid * sizeof(record), &record, sizeof(record));
  }
  return data;
}

// A machine under /m in memory, with two local people, alice and bob.
struct Machine {
  MemoryFilesystem filesystem;
  MachineRoot root{"/m", filesystem};

  Machine() {
    filesystem.AddFile("/m/etc/passwd", kPasswd);
    filesystem.AddFile("/m/etc/group", kGroup);
    filesystem.AddFile("/m/etc/hostname", "# set by the installer\n\npc01.corp.example\n");
    Directory("/m/home/alice", 1000, 1000);
    Directory("/m/home/bob", 1001, 100);
  }
  void Directory(const std::string& path, uid_t owner, gid_t group, TimePoint time = kHomeTime) {
    REQUIRE(filesystem.CreateDirectories(path, 0755).ok());
    filesystem.SetOwner(path, owner, group);
    filesystem.SetModified(path, time);
  }
  DiscoveredProfiles Discover(const ProfileDiscoveryOptions& options = {}) {
    Result<DiscoveredProfiles> discovered = DiscoverProfiles(root, options);
    REQUIRE_MESSAGE(discovered.ok(), discovered.status().message());
    return std::move(discovered).value();
  }
};

std::vector<std::string> Names(const DiscoveredProfiles& discovered) {
  std::vector<std::string> names;
  for (const Profile& profile : discovered.profiles) names.push_back(profile.name);
  return names;
}

const Profile& Find(const DiscoveredProfiles& discovered, const std::string& name) {
  for (const Profile& profile : discovered.profiles) {
    if (profile.name == name) return profile;
  }
  FAIL("no profile " << name);
  throw std::logic_error("unreachable");
}

TEST_SUITE("DiscoverProfiles") {
  TEST_CASE("finds the local people with a home, named after the machine, sorted") {
    Machine machine;
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(discovered.machine_name == "PC01");
    CHECK(discovered.warnings.empty());
    CHECK(Names(discovered) == std::vector<std::string>{"PC01\\alice", "PC01\\bob"});
    const Profile& alice = discovered.profiles[0];
    CHECK(alice.domain == "PC01");
    CHECK(alice.user == "alice");
    CHECK(alice.home == "/home/alice");
    CHECK(alice.host_home == "/m/home/alice");
    CHECK(alice.uid == 1000);
    CHECK(alice.gid == 1000);
    CHECK(alice.owner_name == "alice");
    CHECK(alice.group_name == "alice");
    CHECK(alice.local);
    CHECK(alice.last_logon == kHomeTime);
    CHECK(alice.last_logon_source == LastLogonSource::kHomeDirectory);
    CHECK(alice.home_modified == kHomeTime);
    REQUIRE(alice.home_mode.has_value());
    CHECK(*alice.home_mode == 0755);
    CHECK_FALSE(alice.logged_on);
    CHECK(discovered.profiles[1].group_name == "users");
  }

  TEST_CASE("login.defs decides who is a person") {
    Machine machine;
    machine.filesystem.AddFile("/m/etc/login.defs", "UID_MIN 1001\n");
    CHECK(Names(machine.Discover()) == std::vector<std::string>{"PC01\\bob"});
    machine.filesystem.AddFile("/m/etc/login.defs", "UID_MIN oops\n");
    Result<DiscoveredProfiles> failed = DiscoverProfiles(machine.root, {});
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().message() == "/m/etc/login.defs:1: UID_MIN 'oops' is not a number");
  }

  TEST_CASE("without a host name local profiles use the fallback name, with a warning") {
    Machine machine;
    REQUIRE(machine.filesystem.Remove("/m/etc/hostname").ok());
    DiscoveredProfiles discovered = machine.Discover();
    CHECK(discovered.machine_name == "LOCALHOST");
    CHECK(discovered.warnings ==
          std::vector<std::string>{
              "no machine name in '/m/etc/hostname'; local profiles are named LOCALHOST\\USER"});
    machine.filesystem.AddFile("/m/etc/hostname", "\n# nothing\n");
    discovered = machine.Discover({.fallback_machine_name = "rescue"});
    CHECK(Names(discovered) == std::vector<std::string>{"RESCUE\\alice", "RESCUE\\bob"});
  }

  TEST_CASE("skips people whose home is missing, relative, a file or the root, with warnings") {
    Machine machine;
    machine.filesystem.AddFile(
        "/m/etc/passwd",
        std::string(kPasswd) +
            "carol:x:1002:1002::/home/carol:/bin/sh\ndave:x:1003:1003::home/dave:/bin/sh\n"
            "erin:x:1004:1004::/home/erin:/bin/sh\nfrank:x:1005:1005::/:/bin/sh\n"
            "gina:x:1006:1006::/srv/../../..:/bin/sh\n"
            "broken:x:1007\n");
    machine.filesystem.AddFile("/m/home/erin", "not a directory");
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(Names(discovered) == std::vector<std::string>{"PC01\\alice", "PC01\\bob"});
    CHECK(discovered.warnings ==
          std::vector<std::string>{
              "/m/etc/passwd:11: expected 7 fields separated by ':', found 3; the line is ignored",
              "skipping user 'carol': home '/home/carol' does not exist",
              "skipping user 'dave': home 'home/dave' is not an absolute path",
              "skipping user 'erin': home '/home/erin' is not a directory",
              "skipping user 'frank': home '/': it is the machine's root directory",
              "skipping user 'gina': home '/srv/../../..': it is the machine's root directory",
          });
  }

  TEST_CASE("a home reached through a symlink stays inside the root") {
    Machine machine;
    REQUIRE(machine.filesystem.Remove("/m/home/alice").ok());
    machine.Directory("/m/data/alice", 1000, 1000);
    machine.filesystem.AddSymlink("/m/home/alice", "/data/alice");
    const DiscoveredProfiles discovered = machine.Discover();
    const Profile& alice = Find(discovered, "PC01\\alice");
    CHECK(alice.home == "/home/alice");
    CHECK(alice.host_home == "/m/data/alice");
  }

  TEST_CASE("two accounts sharing a home give one profile") {
    Machine machine;
    machine.filesystem.AddFile("/m/etc/passwd",
                               std::string(kPasswd) + "alias:x:1002:1000::/home/alice:/bin/sh\n");
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(Names(discovered) == std::vector<std::string>{"PC01\\alice", "PC01\\bob"});
    CHECK(discovered.warnings ==
          std::vector<std::string>{"skipping user 'alias': home '/home/alice': it is already the "
                                   "home of another profile"});
  }

  TEST_CASE("never a home that is or lies inside the store") {
    Machine machine;
    DiscoveredProfiles discovered = machine.Discover({.excluded_host_paths = {"/m/home/bob/./"}});
    CHECK(Names(discovered) == std::vector<std::string>{"PC01\\alice"});
    CHECK(discovered.warnings ==
          std::vector<std::string>{
              "skipping user 'bob': home '/home/bob': it is the store '/m/home/bob'"});
    discovered = machine.Discover({.excluded_host_paths = {"/m/home"}});
    CHECK(discovered.profiles.empty());
    CHECK(discovered.warnings ==
          std::vector<std::string>{
              "skipping user 'bob': home '/home/bob': it is inside the store '/m/home'",
              "skipping user 'alice': home '/home/alice': it is inside the store '/m/home'"});
    discovered = machine.Discover({.excluded_host_paths = {"/m/home/al"}});
    CHECK(discovered.profiles.size() == 2);
  }

  TEST_CASE("a home that holds the store is still a profile") {
    Machine machine;
    const DiscoveredProfiles discovered =
        machine.Discover({.excluded_host_paths = {"/m/home/alice/./store/", "/m/home/bob/s"}});
    CHECK(Names(discovered) == std::vector<std::string>{"PC01\\alice", "PC01\\bob"});
    CHECK(discovered.warnings.empty());
  }

  TEST_CASE("finds directory-service homes in both layouts, owned by uids not in passwd") {
    Machine machine;
    machine.Directory("/m/home/carol@contoso.com", 1234567, 1234513);
    machine.Directory("/m/home/FABRIKAM", 0, 0);
    machine.Directory("/m/home/FABRIKAM/dave", 2000001, 100);
    machine.Directory("/m/home/FABRIKAM/shared", 1000, 1000);  // a local user's: not a profile
    machine.Directory("/m/home/lost+found", 0, 0);
    machine.Directory("/m/home/lost+found/x", 4000, 4000);
    machine.Directory("/m/home/old", 4242, 4242);  // its owner was deleted
    machine.Directory("/m/home/web@site", 1000, 1000);
    machine.Directory("/m/home/@nobody", 5000, 5000);
    machine.filesystem.AddSymlink("/m/home/link@contoso.com", "/home/carol@contoso.com");
    machine.filesystem.AddFile("/m/home/README", "shared homes");
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(Names(discovered) ==
          std::vector<std::string>{"CONTOSO\\carol", "FABRIKAM\\dave", "PC01\\alice", "PC01\\bob"});
    CHECK(discovered.warnings ==
          std::vector<std::string>{
              "skipping '/home/@nobody': not named user@domain",
              "skipping '/home/old': owned by uid 4242, which is not an account, and not named "
              "user@domain",
              "skipping '/home/web@site': owned by the local account 'alice', not a "
              "directory-service account",
          });
    const Profile& carol = Find(discovered, "CONTOSO\\carol");
    CHECK(carol.domain == "CONTOSO");
    CHECK(carol.user == "carol");
    CHECK(carol.home == "/home/carol@contoso.com");
    CHECK(carol.host_home == "/m/home/carol@contoso.com");
    CHECK(carol.uid == 1234567);
    CHECK(carol.gid == 1234513);
    CHECK(carol.owner_name.empty());
    CHECK(carol.group_name.empty());
    CHECK_FALSE(carol.local);
    const Profile& dave = Find(discovered, "FABRIKAM\\dave");
    CHECK(dave.home == "/home/FABRIKAM/dave");
    CHECK(dave.group_name == "users");
  }

  TEST_CASE("a domain folder is named by its first label, upper-cased") {
    Machine machine;
    machine.Directory("/m/home/fabrikam.com", 0, 0);
    machine.Directory("/m/home/fabrikam.com/Dave", 2000001, 2000001);
    CHECK(Find(machine.Discover(), "FABRIKAM\\Dave").home == "/home/fabrikam.com/Dave");
  }

  TEST_CASE("a name found twice keeps its first profile") {
    Machine machine;
    machine.Directory("/m/home/carol@contoso.com", 1234567, 1234567);
    machine.Directory("/m/home/contoso", 0, 0);
    machine.Directory("/m/home/contoso/Carol", 1234568, 1234568);
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(Find(discovered, "CONTOSO\\carol").home == "/home/carol@contoso.com");
    CHECK(discovered.profiles.size() == 3);
    CHECK(discovered.warnings ==
          std::vector<std::string>{"skipping '/home/contoso/Carol': the profile name "
                                   "CONTOSO\\Carol is already used by another profile"});
  }

  TEST_CASE("a machine without /home has only the people whose homes are elsewhere") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/m/etc/passwd",
                       "root:x:0:0::/root:/bin/sh\nops:x:1000:1000::/srv/ops:/bin/sh\n");
    REQUIRE(filesystem.CreateDirectories("/m/srv/ops", 0755).ok());
    const MachineRoot root("/m", filesystem);
    Result<DiscoveredProfiles> discovered = DiscoverProfiles(root, {});
    REQUIRE(discovered.ok());
    CHECK(Names(*discovered) == std::vector<std::string>{"LOCALHOST\\ops"});
  }

  TEST_CASE("last logon is the latest of lastlog and wtmp, else the home's mtime") {
    Machine machine;
    machine.Directory("/m/home/carol@contoso.com", 1234567, 1234567);
    machine.Directory("/m/home/CONTOSO", 0, 0);
    machine.Directory("/m/home/CONTOSO/erin", 1234570, 1234570);
    machine.Directory("/m/home/frank@contoso.com", 1234571, 1234571);
    machine.filesystem.AddFile("/m/var/log/lastlog", Lastlog({{1000, 1730000000}, {1001, 0}}));
    machine.filesystem.AddFile("/m/var/log/wtmp",
                               UtmpRecord(USER_PROCESS, "alice", 1720000000) +
                                   UtmpRecord(USER_PROCESS, "bob", 1731000000) +
                                   UtmpRecord(DEAD_PROCESS, "bob", 1732000000) +
                                   UtmpRecord(USER_PROCESS, "carol@contoso.com", 1733000000) +
                                   UtmpRecord(USER_PROCESS, "carol@contoso.com", 1731500000) +
                                   UtmpRecord(USER_PROCESS, "contoso\\ERIN", 1734000000) +
                                   UtmpRecord(USER_PROCESS, "Frank", 1734500000) +
                                   std::string(100, 'x'));
    const DiscoveredProfiles discovered = machine.Discover();
    const auto check = [&](const std::string& name, TimePoint time, LastLogonSource source) {
      CAPTURE(name);
      const Profile& profile = Find(discovered, name);
      CHECK(profile.last_logon == time);
      CHECK(profile.last_logon_source == source);
    };
    check("PC01\\alice", At(1730000000), LastLogonSource::kLastlog);
    check("PC01\\bob", At(1731000000), LastLogonSource::kWtmp);
    check("CONTOSO\\carol", At(1733000000), LastLogonSource::kWtmp);
    check("CONTOSO\\erin", At(1734000000), LastLogonSource::kWtmp);
    check("CONTOSO\\frank", At(1734500000), LastLogonSource::kWtmp);
  }

  TEST_CASE("a bare wtmp name never stands for a directory-service user who shares a local name") {
    Machine machine;
    machine.Directory("/m/home/alice@contoso.com", 1234567, 1234567);
    machine.filesystem.AddFile("/m/var/log/wtmp", UtmpRecord(USER_PROCESS, "alice", 1720000000));
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(Find(discovered, "PC01\\alice").last_logon_source == LastLogonSource::kWtmp);
    CHECK(Find(discovered, "CONTOSO\\alice").last_logon_source == LastLogonSource::kHomeDirectory);
  }

  TEST_CASE("users with a session in utmp are logged on, through the /var/run symlink") {
    Machine machine;
    machine.filesystem.AddSymlink("/m/var/run", "/run");
    machine.filesystem.AddFile("/m/run/utmp", UtmpRecord(USER_PROCESS, "bob", 1735000000) +
                                                  UtmpRecord(DEAD_PROCESS, "alice", 1735000000) +
                                                  UtmpRecord(LOGIN_PROCESS, "LOGIN", 1735000000));
    const DiscoveredProfiles discovered = machine.Discover();
    CHECK(Find(discovered, "PC01\\bob").logged_on);
    CHECK_FALSE(Find(discovered, "PC01\\alice").logged_on);
  }

  TEST_CASE("works on a real directory tree") {
    testing::TempDirectory temp;
    temp.WriteFile("etc/passwd", kPasswd);
    temp.WriteFile("etc/hostname", "ws-7\n");
    temp.WriteFile("home/alice/Documents/a.txt", "a");
    const std::string alice = temp.Join("home/alice");
    const auto modified = std::filesystem::file_time_type::clock::now() - std::chrono::hours(48);
    std::filesystem::last_write_time(alice, modified);
    auto filesystem = NewPosixFilesystem();
    const MachineRoot root(temp.path(), *filesystem);
    Result<DiscoveredProfiles> discovered = DiscoverProfiles(root, {});
    REQUIRE(discovered.ok());
    CHECK(Names(*discovered) == std::vector<std::string>{"WS-7\\alice"});
    CHECK(discovered->profiles[0].host_home == alice);
    CHECK(discovered->profiles[0].last_logon == std::chrono::file_clock::to_sys(modified));
  }
}

TEST_SUITE("UserProcessRecords") {
  TEST_CASE("keeps each user's latest session and ignores other records and a partial tail") {
    const std::map<std::string, TimePoint> records = UserProcessRecords(
        UtmpRecord(USER_PROCESS, "alice", 200) + UtmpRecord(USER_PROCESS, "alice", 100) +
        UtmpRecord(BOOT_TIME, "reboot", 300) + UtmpRecord(USER_PROCESS, "", 300) +
        UtmpRecord(USER_PROCESS, std::string(40, 'b'), 400) + "partial");
    CHECK(records ==
          std::map<std::string, TimePoint>{{"alice", At(200)}, {std::string(32, 'b'), At(400)}});
  }
}

TEST_SUITE("MachineNameFromHostname") {
  TEST_CASE("takes the first label of the first name, upper-cased") {
    CHECK(MachineNameFromHostname("pc01\n") == "PC01");
    CHECK(MachineNameFromHostname("  # comment\n\n  ws-7.corp.example  \nother\n") == "WS-7");
    CHECK(MachineNameFromHostname("").empty());
    CHECK(MachineNameFromHostname("# only a comment\n").empty());
  }
}

}  // namespace
}  // namespace tseq
