// EnvironmentClient: the `tseq var` side of the engine's environment socket
// (engine/environment_protocol.h). A script started by a step finds the running engine through
// TSEQ_ENGINE_SOCKET and TSEQ_ENGINE_TOKEN, which the engine puts in every child's environment.
//
// Each call opens one connection, sends one request and waits for the reply, at most
// EnvironmentClientOptions::timeout in all. Every failure is a Status whose message is meant to be
// shown after "tseq var: ": the engine's own refusal verbatim (e.g. "variable '_SMSTSLogPath' is
// read-only", "access denied"), or what went wrong reaching it. Thread-compatible.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "variables/variable_store.h"

namespace tseq {

struct EngineAddress {
  std::string socket_path;
  std::string token;
};

// Reads TSEQ_ENGINE_SOCKET and TSEQ_ENGINE_TOKEN through `lookup` (which returns nullptr for an
// unset name, like getenv). Fails with FailedPrecondition when either is unset or empty: "no task
// sequence is running here (TSEQ_ENGINE_SOCKET is not set); run this from a step of a running
// sequence" (or the same naming TSEQ_ENGINE_TOKEN).
Result<EngineAddress> EngineAddressFromEnvironment(
    const std::function<const char*(const char*)>& lookup);

struct ListedVariable {
  std::string name;
  std::string value;  // "********" for a secret
  bool secret = false;
};

struct EnvironmentClientOptions {
  // Covers connecting, the engine's wait for the runner to let it in (up to 30s by default), and
  // the reply.
  std::chrono::milliseconds timeout{60000};
};

class EnvironmentClient {
 public:
  explicit EnvironmentClient(EngineAddress address, EnvironmentClientOptions options = {})
      : address_(std::move(address)), options_(options) {}

  // The value (a secret's real value), or nullopt when the variable is not set.
  Result<std::optional<std::string>> Get(std::string_view name) const;
  // Sets `name` to `value`, deleting it for "". Secrecy::kSecret marks it secret; kUnchanged and
  // kPlain both leave its secrecy as it is (scripts cannot un-hide a secret). Fails with the
  // engine's message for an invalid or read-only name.
  Status Set(std::string_view name, std::string_view value, Secrecy secrecy) const;
  // Every variable, sorted by name, secret values masked.
  Result<std::vector<ListedVariable>> List() const;

 private:
  // Sends one request line and returns the reply line. Fails with IoError
  // ("cannot reach the task sequence engine at 'PATH': REASON"), Timeout ("the task sequence
  // engine did not answer within 1m") or a malformed reply.
  Result<std::string> Exchange(const std::string& request) const;

  EngineAddress address_;
  EnvironmentClientOptions options_;
};

}  // namespace tseq
