// Timestamps in sequence files (file and folder conditions' modifiedAfter / modifiedBefore).
//
// Accepted forms (ISO 8601 subset): "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS", each
// time form optionally followed by "Z", "+HH:MM" or "-HH:MM". Without a zone the time is UTC, and a
// date alone means its midnight UTC. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string_view>

#include "base/status.h"

namespace tseq {

// The instant `text` denotes. Surrounding whitespace is ignored. Fails with InvalidArgument for
// anything else, including impossible dates and times ("2026-02-30", "24:00"):
// "invalid timestamp 'TEXT' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally followed by
// Z, +HH:MM or -HH:MM)".
Result<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text);

}  // namespace tseq
