#include "migration/profile_record.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

Profile Alice() {
  Profile profile;
  profile.name = "PC01\\alice";
  profile.domain = "PC01";
  profile.user = "alice";
  profile.home = "/home/alice";
  profile.uid = 1000;
  profile.gid = 1001;
  profile.owner_name = "alice";
  profile.group_name = "staff";
  profile.local = true;
  profile.last_logon = std::chrono::system_clock::time_point(std::chrono::seconds(1795525509));
  profile.last_logon_source = LastLogonSource::kWtmp;
  profile.home_mode = 02750;
  profile.home_modified = std::chrono::system_clock::time_point(std::chrono::seconds(1795525000) +
                                                                std::chrono::nanoseconds(42));
  return profile;
}

TEST_SUITE("ProfileRecord") {
  TEST_CASE("a profile written as a catalog root reads back with everything loadstate needs") {
    const archive::CatalogRoot root = ProfileToCatalogRoot(Alice(), "PC01");
    CHECK(root.name == "PC01\\alice");
    CHECK(root.directory == "home/alice");
    Result<ProfileRecord> record = ProfileRecordFromCatalogRoot(root, 0);
    REQUIRE(record.ok());
    CHECK(record->domain == "PC01");
    CHECK(record->user == "alice");
    CHECK(record->home == "/home/alice");
    CHECK(record->local);
    CHECK(record->uid == 1000u);
    CHECK(record->gid == 1001u);
    CHECK(record->owner == "alice");
    CHECK(record->group == "staff");
    CHECK(record->machine == "PC01");
    REQUIRE(record->last_logon.has_value());
    CHECK(std::chrono::duration_cast<std::chrono::seconds>(record->last_logon->time_since_epoch())
              .count() == 1795525509);
    CHECK(record->ToStoredProfile().home == "/home/alice");
    CHECK(record->home_mode == mode_t{02750});
    CHECK(record->home_modified == FileTime{1795525000, 42});
  }

  TEST_CASE("the home's mode and time are written as octal and SECONDS.NANOSECONDS") {
    const archive::CatalogRoot root = ProfileToCatalogRoot(Alice(), "PC01");
    const auto value = [&root](const std::string& key) {
      for (const auto& [name, text] : root.attributes) {
        if (name == key) return text;
      }
      return std::string("(absent)");
    };
    CHECK(value("home_mode") == "2750");
    CHECK(value("home_modified") == "1795525000.000000042");
  }

  TEST_CASE("a home time before 1970 keeps its sign on the seconds only") {
    Profile old = Alice();
    old.home_modified = std::chrono::system_clock::time_point(-std::chrono::seconds(2) +
                                                              std::chrono::milliseconds(250));
    Result<ProfileRecord> record =
        ProfileRecordFromCatalogRoot(ProfileToCatalogRoot(old, "PC01"), 0);
    REQUIRE(record.ok());
    CHECK(record->home_modified == FileTime{-2, 250000000});
  }

  TEST_CASE("a store from before the home's mode and time were recorded has neither") {
    Profile profile = Alice();
    profile.home_mode.reset();
    const archive::CatalogRoot root = ProfileToCatalogRoot(profile, "PC01");
    for (const auto& [name, text] : root.attributes) CHECK(name.rfind("home_", 0) != 0);
    Result<ProfileRecord> record = ProfileRecordFromCatalogRoot(root, 0);
    REQUIRE(record.ok());
    CHECK_FALSE(record->home_mode.has_value());
    CHECK_FALSE(record->home_modified.has_value());
  }

  TEST_CASE("a directory-service profile without a known last logon keeps none") {
    Profile bob = Alice();
    bob.name = "CONTOSO\\bob";
    bob.home = "/home/bob@contoso.com";
    bob.local = false;
    bob.owner_name = "";
    bob.last_logon.reset();
    Result<ProfileRecord> record =
        ProfileRecordFromCatalogRoot(ProfileToCatalogRoot(bob, "PC01"), 3);
    REQUIRE(record.ok());
    CHECK_FALSE(record->local);
    CHECK(record->owner.empty());
    CHECK_FALSE(record->last_logon.has_value());
  }

  TEST_CASE("a root that is not a profile is refused, naming the root and why") {
    archive::CatalogRoot root = ProfileToCatalogRoot(Alice(), "PC01");
    SUBCASE("name") {
      root.name = "alice";
      CHECK(ProfileRecordFromCatalogRoot(root, 2).status().message() ==
            "store root 2 ('alice') is not a profile: its name is not DOMAIN\\user");
    }
    SUBCASE("home") {
      root.directory = "home/mallory";
      CHECK(ProfileRecordFromCatalogRoot(root, 0).status().message() ==
            "store root 0 ('PC01\\alice') is not a profile: its home '/home/alice' does not "
            "match its directory 'home/mallory'");
    }
    SUBCASE("uid") {
      for (auto& [key, value] : root.attributes) {
        if (key == "uid") value = "-1";
      }
      CHECK(ProfileRecordFromCatalogRoot(root, 0).status().message() ==
            "store root 0 ('PC01\\alice') is not a profile: uid '-1' is not a number");
    }
    SUBCASE("local") {
      for (auto& [key, value] : root.attributes) {
        if (key == "local") value = "maybe";
      }
      CHECK(ProfileRecordFromCatalogRoot(root, 0).status().message() ==
            "store root 0 ('PC01\\alice') is not a profile: local is 'maybe', not yes or no");
    }
    SUBCASE("home_mode") {
      for (auto& [key, value] : root.attributes) {
        if (key == "home_mode") value = "0758";
      }
      CHECK(ProfileRecordFromCatalogRoot(root, 0).status().message() ==
            "store root 0 ('PC01\\alice') is not a profile: home_mode '0758' is not an octal "
            "mode");
    }
    SUBCASE("home_modified") {
      for (auto& [key, value] : root.attributes) {
        if (key == "home_modified") value = "1795525000.5";
      }
      CHECK(ProfileRecordFromCatalogRoot(root, 0).status().message() ==
            "store root 0 ('PC01\\alice') is not a profile: home_modified '1795525000.5' is not "
            "SECONDS.NANOSECONDS");
    }
  }
}

}  // namespace
}  // namespace tseq
