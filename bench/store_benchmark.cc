// tseq_bench_store: the driver of the store benchmark (bench/store.sh, docs/benchmarks/store.md).
// It writes a directory tree into one USMT.MIG store through archive::StoreWriter, extracts one
// file from a store, or verifies a whole store, and prints what it measured as one line of
// KEY=VALUE pairs for the script. A benchmark tool, not a product one: `scanstate` (issue 5) is
// where capture belongs.
//
//   tseq_bench_store write SOURCE_DIR STORE_FILE [--key-file F] [--level N] [--threads N]
//                          [--block-size BYTES] [--no-encrypt] [--no-compress]
//   tseq_bench_store extract STORE_FILE RELATIVE_PATH OUTPUT_FILE [--key-file F] [--timings]
//   tseq_bench_store verify STORE_FILE [--key-file F]
//
// Exit codes: 0 done, 1 failed (the reason on stderr), 2 bad command line.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "archive/byte_sink.h"
#include "archive/catalog.h"
#include "archive/store_crypto.h"
#include "archive/store_format.h"
#include "archive/store_reader.h"
#include "archive/store_verifier.h"
#include "archive/store_writer.h"
#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq {
namespace {

using archive::CatalogEntry;
using archive::EntryType;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `function` and adds the seconds it took to `total`.
template <typename Function>
auto Timed(double& total, const Function& function) {
  const Clock::time_point start = Clock::now();
  auto result = function();
  total += SecondsSince(start);
  return result;
}

// Where the calling thread's time goes during a write, by kind of call. What the walk spends
// beyond these is catalog bookkeeping and waiting for the compression workers.
struct ThreadTimes {
  double listing = 0;
  double stat = 0;
  double open = 0;
  double read = 0;
  double sink_append = 0;
  double sink_finish = 0;  // sync, rename, directory sync
};

// Also remembers whether a read failed, to tell a bad source file from a failing store.
class TimedFile : public ReadableFile {
 public:
  TimedFile(const ReadableFile& file, double& seconds) : file_(file), seconds_(seconds) {}
  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    Result<size_t> count = Timed(seconds_, [&] { return file_.ReadAt(offset, buffer, length); });
    if (!count.ok()) read_failed_ = true;
    return count;
  }
  bool read_failed() const { return read_failed_; }
  Result<uint64_t> Size() const override { return file_.Size(); }
  const std::string& path() const override { return file_.path(); }

 private:
  const ReadableFile& file_;
  double& seconds_;
  mutable bool read_failed_ = false;
};

class TimedSink : public archive::ByteSink {
 public:
  TimedSink(std::unique_ptr<archive::ByteSink> sink, ThreadTimes& times)
      : sink_(std::move(sink)), times_(times) {}
  Status Append(std::string_view bytes) override {
    return Timed(times_.sink_append, [&] { return sink_->Append(bytes); });
  }
  Status Finish() override {
    return Timed(times_.sink_finish, [&] { return sink_->Finish(); });
  }
  void Abandon() override { sink_->Abandon(); }

 private:
  std::unique_ptr<archive::ByteSink> sink_;
  ThreadTimes& times_;
};

// User and group names by id, looked up once per id (a tree has few owners and many files).
class OwnerNames {
 public:
  const std::string& User(uid_t uid) {
    auto [it, inserted] = users_.try_emplace(uid);
    if (inserted) it->second = Lookup<passwd>(uid, getpwuid_r, &passwd::pw_name);
    return it->second;
  }
  const std::string& Group(gid_t gid) {
    auto [it, inserted] = groups_.try_emplace(gid);
    if (inserted) it->second = Lookup<group>(gid, getgrgid_r, &group::gr_name);
    return it->second;
  }

 private:
  // An id without a name (deleted user, no NSS entry) gets an empty name: restores fall back to
  // the number.
  template <typename Record, typename Id, typename Function>
  static std::string Lookup(Id id, Function function, char* Record::*name) {
    std::vector<char> buffer(16 * 1024);
    Record record{};
    Record* found = nullptr;
    int error;
    while ((error = function(id, &record, buffer.data(), buffer.size(), &found)) == ERANGE) {
      buffer.resize(buffer.size() * 2);
    }
    return error == 0 && found != nullptr ? std::string(record.*name) : std::string();
  }

  std::unordered_map<uid_t, std::string> users_;
  std::unordered_map<gid_t, std::string> groups_;
};

// Walks a directory tree (lstat, sorted, symlinks never followed) into one root of a store.
class TreeCapture {
 public:
  TreeCapture(const Filesystem& filesystem, archive::StoreWriter& writer, uint32_t root,
              ThreadTimes& times)
      : filesystem_(filesystem), writer_(writer), root_(root), times_(times) {}

  // Adds everything below `directory` (not the directory itself: that is the root).
  Status AddChildren(const std::string& directory, const std::string& relative) {
    TSEQ_ASSIGN_OR_RETURN(const std::vector<std::string> names, Timed(times_.listing, [&] {
                            return filesystem_.ListDirectory(directory);
                          }));
    for (const std::string& name : names) {
      const std::string path = directory + "/" + name;
      const std::string entry_path = relative.empty() ? name : relative + "/" + name;
      TSEQ_ASSIGN_OR_RETURN(const FileInfo info, Timed(times_.stat, [&] {
                              return filesystem_.Stat(path, SymlinkPolicy::kDoNotFollow);
                            }));
      TSEQ_RETURN_IF_ERROR(AddOne(path, entry_path, info));
      if (info.type == FileType::kDirectory) TSEQ_RETURN_IF_ERROR(AddChildren(path, entry_path));
    }
    return Status::Ok();
  }

  uint64_t skipped() const { return skipped_; }

 private:
  Status AddOne(const std::string& path, const std::string& entry_path, const FileInfo& info) {
    CatalogEntry entry = Metadata(entry_path, info);
    switch (info.type) {
      case FileType::kDirectory:
        entry.type = EntryType::kDirectory;
        return writer_.AddEntry(std::move(entry)).status();
      case FileType::kSymlink: {
        entry.type = EntryType::kSymlink;
        TSEQ_ASSIGN_OR_RETURN(entry.symlink_target, filesystem_.ReadSymlink(path));
        return writer_.AddEntry(std::move(entry)).status();
      }
      case FileType::kRegular:
        return AddRegularFile(path, std::move(entry), info);
      case FileType::kOther:
        break;
    }
    // Devices, FIFOs and sockets have no content to carry.
    ++skipped_;
    return Status::Ok();
  }

  Status AddRegularFile(const std::string& path, CatalogEntry entry, const FileInfo& info) {
    const std::pair<uint64_t, uint64_t> identity{info.device, info.inode};
    if (info.link_count > 1) {
      if (auto earlier = first_links_.find(identity); earlier != first_links_.end()) {
        entry.type = EntryType::kHardLink;
        entry.link_entry = earlier->second;
        return writer_.AddEntry(std::move(entry)).status();
      }
    }
    entry.type = EntryType::kFile;
    // A file that vanished or cannot be read is left out, as a capture would; the run goes on.
    Result<std::unique_ptr<ReadableFile>> file = Timed(
        times_.open, [&] { return filesystem_.OpenForRead(path, SymlinkPolicy::kDoNotFollow); });
    if (!file.ok()) return Skip(file.status());
    const TimedFile source(**file, times_.read);
    Result<uint64_t> index = writer_.AddFile(std::move(entry), source);
    if (!index.ok()) return source.read_failed() ? Skip(index.status()) : index.status();
    if (info.link_count > 1) first_links_.emplace(identity, *index);
    return Status::Ok();
  }

  Status Skip(const Status& reason) {
    std::fprintf(stderr, "tseq_bench_store: skipped: %s\n", reason.message().c_str());
    ++skipped_;
    return Status::Ok();
  }

  CatalogEntry Metadata(const std::string& entry_path, const FileInfo& info) {
    const int64_t nanoseconds =
        std::chrono::duration_cast<std::chrono::nanoseconds>(info.modified.time_since_epoch())
            .count();
    constexpr int64_t kPerSecond = 1'000'000'000;
    // Floor division: a time before 1970 still has nanoseconds in 0..999999999.
    int64_t seconds = nanoseconds / kPerSecond;
    if (nanoseconds % kPerSecond < 0) --seconds;
    return CatalogEntry{
        .root = root_,
        .path = entry_path,
        .mode = static_cast<uint32_t>(info.mode),
        .uid = static_cast<uint32_t>(info.owner),
        .gid = static_cast<uint32_t>(info.group),
        .owner = names_.User(info.owner),
        .group = names_.Group(info.group),
        .mtime_seconds = seconds,
        .mtime_nanoseconds = static_cast<uint32_t>(nanoseconds - seconds * kPerSecond),
    };
  }

  const Filesystem& filesystem_;
  archive::StoreWriter& writer_;
  uint32_t root_;
  ThreadTimes& times_;
  OwnerNames names_;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> first_links_;  // (device, inode) -> entry
  uint64_t skipped_ = 0;
};

struct WriteOptions {
  std::string source;
  std::string store;
  std::string key_file;
  int level = 3;
  size_t threads = 0;
  uint32_t block_size = archive::kDefaultBlockSize;
  bool no_encrypt = false;
  bool no_compress = false;
};

Result<std::string> ReadKey(const Filesystem& filesystem, const std::string& key_file) {
  if (key_file.empty()) return std::string();
  // The key text is used exactly as stored: no trimming (docs/store-format.md, "Keys").
  return filesystem.ReadFile(key_file);
}

Status Write(Filesystem& filesystem, const WriteOptions& options) {
  const Clock::time_point start = Clock::now();
  TSEQ_ASSIGN_OR_RETURN(const std::string key, ReadKey(filesystem, options.key_file));
  if (!options.no_encrypt && key.empty()) {
    return InvalidArgumentError(
        "an encrypted store needs a non-empty --key-file (or --no-encrypt)");
  }
  TSEQ_ASSIGN_OR_RETURN(const FileInfo source,
                        filesystem.Stat(options.source, SymlinkPolicy::kDoNotFollow));
  if (source.type != FileType::kDirectory) {
    return InvalidArgumentError("'" + options.source + "' is not a directory");
  }
  archive::StoreWriterOptions writer_options;
  writer_options.compression =
      options.no_compress ? archive::Compression::kNone : archive::Compression::kZstd;
  writer_options.compression_level = options.level;
  writer_options.encryption =
      options.no_encrypt ? archive::Encryption::kNone : archive::Encryption::kAes256Gcm;
  writer_options.block_size = options.block_size;
  writer_options.threads = options.threads;
  writer_options.properties = {{"program", "tseq_bench_store"}, {"source", options.source}};
  ThreadTimes times;
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<archive::ByteSink> file_sink,
                        archive::NewFileSink(filesystem, options.store));
  TSEQ_ASSIGN_OR_RETURN(
      std::unique_ptr<archive::StoreWriter> writer,
      archive::StoreWriter::Create(std::make_unique<TimedSink>(std::move(file_sink), times),
                                   writer_options, key));
  const double setup_seconds = SecondsSince(start);
  TSEQ_ASSIGN_OR_RETURN(const uint32_t root,
                        writer->AddRoot({.name = options.source, .directory = "data"}));
  TreeCapture capture(filesystem, *writer, root, times);
  const Clock::time_point walk_start = Clock::now();
  TSEQ_RETURN_IF_ERROR(capture.AddChildren(options.source, ""));
  const double walk_seconds = SecondsSince(walk_start);
  const double walk_append_seconds = times.sink_append;
  const Clock::time_point finish_start = Clock::now();
  TSEQ_RETURN_IF_ERROR(writer->Finish());
  const double finish_seconds = SecondsSince(finish_start);
  const archive::StoreWriterStatistics& statistics = writer->statistics();
  std::printf(
      "files=%llu entries=%llu skipped=%llu bytes_in=%llu bytes_out=%llu seconds=%.3f "
      "setup_seconds=%.3f walk_seconds=%.3f list_seconds=%.3f stat_seconds=%.3f "
      "open_seconds=%.3f read_seconds=%.3f append_seconds=%.3f other_seconds=%.3f "
      "finish_seconds=%.3f sync_seconds=%.3f\n",
      static_cast<unsigned long long>(statistics.files),
      static_cast<unsigned long long>(statistics.entries),
      static_cast<unsigned long long>(capture.skipped()),
      static_cast<unsigned long long>(statistics.data_bytes),
      static_cast<unsigned long long>(statistics.stored_bytes), SecondsSince(start), setup_seconds,
      walk_seconds, times.listing, times.stat, times.open, times.read, walk_append_seconds,
      walk_seconds - times.listing - times.stat - times.open - times.read - walk_append_seconds,
      finish_seconds, times.sink_finish);
  return Status::Ok();
}

struct ExtractOptions {
  std::string store;
  std::string path;
  std::string output;
  std::string key_file;
  bool timings = false;
};

// The cost of the key derivation alone, for the --timings breakdown: the same scrypt as Open.
Result<double> KeyDerivationSeconds(const ReadableFile& file, std::string_view key) {
  std::string bytes(archive::kHeaderSize, '\0');
  TSEQ_ASSIGN_OR_RETURN(const size_t count, file.ReadAt(0, bytes.data(), bytes.size()));
  bytes.resize(count);
  TSEQ_ASSIGN_OR_RETURN(const archive::StoreHeader header,
                        archive::DecodeHeader(bytes, file.path()));
  const Clock::time_point start = Clock::now();
  TSEQ_RETURN_IF_ERROR(archive::DeriveKeys(header, key).status());
  return SecondsSince(start);
}

Status Extract(Filesystem& filesystem, const ExtractOptions& options) {
  const Clock::time_point start = Clock::now();
  TSEQ_ASSIGN_OR_RETURN(const std::string key, ReadKey(filesystem, options.key_file));
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file,
                        filesystem.OpenForRead(options.store, SymlinkPolicy::kFollow));
  double key_seconds = -1;
  if (options.timings) {
    TSEQ_ASSIGN_OR_RETURN(key_seconds, KeyDerivationSeconds(*file, key));
  }
  const Clock::time_point open_start = Clock::now();
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<archive::StoreReader> reader,
                        archive::StoreReader::Open(std::move(file), key));
  const double open_seconds = SecondsSince(open_start);
  const std::vector<CatalogEntry>& entries = reader->catalog().entries;
  uint64_t index = 0;
  while (index < entries.size() && entries[index].path != options.path) ++index;
  if (index == entries.size()) {
    return NotFoundError("no entry '" + options.path + "' in " + options.store);
  }
  const Clock::time_point read_start = Clock::now();
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> output,
                        filesystem.CreateFile(options.output, 0644, CreateMode::kTruncate));
  uint64_t bytes = 0;
  TSEQ_RETURN_IF_ERROR(reader->ReadFileContent(index, [&](std::string_view content) {
    bytes += content.size();
    return output->Append(content);
  }));
  TSEQ_RETURN_IF_ERROR(output->Close());
  std::printf("bytes=%llu entries=%zu open_ms=%.3f read_ms=%.3f seconds=%.3f",
              static_cast<unsigned long long>(bytes), entries.size(), open_seconds * 1000,
              SecondsSince(read_start) * 1000, SecondsSince(start));
  if (options.timings) std::printf(" key_derivation_ms=%.3f", key_seconds * 1000);
  std::printf("\n");
  return Status::Ok();
}

Status Verify(Filesystem& filesystem, const std::string& store, const std::string& key_file) {
  const Clock::time_point start = Clock::now();
  TSEQ_ASSIGN_OR_RETURN(const std::string key, ReadKey(filesystem, key_file));
  const archive::VerificationReport report = archive::VerifyStore(filesystem, store, key);
  if (!report.ok()) return report.FirstProblem();
  std::printf("ok=1 entries=%zu blocks=%zu data_bytes=%llu seconds=%.3f\n",
              report.entries->entries.size(), report.entries->data_blocks.size(),
              static_cast<unsigned long long>(report.entries->data_size), SecondsSince(start));
  return Status::Ok();
}

int Main(int argc, char** argv) {
  CLI::App app{"tseq_bench_store: the store benchmark's driver (bench/store.sh)"};
  app.require_subcommand(1);

  WriteOptions write;
  CLI::App* write_command = app.add_subcommand("write", "Write a directory tree into a store");
  write_command->add_option("SOURCE_DIR", write.source)->required();
  write_command->add_option("STORE_FILE", write.store)->required();
  write_command->add_option("--key-file", write.key_file, "File whose content is the key text");
  write_command->add_option("--level", write.level, "zstd level (1 to 19)");
  write_command->add_option("--threads", write.threads, "Worker threads (0: one per core)");
  write_command->add_option("--block-size", write.block_size, "Plaintext bytes per block");
  write_command->add_flag("--no-encrypt", write.no_encrypt, "Integrity only, no key");
  write_command->add_flag("--no-compress", write.no_compress, "Store blocks uncompressed");

  ExtractOptions extract;
  CLI::App* extract_command = app.add_subcommand("extract", "Write one file of a store out");
  extract_command->add_option("STORE_FILE", extract.store)->required();
  extract_command->add_option("RELATIVE_PATH", extract.path)->required();
  extract_command->add_option("OUTPUT_FILE", extract.output)->required();
  extract_command->add_option("--key-file", extract.key_file, "File whose content is the key");
  extract_command->add_flag("--timings", extract.timings,
                            "Also time the key derivation alone (derives the key twice)");

  std::string verify_store;
  std::string verify_key_file;
  CLI::App* verify_command = app.add_subcommand("verify", "Check every block of a store");
  verify_command->add_option("STORE_FILE", verify_store)->required();
  verify_command->add_option("--key-file", verify_key_file, "File whose content is the key");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
  Status status;
  if (write_command->parsed()) {
    status = Write(*filesystem, write);
  } else if (extract_command->parsed()) {
    status = Extract(*filesystem, extract);
  } else {
    status = Verify(*filesystem, verify_store, verify_key_file);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "tseq_bench_store: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace tseq

int main(int argc, char** argv) { return tseq::Main(argc, argv); }
