#include "migration/user_mapping.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

// The target machine PC02 has alice (home /home/alice) and bob (home /srv/bob).
const LocalAccounts& TargetAccounts() {
  static const LocalAccounts accounts = LocalAccounts::Parse(
      "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n"
      "bob:x:1001:1001::/srv/bob:/bin/bash\n",
      "passwd", "", "group", {});
  return accounts;
}

const StoredProfile kLocalAlice{"PC01\\alice", "/home/alice", true};
const StoredProfile kLocalCarol{"PC01\\carol", "/home/carol", true};
const StoredProfile kDave{"CONTOSO\\dave", "/home/dave@contoso.com", false};

UserMappingOptions Rules(const std::vector<std::string>& users,
                         const std::vector<std::string>& domains = {}) {
  UserMappingOptions options;
  for (const std::string& text : users) {
    Result<UserMappingRule> rule = ParseUserMappingRule(text);
    REQUIRE_MESSAGE(rule.ok(), rule.status().message());
    options.users.push_back(*rule);
  }
  for (const std::string& text : domains) {
    Result<DomainMappingRule> rule = ParseDomainMappingRule(text);
    REQUIRE_MESSAGE(rule.ok(), rule.status().message());
    options.domains.push_back(*rule);
  }
  return options;
}

MappedUser Map(const StoredProfile& profile, const UserMappingOptions& options = {}) {
  return MapUser(profile, options, TargetMachine{"PC02", &TargetAccounts()});
}

TEST_SUITE("MapUser") {
  TEST_CASE("without rules a local user stays local, under the target's name") {
    MappedUser mapped = Map(kLocalAlice);
    CHECK(mapped.name == "PC02\\alice");
    CHECK(mapped.domain == "PC02");
    CHECK(mapped.user == "alice");
    CHECK(mapped.local);
    CHECK(mapped.home == "/home/alice");
    REQUIRE(mapped.existing_account.has_value());
    CHECK(mapped.existing_account->uid == 1000);
    CHECK(mapped.applied_rules.empty());

    mapped = Map(kLocalCarol);
    CHECK(mapped.name == "PC02\\carol");
    CHECK(mapped.home == "/home/carol");
    CHECK_FALSE(mapped.existing_account.has_value());
  }

  TEST_CASE("without rules a directory-service user keeps its name and home") {
    const MappedUser mapped = Map(kDave);
    CHECK(mapped.name == "CONTOSO\\dave");
    CHECK_FALSE(mapped.local);
    CHECK(mapped.home == "/home/dave@contoso.com");
    CHECK_FALSE(mapped.existing_account.has_value());
  }

  TEST_CASE("/mu renames a directory-service user and mirrors the home layout") {
    MappedUser mapped = Map(kDave, Rules({"contoso\\dave:fabrikam\\Erin"}));
    CHECK(mapped.name == "FABRIKAM\\Erin");
    CHECK(mapped.home == "/home/erin@fabrikam.com");
    CHECK(mapped.applied_rules == "/mu:contoso\\dave:fabrikam\\Erin");
    CHECK(Map(kDave, Rules({"CONTOSO\\DAVE:erin@fabrikam.org"})).home == "/home/erin@fabrikam.org");
  }

  TEST_CASE("/mu without a new domain keeps the domain, which /md may still move") {
    MappedUser mapped = Map(kDave, Rules({"contoso.com\\dave:erin"}));
    CHECK(mapped.name == "CONTOSO\\erin");
    CHECK(mapped.home == "/home/erin@contoso.com");
    mapped = Map(kDave, Rules({"contoso\\dave:erin"}, {"contoso:fabrikam"}));
    CHECK(mapped.name == "FABRIKAM\\erin");
    CHECK(mapped.home == "/home/erin@fabrikam.com");
    CHECK(mapped.applied_rules == "/mu:contoso\\dave:erin, /md:contoso:fabrikam");
    // A /mu naming the new domain is final.
    mapped = Map(kDave, Rules({"contoso\\dave:sales\\erin"}, {"contoso:fabrikam"}));
    CHECK(mapped.name == "SALES\\erin");
    CHECK(mapped.applied_rules == "/mu:contoso\\dave:sales\\erin");
  }

  TEST_CASE("/mu OLDLOCALUSER moves a local account of the source") {
    MappedUser mapped = Map(kLocalAlice, Rules({"alice:contoso\\alice2"}));
    CHECK(mapped.name == "CONTOSO\\alice2");
    CHECK_FALSE(mapped.local);
    CHECK(mapped.home == "/home/alice2@contoso");
    CHECK(Map(kLocalAlice, Rules({"alice:contoso.com\\alice2"})).home ==
          "/home/alice2@contoso.com");
    // A bare old name is a local account only, never a directory-service one.
    const StoredProfile domain_alice{"CONTOSO\\alice", "/home/alice@contoso.com", false};
    CHECK(Map(domain_alice, Rules({"alice:bob"})).name == "CONTOSO\\alice");
    // The source machine's name works as the domain of its local accounts.
    CHECK(Map(kLocalAlice, Rules({"pc01\\alice:carol"})).name == "PC02\\carol");
  }

  TEST_CASE("renaming to an account the target has takes its home") {
    const MappedUser mapped = Map(kLocalAlice, Rules({"alice:bob"}));
    CHECK(mapped.name == "PC02\\bob");
    CHECK(mapped.local);
    CHECK(mapped.home == "/srv/bob");
    REQUIRE(mapped.existing_account.has_value());
    CHECK(mapped.existing_account->uid == 1001);
  }

  TEST_CASE("/md moves a domain; the first matching rule wins; unknown domains are ignored") {
    MappedUser mapped = Map(kDave, Rules({}, {"nosuch:x", "cont*:fabrikam", "contoso:other"}));
    CHECK(mapped.name == "FABRIKAM\\dave");
    CHECK(mapped.home == "/home/dave@fabrikam.com");
    CHECK(mapped.applied_rules == "/md:cont*:fabrikam");
    mapped = Map(kDave, Rules({}, {"nosuch:fabrikam"}));
    CHECK(mapped.name == "CONTOSO\\dave");
    CHECK(mapped.home == "/home/dave@contoso.com");
    CHECK(mapped.applied_rules.empty());
  }

  TEST_CASE("/md moves local accounts by the source machine's name") {
    MappedUser mapped = Map(kLocalAlice, Rules({}, {"PC01:contoso.com"}));
    CHECK(mapped.name == "CONTOSO\\alice");
    CHECK(mapped.home == "/home/alice@contoso.com");
    mapped = Map(kLocalAlice, Rules({}, {"*:fabrikam"}));
    CHECK(mapped.name == "FABRIKAM\\alice");
  }

  TEST_CASE("a domain mapped to the target machine's name becomes a local account") {
    const MappedUser mapped = Map(kDave, Rules({}, {"contoso:pc02"}));
    CHECK(mapped.name == "PC02\\dave");
    CHECK(mapped.local);
    CHECK(mapped.home == "/home/dave");
    CHECK_FALSE(mapped.existing_account.has_value());
  }

  TEST_CASE("a /home/DOMAIN/user home keeps its layout and the folder's case style") {
    const UserMappingOptions options = Rules({}, {"contoso:fabrikam"});
    CHECK(Map({"CONTOSO\\frank", "/home/CONTOSO/frank", false}, options).home ==
          "/home/FABRIKAM/frank");
    CHECK(Map({"CONTOSO\\frank", "/home/contoso/frank", false}, options).home ==
          "/home/fabrikam/frank");
    CHECK(Map({"CONTOSO\\frank", "/home/Contoso/frank", false}, options).home ==
          "/home/FABRIKAM/frank");
    CHECK(Map({"CONTOSO\\frank", "/home/contoso.com/frank", false}, options).home ==
          "/home/fabrikam.com/frank");
    CHECK(
        Map({"CONTOSO\\frank", "/home/CONTOSO/frank", false}, Rules({"contoso\\frank:gus"})).home ==
        "/home/CONTOSO/gus");
  }

  TEST_CASE("another layout puts the new home beside the old one") {
    const MappedUser mapped =
        Map({"CONTOSO\\gina", "/srv/homes/gina", false}, Rules({"contoso\\gina:hana"}));
    CHECK(mapped.name == "CONTOSO\\hana");
    CHECK(mapped.home == "/srv/homes/hana");
  }
}

TEST_SUITE("ParseUserMappingRule") {
  TEST_CASE("reads the domain and local forms") {
    Result<UserMappingRule> rule = ParseUserMappingRule("contoso\\user1:fabrikam\\user2");
    REQUIRE(rule.ok());
    CHECK(rule->old_domain == "contoso");
    CHECK(rule->old_user == "user1");
    CHECK(rule->new_domain == "fabrikam");
    CHECK(rule->new_user == "user2");
    CHECK(rule->text == "contoso\\user1:fabrikam\\user2");
    rule = ParseUserMappingRule("user1:fabrikam\\user2");
    REQUIRE(rule.ok());
    CHECK(rule->old_domain.empty());
    CHECK(rule->old_user == "user1");
    rule = ParseUserMappingRule("bob@contoso.com:bob");
    REQUIRE(rule.ok());
    CHECK(rule->old_domain == "contoso.com");
    CHECK(rule->old_user == "bob");
    CHECK(rule->new_domain.empty());
  }

  TEST_CASE("rejects malformed values and wildcards") {
    for (const char* text : {"", "a", "a:b:c", ":b", "a:", "a\\b\\c:d", "\\a:b", "contoso\\:x",
                             "a:b\\", "a@:b", "@a:b", "a:b@c@d"}) {
      CAPTURE(text);
      CHECK(ParseUserMappingRule(text).status().message() ==
            "invalid /mu value '" + std::string(text) +
                "': use /mu:OLDDOMAIN\\OLDUSER:[NEWDOMAIN\\]NEWUSER");
    }
    for (const char* text : {"*\\a:b", "contoso\\*:b", "a:b*", "a?:b"}) {
      CAPTURE(text);
      CHECK(ParseUserMappingRule(text).status().message() ==
            "invalid /mu value '" + std::string(text) + "': /mu does not accept wildcards");
    }
  }
}

TEST_SUITE("ParseDomainMappingRule") {
  TEST_CASE("reads old and new domains, the old one with wildcards") {
    Result<DomainMappingRule> rule = ParseDomainMappingRule("con*:fabrikam.com");
    REQUIRE(rule.ok());
    CHECK(rule->old_domain == "con*");
    CHECK(rule->new_domain == "fabrikam.com");
    CHECK(rule->text == "con*:fabrikam.com");
  }

  TEST_CASE("rejects malformed values and a new domain with wildcards") {
    for (const char* text : {"", "a", "a:b:c", ":b", "a:", "a\\b:c", "a:b@c"}) {
      CAPTURE(text);
      CHECK(ParseDomainMappingRule(text).status().message() ==
            "invalid /md value '" + std::string(text) + "': use /md:OLDDOMAIN:NEWDOMAIN");
    }
    CHECK(ParseDomainMappingRule("a:b*").status().message() ==
          "invalid /md value 'a:b*': the new domain cannot contain wildcards");
  }
}

TEST_SUITE("CheckUserMappingRules") {
  TEST_CASE("one /mu per user") {
    CHECK(CheckUserMappingRules(Rules({"contoso\\a:b", "contoso\\c:d", "a:e"})).ok());
    const Status status = CheckUserMappingRules(Rules({"contoso\\a:b", "x:y", "CONTOSO.com\\A:c"}));
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message() ==
          "/mu:contoso\\a:b and /mu:CONTOSO.com\\A:c both rename the same user");
  }
}

}  // namespace
}  // namespace tseq
