// ProfileWalker: scanstate's walk of one profile's home, deciding every object with the compiled
// migration rules, and the catalog entries of what it captures (SPEC §6 "Capture keeps").
//
// The walk lists each directory once, in bytewise-sorted order, so the same tree gives the same
// entries in the same order. It never follows a symlink (a symlink is captured as a symlink), never
// lists a directory the rules cannot include anything below (CompiledRules::MayIncludeBelow), and
// never enters an excluded host path (the store, the tool's own logs), even inside a home. The
// parent directories of every captured object are captured too, whatever the rules say of them.
// Sockets, FIFOs and devices are skipped with a log line. A regular file whose (device, inode) was
// captured earlier in the same profile becomes a hard-link entry naming the first one.
//
// Owners are recorded by name from the machine root's accounts (never the host's name service);
// an ID without an account keeps its number and an empty name. ACL qualifiers are rewritten to
// names the same way (a number without an account stays a number).
//
// The walk examines each object once (lstat), and reads the full metadata of the folders and
// symlinks it captures. A regular file's full metadata is read when it is examined too, or, with
// ProfileWalkOptions::defer_file_metadata, only when the capture opens it (OpenForCapture): its
// extended attributes and ACLs then come through the descriptor its content is read from, which
// saves a second open per file and guarantees that metadata and content are of the same file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/catalog.h"
#include "base/status.h"
#include "migration/local_accounts.h"
#include "migration/migration_rules.h"
#include "migration/usmt_log.h"
#include "platform/file_metadata.h"
#include "platform/filesystem.h"

namespace tseq {

// One object to capture.
struct CaptureItem {
  std::string host_path;               // what is read
  std::string machine_path;            // what messages and /listfiles show: "/home/alice/a.odt"
  archive::CatalogEntry entry;         // root 0; link_entry unset (see hard_link_of)
  std::optional<size_t> hard_link_of;  // kHardLink: the index (in the walk) of the first name
  // A regular file examined only (defer_file_metadata): `entry` has what lstat tells (type, size,
  // mode, owner, time) but no extended attributes or ACLs; OpenForCapture completes it.
  bool metadata_pending = false;
  uint64_t device = 0;  // regular files: the file the walk examined
  uint64_t inode = 0;
};

// A regular file of the walk, open for its capture.
struct OpenedCaptureFile {
  std::unique_ptr<ReadableFile> file;
  archive::CatalogEntry entry;  // the item's entry, completed from the open file when pending
  uint64_t size = 0;            // the file's size once open: how much of it to capture
  // Whether it is the file the walk examined (device and inode); false when its path was
  // replaced since (a program saving it anew), which breaks the hard links the walk found.
  bool same_as_walked = true;
};

struct ProfileWalk {
  std::vector<CaptureItem> items;  // parents before children
  uint64_t total_bytes = 0;        // the regular files' sizes (hard links counted once)
  uint64_t file_count = 0;         // regular files
};

struct ProfileWalkOptions {
  // Host paths never captured nor entered: absolute and normalised.
  std::vector<std::string> excluded_host_paths;
  // /localonly: objects on another filesystem (device) than the home are skipped.
  bool same_filesystem_only = false;
  // Regular files are examined only, their metadata read by OpenForCapture (see the top).
  bool defer_file_metadata = false;
};

// Called for an object that cannot be read (listed, examined): returns true to skip it and go
// on (/c), false to stop the walk, which then fails with `status`.
using WalkErrorHandler = std::function<bool(const std::string& machine_path, const Status& status)>;

class ProfileWalker {
 public:
  // Every argument must outlive the walker. `log` receives the skipped-object lines (warnings)
  // and, when verbose, one line per object with its deciding rule.
  ProfileWalker(const Filesystem& filesystem, const MetadataReader& metadata,
                const LocalAccounts& accounts, ProfileWalkOptions options, UsmtLog& log);

  // Walks the home at `host_home` (shown as `machine_home`) with `rules`. Fails only when
  // `on_error` says to stop, with the status it was given.
  Result<ProfileWalk> Walk(const std::string& host_home, const std::string& machine_home,
                           const CompiledRules& rules, const WalkErrorHandler& on_error) const;

  // Opens the regular file of `item` (one of this walker's walks) for its capture, never
  // following a symlink, and, when its metadata is pending, reads it through the open file.
  // Errors name the host path: NotFound when it has gone, InvalidArgument when it is no longer a
  // regular file ("cannot open 'PATH': it is a symlink"), the MetadataReader's otherwise.
  // A file opened that is not the one the walk examined is checked to be at the item's path below
  // the home (Filesystem::StatBeneath), so that a folder swapped for a symlink (to somewhere
  // outside the home) brings nothing in: InvalidArgument "cannot examine 'PATH': 'FOLDER' is a
  // symlink", or "cannot open 'PATH': it was replaced while being opened".
  Result<OpenedCaptureFile> OpenForCapture(const CaptureItem& item) const;

  // For a capture that linked the regular file of `item` by its path as `linked_path` (a name no
  // one else can change, in the capture's own store): the item's entry, completed when pending,
  // if `linked_path` names the very file the walk examined (same device and inode), its size and
  // metadata read through `linked_path` (MetadataReader::ReadLinkedFile: no open); nullopt when
  // it names anything else (the path was replaced since the walk, or leads through a folder
  // swapped for a symlink), which the capture must then remove and take as OpenForCapture
  // finds it. Errors: examining `linked_path`, or the MetadataReader's (naming the host path).
  // Thread-safe, as are OpenForCapture and EntryFor (when the filesystem and reader are).
  Result<std::optional<archive::CatalogEntry>> DescribeLinked(const CaptureItem& item,
                                                              const std::string& linked_path) const;

  // The catalog entry for `metadata` at `relative_path` (type, mode, IDs, names, time, xattrs,
  // ACLs with named qualifiers, symlink target; sizes of regular files).
  archive::CatalogEntry EntryFor(const std::string& relative_path,
                                 const FileMetadata& metadata) const;

 private:
  struct WalkState;
  // Walks the directory `relative` (host path `host`), listing it and examining each object
  // apart; false when the walk must stop.
  bool WalkDirectory(WalkState& state, const std::string& relative, const std::string& host) const;
  // The same for a directory scanned already (its entries are consumed).
  bool WalkEntries(WalkState& state, const std::string& relative, const std::string& host,
                   std::vector<ScannedEntry>& entries) const;
  // Handles one object of a directory, which `examine` describes (lstat); false when the walk
  // must stop.
  bool VisitObject(WalkState& state, const std::string& relative, const std::string& host,
                   const std::function<Result<FileInfo>()>& examine) const;
  bool IsExcluded(const std::string& host_path) const;
  std::string NameOf(AclQualifierKind kind, uint32_t id) const;

  const Filesystem& filesystem_;
  const MetadataReader& metadata_;
  const LocalAccounts& accounts_;
  ProfileWalkOptions options_;
  UsmtLog& log_;
};

}  // namespace tseq
