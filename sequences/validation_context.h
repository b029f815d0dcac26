// ValidationContext: what the parts of the sequence validator share while they walk one file's
// Value tree. Internal to sequences/ (loader.cc, condition_parser.cc, property_validation.cc).
//
// It reports problems into the caller's Diagnostics, offers the small checks every part needs
// (allowed keys, strings, booleans, integers) with one wording for their messages, and collects
// the %NAME% references of the file so that those naming no known variable are reported as
// warnings once the whole file has been read. Not thread-safe; lives for one LoadSequence call.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/diagnostics.h"
#include "sequences/step_schema.h"
#include "sequences/value.h"

namespace tseq {

// A subject or place named in messages ("property 'timeout'", "step 'Install'"), kept as up to
// three pieces that are joined only when a message is written: almost every check passes, and
// building each subject up front cost more than the checks themselves. The pieces are not owned;
// a Phrase lives no longer than the call it is passed to.
class Phrase {
 public:
  Phrase() = default;
  // Implicit, so that a plain text is passed where a Phrase is expected.
  Phrase(std::string_view text) : first_(text) {}    // NOLINT(google-explicit-constructor)
  Phrase(const std::string& text) : first_(text) {}  // NOLINT(google-explicit-constructor)
  Phrase(const char* text) : first_(text) {}         // NOLINT(google-explicit-constructor)
  Phrase(std::string_view first, std::string_view second, std::string_view third)
      : first_(first), second_(second), third_(third) {}

  std::string str() const;

 private:
  std::string_view first_;
  std::string_view second_;
  std::string_view third_;
};

// " (did you mean 'X'?)" when `word` is a plausible typo of one of `candidates`, else "".
std::string DidYouMean(std::string_view word, std::span<const std::string> candidates);

// A whole number written in decimal with an optional sign ("12", "-3", " 7 "); nullopt otherwise,
// including on overflow.
std::optional<long long> ParseInteger(std::string_view text);

// Whether `text` contains a '%', i.e. may hold a %NAME% reference resolved only at run time.
bool MayReferenceVariables(std::string_view text);

class ValidationContext {
 public:
  // Both must outlive the context.
  ValidationContext(const StepCatalog& catalog, Diagnostics& diagnostics)
      : catalog_(catalog), diagnostics_(diagnostics) {}

  const StepCatalog& catalog() const { return catalog_; }
  int error_count() const { return diagnostics_.error_count(); }
  Diagnostics& diagnostics() { return diagnostics_; }
  void AddError(const SourceLocation& location, std::string message);
  void AddWarning(const SourceLocation& location, std::string message);

  // Reports every key of `map` that is not in `allowed`: a key in `misplaced` as
  // "key 'K' is not allowed in MISPLACED_WHERE", any other as
  // "unknown key 'K' in WHERE (did you mean 'X'?)", at the key.
  void CheckKeys(const Value& map, std::span<const std::string> allowed, const Phrase& where,
                 std::span<const std::string> misplaced = {}, const Phrase& misplaced_where = {});

  // The text of a scalar; otherwise reports "SUBJECT must be a string, not a list" and returns
  // nullopt. With Emptiness::kRejected, an empty text or a null is "SUBJECT must not be empty".
  enum class Emptiness { kAllowed, kRejected };
  std::optional<std::string> ReadText(const Value& value, const Phrase& subject,
                                      Emptiness emptiness = Emptiness::kAllowed);
  // true/false/yes/no/on/off, quoted or not; otherwise "SUBJECT must be true or false, not 'X'"
  // (or "..., not a map" for a non-scalar).
  std::optional<bool> ReadBoolean(const Value& value, const Phrase& subject);
  // A whole number in [minimum, maximum]; otherwise "SUBJECT must be a whole number, not 'X'",
  // "SUBJECT must be a whole number from MIN to MAX, not 'X'", "... of at least MIN ...",
  // "... of at most MAX ...".
  std::optional<long long> ReadInteger(const Value& value, const Phrase& subject,
                                       std::optional<long long> minimum,
                                       std::optional<long long> maximum);

  // Variable references. Texts are recorded now and checked by ReportUnknownReferences, once all
  // the names the file defines are known.
  void NoteText(std::string_view text, const SourceLocation& location);
  // Every scalar of `value`, recursively.
  void NoteTexts(const Value& value);
  void NoteKnownVariable(std::string_view name);
  // A step type the sequence uses: its outputs become known variables.
  void NoteStepType(const StepSchema& schema);
  // Adds "reference to unknown variable %NAME% (it is left as written unless set at run time)"
  // for every recorded reference to a name that is neither defined by the sequence, set by one of
  // its steps, an engine variable, nor an action variable of any registered step type.
  void ReportUnknownReferences();

 private:
  struct NotedText {
    std::string text;
    SourceLocation location;
  };

  bool IsKnownVariable(std::string_view name) const;

  const StepCatalog& catalog_;
  Diagnostics& diagnostics_;
  std::vector<NotedText> texts_;
  std::unordered_set<std::string> known_variables_;  // lower-cased
};

}  // namespace tseq
