// `loadstate`: USMT's LoadState for tseq — restores the selected users of a state store onto a
// machine root (docs/loadstate.md, SPEC §6-§7).
//
// RunLoadState is the whole program but for the real OS objects, which main() passes in; tests
// pass temporary machine roots, a fake clock and a fixed local time. It prints a summary on
// `out`, errors on `error` ("loadstate: MESSAGE"), and returns USMT's return code
// (reference/usmt.md §5). The key and the /lac password never appear in any output, log or
// message.
//
// The run, in order (each failure's code in brackets):
//   parse the command line [11, 12; /? 1]; open /l [13] and /progress [40]; with /i or /config,
//   load the load-time rules as scanstate does [28, 39]; read /keyfile [33];
//   open the store: an SMP URL, a missing or incomplete store, a store of the other kind than
//   /nocompress says, a copy store with /hardlink [27], a wrong or missing key [37], a damaged
//   catalog [42], an I/O error [38]; read the target's accounts [26];
//   select the users (/all /ui /ue /uel) and map them (/mu /md); a local account missing on the
//   target without /lac stops the run before anything is written [14];
//   per user: create the account with /lac, open or create the home, restore the entries
//   (profile_restorer.h; with load-time rules only those they include and the folders leading to
//   them, restore_selection.h). Without /c the first failure stops the run: a damaged store 42, a
//   wrong key 37, an I/O error 61, anything else in the way (a symlink or file where a folder must
//   be, a home that is a symlink, an account that cannot be created) 72 or the account's own code;
//   with /c each failure is logged, the entry (or user) skipped, and the run ends with 3.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "migration/progress_log.h"
#include "platform/clock.h"
#include "platform/filesystem.h"

namespace tseq {

struct LoadStateContext {
  const Clock* clock = nullptr;   // log times, /uel's now, /lac's shadow date; null: the system's
  LocalTimeFunction local_time;   // the progress log's local time; empty: localtime_r
  std::string working_directory;  // for the 256-character limit; empty: the process's
  size_t threads = 0;             // store reading threads; 0: one per core
  std::string fallback_machine_name = "LOCALHOST";  // when the root's etc/hostname has none
};

int RunLoadState(const std::vector<std::string>& arguments, Filesystem& filesystem,
                 std::ostream& out, std::ostream& error, const LoadStateContext& context = {});

}  // namespace tseq
