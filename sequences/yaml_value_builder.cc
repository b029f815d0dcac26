#include "sequences/yaml_value_builder.h"

#include <algorithm>
#include <exception>
#include <istream>
#include <streambuf>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "sequences/yaml_conversion.h"

namespace tseq {
namespace {

// Past this many keys a map also keeps its keys in a set for the duplicate check, so that a map
// of many keys does not cost a quadratic number of comparisons.
constexpr size_t kKeySetThreshold = 16;

// Reads a string without copying it, for yaml-cpp's std::istream interface.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    // std::streambuf wants mutable pointers; nothing writes through them (no put area).
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

size_t CountNodes(const Value& value) {
  size_t count = 1;
  for (const Value& item : value.items) count += CountNodes(item);
  for (const auto& [key, entry] : value.entries) count += CountNodes(entry);
  return count;
}

}  // namespace

ValueBuilder::ValueBuilder(std::string_view text, SourceFile file, int first_line, Ending ending,
                           Diagnostics& diagnostics)
    : text_(text),
      file_(file),
      first_line_(first_line),
      ending_(ending),
      diagnostics_(diagnostics) {}

void ValueBuilder::OnDocumentStart(const YAML::Mark& mark) {
  if (document_count_ == 1) ClosePending();
  ++document_count_;
  if (document_count_ == 2) second_document_ = Locate(mark);
}

void ValueBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  ClosePending();
  last_node_scalar_ = false;
  Value value;
  value.location = Locate(mark);
  implicit_null_ = !IsExplicitNull(mark);
  Complete(std::move(value), anchor);
}

void ValueBuilder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  ClosePending();
  last_node_scalar_ = false;
  const auto found = anchors_.find(anchor);
  if (found == anchors_.end()) return;  // yaml-cpp rejects unknown aliases itself.
  node_count_ += found->second.second;
  if (node_count_ > kMaxYamlNodes) too_large_ = true;
  if (too_large_) return;
  Value copy = found->second.first;
  copy.location = Locate(mark);
  Complete(std::move(copy), 0);
}

void ValueBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                            const std::string& text) {
  ClosePending();
  last_node_scalar_ = true;
  last_scalar_anchor_ = anchor;
  Value value;
  value.kind = Value::Kind::kScalar;
  value.scalar = text;
  // yaml-cpp tags plain scalars "?" and quoted or block scalars "!"; an explicit tag such as
  // !!str also makes the text literal.
  value.quoted = tag != "?";
  value.location = Locate(mark);
  Complete(std::move(value), anchor);
}

void ValueBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                                   YAML::anchor_t anchor, YAML::EmitterStyle::value /*style*/) {
  Open(Value::Kind::kList, mark, anchor);
}

void ValueBuilder::OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/,
                              YAML::anchor_t anchor, YAML::EmitterStyle::value /*style*/) {
  Open(Value::Kind::kMap, mark, anchor);
}

bool ValueBuilder::Continue(int column, int marker_line, std::string_view marker,
                            std::vector<Value> items, size_t item_nodes,
                            const Diagnostics& between) {
  if (stack_.empty() || !last_node_scalar_ || last_scalar_anchor_ != 0) return false;
  const Frame& frame = stack_.back();
  if (!frame.value.is_list() || frame.value.location.column != column ||
      items_.size() == frame.first_child) {
    return false;
  }
  const Value& last = items_.back();
  if (!last.is_scalar() || last.quoted || last.scalar != marker ||
      last.location.line != marker_line || last.location.column != column + 2) {
    return false;
  }
  items_.pop_back();
  --node_count_;
  pending_ends_ = 0;  // the end of the text closed every open collection
  for (const Diagnostic& diagnostic : between.all()) diagnostics_.Add(diagnostic);
  node_count_ += item_nodes;
  if (node_count_ > kMaxYamlNodes) too_large_ = true;
  items_.insert(items_.end(), std::make_move_iterator(items.begin()),
                std::make_move_iterator(items.end()));
  while (!stack_.empty()) Close();
  return true;
}

SourceLocation ValueBuilder::Locate(const YAML::Mark& mark) const {
  return {file_, mark.line + first_line_, mark.column + 1};
}

// yaml-cpp reports an empty value ("key:" and nothing after it) as a null positioned at the next
// token, often on another line; such a null is better reported where its key is.
bool ValueBuilder::IsExplicitNull(const YAML::Mark& mark) const {
  if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) return false;
  const std::string_view rest = text_.substr(static_cast<size_t>(mark.pos));
  for (const std::string_view literal : {"~", "null", "Null", "NULL"}) {
    if (rest.substr(0, literal.size()) == literal) return true;
  }
  return false;
}

bool ValueBuilder::HasKey(Frame& frame, const std::string& key) const {
  const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(frame.first_child);
  if (entries_.size() - frame.first_child < kKeySetThreshold) {
    return std::any_of(first, entries_.end(),
                       [&key](const auto& entry) { return entry.first == key; });
  }
  if (frame.keys.empty()) {
    for (auto entry = first; entry != entries_.end(); ++entry) frame.keys.insert(entry->first);
  }
  return !frame.keys.insert(key).second;
}

void ValueBuilder::Open(Value::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
  ClosePending();
  last_node_scalar_ = false;
  if (document_count_ > 1) return;
  // Built in place: a Frame is large, and moving one in cost more than filling it.
  Frame& frame = stack_.emplace_back();
  frame.value.kind = kind;
  frame.value.location = Locate(mark);
  frame.anchor = anchor;
  frame.first_child = kind == Value::Kind::kList ? items_.size() : entries_.size();
  deepest_nesting_ = std::max(deepest_nesting_, stack_.size());
}

void ValueBuilder::End() {
  if (ending_ == Ending::kKeepOpen && document_count_ == 1) {
    ++pending_ends_;
  } else {
    Close();
  }
}

void ValueBuilder::ClosePending() {
  for (; pending_ends_ > 0; --pending_ends_) Close();
}

void ValueBuilder::Close() {
  if (document_count_ > 1) return;
  Frame& frame = stack_.back();
  // The children move from the shared stack into a vector of exactly their number.
  const auto take = [&frame](auto& pending, auto& children) {
    const auto first = pending.begin() + static_cast<std::ptrdiff_t>(frame.first_child);
    children.reserve(static_cast<size_t>(pending.end() - first));
    children.insert(children.end(), std::make_move_iterator(first),
                    std::make_move_iterator(pending.end()));
    pending.erase(first, pending.end());
  };
  if (frame.value.is_list()) {
    take(items_, frame.value.items);
  } else {
    take(entries_, frame.value.entries);
  }
  // Complete adds the value to the frame below, so this one is popped first.
  Value value = std::move(frame.value);
  const YAML::anchor_t anchor = frame.anchor;
  stack_.pop_back();
  Complete(std::move(value), anchor);
}

void ValueBuilder::Complete(Value value, YAML::anchor_t anchor) {
  const bool implicit_null = std::exchange(implicit_null_, false);
  if (too_large_ || document_count_ > 1) return;
  ++node_count_;
  if (node_count_ > kMaxYamlNodes) {
    too_large_ = true;
    return;
  }
  if (anchor != 0) anchors_[anchor] = {value, CountNodes(value)};
  if (stack_.empty()) {
    root_ = std::move(value);
    return;
  }
  Frame& parent = stack_.back();
  if (parent.value.is_list()) {
    items_.push_back(std::move(value));
    return;
  }
  if (parent.expecting_key) {
    parent.expecting_key = false;
    parent.key_location = value.location;
    parent.key_usable = value.is_scalar();
    parent.key = std::move(value.scalar);
    if (!value.is_scalar()) {
      diagnostics_.AddError(value.location,
                            std::string("a key must be a string, not ") + value.KindName());
    }
    return;
  }
  parent.expecting_key = true;
  if (!parent.key_usable) return;
  if (HasKey(parent, parent.key)) {
    diagnostics_.AddError(parent.key_location, "duplicate key '" + parent.key + "'");
    return;
  }
  if (implicit_null) value.location = parent.key_location;
  value.key_location = parent.key_location;
  entries_.emplace_back(std::move(parent.key), std::move(value));
}

void ReadYamlEvents(std::string_view text, ValueBuilder& builder) {
  TextBuffer buffer(text);
  std::istream input(&buffer);
  YAML::Parser parser(input);
  while (builder.document_count() < 2 && parser.HandleNextDocument(builder)) {
  }
}

std::optional<Value> ParseYamlInOnePiece(std::string_view text, const std::string& file_name,
                                         Diagnostics& diagnostics) {
  const SourceFile file(file_name);
  Diagnostics conversion_diagnostics;
  ValueBuilder builder(text, file, 1, ValueBuilder::Ending::kClose, conversion_diagnostics);
  try {
    ReadYamlEvents(text, builder);
  } catch (const YAML::Exception& error) {
    SourceLocation location{file, 0, 0};
    if (!error.mark.is_null()) location = {file, error.mark.line + 1, error.mark.column + 1};
    diagnostics.AddError(std::move(location), "YAML syntax error: " + error.msg);
    return std::nullopt;
  } catch (const std::exception& error) {
    diagnostics.AddError({file, 0, 0}, std::string("cannot read YAML: ") + error.what());
    return std::nullopt;
  }
  if (builder.too_large()) {
    diagnostics.AddError({file, 0, 0}, "the document has more than " +
                                           std::to_string(kMaxYamlNodes) +
                                           " nodes (aliases count as copies)");
    return std::nullopt;
  }
  if (builder.document_count() > 1) {
    diagnostics.AddError(builder.second_document(),
                         "a sequence file holds one YAML document, but a second one starts here");
    return std::nullopt;
  }
  for (const Diagnostic& diagnostic : conversion_diagnostics.all()) diagnostics.Add(diagnostic);
  return builder.TakeRoot();
}

}  // namespace tseq
