// ValueBuilder: turns yaml-cpp's parse events for one piece of a file into a Value tree. Internal
// to sequences/yaml_conversion.cc (and its tests); yaml-cpp types appear here and nowhere else.
//
// A piece is the whole file, or one of two parts parsed at the same time (the second one starting
// at a line of the file, `first_line`); see sequences/yaml_split.h for how the parts are glued.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include "base/diagnostics.h"
#include "sequences/value.h"

namespace tseq {

class ValueBuilder : public YAML::EventHandler {
 public:
  enum class Ending {
    kClose,     // the end of the text closes every open collection (a whole file, a last part)
    kKeepOpen,  // collections open at the end of the text stay open (a first part), see Continue
  };

  // `text` is exactly what the parser reads; `first_line` is the 1-based line of its first line
  // in the file. Errors about keys go to `diagnostics`.
  ValueBuilder(std::string_view text, SourceFile file, int first_line, Ending ending,
               Diagnostics& diagnostics);

  int document_count() const { return document_count_; }
  bool too_large() const { return too_large_; }
  size_t node_count() const { return node_count_; }
  const SourceLocation& second_document() const { return second_document_; }
  // The most collections open at one time: yaml-cpp's nesting depth, less one.
  size_t deepest_nesting() const { return deepest_nesting_; }
  size_t open_collection_count() const { return stack_.size(); }

  // kKeepOpen, after the parse of a first part that ends with a line `<indent>- <marker>`: checks
  // that this line was read as the last item of the innermost open collection, a list starting at
  // column `column` (1-based), at line `marker_line`; replaces that item with `items`, parsed from
  // the text that follows, as if they had been read there, and closes every open collection.
  // `item_nodes` is how many nodes the items hold; the diagnostics found in that text, `between`,
  // come after those found so far. Returns false, changing nothing, when the check fails.
  bool Continue(int column, int marker_line, std::string_view marker, std::vector<Value> items,
                size_t item_nodes, const Diagnostics& between);

  Value TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override;
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { End(); }

 private:
  struct Frame {
    Value value;
    YAML::anchor_t anchor = 0;
    bool expecting_key = true;
    bool key_usable = false;
    std::string key;
    SourceLocation key_location;
    // Where the children start in items_ (a list) or entries_ (a map).
    size_t first_child = 0;
    // Keys so far, once the map is large enough for a linear search to cost more than a set.
    std::unordered_set<std::string> keys;
  };

  SourceLocation Locate(const YAML::Mark& mark) const;
  bool IsExplicitNull(const YAML::Mark& mark) const;
  bool HasKey(Frame& frame, const std::string& key) const;
  void Open(Value::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor);
  void End();
  void Close();
  void ClosePending();
  void Complete(Value value, YAML::anchor_t anchor);

  std::string_view text_;
  SourceFile file_;
  int first_line_;
  Ending ending_;
  Diagnostics& diagnostics_;
  std::vector<Frame> stack_;
  // The children of the open collections, innermost last, until each is closed: one vector
  // growing and shrinking instead of one per collection growing step by step.
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> entries_;
  // Anchored nodes (copies) and how many nodes each holds.
  std::unordered_map<YAML::anchor_t, std::pair<Value, size_t>> anchors_;
  Value root_;
  size_t node_count_ = 0;
  size_t deepest_nesting_ = 0;
  // kKeepOpen: collection ends seen since the last node. They are applied when another node
  // follows; those left when the text ends were caused by its end, not by the document.
  size_t pending_ends_ = 0;
  int document_count_ = 0;
  bool too_large_ = false;
  bool implicit_null_ = false;
  // Whether the last node read was a scalar, and its anchor.
  bool last_node_scalar_ = false;
  YAML::anchor_t last_scalar_anchor_ = 0;
  SourceLocation second_document_;
};

// Feeds the parse events of `text` to `builder` until the text ends or a second document starts.
// Throws yaml-cpp's exceptions (YAML::Exception for a syntax error).
void ReadYamlEvents(std::string_view text, ValueBuilder& builder);

// ParseYaml (sequences/yaml_conversion.h) done in one piece, in the calling thread.
std::optional<Value> ParseYamlInOnePiece(std::string_view text, const std::string& file_name,
                                         Diagnostics& diagnostics);

}  // namespace tseq
