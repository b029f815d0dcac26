#include "sequences/validation_context.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"
#include "variables/builtin_variables.h"
#include "variables/expansion.h"

namespace tseq {

std::string Phrase::str() const {
  std::string text;
  text.reserve(first_.size() + second_.size() + third_.size());
  text.append(first_).append(second_).append(third_);
  return text;
}

std::string DidYouMean(std::string_view word, std::span<const std::string> candidates) {
  const std::optional<std::string> match = ClosestMatch(word, candidates);
  return match ? " (did you mean '" + *match + "'?)" : "";
}

std::optional<long long> ParseInteger(std::string_view text) {
  text = TrimWhitespace(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool MayReferenceVariables(std::string_view text) {
  return text.find('%') != std::string_view::npos;
}

void ValidationContext::AddError(const SourceLocation& location, std::string message) {
  diagnostics_.AddError(location, std::move(message));
}

void ValidationContext::AddWarning(const SourceLocation& location, std::string message) {
  diagnostics_.AddWarning(location, std::move(message));
}

void ValidationContext::CheckKeys(const Value& map, std::span<const std::string> allowed,
                                  const Phrase& where, std::span<const std::string> misplaced,
                                  const Phrase& misplaced_where) {
  for (const auto& [key, value] : map.entries) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    if (std::find(misplaced.begin(), misplaced.end(), key) != misplaced.end()) {
      AddError(value.key_location, "key '" + key + "' is not allowed in " + misplaced_where.str());
      continue;
    }
    AddError(value.key_location,
             "unknown key '" + key + "' in " + where.str() + DidYouMean(key, allowed));
  }
}

std::optional<std::string> ValidationContext::ReadText(const Value& value, const Phrase& subject,
                                                       Emptiness emptiness) {
  if (emptiness == Emptiness::kRejected &&
      (value.is_null() || (value.is_scalar() && TrimWhitespace(value.scalar).empty()))) {
    AddError(value.location, subject.str() + " must not be empty");
    return std::nullopt;
  }
  if (!value.is_scalar()) {
    AddError(value.location, subject.str() + " must be a string, not " + value.KindName());
    return std::nullopt;
  }
  return value.scalar;
}

std::optional<bool> ValidationContext::ReadBoolean(const Value& value, const Phrase& subject) {
  if (value.is_scalar()) {
    if (const std::optional<bool> boolean = ParseBoolean(value.scalar)) return boolean;
  }
  const std::string shown = value.is_scalar() ? "'" + value.scalar + "'" : value.KindName();
  AddError(value.location, subject.str() + " must be true or false, not " + shown);
  return std::nullopt;
}

std::optional<long long> ValidationContext::ReadInteger(const Value& value, const Phrase& subject,
                                                        std::optional<long long> minimum,
                                                        std::optional<long long> maximum) {
  std::optional<long long> number;
  if (value.is_scalar()) number = ParseInteger(value.scalar);
  const bool in_range =
      number && (!minimum || *number >= *minimum) && (!maximum || *number <= *maximum);
  if (in_range) return number;

  std::string expected = "a whole number";
  if (minimum && maximum) {
    expected += " from " + std::to_string(*minimum) + " to " + std::to_string(*maximum);
  } else if (minimum) {
    expected += " of at least " + std::to_string(*minimum);
  } else if (maximum) {
    expected += " of at most " + std::to_string(*maximum);
  }
  const std::string shown = value.is_scalar() ? "'" + value.scalar + "'" : value.KindName();
  AddError(value.location, subject.str() + " must be " + expected + ", not " + shown);
  return std::nullopt;
}

void ValidationContext::NoteText(std::string_view text, const SourceLocation& location) {
  if (MayReferenceVariables(text)) texts_.push_back({std::string(text), location});
}

void ValidationContext::NoteTexts(const Value& value) {
  if (value.is_scalar()) NoteText(value.scalar, value.location);
  for (const Value& item : value.items) NoteTexts(item);
  for (const auto& [key, entry] : value.entries) NoteTexts(entry);
}

void ValidationContext::NoteKnownVariable(std::string_view name) {
  known_variables_.insert(ToLowerAscii(TrimWhitespace(name)));
}

void ValidationContext::NoteStepType(const StepSchema& schema) {
  for (const OutputSchema& output : schema.outputs) NoteKnownVariable(output.variable);
}

bool ValidationContext::IsKnownVariable(std::string_view name) const {
  return IsEngineVariableName(name) || known_variables_.count(ToLowerAscii(name)) > 0;
}

void ValidationContext::ReportUnknownReferences() {
  // Action variables of every registered type count: a sequence may set one for a later step,
  // and a step's own action variables exist while it runs.
  for (const std::string& type : catalog_.StepTypeNames()) {
    const StepSchema* schema = catalog_.FindStepSchema(type);
    if (schema == nullptr) continue;
    for (const PropertySchema& property : schema->properties) {
      if (!property.action_variable.empty()) NoteKnownVariable(property.action_variable);
    }
  }
  for (const NotedText& noted : texts_) {
    for (const VariableReference& reference : FindVariableReferences(noted.text)) {
      if (IsKnownVariable(reference.name)) continue;
      AddWarning(noted.location, "reference to unknown variable %" + reference.name +
                                     "% (it is left as written unless set at run time)");
    }
  }
}

}  // namespace tseq
