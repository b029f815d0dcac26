// Executable step plugins: a NAME.step.json manifest naming a program (any language) that speaks
// the JSON protocol of docs/plugins.md, and the Step that runs it.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "platform/filesystem.h"
#include "steps/step.h"

namespace tseq {

// The protocol version tseq speaks; a manifest's "protocol" must equal it.
inline constexpr int kExecutablePluginProtocol = 1;

// Reads the manifest at `manifest_path` and builds its Step (category "plugin"). The manifest's
// "executable" is taken relative to the manifest's folder unless absolute, and must be an
// executable regular file not writable by every user. Fails with InvalidArgument carrying the
// reason only (the caller names the file): not valid JSON (with line and column), not an object,
// unknown keys, a missing or bad type, executable, property or output, an unsupported protocol.
Result<std::unique_ptr<Step>> LoadExecutablePlugin(const std::string& manifest_path,
                                                   const Filesystem& filesystem);

// How the Step runs (docs/plugins.md, "Executable plugins"): the program is started through the
// context's ProcessRunner as `PROGRAM run` in the machine root's folder, with the step's timeout,
// TSEQ_MACHINE_ROOT in its environment and the request as JSON on its standard input: the
// protocol version, the step's name and type, the machine root, the typed properties (secret ones
// included, named in "secretProperties") and the variables - every variable that is not secret,
// plus the secret ones the manifest lists in "readsSecretVariables". Its standard output must be
// one JSON answer (exitCode, variables, secretVariables, log, message); its standard error is
// copied to the log. The answer's variables are set with VariableAccess::kSequence (a refusal
// fails the step with the store's message) unless the program itself exited non-zero. exitCode 0
// succeeds, 3010 succeeds and requests a restart, anything else fails the step. A program that
// cannot start, times out, exits non-zero, or answers with invalid JSON or an invalid answer
// fails the step with a message naming the plugin.

}  // namespace tseq
