#include "variables/expansion.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace tseq {
namespace {

VariableStore MakeStore() {
  VariableStore store;
  const auto set = [&store](std::string_view name, std::string_view value, SetOptions options) {
    REQUIRE(store.Set(name, value, options).ok());
  };
  set("OSDStateStorePath", "/var/lib/tseq", {});
  set("A", "alpha", {});
  set("B", "beta", {});
  set("X", "42", {});
  set("Site-Code", "P01", {});
  set("AdminPassword", "hunter2", {});
  set("Token", "t0k3n", SetOptions{.secrecy = Secrecy::kSecret});
  set("Percent", "100%", {});
  set("Nested", "%A%", {});
  set("_SMSTSLogPath", "/var/log/SMSTSLog", SetOptions{.access = VariableAccess::kEngine});
  return store;
}

std::vector<std::string> ReferencedNames(std::string_view text) {
  std::vector<std::string> names;
  for (const VariableReference& reference : FindVariableReferences(text)) {
    names.push_back(reference.name);
  }
  return names;
}

TEST_SUITE("ExpandVariables") {
  TEST_CASE("a reference is replaced by the variable's value") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%OSDStateStorePath%/USMT", store) == "/var/lib/tseq/USMT");
  }

  TEST_CASE("names in references are case-insensitive") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%osdstatestorepath%", store) == "/var/lib/tseq");
  }

  TEST_CASE("text without references is unchanged") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("", store) == "");
    CHECK(ExpandVariables("plain text", store) == "plain text");
  }

  TEST_CASE("a doubled percent sign is a literal percent sign") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("100%% done", store) == "100% done");
    CHECK(ExpandVariables("%%", store) == "%");
    CHECK(ExpandVariables("%%%%", store) == "%%");
    CHECK(ExpandVariables("%%A%%", store) == "%A%");
  }

  TEST_CASE("an unknown reference is left as written") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%NotSet%", store) == "%NotSet%");
    CHECK(ExpandVariables("x %NotSet% y %A%", store) == "x %NotSet% y alpha");
  }

  TEST_CASE("scanning resumes after an unknown reference, not inside it") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%NotSet%A%", store) == "%NotSet%A%");
  }

  TEST_CASE("adjacent references both expand") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%A%%B%", store) == "alphabeta");
    CHECK(ExpandVariables("%A%%B%%", store) == "alphabeta%");
  }

  TEST_CASE("a lone percent sign is literal") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%", store) == "%");
    CHECK(ExpandVariables("50%", store) == "50%");
    CHECK(ExpandVariables("%A", store) == "%A");
  }

  TEST_CASE("a percent sign that does not start a valid name is literal") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("50% of %X%", store) == "50% of 42");
    CHECK(ExpandVariables("%a b%A%", store) == "%a balpha");
    CHECK(ExpandVariables("%1A%", store) == "%1A%");
    CHECK(ExpandVariables("% A %", store) == "% A %");
    CHECK(ExpandVariables("%-A%", store) == "%-A%");
  }

  TEST_CASE("names with dashes and underscores expand") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("site %Site-Code%", store) == "site P01");
    CHECK(ExpandVariables("%_SMSTSLogPath%/smsts.log", store) == "/var/log/SMSTSLog/smsts.log");
  }

  TEST_CASE("a name longer than 256 characters is not a reference") {
    VariableStore store;
    const std::string longest(256, 'n');
    REQUIRE(store.Set(longest, "v").ok());
    CHECK(ExpandVariables("%" + longest + "%", store) == "v");
    const std::string too_long = "%" + std::string(257, 'n') + "%";
    CHECK(ExpandVariables(too_long, store) == too_long);
  }

  TEST_CASE("values are not expanded again") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("%Nested%", store) == "%A%");
    CHECK(ExpandVariables("%Percent%%A%", store) == "100%alpha");
  }

  TEST_CASE("secret values are revealed by default and masked on request") {
    const VariableStore store = MakeStore();
    CHECK(ExpandVariables("-p %AdminPassword% -t %Token%", store) == "-p hunter2 -t t0k3n");
    CHECK(ExpandVariables("-p %AdminPassword% -t %Token% %A%", store, SecretDisplay::kMask) ==
          "-p ******** -t ******** alpha");
  }

  TEST_CASE("a long text of unclosed, unknown and known references expands piece by piece") {
    const VariableStore store = MakeStore();
    std::string text;
    std::string expected;
    for (int i = 0; i < 10000; ++i) {
      text += "% %x %NotSet% %A% 50%% ";
      expected += "% %x %NotSet% alpha 50% ";
    }
    const std::string unclosed = "%" + std::string(100000, 'a');
    CHECK(ExpandVariables(text + unclosed, store) == expected + unclosed);
    CHECK(FindVariableReferences(text + unclosed).size() == 20000);
  }
}

TEST_SUITE("FindVariableReferences") {
  TEST_CASE("references are listed in order with the offset of their opening percent sign") {
    const std::vector<VariableReference> references =
        FindVariableReferences("cp %Source% to %Target-Dir%/x");
    REQUIRE(references.size() == 2);
    CHECK(references[0].name == "Source");
    CHECK(references[0].offset == 3);
    CHECK(references[1].name == "Target-Dir");
    CHECK(references[1].offset == 15);
  }

  TEST_CASE("references follow the same scanning rules as expansion") {
    CHECK(ReferencedNames("%A%%B%") == std::vector<std::string>{"A", "B"});
    CHECK(ReferencedNames("50% of %X%") == std::vector<std::string>{"X"});
    CHECK(ReferencedNames("100%% done %%A%%").empty());
    CHECK(ReferencedNames("%NotSet%A%") == std::vector<std::string>{"NotSet"});
    CHECK(ReferencedNames("% %").empty());
    CHECK(ReferencedNames("%").empty());
    CHECK(ReferencedNames("").empty());
  }

  TEST_CASE("unknown names are listed too") {
    CHECK(ReferencedNames("%Anything%") == std::vector<std::string>{"Anything"});
  }
}

}  // namespace
}  // namespace tseq
