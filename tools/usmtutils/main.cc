// usmtutils: USMT's UsmtUtils for tseq stores. Builds the real OS objects and hands over to
// migration/usmtutils.cc, which returns USMT's return code.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "migration/usmtutils.h"
#include "platform/filesystem.h"

int main(int argc, char** argv) {
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  const std::unique_ptr<tseq::Filesystem> filesystem = tseq::NewPosixFilesystem();
  tseq::UsmtUtilsContext context;
  context.stdin_is_terminal = [] { return ::isatty(STDIN_FILENO) == 1; };
  context.read_line = []() -> std::optional<std::string> {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  };
  return tseq::RunUsmtUtils(arguments, *filesystem, std::cout, std::cerr, context);
}
