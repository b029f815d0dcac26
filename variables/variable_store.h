// VariableStore: the task sequence environment (ConfigMgr's TSEnvironment).
//
// Names are case-insensitive and keep the spelling they were first set with. A valid name is 1 to
// 256 characters of letters, digits, '_' and '-', starting with a letter or '_'; leading and
// trailing whitespace around a name is ignored (" OSDStateStorePath " is OSDStateStorePath), as
// ConfigMgr does, by Set, Get, Find, Contains, IsSecret and ValidateName. Names that start
// with '_' are read-only: only the engine (VariableAccess::kEngine) may set them. Setting a
// variable to "" deletes it. A value may be secret: secret values are masked as "********" by
// MaskSecrets and ExpandVariables(kMask), and stay secret when a later Set does not say otherwise.
// The well-known secret names (OSDStateEncryptDecryptKey, OSDMigrateLocalAccountPassword,
// SMSTSRunCommandLineUserPassword and any name ending in "Password") are always secret.
//
// Precedence: each variable remembers the source that set it. A Set from a source of lower
// precedence than the current value's source is ignored (returns OK and reports kIgnored), so the
// initial sources can be loaded in any order: sequence `variables:` < `--vars-file` < `--var` <
// anything set while running.
//
// A VariableStore is a value type: copy it to simulate (as `tseq plan` does). Not thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace tseq {

// In increasing order of precedence.
enum class VariableSource { kSequence = 0, kVarsFile = 1, kCommandLine = 2, kRuntime = 3 };
const char* VariableSourceName(VariableSource source);  // "sequence", "vars-file", ...
// The source named `name` (exactly as VariableSourceName spells it), or nullopt.
std::optional<VariableSource> ParseVariableSource(std::string_view name);

// Who is writing: sequences, steps and scripts may not set read-only names; the engine may.
enum class VariableAccess { kSequence, kEngine };
enum class Secrecy { kUnchanged, kSecret, kPlain };

struct Variable {
  std::string name;  // as first spelled
  std::string value;
  bool secret = false;
  VariableSource source = VariableSource::kRuntime;
};

struct SetOptions {
  VariableSource source = VariableSource::kRuntime;
  VariableAccess access = VariableAccess::kSequence;
  // kUnchanged keeps a secret variable secret and a new variable plain (unless its name is a
  // well-known secret name). kPlain never un-hides a well-known secret name.
  Secrecy secrecy = Secrecy::kUnchanged;
};

enum class SetOutcome { kSet, kDeleted, kIgnored };

class VariableStore {
 public:
  // Sets (or, for "", deletes) a variable. Fails with InvalidArgument naming an invalid name
  // ("invalid variable name 'a b': ...") and PermissionDenied for a read-only name written with
  // VariableAccess::kSequence ("variable '_SMSTSLogPath' is read-only").
  // Deleting follows the same read-only and precedence rules as setting; deleting a variable that
  // is not set reports kDeleted.
  Result<SetOutcome> Set(std::string_view name, std::string_view value, SetOptions options = {});

  // The value, or nullopt when unset.
  std::optional<std::string> Get(std::string_view name) const;
  const Variable* Find(std::string_view name) const;
  bool Contains(std::string_view name) const { return Find(name) != nullptr; }
  bool IsSecret(std::string_view name) const;

  // Every variable, sorted case-insensitively by name.
  std::vector<const Variable*> List() const;
  size_t size() const { return variables_.size(); }

  // Replaces every occurrence of every secret value (non-empty) in `text` with "********".
  // Longer secrets are replaced first so one secret containing another is fully hidden.
  std::string MaskSecrets(std::string_view text) const;

  // Checks a name without setting anything; the Status text is the one Set would give.
  static Status ValidateName(std::string_view name);
  static bool IsReadOnlyName(std::string_view name) { return !name.empty() && name[0] == '_'; }
  static bool IsWellKnownSecretName(std::string_view name);

 private:
  // Transparent, so that a name lower-cased into a buffer is looked up without a copy.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
  };
  // A hash map: the plan sets and reads variables several times per step, and a tree of a few
  // hundred names cost a dozen string comparisons per lookup. Order is List()'s job.
  std::unordered_map<std::string, Variable, KeyHash, std::equal_to<>>
      variables_;  // key: lower-cased name
};

inline constexpr std::string_view kMaskedValue = "********";

}  // namespace tseq
