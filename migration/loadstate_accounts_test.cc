// loadstate's users and accounts (/lac, /lae, /mu, /ue, directory-service users), its stores
// (keys, damage, directory and hard-link stores) and its progress log.
#include <doctest/doctest.h>

#include "migration/loadstate_test_support.h"
#include "platform/rooted_directory.h"

namespace tseq {
namespace {

using loadstate_testing::Directory;
using loadstate_testing::File;
using loadstate_testing::LoadStateFixture;
using loadstate_testing::OwnedFile;
using loadstate_testing::SourceAlice;

Profile SourceCarol() {
  Profile profile = SourceAlice();
  profile.name = "PC01\\carol";
  profile.user = "carol";
  profile.home = "/home/carol";
  profile.uid = 1005;
  profile.gid = 1005;
  profile.owner_name = "carol";
  profile.group_name = "carol";
  return profile;
}

Profile SourceDave(uid_t uid) {
  Profile profile;
  profile.name = "CONTOSO\\dave";
  profile.domain = "CONTOSO";
  profile.user = "dave";
  profile.home = "/home/dave@contoso.com";
  profile.uid = uid;
  profile.gid = uid;
  profile.local = false;
  return profile;
}

// The shadow line of `user` in the target root, or "".
std::string ShadowLine(LoadStateFixture& fixture, const std::string& user) {
  const std::string shadow = fixture.Read(fixture.Target("/etc/shadow"));
  const size_t start = shadow.find(user + ":");
  if (start == std::string::npos) return "";
  return shadow.substr(start, shadow.find('\n', start) - start);
}

TEST_SUITE("RunLoadState accounts") {
  TEST_CASE("a local account missing on the target without /lac stops the run with 14") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({File("a.txt", "A")}, SourceCarol());
    const auto result = fixture.Run({store});
    CHECK(result.code == 14);
    CHECK(result.error ==
          "loadstate: Unable to create a local account because /lac was not specified: carol\n");
    CHECK_FALSE(fixture.Exists(fixture.Target("/home/carol")));
  }

  TEST_CASE("/lac creates the missing account disabled, and /lae enabled") {
    for (const bool enable : {false, true}) {
      CAPTURE(enable);
      LoadStateFixture fixture;
      const std::string store =
          fixture.WriteStore({OwnedFile("a.txt", "A", "carol")}, SourceCarol());
      std::vector<std::string> arguments = {store, "/lac:s3cret"};
      if (enable) arguments.push_back("/lae");
      const auto result = fixture.Run(arguments);
      CHECK_MESSAGE(result.code == 0, result.error);
      CHECK(fixture.Read(fixture.Target("/etc/passwd")).find("carol:x:2003:2003:") !=
            std::string::npos);
      const std::string shadow = ShadowLine(fixture, "carol");
      REQUIRE_FALSE(shadow.empty());
      CHECK(shadow.starts_with(enable ? "carol:$" : "carol:!"));
      CHECK(shadow.find("s3cret") == std::string::npos);
      CHECK(fixture.Info(fixture.Target("/home/carol/a.txt")).owner == 2003);
      CHECK(fixture.Info(fixture.Target("/home/carol")).owner == 2003);
    }
  }

  TEST_CASE("/mu restores a user under another account, with the user's files") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteStore({File("a.txt", "A")});
    const auto result = fixture.Run({store, "/mu:PC01\\alice:bob"});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(fixture.Read(fixture.Target("/home/bob/a.txt")) == "A");
    CHECK(fixture.Info(fixture.Target("/home/bob/a.txt")).owner == 2002);
    CHECK_FALSE(fixture.Exists(fixture.Target("/home/alice")));
  }

  TEST_CASE("/ue leaves a user out and the progress log says so") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteProfiles(
        {{SourceAlice(), {File("a.txt", "A")}}, {SourceCarol(), {File("c.txt", "C")}}});
    const std::string progress = fixture.temp.Join("progress.log");
    const auto result = fixture.Run({store, "/ue:carol", "/progress:" + progress});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK_FALSE(fixture.Exists(fixture.Target("/home/carol")));
    const std::string log = fixture.Read(progress);
    CHECK(log.find("program, loadstate, computerName, PC02") != std::string::npos);
    CHECK(log.find("detectedUser, PC01\\alice, includedInMigration, Yes") != std::string::npos);
    CHECK(log.find("detectedUser, PC01\\carol, includedInMigration, No") != std::string::npos);
    CHECK(log.find("PHASE, Applying") != std::string::npos);
    CHECK(log.find("totalPercentageCompleted, 100") != std::string::npos);
    CHECK(log.find("errorCode, 0, numberOfIgnoredErrors, 0, message, Success") !=
          std::string::npos);
  }

  TEST_CASE("a directory-service user keeps its uid unless it is a local account here") {
    LoadStateFixture fixture;
    // Directory-service owners have no passwd name on the source.
    const std::string store = fixture.WriteStore({OwnedFile("a.txt", "A", "")}, SourceDave(500000));
    const auto result = fixture.Run({store});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(fixture.Info(fixture.Target("/home/dave@contoso.com/a.txt")).owner == 500000);

    LoadStateFixture clash;
    const std::string clashing = clash.WriteStore({File("a.txt", "A")}, SourceDave(2002));
    const auto refused = clash.Run({clashing});
    CHECK(refused.code == 72);
    CHECK(refused.error ==
          "loadstate: CONTOSO\\dave: uid 2002 is the local account 'bob' on the target: the "
          "profile is not restored\n");
    CHECK_FALSE(clash.Exists(clash.Target("/home/dave@contoso.com")));
  }

  TEST_CASE("ACL qualifiers are mapped by name to the target's numbers") {
    LoadStateFixture fixture;
    const std::string acl = "user::rw-,user:2002:r--,group::r--,mask::r--,other::---";
    fixture.temp.WriteFile("probe/file", "");
    auto probe = OpenRootedDirectory(fixture.temp.Join("probe"));
    REQUIRE(probe.ok());
    MetadataUpdate update;
    update.access_acl = acl;
    if (!(*probe)->ApplyMetadata("file", update).ok()) return;  // no ACLs on this filesystem
    auto item = File("shared.txt", "S", 0640);
    item.entry.access_acl = "user::rw-,user:bob:r--,group::r--,mask::r--,other::---";
    const auto result = fixture.Run({fixture.WriteStore({item})});
    CHECK_MESSAGE(result.code == 0, result.error);
    auto metadata = NewPosixMetadataReader()->Read(fixture.Target("/home/alice/shared.txt"));
    REQUIRE(metadata.ok());
    CHECK(metadata->access_acl.find("user:2002:r--") != std::string::npos);
  }
}

TEST_SUITE("RunLoadState stores") {
  TEST_CASE("a wrong or missing key is 37 and a damaged store 42") {
    LoadStateFixture fixture;
    const std::string store =
        fixture.WriteStore({File("a.txt", std::string(5000, 'x'))}, SourceAlice(), "right key");
    CHECK(fixture.Run({store, "/decrypt", "/key:wrong key"}).code == 37);
    const auto missing = fixture.Run({store});
    CHECK(missing.code == 37);
    CHECK(missing.error.ends_with("(give /decrypt with /key or /keyfile)\n"));
    CHECK(fixture.Run({store, "/decrypt", "/key:right key"}).code == 0);

    LoadStateFixture damaged;
    const std::string plain = damaged.WriteStore({File("a.txt", std::string(5000, 'x'))});
    const std::string file = plain + "/USMT/USMT.MIG";
    std::string bytes = damaged.Read(file);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
    REQUIRE(damaged.filesystem->WriteFileAtomically(file, bytes, 0644).ok());
    const auto result = damaged.Run({plain});
    CHECK(result.code == 42);
    CHECK_FALSE(damaged.Exists(damaged.Target("/home/alice/a.txt")));
  }

  TEST_CASE("a directory store needs /nocompress and restores its files") {
    LoadStateFixture fixture;
    const std::string store = fixture.WriteDirectoryStore(
        {Directory("Documents"), File("Documents/a.txt", "A")}, archive::DirectoryStoreKind::kCopy);
    const auto refused = fixture.Run({store});
    CHECK(refused.code == 27);
    CHECK(refused.error == "loadstate: '" + store + "' is a directory store: give /nocompress\n");
    const auto result = fixture.Run({store, "/nocompress"});
    CHECK_MESSAGE(result.code == 0, result.error);
    CHECK(fixture.Read(fixture.Target("/home/alice/Documents/a.txt")) == "A");
    const auto hard_link = fixture.Run({store, "/nocompress", "/hardlink"});
    CHECK(hard_link.code == 27);
    CHECK(hard_link.error ==
          "loadstate: '" + store + "' is not a hard-link store: /hardlink needs one\n");
  }

  TEST_CASE("/hardlink links the hard-link store's files into the profile") {
    LoadStateFixture fixture;
    const std::string store =
        fixture.WriteDirectoryStore({Directory("Documents"), File("Documents/a.txt", "A")},
                                    archive::DirectoryStoreKind::kHardLink);
    // The store is protected (immutable folders): lift that even when a REQUIRE fails.
    struct Remover {
      Filesystem& filesystem;
      std::string store;
      ~Remover() { (void)archive::RemoveStore(filesystem, store); }
    } remover{*fixture.filesystem, store};
    const auto result = fixture.Run({store, "/nocompress", "/hardlink"});
    CHECK_MESSAGE(result.code == 0, result.error);
    const FileInfo restored = fixture.Info(fixture.Target("/home/alice/Documents/a.txt"));
    CHECK(restored.inode == fixture.Info(fixture.temp.Join("sources/Documents/a.txt")).inode);
    CHECK(restored.owner == 2001);
    // Again: the same inode is recognised, nothing is added.
    const auto again = fixture.Run({store, "/nocompress", "/hardlink"});
    CHECK(again.out == "Restored 1 user: 0 entries written, 0 renamed, 2 unchanged, 0 skipped.\n");
  }
}

}  // namespace
}  // namespace tseq
