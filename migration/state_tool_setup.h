// What the USMT tools set up before they work: the migration rules of /i and /config (scanstate,
// loadstate), the /l and /progress logs (scanstate, loadstate), and the store key of /key or
// /keyfile (all three).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "migration/migration_rules.h"
#include "migration/progress_log.h"
#include "migration/state_tool_options.h"
#include "migration/usmt_log.h"
#include "migration/usmt_return_codes.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "platform/retry.h"

namespace tseq {

// The rules of a run: each /i file in order, merged; without /i the shipped rules (simple
// mode). A /i value that is not an existing file and has no '/' is looked up among the shipped
// files by name, ignoring case (/i:MigUser.yaml is the shipped miguser.yaml); a file of that name
// in the working folder wins. Then /config is applied. Errors: 28 "cannot use the rule file
// 'F': REASON" (missing, unreadable or invalid; two files defining one component), 39 "cannot
// use the config file 'F': REASON" (unreadable, invalid, or naming an unknown component).
UsmtResult<MigrationRules> LoadMigrationRules(const StateToolOptions& options,
                                              const Filesystem& filesystem, UsmtLog& log);

// /r and /w of scanstate and loadstate as RetrySettings: options.retry_count further attempts,
// options.retry_wait_seconds apart on `clock`, each logged as the warning "DOING the store failed
// (MESSAGE): attempt N of M in S s (/r, /w)" (`doing`: "writing", "reading"). `clock` and `log`
// must outlive the settings.
RetrySettings StoreRetrySettings(const StateToolOptions& options, std::string_view doing,
                                 const Clock& clock, UsmtLog& log);

// The key text of a store (scanstate, loadstate, usmtutils): /key as given, /keyfile's content
// without one trailing newline ("\n" or
// "\r\n"), or empty without encryption. 33 "cannot read the key file: REASON" or "the key file
// 'F' is empty". The key itself never appears in a message.
// Opens the /l log and the /progress log of scanstate or loadstate, when the options name them.
// On failure writes "PROGRAM: cannot create the log file: REASON" (13) or "PROGRAM: cannot
// create the progress log: REASON" (40, also recorded in the /l log) to `error` and returns the
// code; nullopt when both are ready.
std::optional<UsmtReturnCode> OpenStateToolLogs(std::string_view program,
                                                const StateToolOptions& options,
                                                Filesystem& filesystem, std::ostream& error,
                                                UsmtLog& log, ProgressLog& progress);

UsmtResult<std::string> ReadStoreKey(const StoreEncryption& encryption,
                                     const Filesystem& filesystem);

}  // namespace tseq
