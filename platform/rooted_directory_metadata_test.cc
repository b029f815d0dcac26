// RootedDirectory's metadata writes, read back through ReadMetadata: times, modes, owners,
// extended attributes and ACLs.
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "platform/rooted_directory.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

constexpr uid_t kNobody = 65534;

std::unique_ptr<RootedDirectory> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<RootedDirectory>> directory = OpenRootedDirectory(path);
  REQUIRE(directory.ok());
  return std::move(directory).value();
}

Status Write(RootedDirectory& directory, const std::string& relative,
             const MetadataUpdate& metadata) {
  Result<std::unique_ptr<PendingFile>> file = directory.CreateFile(relative);
  if (!file.ok()) return file.status();
  TSEQ_RETURN_IF_ERROR((*file)->Append("content"));
  return (*file)->Commit(metadata, ReplacePolicy::kNoReplace);
}

FileMetadata MetadataOf(const RootedDirectory& directory, const std::string& relative) {
  Result<FileMetadata> metadata = directory.ReadMetadata(relative);
  REQUIRE(metadata.ok());
  return *metadata;
}

// Whether the temporary filesystem takes user.* attributes (or POSIX ACLs); MESSAGEs when not.
bool Supports(const testing::TempDirectory& temp, const char* attribute, const char* what) {
  const std::string probe = temp.WriteFile(".probe", "");
  const std::string value = attribute[0] == 'u' ? "1" : std::string("\x02\0\0\0", 4);
  const bool supported = ::setxattr(probe.c_str(), attribute, value.data(), value.size(), 0) == 0 ||
                         errno != EOPNOTSUPP;
  if (!supported) MESSAGE((std::string("skipped: the temporary filesystem has no ") + what));
  return supported;
}

bool SupportsUserAttributes(const testing::TempDirectory& temp) {
  return Supports(temp, "user.tseq-probe", "user extended attributes");
}

bool SupportsAcls(const testing::TempDirectory& temp) {
  return Supports(temp, "system.posix_acl_access", "POSIX ACLs");
}

// Runs in a child that dropped root for `kNobody`: an owner change must be refused. Returns what
// went wrong, empty when all went as the contract says.
std::string CheckOwnerRefused(const std::string& shared) {
  Result<std::unique_ptr<RootedDirectory>> opened = OpenRootedDirectory(shared);
  if (!opened.ok()) return opened.status().message();
  RootedDirectory& directory = **opened;
  Result<std::unique_ptr<PendingFile>> file = directory.CreateFile("file");
  if (!file.ok()) return file.status().message();
  if (!(*file)->Append("content").ok()) return "append failed";
  MetadataUpdate update;
  update.owner = FileOwner{0, 0};
  update.mode = 0644;
  const Status refused = (*file)->Commit(update, ReplacePolicy::kNoReplace);
  const std::string expected =
      "cannot change the owner of '" + shared + "/file' to 0:0: Operation not permitted";
  if (refused.code() != StatusCode::kPermissionDenied || refused.message() != expected) {
    return "Commit gave: " + refused.ToString();
  }
  if (directory.Stat("file").ok()) return "the file appeared although Commit failed";
  update.owner.reset();
  if (const Status retried = (*file)->Commit(update, ReplacePolicy::kNoReplace); !retried.ok()) {
    return "retry gave: " + retried.ToString();
  }
  const Result<FileInfo> info = directory.Stat("file");
  if (!info.ok() || info->owner != kNobody || info->mode != 0644) return "wrong owner or mode";
  const Status applied = directory.ApplyMetadata("file", MetadataUpdate{.owner = FileOwner{0, 0}});
  if (applied.code() != StatusCode::kPermissionDenied)
    return "ApplyMetadata gave: " + applied.ToString();
  return "";
}

TEST_SUITE("RootedDirectory metadata") {
  TEST_CASE("modification times keep their nanoseconds on files, folders and symlinks") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    MetadataUpdate update;
    update.modified = FileTime{1234567890, 987654321};
    REQUIRE(Write(*directory, "file", update).ok());
    REQUIRE(directory->CreateDirectory("folder", 0755).ok());
    REQUIRE(directory->ApplyMetadata("folder", update).ok());
    REQUIRE(directory->CreateSymlink("file", "link", update, ReplacePolicy::kNoReplace).ok());
    CHECK(MetadataOf(*directory, "file").modified == FileTime{1234567890, 987654321});
    CHECK(MetadataOf(*directory, "folder").modified == FileTime{1234567890, 987654321});
    CHECK(MetadataOf(*directory, "link").modified == FileTime{1234567890, 987654321});
    REQUIRE(directory->ApplyMetadata("", update).ok());
    CHECK(MetadataOf(*directory, "").modified == FileTime{1234567890, 987654321});
  }

  TEST_CASE("set-ID bits are written when the caller asks and not otherwise") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    MetadataUpdate update;
    update.mode = 06755;
    REQUIRE(Write(*directory, "kept", update).ok());
    update.mode = 06755 & ~06000;
    REQUIRE(Write(*directory, "dropped", update).ok());
    CHECK(MetadataOf(*directory, "kept").mode == 06755);
    CHECK(MetadataOf(*directory, "dropped").mode == 0755);
  }

  TEST_CASE("root gives a file its owner before its mode, so a set-user-ID bit survives") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: changing a file's owner needs root");
      return;
    }
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    MetadataUpdate update;
    update.owner = FileOwner{1234, 5678};
    update.mode = 04755;
    REQUIRE(Write(*directory, "file", update).ok());
    const FileMetadata metadata = MetadataOf(*directory, "file");
    CHECK(metadata.uid == 1234);
    CHECK(metadata.gid == 5678);
    CHECK(metadata.mode == 04755);
    REQUIRE(directory->CreateDirectory("folder", 0700).ok());
    REQUIRE(directory->ApplyMetadata("folder", update).ok());
    CHECK(MetadataOf(*directory, "folder").uid == 1234);
  }

  TEST_CASE("an owner change the OS refuses is PermissionDenied, and Commit can be retried") {
    testing::TempDirectory temp;
    const std::string shared = temp.MakeDirectory("shared");
    if (::geteuid() != 0) {
      CHECK(CheckOwnerRefused(shared) == "");
      return;
    }
    // As root, the refusal is what an unprivileged user gets: check it in a child that drops
    // root for nobody.
    REQUIRE(::chmod(temp.path().c_str(), 0755) == 0);
    REQUIRE(::chmod(shared.c_str(), 0777) == 0);
    int pipe_ends[2];
    REQUIRE(::pipe(pipe_ends) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(pipe_ends[0]);
      std::string problem = "cannot drop root";
      if (::setgroups(0, nullptr) == 0 && ::setresgid(kNobody, kNobody, kNobody) == 0 &&
          ::setresuid(kNobody, kNobody, kNobody) == 0) {
        problem = CheckOwnerRefused(shared);
      }
      const ssize_t written = ::write(pipe_ends[1], problem.data(), problem.size());
      ::_exit(written == static_cast<ssize_t>(problem.size()) ? 0 : 1);
    }
    ::close(pipe_ends[1]);
    std::string problem;
    char buffer[256];
    for (ssize_t count; (count = ::read(pipe_ends[0], buffer, sizeof(buffer))) > 0;) {
      problem.append(buffer, static_cast<size_t>(count));
    }
    ::close(pipe_ends[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(problem == "");
  }

  TEST_CASE("user extended attributes are written, replaced and read back") {
    testing::TempDirectory temp;
    if (!SupportsUserAttributes(temp)) return;
    const auto directory = OpenOrDie(temp.path());
    MetadataUpdate update;
    update.extended_attributes = {{"user.b", std::string("\0\xff", 2)}, {"user.a", "first"}};
    REQUIRE(Write(*directory, "file", update).ok());
    const std::vector<ExtendedAttribute> written = {{"user.a", "first"},
                                                    {"user.b", std::string("\0\xff", 2)}};
    CHECK(MetadataOf(*directory, "file").extended_attributes == written);
    REQUIRE(
        directory->ApplyMetadata("file", MetadataUpdate{.extended_attributes = {{"user.a", "2"}}})
            .ok());
    const std::vector<ExtendedAttribute> replaced = {{"user.a", "2"},
                                                     {"user.b", std::string("\0\xff", 2)}};
    CHECK(MetadataOf(*directory, "file").extended_attributes == replaced);
  }

  TEST_CASE("a symlink gets its own owner and attributes before it appears") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: owners and trusted.* attributes (all a symlink can carry) need root");
      return;
    }
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    temp.WriteFile("target", "");
    MetadataUpdate update;
    update.owner = FileOwner{4321, 8765};
    update.extended_attributes = {{"trusted.tseq", "link"}};
    update.mode = 0600;  // ignored: a symlink has no mode of its own
    REQUIRE(directory->CreateSymlink("target", "link", update, ReplacePolicy::kNoReplace).ok());
    const FileMetadata link = MetadataOf(*directory, "link");
    CHECK(link.uid == 4321);
    CHECK(link.gid == 8765);
    CHECK(link.extended_attributes == std::vector<ExtendedAttribute>{{"trusted.tseq", "link"}});
    const FileMetadata target = MetadataOf(*directory, "target");
    CHECK(target.uid == 0);
    CHECK(target.extended_attributes.empty());
  }

  TEST_CASE("access and default ACLs round-trip, and an empty ACL removes one") {
    testing::TempDirectory temp;
    if (!SupportsAcls(temp)) return;
    const auto directory = OpenOrDie(temp.path());
    const std::string access = "user::rw-,user:4321:r--,group::r--,mask::r--,other::---";
    const std::string inherited = "user::rwx,group::r-x,group:8765:rwx,mask::rwx,other::---";
    REQUIRE(Write(*directory, "file", MetadataUpdate{.access_acl = access}).ok());
    CHECK(MetadataOf(*directory, "file").access_acl == access);
    CHECK(MetadataOf(*directory, "file").mode == 0640);
    // As restores give them: the mode's group bits are the ACL's mask.
    REQUIRE(Write(*directory, "both", MetadataUpdate{.mode = 02640, .access_acl = access}).ok());
    CHECK(MetadataOf(*directory, "both").access_acl == access);
    CHECK(MetadataOf(*directory, "both").mode == 02640);
    REQUIRE(directory->CreateDirectory("folder", 0750).ok());
    REQUIRE(directory->ApplyMetadata("folder", MetadataUpdate{.default_acl = inherited}).ok());
    CHECK(MetadataOf(*directory, "folder").default_acl == inherited);
    CHECK(MetadataOf(*directory, "folder").access_acl.empty());
    REQUIRE(directory->ApplyMetadata("file", MetadataUpdate{.access_acl = ""}).ok());
    CHECK(MetadataOf(*directory, "file").access_acl.empty());
    REQUIRE(directory->ApplyMetadata("folder", MetadataUpdate{.default_acl = ""}).ok());
    CHECK(MetadataOf(*directory, "folder").default_acl.empty());
  }

  TEST_CASE("an invalid ACL is InvalidArgument and changes nothing") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    REQUIRE(Write(*directory, "file", MetadataUpdate{.mode = 0600}).ok());
    MetadataUpdate update;
    update.mode = 0777;
    update.access_acl = "user::rw-,nonsense";
    const Status status = directory->ApplyMetadata("file", update);
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message() == "cannot set the ACL of '" + temp.Join("file") +
                                  "': 'user::rw-,nonsense' is not a valid ACL");
    CHECK(MetadataOf(*directory, "file").mode == 0600);
  }

  TEST_CASE("an ACL on a symlink or a default ACL on a file is InvalidArgument") {
    testing::TempDirectory temp;
    const auto directory = OpenOrDie(temp.path());
    REQUIRE(Write(*directory, "file", {}).ok());
    REQUIRE(directory->CreateSymlink("file", "link", {}, ReplacePolicy::kNoReplace).ok());
    const std::string acl = "user::rw-,group::r--,other::---";
    CHECK(directory->ApplyMetadata("link", MetadataUpdate{.access_acl = acl}).message() ==
          "cannot set the ACL of '" + temp.Join("link") + "': it is a symlink");
    CHECK(directory->ApplyMetadata("file", MetadataUpdate{.default_acl = acl}).message() ==
          "cannot set the default ACL of '" + temp.Join("file") + "': it is not a folder");
    CHECK(directory
              ->CreateSymlink("file", "other", MetadataUpdate{.access_acl = acl},
                              ReplacePolicy::kNoReplace)
              .message() == "cannot set the ACL of '" + temp.Join("other") + "': it is a symlink");
    CHECK(Write(*directory, "second", MetadataUpdate{.default_acl = acl}).message() ==
          "cannot set the default ACL of '" + temp.Join("second") + "': it is not a folder");
    CHECK(*directory->List("") == std::vector<std::string>{"file", "link"});
  }
}

}  // namespace
}  // namespace tseq
