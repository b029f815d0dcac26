// SequenceTree: a sequence file and, recursively, every child sequence its RunSequence steps run,
// all loaded and validated before anything runs (SPEC §4: load, validate, bind, then run).
//
// A RunSequence step's `path` is resolved against the folder of the file that holds the step (an
// absolute path is taken as it is) and normalized lexically ("a/./b/../c.yaml" is "a/c.yaml");
// that resolved path names the child in diagnostics, the log, `tseq plan` and the state. Child
// files are files of the running system, like the top-level one (not inside --root). Each
// distinct file is read and loaded once, however many steps run it. Problems are Diagnostics:
//   - everything the loader reports about a child, at the child's own FILE:LINE:COL;
//   - a child that cannot be read, at the step's `path` value:
//       "cannot load the child sequence: " and the reader's message (which names the path);
//   - a cycle, at the `path` value that closes it:
//       "RunSequence cycle: a.yaml runs b.yaml runs a.yaml";
//   - children nested more than kMaxSequenceNesting deep (which also stops a cycle the paths do
//     not show, through symlinks), at the `path` value that goes too deep.
// Immutable once loaded; safe to read from several threads.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "sequences/sequence.h"
#include "sequences/step_schema.h"

namespace tseq {

inline constexpr int kMaxSequenceNesting = 16;

struct SequenceFile {
  std::string path;  // as resolved; the top-level file's path as given
  std::string text;  // exactly as read, so that a resume can load the very same tree
  SequencePointer sequence;
};

class SequenceTree {
 public:
  // A tree of one sequence, for callers that loaded it themselves. A RunSequence step in it has
  // no child: binding it fails (InstructionTable::Build).
  static SequenceTree Single(SequencePointer sequence, std::string text = "");

  const SequencePointer& root() const { return files_.front().sequence; }
  // Every file, the top-level one first, then the children in the order they were first met.
  const std::vector<SequenceFile>& files() const { return files_; }
  // The child sequence that `node` (a RunSequence step of one of the files) runs, or nullptr.
  const Sequence* ChildOf(const SequenceNode& node) const;

 private:
  friend class SequenceTreeLoader;
  std::vector<SequenceFile> files_;
  std::map<const SequenceNode*, SequencePointer> children_;
};

// Returns the text of a sequence file: the filesystem for a new run, the sealed copies in the
// state for a resume.
using SequenceTextReader = std::function<Result<std::string>(const std::string& path)>;

// Loads `path` and every child sequence it runs, recursively. Fails with `read`'s error when the
// top-level file cannot be read (no diagnostic), and with InvalidArgument ("PATH: N errors") when
// any file has errors, all of them in `diagnostics`.
Result<SequenceTree> LoadSequenceTree(const std::string& path, const SequenceTextReader& read,
                                      const StepCatalog& catalog, Diagnostics& diagnostics);

// The path of the child `child_path` run from the file `parent_path` (see above).
std::string ResolveChildSequencePath(std::string_view parent_path, std::string_view child_path);

}  // namespace tseq
