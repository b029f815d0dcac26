// ValidationContext's shared checks: the subjects (Phrase) its messages are built from.
#include "sequences/validation_context.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "sequences/test_step_catalog.h"

namespace tseq {
namespace {

Value Scalar(std::string text, int line, int column) {
  Value value;
  value.kind = Value::Kind::kScalar;
  value.scalar = std::move(text);
  value.location = {"seq.yaml", line, column};
  value.key_location = {"seq.yaml", line, column - 5};
  return value;
}

TEST_SUITE("Phrase") {
  TEST_CASE("a phrase joins its pieces in order") {
    CHECK(Phrase("step '", "Install", "'").str() == "step 'Install'");
    CHECK(Phrase("sequence").str() == "sequence");
    CHECK(Phrase(std::string("a group")).str() == "a group");
    CHECK(Phrase().str().empty());
  }
}

TEST_SUITE("ValidationContext") {
  TEST_CASE("messages name their subject in full") {
    testing::TestStepCatalog catalog;
    Diagnostics diagnostics;
    ValidationContext context(catalog, diagnostics);
    Value map;
    map.kind = Value::Kind::kMap;
    map.entries.emplace_back("nmae", Scalar("x", 2, 10));
    map.entries.emplace_back("with", Scalar("y", 3, 10));
    const std::vector<std::string> allowed = {"name"};
    const std::vector<std::string> misplaced = {"with"};
    const std::string name = "Install";
    context.CheckKeys(map, allowed, Phrase("step '", name, "'"), misplaced,
                      Phrase("a ", "group", ""));
    CHECK_FALSE(context.ReadText(Scalar(" ", 4, 10), Phrase("'", "name", "'"),
                                 ValidationContext::Emptiness::kRejected));
    CHECK_FALSE(context.ReadBoolean(Scalar("maybe", 5, 10), Phrase("property '", "force", "'")));
    CHECK_FALSE(context.ReadInteger(Scalar("x", 6, 10), Phrase("'", "count", "'"), 0, 9));
    CHECK(context.ReadText(Scalar("fine", 7, 10), Phrase("'", "type", "'")) == "fine");
    CHECK(diagnostics.ToString() ==
          "seq.yaml:2:5: error: unknown key 'nmae' in step 'Install'\n"
          "seq.yaml:3:5: error: key 'with' is not allowed in a group\n"
          "seq.yaml:4:10: error: 'name' must not be empty\n"
          "seq.yaml:5:10: error: property 'force' must be true or false, not 'maybe'\n"
          "seq.yaml:6:10: error: 'count' must be a whole number from 0 to 9, not 'x'\n");
  }
}

}  // namespace
}  // namespace tseq
