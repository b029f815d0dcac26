#include "sequences/yaml_split.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include <string.h>

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

// The leading spaces of `line`, eight bytes at a time: the lines of a large sequence are indented
// by 15 spaces on average, and the scan runs before the parse thread starts.
size_t CountIndent(std::string_view line) {
  constexpr uint64_t kEightSpaces = 0x2020202020202020;
  size_t indent = 0;
  while (indent + 8 <= line.size()) {
    uint64_t word = 0;
    memcpy(&word, line.data() + indent, sizeof word);
    const uint64_t different = word ^ kEightSpaces;
    if (different != 0) {
      const int equal_bits = std::endian::native == std::endian::little
                                 ? std::countr_zero(different)
                                 : std::countl_zero(different);
      return indent + static_cast<size_t>(equal_bits / 8);
    }
    indent += 8;
  }
  while (indent < line.size() && line[indent] == ' ') ++indent;
  return indent;
}

bool IsItemStart(std::string_view rest) {
  return !rest.empty() && rest[0] == '-' && (rest.size() == 1 || rest[1] == ' ' || rest[1] == '\r');
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
  if (!LooksLikeUtf8(text)) return kNotFound;
  // One pass over the lines from the last to the first, so the least indent of the content lines
  // (neither blank nor comment) after each line is known when the line is read, and nothing is
  // kept per line: this scan runs before the parse thread starts. LooksLikeUtf8 means 4+ bytes.
  const size_t middle = text.size() / 2;
  size_t best = kNotFound;
  size_t best_distance = kNotFound;
  size_t least_indent_after = kNotFound;
  size_t first_content = kNotFound;  // the start of the first content line
  size_t last_document_marker = 0;   // the start of the last "---" or "..." line, if any
  bool has_document_marker = false;
  size_t line_end = text.back() == '\n' ? text.size() - 1 : text.size();
  while (true) {
    const void* newline = memrchr(text.data(), '\n', line_end);
    const size_t start =
        newline == nullptr
            ? 0
            : static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
    const std::string_view line = text.substr(start, line_end - start);
    if (!line.empty() && line[0] == '%') return kNotFound;  // a directive
    if (!has_document_marker && (line.starts_with("---") || line.starts_with("..."))) {
      has_document_marker = true;
      last_document_marker = start;
    }
    const size_t indent = CountIndent(line);
    const std::string_view rest = line.substr(indent);
    if (!rest.empty() && rest != "\r" && rest[0] != '#') {
      first_content = start;
      const size_t distance = start > middle ? start - middle : middle - start;
      if (indent <= least_indent_after && distance <= text.size() / 4 && distance < best_distance &&
          IsItemStart(rest)) {
        best = start;
        best_distance = distance;
      }
      least_indent_after = std::min(least_indent_after, indent);
    }
    if (start == 0) break;
    line_end = start - 1;
  }
  // A document marker after the first content line starts a second document.
  if (has_document_marker && first_content < last_document_marker) return kNotFound;
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
