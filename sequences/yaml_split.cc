#include "sequences/yaml_split.h"

#include <algorithm>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "sequences/yaml_value_builder.h"

namespace tseq {
namespace {

constexpr size_t kNotFound = std::string_view::npos;

// yaml-cpp gives up at 2000 nested nodes, counted from the root; the second part starts at a
// depth it does not know. Far below that limit both parses agree that it is not reached.
constexpr size_t kSafeNesting = 1000;

// The plain scalar that ends the first part; see ParseYamlInTwo.
constexpr std::string_view kMarker = "tseq-yaml-split-marker";

// yaml-cpp also reads UTF-16 and UTF-32, which it recognises by a byte order mark or zero bytes
// at the start; a second part would have neither.
bool LooksLikeUtf8(std::string_view text) {
  return text.size() >= 4 && text.substr(0, 4).find('\0') == kNotFound && text[0] != '\xFE' &&
         text[0] != '\xFF';
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A line that is neither blank nor a comment.
struct ContentLine {
  size_t start = 0;
  size_t indent = 0;  // leading spaces
  bool item = false;  // the indent, '-', then a space or the line's end
};

bool IsItemStart(std::string_view rest) {
  return !rest.empty() && rest[0] == '-' && (rest.size() == 1 || rest[1] == ' ' || rest[1] == '\r');
}

// Every content line of `text`, or nullopt when the text has a directive, or a document marker
// after its first content line.
std::optional<std::vector<ContentLine>> ReadContentLines(std::string_view text) {
  std::vector<ContentLine> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == kNotFound) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (StartsWith(line, "%")) return std::nullopt;
    if ((StartsWith(line, "---") || StartsWith(line, "...")) && !lines.empty()) {
      return std::nullopt;
    }
    const size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::string_view rest = line.substr(indent);
    if (!rest.empty() && rest != "\r" && rest[0] != '#') {
      lines.push_back({start, indent, IsItemStart(rest)});
    }
    start = end + 1;
  }
  return lines;
}

// Parses without letting an exception out: any failure means "do not glue".
bool TryReadYamlEvents(std::string_view text, ValueBuilder& builder) noexcept {
  try {
    ReadYamlEvents(text, builder);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

size_t FindYamlSplit(std::string_view text) {
  // yaml-cpp also reads UTF-16 and UTF-32, which it recognises by a byte order mark or zero bytes
  // at the start; a second part would have neither.
  if (text.size() < 4 || text.substr(0, 4).find('\0') != kNotFound || text[0] == '\xFE' ||
      text[0] == '\xFF') {
    return kNotFound;
  }
  const std::optional<std::vector<ContentLine>> lines = ReadContentLines(text);
  if (!lines) return kNotFound;
  const size_t middle = text.size() / 2;
  size_t best = kNotFound;
  size_t best_distance = kNotFound;
  size_t least_indent_after = kNotFound;  // of the content lines after the current one
  for (auto line = lines->rbegin(); line != lines->rend(); ++line) {
    const size_t distance = line->start > middle ? line->start - middle : middle - line->start;
    if (line->item && line->indent <= least_indent_after && distance <= text.size() / 4 &&
        distance < best_distance) {
      best = line->start;
      best_distance = distance;
    }
    least_indent_after = std::min(least_indent_after, line->indent);
  }
  return best;
}

std::optional<Value> ParseYamlInTwo(std::string_view text, size_t split,
                                    const std::string& file_name, Diagnostics& diagnostics) {
  if (!LooksLikeUtf8(text) || split == 0 || split >= text.size() || text[split - 1] != '\n') {
    return std::nullopt;
  }
  const std::string_view second = text.substr(split);
  const size_t indent = std::min(second.find_first_not_of(' '), second.size());
  if (!IsItemStart(second.substr(indent))) return std::nullopt;
  const int second_first_line =
      1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(split), '\n'));
  const int column = static_cast<int>(indent) + 1;
  // The first part ends with the split line's indent and dash followed by a marker: if one parse
  // of the whole text reads that line as the next item of a list, so does the parse of the first
  // part, and the marker is that item; if the line is inside a scalar or a flow collection, the
  // marker is too, and the check in Continue fails.
  std::string first(text.substr(0, split));
  first.append(indent, ' ').append("- ").append(kMarker).append("\n");

  const SourceFile file(file_name);
  Diagnostics first_diagnostics;
  Diagnostics second_diagnostics;
  ValueBuilder first_builder(first, file, 1, ValueBuilder::Ending::kKeepOpen, first_diagnostics);
  ValueBuilder second_builder(second, file, second_first_line, ValueBuilder::Ending::kClose,
                              second_diagnostics);
  bool second_read = false;
  std::thread worker;
  try {
    worker = std::thread([&] { second_read = TryReadYamlEvents(second, second_builder); });
  } catch (const std::system_error&) {
    return std::nullopt;  // no thread to be had: one piece it is
  }
  const bool first_read = TryReadYamlEvents(first, first_builder);
  worker.join();

  if (!first_read || !second_read || first_builder.document_count() != 1 ||
      second_builder.document_count() != 1 || first_builder.too_large() ||
      second_builder.too_large()) {
    return std::nullopt;
  }
  if (first_builder.open_collection_count() + second_builder.deepest_nesting() >= kSafeNesting) {
    return std::nullopt;
  }
  Value second_root = second_builder.TakeRoot();
  if (!second_root.is_list() || second_root.location.line != second_first_line ||
      second_root.location.column != column) {
    return std::nullopt;
  }
  // The second part's root list is not a node of the whole text: its items are.
  if (!first_builder.Continue(column, second_first_line, kMarker, std::move(second_root.items),
                              second_builder.node_count() - 1, second_diagnostics) ||
      first_builder.too_large()) {
    return std::nullopt;
  }
  for (const Diagnostic& diagnostic : first_diagnostics.all()) diagnostics.Add(diagnostic);
  return first_builder.TakeRoot();
}

}  // namespace tseq
