// `tseq var get|set|list`: the script side of the engine's environment socket.
#include <ostream>

#include "base/exit_codes.h"
#include "engine/environment_client.h"
#include "tools/tseq/commands.h"

namespace tseq {
namespace {

// `get` of an unset variable is an answer, not an error: scripts test it like `test -n`.
constexpr int kVariableNotSet = 1;

int Fail(std::ostream& error, const Status& status) {
  error << "tseq var: " << status.message() << "\n";
  return ToInt(ExitCode::kUsageOrInvalid);
}

}  // namespace

int RunVarCommand(const VarCommandOptions& options, std::ostream& output, std::ostream& error,
                  const std::function<const char*(const char*)>& lookup) {
  Result<EngineAddress> address = EngineAddressFromEnvironment(lookup);
  if (!address.ok()) return Fail(error, address.status());
  const EnvironmentClient client(std::move(address).value());

  if (options.operation == "get") {
    Result<std::optional<std::string>> value = client.Get(options.name);
    if (!value.ok()) return Fail(error, value.status());
    if (!value->has_value()) return kVariableNotSet;
    output << **value << "\n";
    return ToInt(ExitCode::kCompleted);
  }
  if (options.operation == "set") {
    const Status set = client.Set(options.name, options.value,
                                  options.secret ? Secrecy::kSecret : Secrecy::kUnchanged);
    if (!set.ok()) return Fail(error, set);
    return ToInt(ExitCode::kCompleted);
  }
  Result<std::vector<ListedVariable>> listed = client.List();
  if (!listed.ok()) return Fail(error, listed.status());
  for (const ListedVariable& variable : *listed) {
    output << variable.name << "=" << variable.value << "\n";
  }
  return ToInt(ExitCode::kCompleted);
}

}  // namespace tseq
