#include "base/diagnostics.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>

namespace tseq {

SourceFile::SourceFile(std::string_view name) {
  if (name.empty()) return;
  // Never destroyed, so that names stay valid in objects destroyed after static destruction
  // began; a std::set keeps each string at one address while others are added.
  static std::mutex& mutex = *new std::mutex;
  static std::set<std::string, std::less<>>& names = *new std::set<std::string, std::less<>>;
  const std::lock_guard lock(mutex);
  auto found = names.find(name);
  if (found == names.end()) found = names.emplace(name).first;
  name_ = &*found;
}

const std::string& SourceFile::str() const {
  static const std::string& empty = *new std::string;
  return name_ == nullptr ? empty : *name_;
}

std::string SourceLocation::ToString() const {
  std::string text = file.str();
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
