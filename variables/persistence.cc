#include "variables/persistence.h"

#include <cstdint>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "variables/text_encoding.h"

namespace tseq {
namespace {

// ordered_json keeps the fields in the order written, so the file reads naturally.
using Json = nlohmann::ordered_json;

constexpr std::string_view kFormatName = "tseq-variables";
constexpr int64_t kFormatVersion = 1;
constexpr std::string_view kContext = "state variables";

constexpr std::string_view kFormatField = "format";
constexpr std::string_view kVersionField = "version";
constexpr std::string_view kVariablesField = "variables";
constexpr std::string_view kNameField = "name";
constexpr std::string_view kSourceField = "source";
constexpr std::string_view kValueField = "value";
constexpr std::string_view kValueBase64Field = "valueBase64";
constexpr std::string_view kSealedField = "sealed";

Status Corrupt(std::string_view message) {
  return CorruptionError(std::string(kContext) + ": " + std::string(message));
}

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// nlohmann's messages start with "[json.exception.parse_error.101] "; the tag means nothing to a
// user.
std::string WithoutExceptionTag(std::string_view message) {
  const size_t tag_end = message.find("] ");
  if (!message.empty() && message.front() == '[' && tag_end != std::string_view::npos) {
    message.remove_prefix(tag_end + 2);
  }
  return std::string(message);
}

// Every key of `object` must be one of `known`.
Status CheckFields(const Json& object, std::initializer_list<std::string_view> known,
                   std::string_view where) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (std::string_view candidate : known) found = found || key == candidate;
    if (!found) return Corrupt(std::string(where) + "unknown field " + Quoted(key));
  }
  return Status::Ok();
}

// The string field `field` of `object`: nullopt when absent, Corruption when not a string.
Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field,
                                                  std::string_view where) {
  const auto found = object.find(field);
  if (found == object.end()) return std::optional<std::string>();
  if (!found->is_string()) return Corrupt(std::string(where) + Quoted(field) + " is not a string");
  return std::optional<std::string>(found->get<std::string>());
}

Result<std::string> RequiredString(const Json& object, std::string_view field,
                                   std::string_view where) {
  TSEQ_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(object, field, where));
  if (!text) return Corrupt(std::string(where) + "missing " + Quoted(field));
  return std::move(*text);
}

Status CheckHeader(const Json& document) {
  if (!document.is_object()) return Corrupt("not a JSON object");
  TSEQ_RETURN_IF_ERROR(
      CheckFields(document, {kFormatField, kVersionField, kVariablesField}, /*where=*/""));
  TSEQ_ASSIGN_OR_RETURN(const std::string format, RequiredString(document, kFormatField, ""));
  if (format != kFormatName) {
    return Corrupt("format is " + Quoted(format) + ", not " + Quoted(kFormatName));
  }
  const auto version = document.find(kVersionField);
  if (version == document.end()) return Corrupt("missing " + Quoted(kVersionField));
  if (!version->is_number_integer()) return Corrupt(Quoted(kVersionField) + " is not an integer");
  // nlohmann stores a non-negative integer as unsigned and a negative one as signed.
  const bool supported = version->is_number_unsigned()
                             ? version->get<uint64_t>() == static_cast<uint64_t>(kFormatVersion)
                             : version->get<int64_t>() == kFormatVersion;
  if (!supported) {
    return Corrupt("unsupported version " + version->dump() + " (this tseq reads version " +
                   std::to_string(kFormatVersion) + ")");
  }
  const auto variables = document.find(kVariablesField);
  if (variables == document.end()) return Corrupt("missing " + Quoted(kVariablesField));
  if (!variables->is_array()) return Corrupt(Quoted(kVariablesField) + " is not an array");
  return Status::Ok();
}

// Reads entry `number` (counting from 1) of "variables" into `store`.
Status LoadEntry(const Json& entry, size_t number, const SecretSealer& sealer,
                 VariableStore& store) {
  const std::string label = "entry " + std::to_string(number);
  const std::string where = label + ": ";
  if (!entry.is_object()) return Corrupt(where + "not an object");
  TSEQ_RETURN_IF_ERROR(CheckFields(
      entry, {kNameField, kSourceField, kValueField, kValueBase64Field, kSealedField}, where));

  TSEQ_ASSIGN_OR_RETURN(const std::string name, RequiredString(entry, kNameField, where));
  if (const Status valid = VariableStore::ValidateName(name); !valid.ok()) {
    return Corrupt(where + valid.message());
  }
  if (TrimWhitespace(name).size() != name.size()) {
    return Corrupt(where + "name " + Quoted(name) + " has surrounding whitespace");
  }
  if (store.Contains(name)) return Corrupt(where + "variable " + Quoted(name) + " appears twice");

  TSEQ_ASSIGN_OR_RETURN(const std::string source_name, RequiredString(entry, kSourceField, where));
  const std::optional<VariableSource> source = ParseVariableSource(source_name);
  if (!source) return Corrupt(where + "unknown source " + Quoted(source_name));

  TSEQ_ASSIGN_OR_RETURN(std::optional<std::string> value,
                        OptionalString(entry, kValueField, where));
  TSEQ_ASSIGN_OR_RETURN(const std::optional<std::string> value_base64,
                        OptionalString(entry, kValueBase64Field, where));
  TSEQ_ASSIGN_OR_RETURN(const std::optional<std::string> sealed,
                        OptionalString(entry, kSealedField, where));
  const int value_fields =
      int{value.has_value()} + int{value_base64.has_value()} + int{sealed.has_value()};
  if (value_fields != 1) {
    return Corrupt(where + "needs exactly one of " + Quoted(kValueField) + ", " +
                   Quoted(kValueBase64Field) + " or " + Quoted(kSealedField));
  }

  if (value_base64) {
    value = text_encoding::Base64Decode(*value_base64);
    if (!value) return Corrupt(where + Quoted(kValueBase64Field) + " is not valid base64");
  } else if (sealed) {
    const std::optional<std::string> sealed_bytes = text_encoding::Base64Decode(*sealed);
    if (!sealed_bytes) return Corrupt(where + Quoted(kSealedField) + " is not valid base64");
    Result<std::string> unsealed = sealer.Unseal(*sealed_bytes);
    if (!unsealed.ok()) {
      return unsealed.status().WithContext(std::string(kContext) + ": " + label);
    }
    value = std::move(unsealed).value();
  }
  if (value->empty()) return Corrupt(where + "the value is empty");
  // The serializer seals every secret, so a well-known secret name in clear text means the file
  // was not written by tseq.
  if (!sealed && VariableStore::IsWellKnownSecretName(name)) {
    return Corrupt(where + "secret variable " + Quoted(name) + " is stored in clear text");
  }

  const SetOptions options{*source, VariableAccess::kEngine,
                           sealed ? Secrecy::kSecret : Secrecy::kPlain};
  Result<SetOutcome> outcome = store.Set(name, *value, options);
  if (!outcome.ok()) return Corrupt(where + outcome.status().message());
  if (*outcome != SetOutcome::kSet) {
    return InternalError("restoring variable " + Quoted(name) + " did not set it");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> SerializeVariables(const VariableStore& store, const SecretSealer& sealer) {
  Json variables = Json::array();
  for (const Variable* variable : store.List()) {
    Json entry = Json::object();
    entry[kNameField] = variable->name;
    entry[kSourceField] = VariableSourceName(variable->source);
    if (variable->secret) {
      Result<std::string> sealed = sealer.Seal(variable->value);
      if (!sealed.ok()) {
        return sealed.status().WithContext("cannot save variable " + Quoted(variable->name));
      }
      entry[kSealedField] = text_encoding::Base64Encode(*sealed);
    } else if (text_encoding::IsValidUtf8(variable->value)) {
      entry[kValueField] = variable->value;
    } else {
      // JSON strings must be UTF-8; a value cut from command output may not be.
      entry[kValueBase64Field] = text_encoding::Base64Encode(variable->value);
    }
    variables.push_back(std::move(entry));
  }

  Json document = Json::object();
  document[kFormatField] = kFormatName;
  document[kVersionField] = kFormatVersion;
  document[kVariablesField] = std::move(variables);
  try {
    return document.dump(2) + "\n";
  } catch (const Json::exception& error) {
    return InternalError("cannot save variables: " + WithoutExceptionTag(error.what()));
  }
}

Result<VariableStore> DeserializeVariables(std::string_view text, const SecretSealer& sealer) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::exception& error) {
    return Corrupt("not valid JSON: " + WithoutExceptionTag(error.what()));
  }
  TSEQ_RETURN_IF_ERROR(CheckHeader(document));

  // Loaded into a store that is returned only when every entry is good: never half-loaded.
  VariableStore store;
  size_t number = 0;
  for (const Json& entry : *document.find(kVariablesField)) {
    TSEQ_RETURN_IF_ERROR(LoadEntry(entry, ++number, sealer, store));
  }
  return store;
}

}  // namespace tseq
