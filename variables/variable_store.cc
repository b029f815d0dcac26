#include "variables/variable_store.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "base/strings.h"
#include "variables/variable_name.h"

namespace tseq {
namespace {

constexpr std::array<std::string_view, 3> kWellKnownSecretNames = {
    "OSDStateEncryptDecryptKey",
    "OSDMigrateLocalAccountPassword",
    "SMSTSRunCommandLineUserPassword",
};
constexpr std::string_view kSecretNameSuffix = "Password";

// A name lower-cased for a lookup, in a buffer: the store is searched once per step for several
// names, and a heap copy of each cost more than the search. Longer names (no variable has one)
// are nullopt.
using KeyBuffer = std::array<char, variable_name::kMaxLength>;
std::optional<std::string_view> LookupKey(std::string_view name, KeyBuffer& buffer) {
  if (name.size() > buffer.size()) return std::nullopt;
  std::transform(name.begin(), name.end(), buffer.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return std::string_view(buffer.data(), name.size());
}

// For each byte: its lower-case form when it may be in a name, else '\0'.
constexpr std::array<char, 256> kKeyCharacters = [] {
  std::array<char, 256> table{};
  for (size_t byte = 0; byte < table.size(); ++byte) {
    const char c = static_cast<char>(static_cast<unsigned char>(byte));
    if (variable_name::IsCharacter(c)) {
      table[byte] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return table;
}();

// The key of a trimmed name that is valid as ValidateName decides, checked and lower-cased in one
// pass (Set runs several times for every instruction of a plan); nullopt when it is not valid.
std::optional<std::string_view> ValidKey(std::string_view trimmed, KeyBuffer& buffer) {
  if (trimmed.empty() || trimmed.size() > buffer.size() ||
      !variable_name::IsStart(trimmed.front())) {
    return std::nullopt;
  }
  for (size_t index = 0; index < trimmed.size(); ++index) {
    const char key_character = kKeyCharacters[static_cast<unsigned char>(trimmed[index])];
    if (key_character == '\0') return std::nullopt;
    buffer[index] = key_character;
  }
  return std::string_view(buffer.data(), trimmed.size());
}

constexpr std::array<std::pair<VariableSource, const char*>, 4> kSourceNames = {{
    {VariableSource::kSequence, "sequence"},
    {VariableSource::kVarsFile, "vars-file"},
    {VariableSource::kCommandLine, "command-line"},
    {VariableSource::kRuntime, "runtime"},
}};

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoreCase(text.substr(text.size() - suffix.size()), suffix);
}

// Where one occurrence of a secret starts and ends in a text.
struct Span {
  size_t begin;
  size_t end;
};

}  // namespace

const char* VariableSourceName(VariableSource source) {
  for (const auto& [candidate, name] : kSourceNames) {
    if (candidate == source) return name;
  }
  return "unknown";
}

std::optional<VariableSource> ParseVariableSource(std::string_view name) {
  for (const auto& [source, candidate] : kSourceNames) {
    if (name == candidate) return source;
  }
  return std::nullopt;
}

Status VariableStore::ValidateName(std::string_view name) {
  const std::string_view trimmed = TrimWhitespace(name);
  const bool valid = !trimmed.empty() && trimmed.size() <= variable_name::kMaxLength &&
                     variable_name::IsStart(trimmed.front()) &&
                     std::all_of(trimmed.begin(), trimmed.end(), variable_name::IsCharacter);
  if (valid) return Status::Ok();
  return InvalidArgumentError("invalid variable name '" + std::string(name) +
                              "': names are 1 to 256 letters, digits, '_' or '-', starting with a "
                              "letter or '_'");
}

bool VariableStore::IsWellKnownSecretName(std::string_view name) {
  const std::string_view trimmed = TrimWhitespace(name);
  if (EndsWithIgnoreCase(trimmed, kSecretNameSuffix)) return true;
  return std::any_of(kWellKnownSecretNames.begin(), kWellKnownSecretNames.end(),
                     [trimmed](std::string_view known) {
                       return known.size() == trimmed.size() && EqualsIgnoreCase(known, trimmed);
                     });
}

Result<SetOutcome> VariableStore::Set(std::string_view name, std::string_view value,
                                      SetOptions options) {
  const std::string_view trimmed = TrimWhitespace(name);
  KeyBuffer buffer;
  const std::optional<std::string_view> valid_key = ValidKey(trimmed, buffer);
  if (!valid_key.has_value()) return ValidateName(name);  // not OK: the same rules, its message
  if (IsReadOnlyName(trimmed) && options.access != VariableAccess::kEngine) {
    return PermissionDeniedError("variable '" + std::string(trimmed) + "' is read-only");
  }
  const std::string_view key = *valid_key;
  const auto existing = variables_.find(key);
  if (existing != variables_.end() && options.source < existing->second.source) {
    return SetOutcome::kIgnored;
  }
  if (value.empty()) {
    if (existing != variables_.end()) variables_.erase(existing);
    return SetOutcome::kDeleted;
  }

  bool secret = false;
  switch (options.secrecy) {
    case Secrecy::kSecret:
      secret = true;
      break;
    case Secrecy::kPlain:
      secret = false;
      break;
    case Secrecy::kUnchanged:
      secret = existing != variables_.end() && existing->second.secret;
      break;
  }
  secret = secret || IsWellKnownSecretName(trimmed);

  if (existing == variables_.end()) {
    variables_.emplace(std::string(key),
                       Variable{std::string(trimmed), std::string(value), secret, options.source});
  } else {
    Variable& variable = existing->second;
    variable.value.assign(value);
    variable.secret = secret;
    variable.source = options.source;
  }
  return SetOutcome::kSet;
}

std::optional<std::string> VariableStore::Get(std::string_view name) const {
  const Variable* variable = Find(name);
  if (variable == nullptr) return std::nullopt;
  return variable->value;
}

const Variable* VariableStore::Find(std::string_view name) const {
  KeyBuffer buffer;
  const std::optional<std::string_view> key = LookupKey(TrimWhitespace(name), buffer);
  if (!key) return nullptr;
  const auto found = variables_.find(*key);
  return found == variables_.end() ? nullptr : &found->second;
}

bool VariableStore::IsSecret(std::string_view name) const {
  const Variable* variable = Find(name);
  return variable != nullptr && variable->secret;
}

std::vector<const Variable*> VariableStore::List() const {
  std::vector<const Variable*> list;
  list.reserve(variables_.size());
  for (const auto& [key, variable] : variables_) list.push_back(&variable);
  std::stable_sort(list.begin(), list.end(), [](const Variable* a, const Variable* b) {
    return CompareIgnoreCase(a->name, b->name) < 0;
  });
  return list;
}

std::string VariableStore::MaskSecrets(std::string_view text) const {
  // Mark every byte covered by any occurrence of any secret, then mask each run of overlapping
  // occurrences once. Unlike replacing secret by secret, this never lets a shorter secret match
  // inside an earlier mask, and overlapping secrets ("abc", "bcd" in "abcd") leave nothing behind.
  // The spans are sorted below, so the order the variables are visited in does not matter.
  std::vector<Span> spans;
  for (const auto& [key, variable] : variables_) {
    if (!variable.secret || variable.value.empty()) continue;
    const std::string_view secret = variable.value;
    for (size_t at = text.find(secret); at != std::string_view::npos;
         at = text.find(secret, at + 1)) {
      spans.push_back(Span{at, at + secret.size()});
    }
  }
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });

  std::string masked;
  masked.reserve(text.size());
  size_t copied = 0;  // everything before this offset is already in `masked`
  size_t index = 0;
  while (index < spans.size()) {
    Span run = spans[index++];
    while (index < spans.size() && spans[index].begin < run.end) {
      run.end = std::max(run.end, spans[index++].end);
    }
    masked.append(text.substr(copied, run.begin - copied));
    masked.append(kMaskedValue);
    copied = run.end;
  }
  masked.append(text.substr(copied));
  return masked;
}

}  // namespace tseq
