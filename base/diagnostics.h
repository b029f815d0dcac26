// Source locations and diagnostics: how every problem in a user's file is reported.
//
// A Diagnostic prints as `FILE:LINE:COL: error: MESSAGE` (or `warning:`), the form compilers use,
// so editors and CI annotate it. Lines and columns are 1-based; 0 means "unknown" and is omitted.
#pragma once

#include <string>
#include <vector>

namespace tseq {

struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "FILE:LINE:COL", "FILE:LINE" or "FILE" depending on what is known.
  std::string ToString() const;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation location;
  std::string message;

  // "FILE:LINE:COL: error: MESSAGE".
  std::string ToString() const;
};

// Collects diagnostics in the order they are found. Not thread-safe.
class Diagnostics {
 public:
  void AddError(SourceLocation location, std::string message);
  void AddWarning(SourceLocation location, std::string message);
  void Add(Diagnostic diagnostic);

  bool HasErrors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  int warning_count() const { return warning_count_; }
  const std::vector<Diagnostic>& all() const { return diagnostics_; }

  // Every diagnostic, one ToString() per line, each ending in '\n', sorted by file, line, column
  // (stable, so problems found at the same place keep the order they were found in).
  std::string ToString() const;

 private:
  std::vector<Diagnostic> diagnostics_;
  int error_count_ = 0;
  int warning_count_ = 0;
};

}  // namespace tseq
