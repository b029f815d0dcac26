#include "engine/sequence_tree.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "base/strings.h"
#include "sequences/loader.h"
#include "steps/core/core_steps.h"

namespace tseq {
namespace {

// Identifies a file for cycle detection: relative and absolute spellings of one path compare
// equal. Lexical only; a cycle through symlinks is stopped by the nesting limit instead.
std::string FileKey(const std::string& path) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return (error ? std::filesystem::path(path) : absolute).lexically_normal().string();
}

// The loader's wording (sequences/validation_context.cc) for a %NAME% that the file alone does
// not define.
constexpr std::string_view kUnknownReferencePrefix = "reference to unknown variable %";

// Adds the lower-cased names `nodes` define for later steps: what their steps set (properties of
// type kVariableName, declared outputs).
void CollectSetNames(const std::vector<SequenceNode>& nodes, const StepCatalog& catalog,
                     std::set<std::string>& names) {
  for (const SequenceNode& node : nodes) {
    CollectSetNames(node.children, catalog, names);
    const StepSchema* schema = node.is_group() ? nullptr : catalog.FindStepSchema(node.type);
    if (schema == nullptr) continue;
    for (const OutputSchema& output : schema->outputs) names.insert(ToLowerAscii(output.variable));
    for (const PropertySchema& property : schema->properties) {
      const Value* value = node.properties.Find(property.name);
      if (property.type == PropertyType::kVariableName && value != nullptr && value->is_scalar()) {
        names.insert(ToLowerAscii(TrimWhitespace(value->scalar)));
      }
    }
  }
}

// The name in an unknown-reference warning, or "" for any other diagnostic.
std::string UnknownReferenceName(const Diagnostic& diagnostic) {
  if (diagnostic.severity != Severity::kWarning ||
      !diagnostic.message.starts_with(kUnknownReferencePrefix)) {
    return "";
  }
  const std::string_view rest =
      std::string_view(diagnostic.message).substr(kUnknownReferencePrefix.size());
  const size_t end = rest.find('%');
  return end == std::string_view::npos ? "" : ToLowerAscii(rest.substr(0, end));
}

}  // namespace

SequenceTree SequenceTree::Single(SequencePointer sequence, std::string text) {
  SequenceTree tree;
  std::string path = sequence->source_file;
  tree.files_.push_back({std::move(path), std::move(text), std::move(sequence)});
  return tree;
}

const Sequence* SequenceTree::ChildOf(const SequenceNode& node) const {
  const auto found = children_.find(&node);
  return found == children_.end() ? nullptr : found->second.get();
}

std::string ResolveChildSequencePath(std::string_view parent_path, std::string_view child_path) {
  const std::filesystem::path child(TrimWhitespace(child_path));
  if (child.is_absolute()) return child.lexically_normal().string();
  const std::filesystem::path folder = std::filesystem::path(parent_path).parent_path();
  return (folder / child).lexically_normal().string();
}

class SequenceTreeLoader {
 public:
  SequenceTreeLoader(const SequenceTextReader& read, const StepCatalog& catalog, SequenceTree& tree)
      : read_(read), catalog_(catalog), tree_(tree) {}

  // Moves what was found to `diagnostics`. Files are loaded one by one, so the loader warns about
  // a %NAME% that another file of the tree defines (a child using its parent's variable, a parent
  // using what its child set); those warnings are dropped here.
  void ReportTo(Diagnostics& diagnostics) const {
    if (!runs_children_) {
      // A lone file's loader knew every name the file defines: there is nothing to drop.
      for (const Diagnostic& diagnostic : diagnostics_.all()) diagnostics.Add(diagnostic);
      return;
    }
    std::set<std::string> defined;
    for (const SequenceFile& file : tree_.files_) {
      for (const VariableDefinition& variable : file.sequence->variables) {
        defined.insert(ToLowerAscii(variable.name));
      }
      CollectSetNames(file.sequence->steps, catalog_, defined);
    }
    for (const Diagnostic& diagnostic : diagnostics_.all()) {
      if (defined.count(UnknownReferenceName(diagnostic)) > 0) continue;
      diagnostics.Add(diagnostic);
    }
  }

  // Loads the top-level file; its read error is returned as it is.
  Status LoadRoot(const std::string& path) {
    TSEQ_ASSIGN_OR_RETURN(std::string text, read_(path));
    Result<SequencePointer> sequence = LoadSequence(text, path, catalog_, diagnostics_);
    if (!sequence.ok()) return Status::Ok();  // the errors are in the diagnostics
    Enter(path, std::move(text), *sequence);
    return Status::Ok();
  }

 private:
  struct Link {
    std::string key;
    std::string path;
  };

  // Records a loaded file and loads the children it runs, depth first. The chain of files being
  // walked is what a cycle would come back to.
  void Enter(const std::string& path, std::string text, const SequencePointer& sequence) {
    loaded_[FileKey(path)] = sequence;
    tree_.files_.push_back({path, std::move(text), sequence});
    chain_.push_back({FileKey(path), path});
    Walk(sequence->steps);
    chain_.pop_back();
  }

  void Walk(const std::vector<SequenceNode>& nodes) {
    for (const SequenceNode& node : nodes) {
      if (node.is_group()) {
        Walk(node.children);
      } else if (node.type == kRunSequenceStepType) {
        runs_children_ = true;
        LoadChild(node);
      }
    }
  }

  std::string Chain(size_t from, const std::string& last) const {
    std::vector<std::string> paths;
    for (size_t index = from; index < chain_.size(); ++index) paths.push_back(chain_[index].path);
    paths.push_back(last);
    return Join(paths, " runs ");
  }

  void LoadChild(const SequenceNode& node) {
    const Value* path_value = node.properties.Find(kRunSequencePathProperty);
    // The loader validated the step: `path` is a literal, non-empty scalar.
    if (path_value == nullptr || !path_value->is_scalar()) return;
    const SourceLocation& location = path_value->location;
    const std::string path = ResolveChildSequencePath(chain_.back().path, path_value->scalar);
    const std::string key = FileKey(path);
    const auto on_chain = std::find_if(chain_.begin(), chain_.end(),
                                       [&key](const Link& link) { return link.key == key; });
    if (on_chain != chain_.end()) {
      diagnostics_.AddError(
          location,
          "RunSequence cycle: " + Chain(static_cast<size_t>(on_chain - chain_.begin()), path));
      return;
    }
    if (chain_.size() >= static_cast<size_t>(kMaxSequenceNesting)) {
      diagnostics_.AddError(location, "child sequences nest more than " +
                                          std::to_string(kMaxSequenceNesting) +
                                          " levels deep: " + Chain(0, path));
      return;
    }
    const auto known = loaded_.find(key);
    if (known != loaded_.end()) {
      // Loaded (and walked) already; nullptr when it had errors, which were reported then.
      if (known->second != nullptr) tree_.children_[&node] = known->second;
      return;
    }
    Result<std::string> text = read_(path);
    if (!text.ok()) {
      diagnostics_.AddError(location, "cannot load the child sequence: " + text.status().message());
      loaded_[key] = nullptr;
      return;
    }
    Result<SequencePointer> child = LoadSequence(*text, path, catalog_, diagnostics_);
    if (!child.ok()) {
      loaded_[key] = nullptr;
      return;
    }
    tree_.children_[&node] = *child;
    Enter(path, std::move(text).value(), *child);
  }

  const SequenceTextReader& read_;
  const StepCatalog& catalog_;
  Diagnostics diagnostics_;
  SequenceTree& tree_;
  std::map<std::string, SequencePointer> loaded_;  // by FileKey; nullptr = failed to load
  std::vector<Link> chain_;
  bool runs_children_ = false;  // a tree, not a lone file: its files share their variables
};

Result<SequenceTree> LoadSequenceTree(const std::string& path, const SequenceTextReader& read,
                                      const StepCatalog& catalog, Diagnostics& diagnostics) {
  const int errors_before = diagnostics.error_count();
  SequenceTree tree;
  SequenceTreeLoader loader(read, catalog, tree);
  TSEQ_RETURN_IF_ERROR(loader.LoadRoot(path));
  loader.ReportTo(diagnostics);
  const int errors = diagnostics.error_count() - errors_before;
  if (errors > 0) {
    return InvalidArgumentError(path + ": " + std::to_string(errors) +
                                (errors == 1 ? " error" : " errors"));
  }
  return tree;
}

}  // namespace tseq
