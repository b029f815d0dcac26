#include "engine/sequence_file.h"

#include <utility>

#include "base/strings.h"
#include "sequences/loader.h"

namespace tseq {
namespace {

Status SetInitial(VariableStore& variables, std::string_view name, std::string_view value,
                  VariableSource source, Secrecy secrecy, const std::string& where) {
  SetOptions options;
  options.source = source;
  options.secrecy = secrecy;
  Result<SetOutcome> outcome = variables.Set(name, value, options);
  if (!outcome.ok()) return outcome.status().WithContext(where);
  return Status::Ok();
}

}  // namespace

Result<InstructionTable> LoadSequenceFile(const Filesystem& filesystem, const std::string& path,
                                          const StepRegistry& registry, Diagnostics& diagnostics) {
  Result<std::string> text = filesystem.ReadFile(path);
  if (!text.ok()) return text.status();
  TSEQ_ASSIGN_OR_RETURN(SequencePointer sequence, LoadSequence(*text, path, registry, diagnostics));
  return InstructionTable::Build(std::move(sequence), registry, diagnostics);
}

Status LoadInitialVariables(const Sequence& sequence, const InitialVariables& sources,
                            const Filesystem& filesystem, VariableStore& variables) {
  for (const VariableDefinition& definition : sequence.variables) {
    TSEQ_RETURN_IF_ERROR(SetInitial(variables, definition.name, definition.value,
                                    VariableSource::kSequence,
                                    definition.secret ? Secrecy::kSecret : Secrecy::kUnchanged,
                                    definition.location.ToString()));
  }
  if (!sources.vars_file.empty()) {
    TSEQ_ASSIGN_OR_RETURN(const std::string text, filesystem.ReadFile(sources.vars_file));
    const std::vector<std::string> lines = Split(text, '\n');
    for (size_t index = 0; index < lines.size(); ++index) {
      const std::string where = sources.vars_file + ":" + std::to_string(index + 1);
      const std::string_view line = TrimWhitespace(lines[index]);
      if (line.empty() || line.front() == '#') continue;
      const size_t equals = line.find('=');
      if (equals == std::string_view::npos) {
        // The line is not echoed: it may hold a value that was meant to be secret.
        return InvalidArgumentError(where + ": expected NAME=VALUE");
      }
      TSEQ_RETURN_IF_ERROR(SetInitial(variables, TrimWhitespace(line.substr(0, equals)),
                                      line.substr(equals + 1), VariableSource::kVarsFile,
                                      Secrecy::kUnchanged, where));
    }
  }
  for (const std::string& assignment : sources.command_line) {
    const size_t equals = assignment.find('=');
    if (equals == std::string::npos) {
      return InvalidArgumentError("--var '" + assignment + "': expected NAME=VALUE");
    }
    TSEQ_RETURN_IF_ERROR(SetInitial(variables, assignment.substr(0, equals),
                                    assignment.substr(equals + 1), VariableSource::kCommandLine,
                                    Secrecy::kUnchanged,
                                    "--var '" + assignment.substr(0, equals) + "'"));
  }
  return Status::Ok();
}

}  // namespace tseq
