// EnvironmentServer: lets the scripts that a running sequence starts read and set its variables
// (`tseq var`), as ConfigMgr scripts use the TSEnvironment object. The protocol is in
// engine/environment_protocol.h.
//
// The server listens on STATE_DIR/engine.sock, a socket file that only the engine's user can open
// (0600; the state folder is 0700 too), and answers only requests that carry its token, a random
// 32-hex-digit string that it hands to children through ChildEnvironment(). It runs one thread
// that serves one connection at a time; a client that does not send its request or take its
// reply within EnvironmentServerOptions::connection_timeout is dropped, so a stuck script cannot
// hang the engine. Each request is answered with the EnvironmentGate held (see
// engine/environment_gate.h), so the server only touches the variables while the runner waits
// for a child process.
//
// Start and Stop are called from one thread (the runner's); the server's own thread is internal.
// The token is never written to a log.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "base/status.h"
#include "engine/environment_gate.h"
#include "platform/file_descriptor.h"
#include "variables/variable_store.h"

namespace tseq {

struct EnvironmentServerOptions {
  // A client must send its request and read the reply within this time, else it is dropped.
  std::chrono::milliseconds connection_timeout{5000};
  // How long a request waits for the runner to release the gate before the client is told
  // "the task sequence engine is busy; try again". The runner releases it while any child runs,
  // so only a client that is not a step's child (or is a step's background leftover) waits.
  std::chrono::milliseconds gate_timeout{30000};
};

class EnvironmentServer {
 public:
  // Listens on DIRECTORY/engine.sock and starts serving. A socket file left there by an engine
  // that died is replaced. Fails with AlreadyExists when an engine answers on that socket
  // ("another engine is listening on 'PATH'"), with FailedPrecondition when something that is not
  // a socket is in the way ("'PATH' exists and is not a socket"), and with the OS's reason when
  // the socket or the thread cannot be made. `variables` and `gate` must outlive the server.
  static Result<std::unique_ptr<EnvironmentServer>> Start(const std::string& directory,
                                                          VariableStore& variables,
                                                          EnvironmentGate& gate,
                                                          EnvironmentServerOptions options = {});

  // Stops (see Stop).
  ~EnvironmentServer();
  EnvironmentServer(const EnvironmentServer&) = delete;
  EnvironmentServer& operator=(const EnvironmentServer&) = delete;

  // Stops serving, drops a connection in progress, joins the thread and removes the socket file
  // (unless it has been replaced by another one). Idempotent. Returns promptly even when the
  // calling thread holds the gate.
  void Stop();

  const std::string& socket_path() const { return socket_path_; }
  // The access token. Keep it out of logs: see MaskEngineToken.
  const std::string& token() const { return token_; }
  // TSEQ_ENGINE_SOCKET=<socket path> and TSEQ_ENGINE_TOKEN=<token>, for every child process
  // (EnvironmentAddingProcessRunner).
  std::vector<std::pair<std::string, std::string>> ChildEnvironment() const;

 private:
  EnvironmentServer(VariableStore& variables, EnvironmentGate& gate,
                    EnvironmentServerOptions options);
  void Serve();
  void ServeConnection(int connection);

  VariableStore& variables_;
  EnvironmentGate& gate_;
  EnvironmentServerOptions options_;
  std::string socket_path_;
  std::string token_;
  FileDescriptor listener_;
  FileDescriptor stop_read_;  // the self-pipe that wakes the thread to stop
  FileDescriptor stop_write_;
  dev_t socket_device_ = 0;  // the socket file we made, so Stop removes only that one
  ino_t socket_inode_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// `text` with every occurrence of `token` replaced by "********" (nothing when `token` is
// empty), for log sinks: a script that prints its environment must not put the token in the log.
std::string MaskEngineToken(std::string text, std::string_view token);

// Answers one request line (see environment_protocol.h) against `variables` and returns the reply
// line without its newline. Never throws: malformed input gets an {"ok": false} reply.
// REQUIRES: the caller has exclusive access to `variables` (holds the gate).
std::string AnswerEnvironmentRequest(std::string_view request, std::string_view token,
                                     VariableStore& variables);

}  // namespace tseq
