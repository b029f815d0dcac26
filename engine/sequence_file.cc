#include "engine/sequence_file.h"

#include <utility>

#include "base/strings.h"
#include "engine/sequence_tree.h"

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
  const SequenceTextReader read = [&filesystem](const std::string& file) {
    return filesystem.ReadFile(file);
  };
  TSEQ_ASSIGN_OR_RETURN(SequenceTree tree, LoadSequenceTree(path, read, registry, diagnostics));
  return InstructionTable::Build(std::move(tree), registry, diagnostics);
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

std::vector<ChildVariableOutcome> ApplyChildSequenceVariables(const Sequence& child,
                                                              VariableStore& variables) {
  std::vector<ChildVariableOutcome> outcomes;
  for (const VariableDefinition& definition : child.variables) {
    SetOptions options;
    options.source = VariableSource::kSequence;
    options.secrecy = definition.secret ? Secrecy::kSecret : Secrecy::kUnchanged;
    ChildVariableOutcome outcome{.name = definition.name};
    Result<SetOutcome> set = variables.Set(definition.name, definition.value, options);
    // Only an invalid or read-only name fails, and the loader refused those.
    if (!set.ok()) continue;
    outcome.outcome = *set;
    if (*set == SetOutcome::kIgnored) {
      const Variable* kept = variables.Find(definition.name);
      if (kept != nullptr) outcome.kept_source = kept->source;
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace tseq
