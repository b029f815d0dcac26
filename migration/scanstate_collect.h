// The Collecting and Saving phases of scanstate (scanstate.h): writes the walked profiles into a
// CaptureDestination, with the progress log's percentage and time estimate, /listfiles, and /c's
// handling of unreadable files; or, for /p, estimates the store they would make.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "migration/capture_destination.h"
#include "migration/profile_discovery.h"
#include "migration/profile_walker.h"
#include "migration/progress_log.h"
#include "migration/usmt_log.h"
#include "migration/usmt_return_codes.h"
#include "platform/clock.h"
#include "platform/filesystem.h"

namespace tseq {

// Counts and reports the objects scanstate cannot read: each is a UsmtLog error and a progress
// `error, TYPE, objectName, PATH, action, Ignore|Abort` line.
class CaptureErrors {
 public:
  CaptureErrors(bool continue_on_error, UsmtLog& log, ProgressLog& progress)
      : continue_on_error_(continue_on_error), log_(log), progress_(progress) {}

  // Reports the problem; true when it is skipped (/c), false when the run must stop.
  bool Handle(std::string_view type, const std::string& object, const Status& status);
  int ignored() const { return ignored_; }

 private:
  bool continue_on_error_;
  UsmtLog& log_;
  ProgressLog& progress_;
  int ignored_ = 0;
};

struct WalkedProfile {
  Profile profile;
  ProfileWalk walk;
};

struct CollectionSummary {
  UsmtReturnCode code = UsmtReturnCode::kSuccess;  // kSuccess, 61 (I/O error) or 72 (store)
  std::string message;                             // for a failure
  uint64_t files = 0;                              // regular files stored
  uint64_t bytes = 0;                              // their content
};

struct CollectionSettings {
  std::string machine_name;
  const Clock* clock = nullptr;
  WritableFile* list_file = nullptr;  // /listfiles: every stored non-folder's machine path
  // Hard-link stores: the threads that link files ahead of the collector (LinkAhead's); with 0
  // the collector links each file itself, when it gets to it.
  size_t link_threads = 0;
};

// Adds each profile's root and items to `destination` and finishes it. Regular files are opened
// with `walker` (the one that walked them: ProfileWalker::OpenForCapture), and a file that cannot
// be opened, examined or read is an error for `errors`. A hard link whose first name was not
// captured as the walk found it (skipped, or replaced since) stores its own content. On a failure
// the caller drops the destination, which leaves the store incomplete.
CollectionSummary CollectProfiles(const std::vector<WalkedProfile>& profiles,
                                  const ProfileWalker& walker, CaptureDestination& destination,
                                  const CollectionSettings& settings, CaptureErrors& errors,
                                  ProgressLog& progress, UsmtLog& log);

// The /p estimate: the walked regular files (hard links counted once) and their sizes, each
// rounded up to whole clusters of EstimateXml's 4096 bytes.
struct StoreEstimate {
  uint64_t bytes = 0;
  uint64_t files = 0;
};
StoreEstimate EstimateStore(const std::vector<WalkedProfile>& profiles);

}  // namespace tseq
