#include "base/diagnostics.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace tseq {

std::string SourceLocation::ToString() const {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
  }
  return text;
}

std::string Diagnostic::ToString() const {
  std::string prefix = location.ToString();
  if (!prefix.empty()) prefix += ": ";
  return prefix + (severity == Severity::kError ? "error: " : "warning: ") + message;
}

void Diagnostics::AddError(SourceLocation location, std::string message) {
  Add({Severity::kError, std::move(location), std::move(message)});
}

void Diagnostics::AddWarning(SourceLocation location, std::string message) {
  Add({Severity::kWarning, std::move(location), std::move(message)});
}

void Diagnostics::Add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::kError) {
    ++error_count_;
  } else {
    ++warning_count_;
  }
  diagnostics_.push_back(std::move(diagnostic));
}

std::string Diagnostics::ToString() const {
  std::vector<const Diagnostic*> sorted;
  sorted.reserve(diagnostics_.size());
  for (const Diagnostic& diagnostic : diagnostics_) sorted.push_back(&diagnostic);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return std::tie(a->location.file, a->location.line, a->location.column) <
           std::tie(b->location.file, b->location.line, b->location.column);
  });
  std::string text;
  for (const Diagnostic* diagnostic : sorted) text += diagnostic->ToString() + "\n";
  return text;
}

}  // namespace tseq
