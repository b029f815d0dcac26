// Test helpers shared by the steps tests: a StepLog that records what a step writes, and a
// shorthand for scalar property values. Header-only; test code only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sequences/value.h"
#include "steps/step.h"

namespace tseq::testing {

// Records every line as "info: ...", "warning: ..." or "error: ...".
class RecordingLog : public StepLog {
 public:
  void Info(std::string_view message) override { lines.push_back("info: " + std::string(message)); }
  void Warning(std::string_view message) override {
    lines.push_back("warning: " + std::string(message));
  }
  void Error(std::string_view message) override {
    lines.push_back("error: " + std::string(message));
  }
  // Every line, each followed by a newline.
  std::string All() const {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
  }
  std::vector<std::string> lines;
};

inline Value Scalar(std::string text) {
  Value value;
  value.kind = Value::Kind::kScalar;
  value.scalar = std::move(text);
  return value;
}

}  // namespace tseq::testing
