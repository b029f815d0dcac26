// Source locations and diagnostics: how every problem in a user's file is reported.
//
// A Diagnostic prints as `FILE:LINE:COL: error: MESSAGE` (or `warning:`), the form compilers use,
// so editors and CI annotate it. Lines and columns are 1-based; 0 means "unknown" and is omitted.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace tseq {

// The name of the file a location is in. Copying one copies a pointer: each distinct name is
// stored once (interned) and kept for the life of the process, because every node of a loaded
// sequence carries its file's name. Creating one from a string takes a lock and a lookup; safe
// from any thread.
class SourceFile {
 public:
  SourceFile() = default;  // no file: the empty name
  // Implicit, so that a location is written {"seq.yaml", 3, 7} and a file name assigns directly.
  SourceFile(std::string_view name);   // NOLINT(google-explicit-constructor)
  SourceFile(const std::string& name)  // NOLINT(google-explicit-constructor)
      : SourceFile(std::string_view(name)) {}
  SourceFile(const char* name)  // NOLINT(google-explicit-constructor)
      : SourceFile(std::string_view(name)) {}

  const std::string& str() const;
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  bool empty() const { return name_ == nullptr; }

  // Equal names are one interned string, so equality compares pointers.
  friend bool operator==(const SourceFile& a, const SourceFile& b) { return a.name_ == b.name_; }
  // By name, as text.
  friend std::strong_ordering operator<=>(const SourceFile& a, const SourceFile& b) {
    return a.str().compare(b.str()) <=> 0;
  }

 private:
  const std::string* name_ = nullptr;  // nullptr for the empty name
};

struct SourceLocation {
  SourceFile file;
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
