// loadstate: USMT's LoadState for tseq stores. Builds the real OS objects and hands over to
// migration/loadstate.cc, which returns USMT's return code.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "migration/loadstate.h"
#include "platform/filesystem.h"

int main(int argc, char** argv) {
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  const std::unique_ptr<tseq::Filesystem> filesystem = tseq::NewPosixFilesystem();
  return tseq::RunLoadState(arguments, *filesystem, std::cout, std::cerr);
}
