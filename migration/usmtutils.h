// `usmtutils`: USMT's UsmtUtils for tseq stores — /verify, /extract, /rd, /ec (docs/usmtutils.md).
//
// RunUsmtUtils is the whole program but for the real OS objects, which main() passes in; tests
// pass temporary folders, a fake clock and a scripted terminal. It prints reports on `out`,
// errors on `error` ("usmtutils: MESSAGE"), and returns USMT's return code (reference/usmt.md §5).
// The key given with /key or /keyfile never appears in any output, log or message.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "migration/extraction_target.h"
#include "platform/clock.h"
#include "platform/filesystem.h"

namespace tseq {

struct UsmtUtilsContext {
  // Whether standard input is a terminal (/rd asks for confirmation there); empty: it is not.
  std::function<bool()> stdin_is_terminal;
  // Reads one line of the answer, without its newline; nullopt at the end of input.
  std::function<std::optional<std::string>()> read_line;
  const Clock* clock = nullptr;  // log timestamps; null: the system clock
  // /extract: opens the destination folder; empty: OpenRootedDirectory (tests inject faults).
  DestinationOpener open_destination;
  std::string working_directory;  // for the 256-character limit; empty: the process's
  size_t threads = 0;             // store reading threads; 0: one per core
};

int RunUsmtUtils(const std::vector<std::string>& arguments, Filesystem& filesystem,
                 std::ostream& out, std::ostream& error, const UsmtUtilsContext& context = {});

}  // namespace tseq
