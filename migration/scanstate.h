// `scanstate`: USMT's ScanState for tseq — captures the selected profiles of a machine root into a
// state store (docs/scanstate.md, SPEC §6-§7).
//
// RunScanState is the whole program but for the real OS objects, which main() passes in; tests
// pass temporary machine roots, a fake clock, a fixed local time and a scripted MetadataReader. It
// prints a summary on `out`, errors on `error` ("scanstate: MESSAGE"), and returns USMT's return
// code (reference/usmt.md §5). The key given with /key or /keyfile never appears in any output,
// log or message.
//
// The run, in order (each failure's code in brackets):
//   parse the command line [11, 12; /? 1]; open /l [13], /progress [40], /listfiles [11];
//   load the rules: /i files (a bare shipped name such as miguser.yaml that is not a file in the
//   working folder means the shipped file), else the shipped rules [28]; apply /config [39];
//   /genconfig: write the config file [41 when it exists without /o or cannot be written] and
//   stop [0];
//   read /keyfile [33]; discover the profiles and select users [31];
//   check the store: an SMP URL is refused [27]; an existing store needs /o [27], a protected
//   hard-link store is never replaced [35], removing the old one [35];
//   walk every selected profile [61 at the first unreadable object without /c] (a new encrypted
//   store is created meanwhile, as its key derivation is slow by design; a failed walk removes
//   it again, and an old store is only replaced after the walk);
//   /p: write the estimate and stop [41 when the file cannot be written; 0];
//   write the store, opening each file once [72 when the store fails; 61 for a file that cannot
//   be opened, examined or read without /c]; 0, or 3 when /c skipped errors.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "archive/store_format.h"
#include "migration/progress_log.h"
#include "platform/clock.h"
#include "platform/file_metadata.h"
#include "platform/filesystem.h"

namespace tseq {

struct ScanStateContext {
  const Clock* clock = nullptr;               // log times, /uel's now; null: the system clock
  LocalTimeFunction local_time;               // the progress log's local time; empty: localtime_r
  const MetadataReader* metadata = nullptr;   // null: POSIX
  std::string working_directory;              // for the 256-character limit; empty: the process's
  size_t threads = 0;                         // compression threads; 0: one per core
  std::optional<archive::ScryptCost> scrypt;  // tests: a cheap key derivation
  std::string fallback_machine_name = "LOCALHOST";  // when the root's etc/hostname has none
};

int RunScanState(const std::vector<std::string>& arguments, Filesystem& filesystem,
                 std::ostream& out, std::ostream& error, const ScanStateContext& context = {});

// The /p:FILE estimate: USMT's PreMigration XML. `store_bytes` is the size on disk of the files
// captured, each rounded up to whole 4096-byte clusters.
std::string EstimateXml(uint64_t store_bytes);

}  // namespace tseq
