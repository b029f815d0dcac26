#include "sequences/yaml_conversion.h"

#include <thread>

#include "sequences/yaml_split.h"
#include "sequences/yaml_value_builder.h"

namespace tseq {

std::optional<Value> ParseYaml(std::string_view text, const std::string& file_name,
                               Diagnostics& diagnostics) {
  if (text.size() >= kYamlSplitMinimumSize && std::thread::hardware_concurrency() > 1) {
    if (const size_t split = FindYamlSplit(text); split != std::string_view::npos) {
      if (std::optional<Value> root = ParseYamlInTwo(text, split, file_name, diagnostics)) {
        return root;
      }
    }
  }
  return ParseYamlInOnePiece(text, file_name, diagnostics);
}

}  // namespace tseq
