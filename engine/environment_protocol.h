// The protocol between `tseq var` (EnvironmentClient) and the running engine (EnvironmentServer).
//
// The engine listens on a Unix-domain stream socket, STATE_DIR/engine.sock (mode 0600), and puts
// its path and a random token in the environment of every child it starts. A client connects,
// sends one JSON object followed by a newline, and reads one JSON object followed by a newline;
// then the engine closes the connection.
//
//   {"token": T, "op": "get", "name": N}
//       -> {"ok": true, "value": V, "secret": B}, or {"ok": true, "value": null} when N is unset
//   {"token": T, "op": "set", "name": N, "value": V, "secret": B}   ("" deletes N)
//       -> {"ok": true}
//   {"token": T, "op": "list"}
//       -> {"ok": true, "variables": [{"name": N, "value": V, "secret": B}, ...]}
//          (sorted by name; secret values are sent as "********")
//   any failure -> {"ok": false, "error": MESSAGE}; a wrong token gets "access denied".
//
// `get` returns a secret's real value: scripts need passwords, as with ConfigMgr's TSEnvironment.
#pragma once

#include <cstddef>

namespace tseq {

inline constexpr const char* kEngineSocketVariable = "TSEQ_ENGINE_SOCKET";
inline constexpr const char* kEngineTokenVariable = "TSEQ_ENGINE_TOKEN";
inline constexpr const char* kEngineSocketFileName = "engine.sock";
// Requests and replies longer than this are refused; it leaves room for any sane variable.
inline constexpr size_t kEngineMessageLimit = 1024 * 1024;

}  // namespace tseq
