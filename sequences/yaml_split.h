// Parsing a large YAML text in two parts at once. yaml-cpp's scanner is most of the time of loading
// a large sequence (about 20 ms per 200 KB), so ParseYaml (sequences/yaml_conversion.h) splits a
// large text at a line that starts an item of a block list, such as `  - group: Phase 11` in
// `steps:`, parses both parts on two threads, and glues them.
//
// The first part is parsed with the split line's indent and dash appended, followed by a marker
// scalar. Gluing is correct when that marker is read as the last item of a list open at the end of
// the first part, starting at the split line's column (so one parse of the whole text, too, reads
// the split line as an item of that list, not as part of a scalar or a flow collection), and the
// second part is one document, a list starting at the split line (so the list runs to the end of
// the text). ParseYamlInTwo checks that from the two parses; when it does not hold, or either part
// fails to parse, it gives up and ParseYaml parses the whole text in one piece, so results and
// errors are always the ones a single parse gives.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "sequences/value.h"

namespace tseq {

// Texts shorter than this are parsed in one piece: a thread would cost more than it saves.
inline constexpr size_t kYamlSplitMinimumSize = 128 * 1024;

// Where to split `text`: the offset of the line nearest its middle (within its middle half) that
// is K spaces, a dash and a space or line end, when no later line (other than blank and comment
// lines) is indented by fewer than K spaces. std::string_view::npos when there is none, or when
// the text has YAML directives, document markers after its first line, or is not UTF-8.
size_t FindYamlSplit(std::string_view text);

// Parses `text` as ParseYaml does, in two parts at once: text[0, split) in this thread and
// text[split, end) in another. Returns the root Value and adds the diagnostics of the whole text
// when the parts glue into what one parse would give (key errors included); otherwise, and when
// either part fails to parse, returns nullopt and adds nothing. `split` must be the offset of the
// start of a line.
std::optional<Value> ParseYamlInTwo(std::string_view text, size_t split,
                                    const std::string& file_name, Diagnostics& diagnostics);

}  // namespace tseq
