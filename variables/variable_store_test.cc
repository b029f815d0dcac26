#include "variables/variable_store.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr std::string_view kNameRules =
    "names are 1 to 256 letters, digits, '_' or '-', starting with a letter or '_'";

SetOptions From(VariableSource source) { return SetOptions{.source = source}; }

SetOutcome MustSet(VariableStore& store, std::string_view name, std::string_view value,
                   SetOptions options = {}) {
  Result<SetOutcome> outcome = store.Set(name, value, options);
  REQUIRE(outcome.ok());
  return *outcome;
}

std::vector<std::string> ListedNames(const VariableStore& store) {
  std::vector<std::string> names;
  for (const Variable* variable : store.List()) names.push_back(variable->name);
  return names;
}

TEST_SUITE("VariableStore") {
  TEST_CASE("a set variable can be read back under any case") {
    VariableStore store;
    CHECK(MustSet(store, "OSDStateStorePath", "/var/lib/tseq") == SetOutcome::kSet);
    CHECK(store.Get("osdstatestorepath") == "/var/lib/tseq");
    CHECK(store.Get("OSDSTATESTOREPATH") == "/var/lib/tseq");
    CHECK(store.Contains("OsdStateStorePath"));
    CHECK(store.size() == 1);
  }

  TEST_CASE("an unset variable has no value") {
    const VariableStore store;
    CHECK(store.Get("Missing") == std::nullopt);
    CHECK(store.Find("Missing") == nullptr);
    CHECK_FALSE(store.Contains("Missing"));
    CHECK_FALSE(store.IsSecret("Missing"));
  }

  TEST_CASE("a name keeps the spelling it was first set with") {
    VariableStore store;
    MustSet(store, "MyVar", "1");
    MustSet(store, "MYVAR", "2");
    const Variable* variable = store.Find("myvar");
    REQUIRE(variable != nullptr);
    CHECK(variable->name == "MyVar");
    CHECK(variable->value == "2");
    CHECK(store.size() == 1);
  }

  TEST_CASE("leading and trailing spaces around a name are ignored") {
    VariableStore store;
    MustSet(store, "  Padded  ", "x");
    CHECK(store.Find("Padded")->name == "Padded");
    CHECK(store.Get(" padded ") == "x");
    CHECK(VariableStore::ValidateName(" Padded ").ok());
  }

  TEST_CASE("setting a variable to the empty string deletes it") {
    VariableStore store;
    MustSet(store, "Temp", "x");
    CHECK(MustSet(store, "TEMP", "") == SetOutcome::kDeleted);
    CHECK_FALSE(store.Contains("Temp"));
    CHECK(store.size() == 0);
  }

  TEST_CASE("deleting a variable that is not set reports it deleted") {
    VariableStore store;
    CHECK(MustSet(store, "Never", "") == SetOutcome::kDeleted);
    CHECK(store.size() == 0);
  }

  TEST_CASE("a deleted name can be set again with a new spelling") {
    VariableStore store;
    MustSet(store, "first", "1");
    MustSet(store, "first", "");
    MustSet(store, "FIRST", "2");
    CHECK(store.Find("first")->name == "FIRST");
  }

  TEST_CASE("invalid names are refused with the naming rules") {
    const std::array<std::string, 8> invalid = {
        "", "   ", "a b", "1abc", "-abc", "a%b", "na.me", std::string(257, 'a'),
    };
    for (const std::string& name : invalid) {
      CAPTURE(name);
      VariableStore store;
      const Result<SetOutcome> outcome = store.Set(name, "value");
      REQUIRE_FALSE(outcome.ok());
      CHECK(outcome.status().code() == StatusCode::kInvalidArgument);
      CHECK(outcome.status().message() ==
            "invalid variable name '" + name + "': " + std::string(kNameRules));
      CHECK(VariableStore::ValidateName(name).message() == outcome.status().message());
      CHECK(store.size() == 0);
    }
  }

  TEST_CASE("the error for a name with a space is exactly this text") {
    VariableStore store;
    CHECK(store.Set("a b", "1").status().message() ==
          "invalid variable name 'a b': names are 1 to 256 letters, digits, '_' or '-', starting "
          "with a letter or '_'");
  }

  TEST_CASE("valid names include digits, dashes, underscores and 256 characters") {
    const std::array<std::string, 6> valid = {
        "a", "_x", "OSD-State_2", "Z9", "a-", std::string(256, 'n'),
    };
    for (const std::string& name : valid) {
      CAPTURE(name);
      CHECK(VariableStore::ValidateName(name).ok());
      VariableStore store;
      CHECK(store.Set(name, "v", SetOptions{.access = VariableAccess::kEngine}).ok());
      CHECK(store.Get(name) == "v");
    }
  }

  TEST_CASE("an invalid name is refused even when deleting") {
    VariableStore store;
    CHECK(store.Set("a b", "").status().code() == StatusCode::kInvalidArgument);
  }

  TEST_CASE("read-only names cannot be set by sequences, steps or scripts") {
    VariableStore store;
    const Result<SetOutcome> outcome = store.Set("_SMSTSLogPath", "/tmp");
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.status().code() == StatusCode::kPermissionDenied);
    CHECK(outcome.status().message() == "variable '_SMSTSLogPath' is read-only");
    CHECK_FALSE(store.Contains("_SMSTSLogPath"));
  }

  TEST_CASE("the engine can set, change and delete read-only names") {
    VariableStore store;
    const SetOptions engine{.access = VariableAccess::kEngine};
    CHECK(MustSet(store, "_SMSTSLogPath", "/var/log/SMSTSLog", engine) == SetOutcome::kSet);
    CHECK(store.Get("_smstslogpath") == "/var/log/SMSTSLog");

    const Result<SetOutcome> overwrite = store.Set("_smstslogpath", "/tmp");
    CHECK(overwrite.status().message() == "variable '_smstslogpath' is read-only");
    const Result<SetOutcome> remove = store.Set("_SMSTSLogPath", "");
    CHECK(remove.status().code() == StatusCode::kPermissionDenied);
    CHECK(store.Get("_SMSTSLogPath") == "/var/log/SMSTSLog");

    CHECK(MustSet(store, "_SMSTSLogPath", "", engine) == SetOutcome::kDeleted);
    CHECK_FALSE(store.Contains("_SMSTSLogPath"));
  }

  TEST_CASE("a read-only name is recognised by its leading underscore") {
    CHECK(VariableStore::IsReadOnlyName("_SMSTSInWinPE"));
    CHECK_FALSE(VariableStore::IsReadOnlyName("SMSTSRebootRequested"));
    CHECK_FALSE(VariableStore::IsReadOnlyName(""));
  }

  TEST_CASE("a source never overwrites a value from a source of higher precedence") {
    const std::array<VariableSource, 4> sources = {
        VariableSource::kSequence, VariableSource::kVarsFile, VariableSource::kCommandLine,
        VariableSource::kRuntime};
    for (VariableSource first : sources) {
      for (VariableSource second : sources) {
        CAPTURE(VariableSourceName(first));
        CAPTURE(VariableSourceName(second));
        VariableStore store;
        MustSet(store, "Name", "first", From(first));
        const SetOutcome outcome = MustSet(store, "Name", "second", From(second));
        const Variable* variable = store.Find("Name");
        REQUIRE(variable != nullptr);
        if (second < first) {
          CHECK(outcome == SetOutcome::kIgnored);
          CHECK(variable->value == "first");
          CHECK(variable->source == first);
        } else {
          CHECK(outcome == SetOutcome::kSet);
          CHECK(variable->value == "second");
          CHECK(variable->source == second);
        }
      }
    }
  }

  TEST_CASE("initial sources loaded in any order end with the highest one winning") {
    std::array<VariableSource, 3> order = {VariableSource::kSequence, VariableSource::kVarsFile,
                                           VariableSource::kCommandLine};
    std::sort(order.begin(), order.end());
    do {
      VariableStore store;
      for (VariableSource source : order)
        MustSet(store, "Target", VariableSourceName(source), From(source));
      CHECK(store.Get("Target") == "command-line");
    } while (std::next_permutation(order.begin(), order.end()));
  }

  TEST_CASE("a lower source cannot delete a value from a higher source") {
    VariableStore store;
    MustSet(store, "Keep", "x", From(VariableSource::kCommandLine));
    CHECK(MustSet(store, "Keep", "", From(VariableSource::kSequence)) == SetOutcome::kIgnored);
    CHECK(store.Get("Keep") == "x");
    CHECK(MustSet(store, "Keep", "", From(VariableSource::kRuntime)) == SetOutcome::kDeleted);
    CHECK_FALSE(store.Contains("Keep"));
  }

  TEST_CASE("a read-only name is refused before precedence is considered") {
    VariableStore store;
    MustSet(store, "_Built", "x",
            SetOptions{.source = VariableSource::kRuntime, .access = VariableAccess::kEngine});
    CHECK(store.Set("_Built", "y", From(VariableSource::kSequence)).status().code() ==
          StatusCode::kPermissionDenied);
  }

  TEST_CASE("a variable marked secret stays secret when later set without saying otherwise") {
    VariableStore store;
    MustSet(store, "AdminKey", "one", SetOptions{.secrecy = Secrecy::kSecret});
    CHECK(store.IsSecret("adminkey"));
    MustSet(store, "AdminKey", "two");
    CHECK(store.IsSecret("AdminKey"));
    CHECK(store.Get("AdminKey") == "two");
  }

  TEST_CASE("a secret variable becomes plain only when a set says so") {
    VariableStore store;
    MustSet(store, "AdminKey", "one", SetOptions{.secrecy = Secrecy::kSecret});
    MustSet(store, "AdminKey", "two", SetOptions{.secrecy = Secrecy::kPlain});
    CHECK_FALSE(store.IsSecret("AdminKey"));
  }

  TEST_CASE("a new variable is plain unless marked secret") {
    VariableStore store;
    MustSet(store, "Plain", "x");
    CHECK_FALSE(store.IsSecret("Plain"));
    MustSet(store, "Plain", "y", SetOptions{.secrecy = Secrecy::kSecret});
    CHECK(store.IsSecret("Plain"));
  }

  TEST_CASE("an ignored set does not change secrecy") {
    VariableStore store;
    MustSet(store, "Key", "x", From(VariableSource::kRuntime));
    CHECK(MustSet(store, "Key", "y",
                  SetOptions{.source = VariableSource::kSequence, .secrecy = Secrecy::kSecret}) ==
          SetOutcome::kIgnored);
    CHECK_FALSE(store.IsSecret("Key"));
  }

  TEST_CASE("well-known secret names are always secret") {
    const std::array<std::string_view, 6> names = {"OSDStateEncryptDecryptKey",
                                                   "osdmigratelocalaccountpassword",
                                                   "SMSTSRunCommandLineUserPassword",
                                                   "AdminPassword",
                                                   "dbPASSWORD",
                                                   "Password"};
    for (std::string_view name : names) {
      CAPTURE(name);
      CHECK(VariableStore::IsWellKnownSecretName(name));
      VariableStore store;
      MustSet(store, name, "hunter2");
      CHECK(store.IsSecret(name));
      MustSet(store, name, "hunter3", SetOptions{.secrecy = Secrecy::kPlain});
      CHECK(store.IsSecret(name));
    }
  }

  TEST_CASE("names that only contain a secret word are not well-known secrets") {
    CHECK_FALSE(VariableStore::IsWellKnownSecretName("PasswordHint"));
    CHECK_FALSE(VariableStore::IsWellKnownSecretName("OSDStateEncryptDecryptKeyId"));
    CHECK_FALSE(VariableStore::IsWellKnownSecretName("Passwd"));
  }

  TEST_CASE("list is sorted by name ignoring case") {
    VariableStore store;
    MustSet(store, "beta", "1");
    MustSet(store, "Alpha", "2");
    MustSet(store, "_Engine", "3", SetOptions{.access = VariableAccess::kEngine});
    MustSet(store, "ALPHA2", "4");
    MustSet(store, "gamma", "5");
    MustSet(store, "Gamma-1", "6");
    CHECK(ListedNames(store) ==
          std::vector<std::string>{"_Engine", "Alpha", "ALPHA2", "beta", "gamma", "Gamma-1"});
  }

  TEST_CASE("list is sorted however many names were set, in whatever order") {
    // The store hashes its names; List alone gives the order.
    VariableStore store;
    std::vector<std::string> expected;
    for (int number = 0; number < 500; ++number) {
      const std::string digits = std::to_string(number);
      expected.push_back((number % 2 == 0 ? "v" : "V") + std::string(3 - digits.size(), '0') +
                         digits);
    }
    for (size_t index = 0; index < expected.size(); ++index) {
      const std::string& name = expected[(index * 7) % expected.size()];  // 7 is prime to 500
      MustSet(store, name, "x");
    }
    CHECK(store.size() == 500);
    CHECK(ListedNames(store) == expected);
  }

  TEST_CASE("a byte outside ASCII is never part of a name") {
    CHECK_FALSE(VariableStore::ValidateName("Caf\xC3\xA9").ok());
    CHECK_FALSE(VariableStore::ValidateName("\xFF").ok());
    VariableStore store;
    CHECK_FALSE(store.Set("A\x80", "1").ok());
    CHECK(store.size() == 0);
  }

  TEST_CASE("set refuses exactly the names ValidateName refuses, with its message, any byte") {
    for (int byte = 0; byte < 256; ++byte) {
      const char c = static_cast<char>(byte);
      for (const std::string& name : {std::string(1, c), "A" + std::string(1, c) + "b",
                                      " x" + std::string(1, c), std::string(1, c) + "Z"}) {
        VariableStore store;
        const Status valid = VariableStore::ValidateName(name);
        const Result<SetOutcome> set = store.Set(name, "1", {.access = VariableAccess::kEngine});
        INFO("byte " << byte);
        CHECK(set.ok() == valid.ok());
        CHECK(set.status().message() == valid.message());
        if (set.ok()) {
          // Found again under its lower-case spelling.
          CHECK(store.Find(ToLowerAscii(name)) != nullptr);
          CHECK(store.size() == 1);
        }
      }
    }
  }

  TEST_CASE("list shows value, secrecy and source of each variable") {
    VariableStore store;
    MustSet(store, "A", "1",
            SetOptions{.source = VariableSource::kVarsFile, .secrecy = Secrecy::kSecret});
    const std::vector<const Variable*> list = store.List();
    REQUIRE(list.size() == 1);
    CHECK(list[0]->value == "1");
    CHECK(list[0]->secret);
    CHECK(list[0]->source == VariableSource::kVarsFile);
  }

  TEST_CASE("copies are independent") {
    VariableStore original;
    MustSet(original, "A", "1");
    VariableStore copy = original;
    MustSet(copy, "A", "2");
    CHECK(original.Get("A") == "1");
    CHECK(copy.Get("A") == "2");
  }

  TEST_CASE("source names round-trip and unknown names are refused") {
    for (VariableSource source : {VariableSource::kSequence, VariableSource::kVarsFile,
                                  VariableSource::kCommandLine, VariableSource::kRuntime}) {
      CHECK(ParseVariableSource(VariableSourceName(source)) == source);
    }
    CHECK(std::string(VariableSourceName(VariableSource::kVarsFile)) == "vars-file");
    CHECK(ParseVariableSource("Runtime") == std::nullopt);
    CHECK(ParseVariableSource("") == std::nullopt);
  }
}

TEST_SUITE("VariableStore::MaskSecrets") {
  TEST_CASE("every occurrence of a secret value is masked") {
    VariableStore store;
    MustSet(store, "AdminPassword", "hunter2");
    CHECK(store.MaskSecrets("login hunter2 then hunter2 again") ==
          "login ******** then ******** again");
  }

  TEST_CASE("plain values are not masked") {
    VariableStore store;
    MustSet(store, "User", "alice");
    CHECK(store.MaskSecrets("user alice") == "user alice");
  }

  TEST_CASE("a secret containing another secret is masked whole") {
    VariableStore store;
    MustSet(store, "ShortPassword", "abc");
    MustSet(store, "LongPassword", "xxabcxx");
    CHECK(store.MaskSecrets("[xxabcxx] [abc]") == "[********] [********]");
  }

  TEST_CASE("overlapping secrets leave no part of either behind") {
    VariableStore store;
    MustSet(store, "OnePassword", "abcd");
    MustSet(store, "TwoPassword", "cdef");
    CHECK(store.MaskSecrets("abcdef!") == "********!");
  }

  TEST_CASE("adjacent occurrences are masked separately") {
    VariableStore store;
    MustSet(store, "APassword", "ab");
    CHECK(store.MaskSecrets("abab") == "****************");
  }

  TEST_CASE("a secret that looks like the mask does not grow it") {
    VariableStore store;
    MustSet(store, "StarPassword", "*");
    CHECK(store.MaskSecrets("a*b") == "a********b");
  }

  TEST_CASE("many secrets among many plain variables are all masked") {
    VariableStore store;
    for (int number = 0; number < 200; ++number) {
      MustSet(store, "Plain" + std::to_string(number), "plain-" + std::to_string(number));
    }
    MustSet(store, "First", "one-secret", SetOptions{.secrecy = Secrecy::kSecret});
    MustSet(store, "Second", "two-secret", SetOptions{.secrecy = Secrecy::kSecret});
    MustSet(store, "Third", "secret", SetOptions{.secrecy = Secrecy::kSecret});
    CHECK(store.MaskSecrets("one-secret plain-7 two-secret secret") ==
          "******** plain-7 ******** ********");
  }

  TEST_CASE("text without secrets is unchanged") {
    VariableStore store;
    CHECK(store.MaskSecrets("") == "");
    MustSet(store, "APassword", "secret");
    CHECK(store.MaskSecrets("nothing here") == "nothing here");
    CHECK(store.MaskSecrets("") == "");
  }
}

}  // namespace
}  // namespace tseq
