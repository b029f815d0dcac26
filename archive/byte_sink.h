// ByteSink: where a store's bytes go, front to back, never seeking: a local file now, an upload
// to the State Migration Point later.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "platform/clock.h"
#include "platform/filesystem.h"
#include "platform/retry.h"

namespace tseq::archive {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends bytes. After a failure the sink is unusable; call Abandon().
  virtual Status Append(std::string_view bytes) = 0;
  // Makes everything appended durable and visible as the complete store. After Finish, the sink
  // is unusable.
  virtual Status Finish() = 0;
  // Gives up: whatever was written is discarded or left recognisably incomplete. Never fails
  // loudly (best effort); safe to call after a failed Append or Finish.
  virtual void Abandon() = 0;
};

// Writes `path` + ".partial" (mode 0600, replacing an earlier partial file) and, on Finish,
// syncs it, renames it to `path` and syncs the directory, so `path` appears complete or not at
// all. Abandon removes the partial file. `filesystem` must outlive the sink.
//
// `retry` (/r and /w): an Append that fails with an I/O error is tried again after the wait, from
// where the last good Append ended (WritableFile::Truncate undoes what part of it reached the
// file); creating the partial file and the final rename are retried too. A failed sync is never
// retried: after it, the OS may have dropped the data it could not write.
Result<std::unique_ptr<ByteSink>> NewFileSink(Filesystem& filesystem, const std::string& path,
                                              RetrySettings retry = {});

// Collects the bytes in memory (tests, and small stores built before upload).
class StringSink : public ByteSink {
 public:
  Status Append(std::string_view bytes) override;
  Status Finish() override;
  void Abandon() override;

  const std::string& contents() const { return contents_; }
  bool finished() const { return finished_; }

 private:
  std::string contents_;
  bool finished_ = false;
};

}  // namespace tseq::archive
