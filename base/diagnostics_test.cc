#include "base/diagnostics.h"

#include <doctest/doctest.h>

namespace tseq {
namespace {

TEST_SUITE("SourceLocation") {
  TEST_CASE("prints only the parts that are known") {
    CHECK(SourceLocation{"seq.yaml", 12, 7}.ToString() == "seq.yaml:12:7");
    CHECK(SourceLocation{"seq.yaml", 12, 0}.ToString() == "seq.yaml:12");
    CHECK(SourceLocation{"seq.yaml", 0, 0}.ToString() == "seq.yaml");
    // A column means nothing without its line.
    CHECK(SourceLocation{"seq.yaml", 0, 5}.ToString() == "seq.yaml");
    CHECK(SourceLocation{}.ToString().empty());
  }
}

TEST_SUITE("Diagnostic") {
  TEST_CASE("prints like a compiler message") {
    const Diagnostic error{Severity::kError, {"seq.yaml", 3, 9}, "unknown step type 'Formatt'"};
    CHECK(error.ToString() == "seq.yaml:3:9: error: unknown step type 'Formatt'");
    const Diagnostic warning{Severity::kWarning, {"seq.yaml", 4, 0}, "step never runs"};
    CHECK(warning.ToString() == "seq.yaml:4: warning: step never runs");
  }

  TEST_CASE("without a location prints only the severity and message") {
    const Diagnostic error{Severity::kError, {}, "no sequence file given"};
    CHECK(error.ToString() == "error: no sequence file given");
  }
}

TEST_SUITE("Diagnostics") {
  TEST_CASE("starts empty") {
    const Diagnostics diagnostics;
    CHECK_FALSE(diagnostics.HasErrors());
    CHECK(diagnostics.error_count() == 0);
    CHECK(diagnostics.warning_count() == 0);
    CHECK(diagnostics.all().empty());
    CHECK(diagnostics.ToString().empty());
  }

  TEST_CASE("counts errors and warnings separately") {
    Diagnostics diagnostics;
    diagnostics.AddWarning({"a.yaml", 1, 1}, "w1");
    CHECK_FALSE(diagnostics.HasErrors());
    diagnostics.AddError({"a.yaml", 2, 1}, "e1");
    diagnostics.Add({Severity::kError, {"a.yaml", 3, 1}, "e2"});
    diagnostics.Add({Severity::kWarning, {"a.yaml", 4, 1}, "w2"});
    CHECK(diagnostics.HasErrors());
    CHECK(diagnostics.error_count() == 2);
    CHECK(diagnostics.warning_count() == 2);
  }

  TEST_CASE("all() keeps the order in which problems were found") {
    Diagnostics diagnostics;
    diagnostics.AddError({"b.yaml", 9, 1}, "late");
    diagnostics.AddError({"a.yaml", 1, 1}, "early");
    REQUIRE(diagnostics.all().size() == 2);
    CHECK(diagnostics.all()[0].message == "late");
    CHECK(diagnostics.all()[1].message == "early");
    CHECK(diagnostics.all()[1].location.file == "a.yaml");
  }

  TEST_CASE("ToString sorts by file, line and column, one per line") {
    Diagnostics diagnostics;
    diagnostics.AddError({"b.yaml", 1, 1}, "in b");
    diagnostics.AddError({"a.yaml", 10, 2}, "line 10");
    diagnostics.AddWarning({"a.yaml", 2, 30}, "line 2 column 30");
    diagnostics.AddError({"a.yaml", 2, 4}, "line 2 column 4");
    CHECK(diagnostics.ToString() ==
          "a.yaml:2:4: error: line 2 column 4\n"
          "a.yaml:2:30: warning: line 2 column 30\n"
          "a.yaml:10:2: error: line 10\n"
          "b.yaml:1:1: error: in b\n");
  }

  TEST_CASE("ToString keeps problems at the same place in the order they were found") {
    Diagnostics diagnostics;
    diagnostics.AddError({"a.yaml", 5, 3}, "first");
    diagnostics.AddWarning({"a.yaml", 5, 3}, "second");
    diagnostics.AddError({"a.yaml", 5, 3}, "third");
    diagnostics.AddError({"a.yaml", 1, 1}, "before");
    CHECK(diagnostics.ToString() ==
          "a.yaml:1:1: error: before\n"
          "a.yaml:5:3: error: first\n"
          "a.yaml:5:3: warning: second\n"
          "a.yaml:5:3: error: third\n");
  }

  TEST_CASE("ToString puts problems without a location first") {
    Diagnostics diagnostics;
    diagnostics.AddError({"a.yaml", 1, 1}, "located");
    diagnostics.AddError({}, "global");
    CHECK(diagnostics.ToString() == "error: global\na.yaml:1:1: error: located\n");
  }
}

}  // namespace
}  // namespace tseq
