#include "migration/scanstate_collect.h"

#include <chrono>
#include <optional>

#include "migration/capture_link_ahead.h"
#include "migration/profile_record.h"
#include "migration/scanstate.h"

namespace tseq {

bool CaptureErrors::Handle(std::string_view type, const std::string& object, const Status& status) {
  progress_.Error(type, object, continue_on_error_);
  if (continue_on_error_) {
    ++ignored_;
    log_.Error(status.message() + " (skipped because of /c)");
    return true;
  }
  log_.Error(status.message());
  return false;
}

namespace {

constexpr uint64_t kClusterSize = 4096;

class Collector {
 public:
  Collector(const ProfileWalker& walker, CaptureDestination& destination,
            const CollectionSettings& settings, CaptureErrors& errors, ProgressLog& progress,
            UsmtLog& log, uint64_t total_bytes)
      : walker_(walker),
        destination_(destination),
        settings_(settings),
        errors_(errors),
        progress_(progress),
        log_(log),
        total_bytes_(total_bytes),
        start_(settings.clock->Now()) {}

  CollectionSummary Collect(const std::vector<WalkedProfile>& profiles) {
    for (const WalkedProfile& walked : profiles) {
      if (!CollectProfile(walked)) return summary_;
    }
    if (last_percent_ < 100) Report(100, 0);
    progress_.Phase("Saving");
    log_.Record(UsmtLogLevel::kStatus, "saving the store");
    if (const Status finished = destination_.Finish(); !finished.ok()) {
      return StoreFailure("cannot finish the store: " + finished.message());
    }
    return summary_;
  }

 private:
  bool CollectProfile(const WalkedProfile& walked) {
    const Profile& profile = walked.profile;
    progress_.CollectingUser(profile.name);
    log_.Record(UsmtLogLevel::kStatus, "collecting " + profile.name + " from " + profile.home);
    const Result<uint32_t> root =
        destination_.AddRoot(ProfileToCatalogRoot(profile, settings_.machine_name));
    if (!root.ok()) {
      StoreFailure("cannot record the profile " + profile.name + ": " + root.status().message());
      return false;
    }
    const std::vector<CaptureItem>& items = walked.walk.items;
    std::optional<LinkAhead> link_ahead;
    if (destination_.kind() == StoreKind::kHardLink) {
      link_ahead.emplace(items, *root, destination_, walker_, settings_.link_threads);
    }
    std::vector<std::optional<uint64_t>> indexes(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      const CaptureItem& item = items[i];
      archive::CatalogEntry entry = item.entry;
      entry.root = *root;
      if (item.hard_link_of) {
        if (const std::optional<uint64_t> first = indexes[*item.hard_link_of]) {
          entry.link_entry = *first;
        } else {
          // The first name could not be read (skipped under /c), or is another file now: this
          // name stores the content.
          entry.type = archive::EntryType::kFile;
          entry.size = 0;
        }
      }
      if (entry.type != archive::EntryType::kFile) {
        const Result<uint64_t> added = destination_.AddEntry(std::move(entry));
        if (!added.ok()) {
          StoreFailure("cannot record '" + item.machine_path + "': " + added.status().message());
          return false;
        }
        indexes[i] = *added;
        if (item.entry.type != archive::EntryType::kDirectory) List(item.machine_path);
        continue;
      }
      bool same_as_walked = false;
      AddedFile added;
      if (destination_.kind() != StoreKind::kHardLink) {
        added = AddFile(item, *root, same_as_walked);
      } else if (LinkAhead::Links(item)) {
        added = LinkFile(item, *root, link_ahead->Take(i), same_as_walked);
      } else {
        // A later name whose first one was not captured as walked: not linked ahead.
        added = LinkFile(item, *root, LinkWalkedFile(item, *root, destination_, walker_),
                         same_as_walked);
      }
      if (!added.status.ok()) {
        if (!added.source_failed) {
          StoreFailure("cannot store '" + item.machine_path + "': " + added.status.message());
          return false;
        }
        if (!errors_.Handle("UnableToOpen", item.machine_path, added.status)) {
          summary_.code = UsmtReturnCode::kMigrationStoppedNonFatal;
          summary_.message = "processing stopped due to an I/O error: " + added.status.message() +
                             " (give /c to skip such errors)";
          return false;
        }
      } else {
        // Later names of the file link to it only if it is still the file they name.
        if (same_as_walked) indexes[i] = added.index;
        ++summary_.files;
        summary_.bytes += added.size;
        List(item.machine_path);
      }
      if (!item.hard_link_of) done_bytes_ += item.entry.size;
      UpdateProgress();
    }
    return true;
  }

  // Opens the regular file of `item` and adds it under root `root`; `same_as_walked` tells
  // whether it is the file the walk examined.
  AddedFile AddFile(const CaptureItem& item, uint32_t root, bool& same_as_walked) {
    Result<OpenedCaptureFile> opened = walker_.OpenForCapture(item);
    if (!opened.ok()) return {.status = opened.status(), .source_failed = true};
    same_as_walked = opened->same_as_walked;
    archive::CatalogEntry entry = std::move(opened->entry);
    entry.root = root;
    // A later name whose first one was not captured as walked: it is the file now.
    entry.type = archive::EntryType::kFile;
    entry.link_entry = 0;
    return destination_.AddOpenFile(std::move(entry), *opened->file, opened->size);
  }

  // The same for a hard-link store, where linking the file by its path and then checking that the
  // link is of the walked file (`linked`: LinkWalkedFile's result) saves opening it: two system
  // calls where the open takes five. Any surprise (the file gone or replaced, a folder on its
  // path swapped for a symlink, an error) undoes the link and takes the file as AddFile does,
  // which reports it as it always has.
  AddedFile LinkFile(const CaptureItem& item, uint32_t root, LinkedFile linked,
                     bool& same_as_walked) {
    if (!linked.link.ok()) return AddFile(item, root, same_as_walked);
    if (!linked.description.ok() || !linked.description->has_value()) {
      if (const Status removed = destination_.RemoveLinked(*linked.link); !removed.ok()) {
        return {.status = removed};
      }
      return AddFile(item, root, same_as_walked);
    }
    archive::CatalogEntry entry = std::move(**linked.description);
    entry.root = root;
    entry.type = archive::EntryType::kFile;
    entry.link_entry = 0;
    const uint64_t size = entry.size;
    const Result<uint64_t> index = destination_.RecordLinked(std::move(entry));
    if (!index.ok()) return {.status = index.status()};
    same_as_walked = true;
    return {.index = *index, .size = size};
  }

  void List(const std::string& machine_path) {
    if (settings_.list_file == nullptr || !list_status_.ok()) return;
    list_status_ = settings_.list_file->Append(machine_path + "\n");
    if (!list_status_.ok())
      log_.Error("cannot write the /listfiles file: " + list_status_.message());
  }

  void UpdateProgress() {
    if (total_bytes_ == 0) return;
    const int percent = static_cast<int>(std::min<uint64_t>(done_bytes_ * 100 / total_bytes_, 100));
    if (percent <= last_percent_) return;
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::seconds>(settings_.clock->Now() - start_).count();
    const uint64_t left = total_bytes_ - std::min(done_bytes_, total_bytes_);
    // Bytes still to go at the pace so far, rounded up to whole minutes.
    const double seconds =
        static_cast<double>(elapsed) * static_cast<double>(left) / static_cast<double>(done_bytes_);
    Report(percent, (static_cast<int64_t>(seconds) + 59) / 60);
  }

  void Report(int percent, int64_t minutes) {
    last_percent_ = percent;
    progress_.Percentage(percent);
    progress_.MinutesRemaining(minutes);
  }

  CollectionSummary& StoreFailure(std::string message) {
    summary_.code = UsmtReturnCode::kUnableDoMigration;
    summary_.message = std::move(message);
    return summary_;
  }

  const ProfileWalker& walker_;
  CaptureDestination& destination_;
  const CollectionSettings& settings_;
  CaptureErrors& errors_;
  ProgressLog& progress_;
  UsmtLog& log_;
  uint64_t total_bytes_;
  std::chrono::system_clock::time_point start_;
  uint64_t done_bytes_ = 0;
  int last_percent_ = -1;
  Status list_status_;
  CollectionSummary summary_;
};

}  // namespace

CollectionSummary CollectProfiles(const std::vector<WalkedProfile>& profiles,
                                  const ProfileWalker& walker, CaptureDestination& destination,
                                  const CollectionSettings& settings, CaptureErrors& errors,
                                  ProgressLog& progress, UsmtLog& log) {
  uint64_t total = 0;
  for (const WalkedProfile& walked : profiles) total += walked.walk.total_bytes;
  progress.Phase("Collecting");
  return Collector(walker, destination, settings, errors, progress, log, total).Collect(profiles);
}

StoreEstimate EstimateStore(const std::vector<WalkedProfile>& profiles) {
  StoreEstimate estimate;
  for (const WalkedProfile& profile : profiles) {
    estimate.files += profile.walk.file_count;
    for (const CaptureItem& item : profile.walk.items) {
      if (item.entry.type != archive::EntryType::kFile) continue;
      estimate.bytes += (item.entry.size + kClusterSize - 1) / kClusterSize * kClusterSize;
    }
  }
  return estimate;
}

std::string EstimateXml(uint64_t store_bytes) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PreMigration>\n  <storeSize>\n"
         "    <size clusterSize=\"" +
         std::to_string(kClusterSize) + "\">" + std::to_string(store_bytes) +
         "</size>\n  </storeSize>\n  <temporarySpace>\n    <size>0</size>\n"
         "  </temporarySpace>\n</PreMigration>\n";
}

}  // namespace tseq
