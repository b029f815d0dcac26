#include "sequences/yaml_conversion.h"

#include <exception>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace tseq {
namespace {

size_t CountNodes(const Value& value) {
  size_t count = 1;
  for (const Value& item : value.items) count += CountNodes(item);
  for (const auto& [key, entry] : value.entries) count += CountNodes(entry);
  return count;
}

// Builds the Value tree from yaml-cpp's parse events. The event interface (rather than YAML::Node)
// is used because it reports every key of a map, duplicates included, with its position.
class ValueBuilder : public YAML::EventHandler {
 public:
  ValueBuilder(std::string_view text, const std::string& file_name, Diagnostics& diagnostics)
      : text_(text), file_name_(file_name), diagnostics_(diagnostics) {}

  int document_count() const { return document_count_; }
  bool too_large() const { return too_large_; }
  const SourceLocation& second_document() const { return second_document_; }
  Value TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++document_count_;
    if (document_count_ == 2) second_document_ = Locate(mark);
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Value value;
    value.location = Locate(mark);
    implicit_null_ = !IsExplicitNull(mark);
    Complete(std::move(value), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) return;  // yaml-cpp rejects unknown aliases itself.
    node_count_ += found->second.second;
    if (node_count_ > kMaxYamlNodes) too_large_ = true;
    if (too_large_) return;
    Value copy = found->second.first;
    copy.location = Locate(mark);
    Complete(std::move(copy), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    Value value;
    value.kind = Value::Kind::kScalar;
    value.scalar = text;
    // yaml-cpp tags plain scalars "?" and quoted or block scalars "!"; an explicit tag such as
    // !!str also makes the text literal.
    value.quoted = tag != "?";
    value.location = Locate(mark);
    Complete(std::move(value), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(Value::Kind::kList, mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(Value::Kind::kMap, mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    Value value;
    YAML::anchor_t anchor = 0;
    bool expecting_key = true;
    bool key_usable = false;
    std::string key;
    SourceLocation key_location;
  };

  SourceLocation Locate(const YAML::Mark& mark) const {
    return {file_name_, mark.line + 1, mark.column + 1};
  }

  // yaml-cpp reports an empty value ("key:" and nothing after it) as a null positioned at the next
  // token, often on another line; such a null is better reported where its key is.
  bool IsExplicitNull(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) return false;
    const std::string_view rest = text_.substr(static_cast<size_t>(mark.pos));
    for (const std::string_view literal : {"~", "null", "Null", "NULL"}) {
      if (rest.substr(0, literal.size()) == literal) return true;
    }
    return false;
  }

  void Open(Value::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (document_count_ > 1) return;
    Frame frame;
    frame.value.kind = kind;
    frame.value.location = Locate(mark);
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void Close() {
    if (document_count_ > 1) return;
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Complete(std::move(frame.value), frame.anchor);
  }

  void Complete(Value value, YAML::anchor_t anchor) {
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
      parent.value.items.push_back(std::move(value));
      return;
    }
    if (parent.expecting_key) {
      parent.expecting_key = false;
      parent.key_location = value.location;
      parent.key_usable = value.is_scalar();
      parent.key = value.scalar;
      if (!value.is_scalar()) {
        diagnostics_.AddError(value.location,
                              std::string("a key must be a string, not ") + value.KindName());
      }
      return;
    }
    parent.expecting_key = true;
    if (!parent.key_usable) return;
    if (parent.value.Find(parent.key) != nullptr) {
      diagnostics_.AddError(parent.key_location, "duplicate key '" + parent.key + "'");
      return;
    }
    if (implicit_null) value.location = parent.key_location;
    value.key_location = parent.key_location;
    parent.value.entries.emplace_back(std::move(parent.key), std::move(value));
  }

  std::string_view text_;
  const std::string& file_name_;
  Diagnostics& diagnostics_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<Value, size_t>> anchors_;
  Value root_;
  size_t node_count_ = 0;
  int document_count_ = 0;
  bool too_large_ = false;
  bool implicit_null_ = false;
  SourceLocation second_document_;
};

}  // namespace

std::optional<Value> ParseYaml(std::string_view text, const std::string& file_name,
                               Diagnostics& diagnostics) {
  Diagnostics conversion_diagnostics;
  ValueBuilder builder(text, file_name, conversion_diagnostics);
  try {
    std::istringstream input{std::string(text)};
    YAML::Parser parser(input);
    while (builder.document_count() < 2 && parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& error) {
    SourceLocation location{file_name, 0, 0};
    if (!error.mark.is_null()) location = {file_name, error.mark.line + 1, error.mark.column + 1};
    diagnostics.AddError(std::move(location), "YAML syntax error: " + error.msg);
    return std::nullopt;
  } catch (const std::exception& error) {
    diagnostics.AddError({file_name, 0, 0}, std::string("cannot read YAML: ") + error.what());
    return std::nullopt;
  }
  if (builder.too_large()) {
    diagnostics.AddError({file_name, 0, 0}, "the document has more than " +
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
