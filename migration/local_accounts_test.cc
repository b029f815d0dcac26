#include "migration/local_accounts.h"

#include <filesystem>
#include <memory>

#include <crypt.h>
#include <doctest/doctest.h>

#include "base/strings.h"
#include "platform/fault_injecting_filesystem.h"
#include "platform/memory_filesystem.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using testing::ReadFileForTest;

constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
    "bob:x:1001:1001::/home/bob:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
constexpr char kShadow[] =
    "root:*:19700:0:99999:7:::\n"
    "alice:$y$j9T$abc$def:19700:0:99999:7:::\n"
    "bob:!:19700:0:99999:7:::\n";
constexpr char kGroup[] =
    "root:x:0:\n"
    "shadow:x:42:\n"
    "users:x:100:alice,bob\n"
    "alice:x:1000:\n"
    "bob:x:1001:\n";
constexpr char kGshadow[] = "root:*::\nalice:!::\nbob:!::\n";

// 2025-01-01T00:00:00Z, day 20089 since the epoch.
const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1735689600)};

// A target machine root in a temporary directory with Debian-like account files.
struct TargetRoot {
  testing::TempDirectory temp;
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  MachineRoot root{temp.path(), *filesystem};

  TargetRoot() {
    Write("etc/passwd", kPasswd, 0644);
    Write("etc/shadow", kShadow, 0640);
    Write("etc/group", kGroup, 0644);
    Write("etc/gshadow", kGshadow, 0640);
  }
  void Write(const std::string& relative, const std::string& contents, int mode) {
    const std::string path = temp.WriteFile(relative, contents);
    std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
  }
  std::string Read(const std::string& relative) const {
    return ReadFileForTest(temp.Join(relative));
  }
  std::string LastLine(const std::string& relative) const {
    std::vector<std::string> lines = Split(Read(relative), '\n');
    REQUIRE(lines.size() >= 2);
    CHECK(lines.back().empty());
    return lines[lines.size() - 2];
  }
  mode_t Mode(const std::string& relative) const {
    Result<FileInfo> info = filesystem->Stat(temp.Join(relative), SymlinkPolicy::kFollow);
    REQUIRE(info.ok());
    return info->mode;
  }
  CreatedAccount Create(const std::string& name, NewAccountOptions options = {.now = kNow}) {
    Result<CreatedAccount> created = CreateLocalAccount(root, *filesystem, name, options);
    REQUIRE_MESSAGE(created.ok(), created.status().message());
    return std::move(created).value();
  }
};

bool Verifies(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  const char* again = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  return again != nullptr && hash == again;
}

TEST_SUITE("ParseLoginDefinitions") {
  TEST_CASE("missing keys keep Debian's defaults") {
    Result<LoginDefinitions> definitions = ParseLoginDefinitions("", "login.defs");
    REQUIRE(definitions.ok());
    CHECK(definitions->user_ids.min == 1000);
    CHECK(definitions->user_ids.max == 60000);
    CHECK(definitions->group_ids.min == 1000);
    CHECK(definitions->group_ids.max == 60000);
    CHECK(definitions->password_max_days == 99999);
  }

  TEST_CASE("reads the ID ranges and password ages and ignores comments and other keys") {
    Result<LoginDefinitions> definitions = ParseLoginDefinitions(
        "# UID_MIN 1\nMAIL_DIR /var/mail\n  UID_MIN\t\t 2000\nUID_MAX 3000\nGID_MIN 500\n"
        "GID_MAX 900\nPASS_MAX_DAYS 90\nPASS_MIN_DAYS 1\nPASS_WARN_AGE 14\n",
        "login.defs");
    REQUIRE(definitions.ok());
    CHECK(definitions->user_ids.min == 2000);
    CHECK(definitions->user_ids.max == 3000);
    CHECK(definitions->group_ids.min == 500);
    CHECK(definitions->group_ids.max == 900);
    CHECK(definitions->password_max_days == 90);
    CHECK(definitions->password_min_days == 1);
    CHECK(definitions->password_warn_days == 14);
  }

  TEST_CASE("a value that is not a number is an error naming the file and line") {
    Result<LoginDefinitions> definitions =
        ParseLoginDefinitions("UID_MIN 1000\n\nUID_MAX 6e4\n", "/r/etc/login.defs");
    REQUIRE_FALSE(definitions.ok());
    CHECK(definitions.status().code() == StatusCode::kInvalidArgument);
    CHECK(definitions.status().message() == "/r/etc/login.defs:3: UID_MAX '6e4' is not a number");
    CHECK(ParseLoginDefinitions("GID_MIN\n", "f").status().message() ==
          "f:1: GID_MIN '' is not a number");
    CHECK(ParseLoginDefinitions("UID_MIN -5\n", "f").status().message() ==
          "f:1: UID_MIN '-5' is not a number");
  }

  TEST_CASE("a range whose minimum is above its maximum is an error") {
    CHECK(ParseLoginDefinitions("UID_MIN 5000\nUID_MAX 4000\n", "f").status().message() ==
          "f: UID_MIN 5000 is greater than UID_MAX 4000");
    CHECK(ParseLoginDefinitions("GID_MIN 70000\n", "f").status().message() ==
          "f: GID_MIN 70000 is greater than GID_MAX 60000");
  }
}

TEST_SUITE("LocalAccounts") {
  TEST_CASE("parses passwd and group entries") {
    const LocalAccounts accounts = LocalAccounts::Parse(kPasswd, "passwd", kGroup, "group", {});
    CHECK(accounts.warnings().empty());
    REQUIRE(accounts.users().size() == 5);
    const PasswdEntry* alice = accounts.FindUser("alice");
    REQUIRE(alice != nullptr);
    CHECK(alice->uid == 1000);
    CHECK(alice->gid == 1000);
    CHECK(alice->gecos == "Alice,,,");
    CHECK(alice->home == "/home/alice");
    CHECK(alice->shell == "/bin/bash");
    REQUIRE(accounts.FindGroup("users") != nullptr);
    CHECK(accounts.FindGroup("users")->members == std::vector<std::string>{"alice", "bob"});
    CHECK(accounts.FindGroup("shadow")->members.empty());
  }

  TEST_CASE("maps owners by name, never by number") {
    const LocalAccounts accounts = LocalAccounts::Parse(kPasswd, "passwd", kGroup, "group", {});
    CHECK(accounts.UserId("bob") == std::optional<uid_t>(1001));
    CHECK(accounts.GroupId("shadow") == std::optional<gid_t>(42));
    CHECK_FALSE(accounts.UserId("Bob").has_value());
    CHECK_FALSE(accounts.GroupId("carol").has_value());
    CHECK(accounts.FindUserById(1001)->name == "bob");
    CHECK(accounts.FindGroupById(100)->name == "users");
    CHECK(accounts.FindUserById(4242) == nullptr);
  }

  TEST_CASE("tells people from system accounts by login.defs") {
    LoginDefinitions definitions;
    definitions.user_ids = {1001, 2000};
    const LocalAccounts accounts =
        LocalAccounts::Parse(kPasswd, "passwd", "", "group", definitions);
    CHECK_FALSE(accounts.IsPersonId(0));
    CHECK_FALSE(accounts.IsPersonId(1000));
    CHECK(accounts.IsPersonId(1001));
    CHECK(accounts.IsPersonId(2000));
    CHECK_FALSE(accounts.IsPersonId(65534));
  }

  TEST_CASE("skips malformed lines with a warning naming the file and line") {
    const LocalAccounts accounts = LocalAccounts::Parse(
        "# a comment\n\nroot:x:0:0::/root:/bin/bash\nbroken:x:1000\n:x:1:1::/:/bin/sh\n"
        "carol:x:abc:1::/home/carol:/bin/sh\ndave:x:1002:-1::/home/dave:/bin/sh\n"
        "+@netgroup::::::\nroot:x:5:5::/x:/bin/sh\n",
        "/r/etc/passwd", "staff:x:50:\nbad:x:\nstaff:x:51:\n:x:3:\nwheel:x:w:\n", "/r/etc/group",
        {});
    CHECK(accounts.warnings() ==
          std::vector<std::string>{
              "/r/etc/passwd:4: expected 7 fields separated by ':', found 3; the line is ignored",
              "/r/etc/passwd:5: the user name is empty; the line is ignored",
              "/r/etc/passwd:6: user ID 'abc' of 'carol' is not a number; the line is ignored",
              "/r/etc/passwd:7: group ID '-1' of 'dave' is not a number; the line is ignored",
              "/r/etc/passwd:9: user 'root' is already defined on line 3; the line is ignored",
              "/r/etc/group:2: expected 4 fields separated by ':', found 3; the line is ignored",
              "/r/etc/group:3: group 'staff' is already defined on line 1; the line is ignored",
              "/r/etc/group:4: the group name is empty; the line is ignored",
              "/r/etc/group:5: group ID 'w' of 'wheel' is not a number; the line is ignored",
          });
    REQUIRE(accounts.users().size() == 1);
    CHECK(accounts.FindUser("root")->uid == 0);
    REQUIRE(accounts.groups().size() == 1);
    CHECK(accounts.FindGroup("staff")->gid == 50);
  }

  TEST_CASE("reads a machine root's files, with group and login.defs optional") {
    testing::TempDirectory temp;
    auto filesystem = NewPosixFilesystem();
    const MachineRoot root(temp.path(), *filesystem);
    Result<LocalAccounts> accounts = LocalAccounts::Read(root);
    REQUIRE_FALSE(accounts.ok());
    CHECK(accounts.status().code() == StatusCode::kNotFound);
    CHECK(accounts.status().message() ==
          "cannot read '" + temp.Join("etc/passwd") + "': No such file or directory");

    temp.WriteFile("etc/passwd", kPasswd);
    accounts = LocalAccounts::Read(root);
    REQUIRE(accounts.ok());
    CHECK(accounts->users().size() == 5);
    CHECK(accounts->groups().empty());
    CHECK(accounts->login_definitions().user_ids.min == 1000);

    temp.WriteFile("etc/login.defs", "UID_MIN 500\nUID_MAX x\n");
    accounts = LocalAccounts::Read(root);
    REQUIRE_FALSE(accounts.ok());
    CHECK(accounts.status().message() ==
          temp.Join("etc/login.defs") + ":2: UID_MAX 'x' is not a number");
  }
}

TEST_SUITE("IsValidUserName") {
  TEST_CASE("accepts what useradd accepts") {
    for (const char* name :
         {"alice", "_svc", "a", "bob-2", "x_y", "machine$", "abcdefghijklmnopqrstuvwxyz012345"}) {
      CAPTURE(name);
      CHECK(IsValidUserName(name));
    }
    for (const char* name : {"", "Alice", "1abc", "-x", "a b", "a:b", "a$b", "a.b", "a\\b",
                             "abcdefghijklmnopqrstuvwxyz0123456"}) {
      CAPTURE(name);
      CHECK_FALSE(IsValidUserName(name));
    }
  }
}

TEST_SUITE("HashPassword") {
  TEST_CASE("hashes with yescrypt and a fresh salt") {
    Result<std::string> first = HashPassword("Pa55 word");
    Result<std::string> second = HashPassword("Pa55 word");
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first->starts_with("$y$"));
    CHECK(*first != *second);
    CHECK(Verifies("Pa55 word", *first));
    CHECK_FALSE(Verifies("pa55 word", *first));
    Result<std::string> empty = HashPassword("");
    REQUIRE(empty.ok());
    CHECK(Verifies("", *empty));
  }
}

TEST_SUITE("CreateLocalAccount") {
  TEST_CASE("adds a disabled account with a private group, keeping the files' modes") {
    TargetRoot target;
    const CreatedAccount created = target.Create("carol", {.password = "s3cret", .now = kNow});
    CHECK(created.account.name == "carol");
    CHECK(created.account.uid == 1002);
    CHECK(created.account.gid == 1002);
    CHECK(created.account.home == "/home/carol");
    CHECK(created.account.shell == "/bin/bash");

    CHECK(target.Read("etc/passwd") ==
          std::string(kPasswd) + "carol:x:1002:1002::/home/carol:/bin/bash\n");
    CHECK(target.Read("etc/group") == std::string(kGroup) + "carol:x:1002:\n");
    CHECK(target.Read("etc/gshadow") == std::string(kGshadow) + "carol:!::\n");
    const std::vector<std::string> shadow = Split(target.LastLine("etc/shadow"), ':');
    REQUIRE(shadow.size() == 9);
    CHECK(shadow[0] == "carol");
    REQUIRE(shadow[1].starts_with("!$y$"));
    CHECK(Verifies("s3cret", shadow[1].substr(1)));
    CHECK(shadow[2] == "20089");
    CHECK(shadow[3] == "0");
    CHECK(shadow[4] == "99999");
    CHECK(shadow[5] == "7");
    CHECK(target.Read("etc/shadow").starts_with(kShadow));
    CHECK(target.Read("etc/shadow").find("s3cret") == std::string::npos);

    CHECK(target.Mode("etc/shadow") == 0640);
    CHECK(target.Mode("etc/gshadow") == 0640);
    CHECK(target.Mode("etc/passwd") == 0644);
    Result<LocalAccounts> accounts = LocalAccounts::Read(target.root);
    REQUIRE(accounts.ok());
    CHECK(accounts->warnings().empty());
    CHECK(accounts->UserId("carol") == std::optional<uid_t>(1002));
  }

  TEST_CASE("/lae leaves the account enabled") {
    TargetRoot target;
    target.Create("carol", {.password = "s3cret", .enable = true, .now = kNow});
    const std::string hash = Split(target.LastLine("etc/shadow"), ':')[1];
    CHECK(hash.starts_with("$y$"));
    CHECK(Verifies("s3cret", hash));
  }

  TEST_CASE("uses login.defs ranges and password ages") {
    TargetRoot target;
    target.Write("etc/login.defs",
                 "UID_MIN 2000\nUID_MAX 2999\nGID_MIN 3000\nGID_MAX 3999\n"
                 "PASS_MAX_DAYS 90\n",
                 0644);
    const CreatedAccount created = target.Create("carol");
    CHECK(created.account.uid == 2000);
    CHECK(created.account.gid == 3000);
    CHECK(target.LastLine("etc/shadow").ends_with(":20089:0:90:7:::"));
  }

  TEST_CASE("takes one above the highest ID in range, else the lowest free one") {
    TargetRoot target;
    target.Write("etc/login.defs", "UID_MIN 1000\nUID_MAX 1003\n", 0644);
    target.Write("etc/passwd", std::string(kPasswd) + "max:x:1003:1003::/home/max:/bin/sh\n", 0644);
    target.Write("etc/group", std::string(kGroup) + "max:x:1003:\n", 0644);
    CHECK(target.Create("carol").account.uid == 1002);

    target.Write("etc/passwd", std::string(kPasswd) + "max:x:1003:1003::/home/max:/bin/sh\n", 0644);
    // The highest user ID 1003 is UID_MAX: 1002 is the lowest free one. Group 1002 is taken by
    // the earlier carol, so the group gets the next free group ID.
    const CreatedAccount dave = target.Create("dave");
    CHECK(dave.account.uid == 1002);
    CHECK(dave.account.gid == 1004);

    Result<CreatedAccount> full =
        CreateLocalAccount(target.root, *target.filesystem, "erin", {.now = kNow});
    REQUIRE_FALSE(full.ok());
    CHECK(full.status().code() == StatusCode::kFailedPrecondition);
    CHECK(full.status().message() ==
          "cannot create local account 'erin': no free user ID in 1000..1003");
  }

  TEST_CASE("refuses an existing account and an invalid name") {
    TargetRoot target;
    Result<CreatedAccount> existing =
        CreateLocalAccount(target.root, *target.filesystem, "bob", {.now = kNow});
    CHECK(existing.status().code() == StatusCode::kAlreadyExists);
    CHECK(existing.status().message() == "cannot create local account 'bob': it already exists");
    Result<CreatedAccount> invalid =
        CreateLocalAccount(target.root, *target.filesystem, "Bob:0", {.now = kNow});
    CHECK(invalid.status().code() == StatusCode::kInvalidArgument);
    CHECK(invalid.status().message() ==
          "cannot create local account 'Bob:0': not a valid user name (use a lower-case letter "
          "or '_', then lower-case letters, digits, '_' or '-', at most 32 characters)");
    CHECK(target.Read("etc/passwd") == kPasswd);
  }

  TEST_CASE("writes passwd last, and a retry repairs what an interruption left") {
    TargetRoot target;
    FaultInjectingFilesystem faulty(*target.filesystem);
    const MachineRoot root(target.temp.path(), faulty);
    // group, gshadow, shadow, then passwd: the fourth write fails.
    faulty.FailNth(FilesystemOperation::kWriteFileAtomically, 4, IoError("disk full"));
    Result<CreatedAccount> failed =
        CreateLocalAccount(root, faulty, "carol", {.password = "hunter2", .now = kNow});
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().message() == "disk full");
    CHECK(target.Read("etc/passwd") == kPasswd);
    CHECK(target.LastLine("etc/group") == "carol:x:1002:");
    CHECK(target.LastLine("etc/shadow").starts_with("carol:!$y$"));

    const CreatedAccount created = target.Create("carol", {.password = "new", .now = kNow});
    CHECK(created.account.uid == 1002);
    CHECK(created.account.gid == 1002);
    CHECK(target.Read("etc/group") == std::string(kGroup) + "carol:x:1002:\n");
    CHECK(target.Read("etc/gshadow") == std::string(kGshadow) + "carol:!::\n");
    const std::vector<std::string> shadow = Split(target.Read("etc/shadow"), '\n');
    CHECK(shadow.size() == 5);  // three old lines, carol's, and the final empty field
    CHECK(Verifies("new", Split(target.LastLine("etc/shadow"), ':')[1].substr(1)));
    CHECK(target.LastLine("etc/passwd") == "carol:x:1002:1002::/home/carol:/bin/bash");
  }

  TEST_CASE("creates shadow and group when the root has none, and needs no gshadow") {
    testing::TempDirectory temp;
    auto filesystem = NewPosixFilesystem();
    const MachineRoot root(temp.path(), *filesystem);
    temp.WriteFile("etc/passwd", "root:x:0:0::/root:/bin/sh");  // no final newline
    Result<CreatedAccount> created = CreateLocalAccount(root, *filesystem, "carol", {.now = kNow});
    REQUIRE(created.ok());
    CHECK(created->account.uid == 1000);
    CHECK(ReadFileForTest(temp.Join("etc/passwd")) ==
          "root:x:0:0::/root:/bin/sh\ncarol:x:1000:1000::/home/carol:/bin/bash\n");
    CHECK(ReadFileForTest(temp.Join("etc/group")) == "carol:x:1000:\n");
    CHECK(filesystem->Stat(temp.Join("etc/shadow"), SymlinkPolicy::kFollow)->mode == 0640);
    CHECK_FALSE(filesystem->Stat(temp.Join("etc/gshadow"), SymlinkPolicy::kFollow).ok());
  }

  TEST_CASE("a rewritten file keeps its owner and group: etc/shadow stays root:shadow") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/m/etc/passwd", kPasswd);
    filesystem.AddFile("/m/etc/group", kGroup);
    filesystem.AddFile("/m/etc/shadow", kShadow, 0640);
    filesystem.SetOwner("/m/etc/shadow", 0, 42);
    filesystem.SetOwner("/m/etc/group", 0, 7);
    const MachineRoot root("/m", filesystem);
    Result<CreatedAccount> created = CreateLocalAccount(root, filesystem, "carol", {.now = kNow});
    REQUIRE(created.ok());
    const Result<FileInfo> shadow = filesystem.Stat("/m/etc/shadow", SymlinkPolicy::kFollow);
    REQUIRE(shadow.ok());
    CHECK(shadow->mode == 0640);
    CHECK(shadow->owner == 0);
    CHECK(shadow->group == 42);
    CHECK(filesystem.Stat("/m/etc/group", SymlinkPolicy::kFollow)->group == 7);
  }
}

TEST_SUITE("EnsureLocalAccount") {
  TEST_CASE("finds an existing account without creating anything") {
    TargetRoot target;
    UsmtResult<EnsuredAccount> ensured =
        EnsureLocalAccount(target.root, *target.filesystem, "bob", std::nullopt);
    REQUIRE(ensured.ok());
    CHECK_FALSE(ensured->created);
    CHECK(ensured->account.uid == 1001);
  }

  TEST_CASE("a missing account without /lac is error 14") {
    TargetRoot target;
    UsmtResult<EnsuredAccount> ensured =
        EnsureLocalAccount(target.root, *target.filesystem, "carol", std::nullopt);
    REQUIRE_FALSE(ensured.ok());
    CHECK(ensured.error().code == UsmtReturnCode::kUseLac);
    CHECK(ensured.error().message ==
          "Unable to create a local account because /lac was not specified: carol");
    CHECK(target.Read("etc/passwd") == kPasswd);
  }

  TEST_CASE("/lac creates the missing account") {
    TargetRoot target;
    UsmtResult<EnsuredAccount> ensured = EnsureLocalAccount(
        target.root, *target.filesystem, "carol", NewAccountOptions{.password = "pw", .now = kNow});
    REQUIRE(ensured.ok());
    CHECK(ensured->created);
    CHECK(ensured->account.uid == 1002);
  }

  TEST_CASE("other failures map to USMT codes and never show the password") {
    TargetRoot target;
    UsmtResult<EnsuredAccount> invalid = EnsureLocalAccount(
        target.root, *target.filesystem, "Carol", NewAccountOptions{.password = "pw", .now = kNow});
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().code == UsmtReturnCode::kInvalidParameters);

    FaultInjectingFilesystem faulty(*target.filesystem);
    const MachineRoot root(target.temp.path(), faulty);
    faulty.FailAlways(FilesystemOperation::kWriteFileAtomically,
                      PermissionDeniedError("cannot write '/etc/group': Permission denied"));
    UsmtResult<EnsuredAccount> denied = EnsureLocalAccount(
        root, faulty, "carol", NewAccountOptions{.password = "hunter2", .now = kNow});
    REQUIRE_FALSE(denied.ok());
    CHECK(denied.error().code == UsmtReturnCode::kInsufficientRights);
    CHECK(denied.error().message.find("hunter2") == std::string::npos);
  }
}

}  // namespace
}  // namespace tseq
