// Helpers for the archive tests: stores built in memory, with a cheap key derivation so that
// tests stay fast (the format and the code paths are the same as with the default cost).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "archive/byte_sink.h"
#include "archive/store_reader.h"
#include "archive/store_writer.h"

namespace tseq::archive::testing {

inline constexpr char kTestKey[] = "correct horse battery staple";

// A ReadableFile over bytes in memory; optionally fails reads at or past `fail_at`.
class StringFile : public ReadableFile {
 public:
  StringFile(std::string contents, std::string path = "/stores/USMT/USMT.MIG")
      : contents_(std::move(contents)), path_(std::move(path)) {}
  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t length) const override {
    if (offset >= fail_at_) return IoError("cannot read '" + path_ + "': Input/output error");
    if (offset >= contents_.size()) return size_t{0};
    const size_t count = std::min<size_t>(length, contents_.size() - offset);
    std::copy_n(contents_.data() + offset, count, buffer);
    return count;
  }
  Result<uint64_t> Size() const override { return contents_.size(); }
  const std::string& path() const override { return path_; }
  void FailReadsFrom(uint64_t offset) { fail_at_ = offset; }

 private:
  std::string contents_;
  std::string path_;
  uint64_t fail_at_ = UINT64_MAX;
};

inline StoreWriterOptions FastOptions() {
  StoreWriterOptions options;
  options.scrypt.log2_n = kMinimumScryptLog2N;
  options.block_size = kMinimumBlockSize;
  options.threads = 2;
  options.created_seconds = 1790000000;
  return options;
}

inline CatalogEntry FileEntry(const std::string& path, uint32_t mode = 0644) {
  CatalogEntry entry;
  entry.path = path;
  entry.type = EntryType::kFile;
  entry.mode = mode;
  entry.uid = 1000;
  entry.gid = 1000;
  entry.owner = "alice";
  entry.group = "alice";
  entry.mtime_seconds = 1780000000;
  entry.mtime_nanoseconds = 123456789;
  return entry;
}

inline CatalogEntry DirectoryEntry(const std::string& path) {
  CatalogEntry entry = FileEntry(path, 0755);
  entry.type = EntryType::kDirectory;
  return entry;
}

// Deterministic bytes that no compressor can shorten, like a JPEG's or a .gz file's.
inline std::string RandomBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  uint64_t state = seed * 0x9E3779B97F4A7C15u + 1;
  for (char& byte : bytes) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<char>(state >> 56);
  }
  return bytes;
}

// Deterministic bytes that compress somewhat, like real files.
inline std::string SampleContent(size_t size, unsigned seed) {
  std::string content;
  content.reserve(size);
  uint32_t state = seed * 2654435761u + 1;
  while (content.size() < size) {
    state = state * 1103515245u + 12345u;
    if ((state >> 16) % 4 == 0) {
      content.append("the quick brown fox ", 0, std::min<size_t>(20, size - content.size()));
    } else {
      content.push_back(static_cast<char>(state >> 24));
    }
  }
  return content;
}

struct SampleFile {
  std::string path;
  std::string content;
};

// Builds a store with one root ("PC\\alice" in "home/alice"), a directory "docs" and `files`.
inline std::string BuildStore(const std::vector<SampleFile>& files,
                              StoreWriterOptions options = FastOptions(),
                              const std::string& key = kTestKey) {
  auto sink = std::make_unique<StringSink>();
  StringSink* raw_sink = sink.get();
  auto writer = StoreWriter::Create(std::move(sink), options, key);
  if (!writer.ok()) return "create failed: " + writer.status().message();
  (void)(*writer)->AddRoot(CatalogRoot{.name = "PC\\alice", .directory = "home/alice"});
  (void)(*writer)->AddEntry(DirectoryEntry("docs"));
  for (const SampleFile& file : files) {
    (void)(*writer)->AddFileContent(FileEntry(file.path), file.content);
  }
  if (!(*writer)->Finish().ok()) return "finish failed";
  return raw_sink->contents();
}

inline Result<std::unique_ptr<StoreReader>> OpenString(const std::string& bytes,
                                                       const std::string& key = kTestKey) {
  return StoreReader::Open(std::make_unique<StringFile>(bytes), key, StoreReaderOptions{2});
}

inline std::string ReadAll(StoreReader& reader, uint64_t entry) {
  std::string content;
  const Status status = reader.ReadFileContent(entry, [&](std::string_view bytes) {
    content.append(bytes);
    return Status::Ok();
  });
  return status.ok() ? content : "error: " + status.message();
}

}  // namespace tseq::archive::testing
