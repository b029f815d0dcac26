// AnswerEnvironmentRequest: the decoding half of EnvironmentServer, kept apart from the socket
// handling so that it can be tested and fuzzed on its own.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/environment_server.h"

namespace tseq {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& reply) {
  // Values are bytes; the rare one that is not UTF-8 is shown with U+FFFD rather than dropped.
  return reply.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Error(const std::string& message) { return Dump({{"ok", false}, {"error", message}}); }

// Compares in time that depends only on the lengths, so the token cannot be guessed byte by byte.
bool SameToken(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) return false;
  unsigned char difference = 0;
  for (size_t index = 0; index < given.size(); ++index) {
    difference |= static_cast<unsigned char>(given[index] ^ expected[index]);
  }
  return difference == 0;
}

std::string Get(const std::string& name, const VariableStore& variables) {
  const Status valid = VariableStore::ValidateName(name);
  if (!valid.ok()) return Error(valid.message());
  const Variable* variable = variables.Find(name);
  if (variable == nullptr) return Dump({{"ok", true}, {"value", nullptr}});
  return Dump({{"ok", true}, {"value", variable->value}, {"secret", variable->secret}});
}

std::string Set(const std::string& name, const Json& request, VariableStore& variables) {
  const auto value = request.find("value");
  if (value == request.end() || !value->is_string()) {
    return Error("malformed request: 'value' must be a string");
  }
  const auto secret = request.find("secret");
  if (secret != request.end() && !secret->is_boolean()) {
    return Error("malformed request: 'secret' must be true or false");
  }
  SetOptions options;
  options.source = VariableSource::kRuntime;
  options.access = VariableAccess::kSequence;
  // Without "secret", a secret variable stays secret: a script cannot un-hide a password.
  options.secrecy =
      secret != request.end() && secret->get<bool>() ? Secrecy::kSecret : Secrecy::kUnchanged;
  const Result<SetOutcome> outcome = variables.Set(name, value->get<std::string>(), options);
  if (!outcome.ok()) return Error(outcome.status().message());
  return Dump({{"ok", true}});
}

std::string List(const VariableStore& variables) {
  Json listed = Json::array();
  for (const Variable* variable : variables.List()) {
    listed.push_back({{"name", variable->name},
                      {"value", variable->secret ? std::string(kMaskedValue) : variable->value},
                      {"secret", variable->secret}});
  }
  return Dump({{"ok", true}, {"variables", std::move(listed)}});
}

}  // namespace

std::string AnswerEnvironmentRequest(std::string_view request, std::string_view token,
                                     VariableStore& variables) {
  try {
    const Json parsed = Json::parse(request, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      return Error("malformed request: not a JSON object");
    }
    const auto given_token = parsed.find("token");
    if (given_token == parsed.end() || !given_token->is_string() ||
        !SameToken(given_token->get<std::string>(), token)) {
      return Error("access denied");
    }
    const auto operation = parsed.find("op");
    if (operation == parsed.end() || !operation->is_string()) {
      return Error("malformed request: 'op' must be a string");
    }
    const std::string op = operation->get<std::string>();
    if (op == "list") return List(variables);
    if (op != "get" && op != "set") {
      return Error("unknown operation '" + op + "' (expected get, set or list)");
    }
    const auto name = parsed.find("name");
    if (name == parsed.end() || !name->is_string()) {
      return Error("malformed request: 'name' must be a string");
    }
    if (op == "get") return Get(name->get<std::string>(), variables);
    return Set(name->get<std::string>(), parsed, variables);
  } catch (const nlohmann::json::exception& error) {
    // Not expected (every access above is checked first); a reply still beats a dead engine.
    return Error(std::string("internal error: ") + error.what());
  }
}

}  // namespace tseq
