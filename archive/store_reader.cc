#include "archive/store_reader.h"

#include <algorithm>
#include <thread>

#include "archive/ordered_pool.h"
#include "base/strings.h"

namespace tseq::archive {
namespace {

// How far back from the end to look for a trailer when the last bytes are not one.
constexpr uint64_t kTrailerSearchWindow = 16 * 1024 * 1024;

Status ReadExactly(const ReadableFile& file, uint64_t offset, size_t length, std::string& out) {
  out.resize(length);
  TSEQ_ASSIGN_OR_RETURN(const size_t count, file.ReadAt(offset, out.data(), length));
  out.resize(count);
  return Status::Ok();
}

}  // namespace

StoreReader::StoreReader(std::unique_ptr<ReadableFile> file, StoreHeader header, StoreKeys keys,
                         StoreReaderOptions options)
    : file_(std::move(file)),
      header_(header),
      keys_(std::move(keys)),
      options_(options),
      codec_(header_, keys_) {}

StoreReader::~StoreReader() = default;

size_t StoreReader::WorkerCount() const {
  return options_.threads != 0 ? options_.threads
                               : std::max(1u, std::thread::hardware_concurrency());
}

Result<std::unique_ptr<StoreReader>> StoreReader::Open(std::unique_ptr<ReadableFile> file,
                                                       std::string_view key_text,
                                                       StoreReaderOptions options) {
  const std::string path = file->path();
  TSEQ_ASSIGN_OR_RETURN(const uint64_t file_size, file->Size());
  std::string bytes;
  TSEQ_RETURN_IF_ERROR(ReadExactly(*file, 0, kHeaderSize, bytes));
  TSEQ_ASSIGN_OR_RETURN(StoreHeader header, DecodeHeader(bytes, path));
  if (header.encryption == Encryption::kAes256Gcm && key_text.empty()) {
    return UnauthenticatedError(path + ": the store is encrypted and no key was given");
  }
  TSEQ_ASSIGN_OR_RETURN(StoreKeys keys, DeriveKeys(header, key_text));
  if (!KeyCheckMatches(keys, header)) {
    if (header.encryption == Encryption::kNone) {
      return CorruptionError(path + ": the store header's key check (offset 88) is damaged");
    }
    return UnauthenticatedError(path + ": wrong key: the key given does not open this store");
  }
  std::unique_ptr<StoreReader> reader(
      new StoreReader(std::move(file), header, std::move(keys), options));
  TSEQ_RETURN_IF_ERROR(reader->OpenTrailerAndCatalog(file_size));
  return reader;
}

Status StoreReader::MissingTrailerError(uint64_t file_size) {
  const std::string& store_path = path();
  // Bytes appended to a complete store leave its trailer intact further back: find it to say so.
  const uint64_t window_start =
      file_size > kTrailerSearchWindow ? file_size - kTrailerSearchWindow : kHeaderSize;
  std::string window;
  TSEQ_RETURN_IF_ERROR(ReadExactly(*file_, window_start, file_size - window_start, window));
  BlockSealer sealer(keys_, header_.encryption, header_.store_id);
  for (size_t at = window.rfind(kTrailerMagic); at != std::string::npos && at > 0;
       at = window.rfind(kTrailerMagic, at - 1)) {
    if (window.size() - at < kTrailerSize) continue;
    Result<Trailer> candidate =
        DecodeTrailer(std::string_view(window).substr(at, kTrailerSize), store_path);
    const uint64_t end = window_start + at + kTrailerSize;
    if (!candidate.ok() || candidate->store_size != end) continue;
    Result<std::array<uint8_t, kTagSize>> tag = sealer.TrailerTag(EncodeTrailerFields(*candidate));
    if (tag.ok() && *tag == candidate->tag) {
      return CorruptionError(store_path + ": " + std::to_string(file_size - end) +
                             " bytes follow the end of the store (at offset " +
                             std::to_string(end) + "): data was appended to it");
    }
  }
  return CorruptionError(store_path + ": the store is truncated or its end is damaged: no " +
                         "valid trailer in its last " + std::to_string(kTrailerSize) +
                         " bytes (file size " + std::to_string(file_size) + ")");
}

Status StoreReader::OpenTrailerAndCatalog(uint64_t file_size) {
  const std::string& store_path = path();
  if (file_size < kHeaderSize + kTrailerSize) return MissingTrailerError(file_size);
  std::string bytes;
  TSEQ_RETURN_IF_ERROR(ReadExactly(*file_, file_size - kTrailerSize, kTrailerSize, bytes));
  Result<Trailer> trailer = DecodeTrailer(bytes, store_path);
  if (!trailer.ok()) return MissingTrailerError(file_size);
  trailer_ = *trailer;
  BlockSealer sealer(keys_, header_.encryption, header_.store_id);
  TSEQ_ASSIGN_OR_RETURN(const auto tag, sealer.TrailerTag(EncodeTrailerFields(trailer_)));
  const std::string trailer_at =
      " (trailer at offset " + std::to_string(file_size - kTrailerSize) + ")";
  if (tag != trailer_.tag) {
    return CorruptionError(store_path + ": the store's trailer failed authentication" + trailer_at);
  }
  if (trailer_.store_size != file_size) {
    return CorruptionError(store_path + ": the store's trailer gives a size of " +
                           std::to_string(trailer_.store_size) + " bytes, the file has " +
                           std::to_string(file_size) + trailer_at);
  }
  if (trailer_.catalog_offset < kHeaderSize || trailer_.catalog_offset > file_size - kTrailerSize ||
      trailer_.catalog_block_count == 0 ||
      trailer_.catalog_size > trailer_.catalog_block_count * uint64_t{header_.block_size}) {
    return CorruptionError(store_path + ": the store's trailer is inconsistent" + trailer_at);
  }
  return LoadCatalog(file_size, trailer_at);
}

Status StoreReader::ReadRawBlock(uint64_t offset, uint64_t index, BlockKind kind, std::string& raw,
                                 BlockHeader& header) {
  TSEQ_RETURN_IF_ERROR(ReadExactly(*file_, offset, kBlockHeaderSize, raw));
  TSEQ_ASSIGN_OR_RETURN(header, DecodeBlockHeader(raw, header_.block_size, offset, path()));
  const std::string where =
      path() + ": block " + std::to_string(index) + " at offset " + std::to_string(offset);
  if (header.index != index || header.kind != kind) {
    return CorruptionError(where + " is out of place (its header says block " +
                           std::to_string(header.index) + ")");
  }
  if ((header.flags & kBlockFlagCompressed) != 0 && header_.compression == Compression::kNone) {
    return CorruptionError(where + " is compressed in a store without compression");
  }
  const size_t rest = header.payload_size + kTagSize;
  // The rest of the block goes straight behind its header: no second buffer, no copy.
  raw.resize(kBlockHeaderSize + rest);
  TSEQ_ASSIGN_OR_RETURN(const size_t count, file_->ReadAt(offset + kBlockHeaderSize,
                                                          raw.data() + kBlockHeaderSize, rest));
  if (count != rest) return CorruptionError(where + " is truncated");
  return Status::Ok();
}

Status StoreReader::ReadDataBlock(uint64_t index, std::string& plaintext) {
  if (index >= catalog_.data_blocks.size()) {
    return InvalidArgumentError(path() + ": no data block " + std::to_string(index));
  }
  const BlockLocation& location = catalog_.data_blocks[index];
  BlockHeader block_header;
  TSEQ_RETURN_IF_ERROR(ReadRawBlock(location.offset, index, BlockKind::kData, raw_, block_header));
  if (block_header.payload_size != location.payload_size ||
      block_header.plain_size != location.plain_size) {
    return CorruptionError(path() + ": block " + std::to_string(index) + " at offset " +
                           std::to_string(location.offset) + " disagrees with the catalog");
  }
  return codec_.Decode(block_header, raw_, location.offset, path(), plaintext);
}

Status StoreReader::ReadFileContent(uint64_t entry_index,
                                    const std::function<Status(std::string_view)>& consumer) {
  if (entry_index >= catalog_.entries.size()) {
    return InvalidArgumentError(path() + ": no entry " + std::to_string(entry_index));
  }
  const CatalogEntry* entry = &catalog_.entries[entry_index];
  if (entry->type == EntryType::kHardLink) entry = &catalog_.entries[entry->link_entry];
  if (entry->type != EntryType::kFile) {
    return InvalidArgumentError(path() + ": '" + entry->path + "' is a " +
                                EntryTypeName(entry->type) + ", not a file");
  }
  uint64_t position = entry->data_offset;
  const uint64_t end = entry->data_offset + entry->size;
  while (position < end) {
    const uint64_t index = position / header_.block_size;
    if (index != cached_block_) {
      cached_block_ = UINT64_MAX;
      TSEQ_RETURN_IF_ERROR(ReadDataBlock(index, cached_plaintext_));
      cached_block_ = index;
    }
    const uint64_t block_start = index * header_.block_size;
    const uint64_t take =
        std::min<uint64_t>(end, block_start + cached_plaintext_.size()) - position;
    TSEQ_RETURN_IF_ERROR(
        consumer(std::string_view(cached_plaintext_).substr(position - block_start, take)));
    position += take;
  }
  return Status::Ok();
}

Status StoreReader::ReadDataBlocks(
    uint64_t first, uint64_t count,
    const std::function<Status(uint64_t index, std::string_view)>& consumer) {
  return RunBlockPipeline(first, count,
                          [&](uint64_t index, const Status& status, std::string_view bytes) {
                            TSEQ_RETURN_IF_ERROR(status);
                            return consumer(index, bytes);
                          });
}

Status StoreReader::CheckDataBlocks(
    const std::function<void(uint64_t index, const Status&)>& on_block) {
  return RunBlockPipeline(0, catalog_.data_blocks.size(),
                          [&](uint64_t index, const Status& status, std::string_view) {
                            if (!status.ok() && status.code() != StatusCode::kCorruption) {
                              return status;
                            }
                            on_block(index, status);
                            return Status::Ok();
                          });
}

Status StoreReader::RunBlockPipeline(
    uint64_t first, uint64_t count,
    const std::function<Status(uint64_t, const Status&, std::string_view)>& consumer) {
  if (first > catalog_.data_blocks.size() || count > catalog_.data_blocks.size() - first) {
    return InvalidArgumentError(path() + ": no data blocks " + std::to_string(first) + " to " +
                                std::to_string(first + count));
  }
  const size_t threads = WorkerCount();
  std::vector<std::unique_ptr<BlockCodec>> codecs;
  for (size_t i = 0; i < threads; ++i) {
    codecs.push_back(std::make_unique<BlockCodec>(header_, keys_));
  }
  const std::string& store_path = path();
  OrderedPool pool(threads, 2 * threads + 2, [&](size_t worker, OrderedPool::Item& item) {
    const BlockLocation& location = catalog_.data_blocks[item.tag];
    if (item.input.size() != kBlockHeaderSize + location.payload_size + kTagSize) {
      return CorruptionError(store_path + ": block " + std::to_string(item.tag) + " at offset " +
                             std::to_string(location.offset) + " is truncated");
    }
    TSEQ_ASSIGN_OR_RETURN(
        const BlockHeader block_header,
        DecodeBlockHeader(item.input, header_.block_size, location.offset, store_path));
    if (block_header.index != item.tag || block_header.kind != BlockKind::kData ||
        block_header.payload_size != location.payload_size ||
        block_header.plain_size != location.plain_size) {
      return CorruptionError(store_path + ": block " + std::to_string(item.tag) + " at offset " +
                             std::to_string(location.offset) + " disagrees with the catalog");
    }
    return codecs[worker]->Decode(block_header, item.input, location.offset, store_path,
                                  item.output);
  });
  auto consume = [&]() -> Status {
    OrderedPool::Item item = pool.Next();
    return consumer(item.tag, item.status, item.output);
  };
  for (uint64_t index = first; index < first + count; ++index) {
    if (pool.Full()) TSEQ_RETURN_IF_ERROR(consume());
    const BlockLocation& location = catalog_.data_blocks[index];
    std::string raw;
    TSEQ_RETURN_IF_ERROR(ReadExactly(*file_, location.offset,
                                     kBlockHeaderSize + location.payload_size + kTagSize, raw));
    pool.Submit(std::move(raw), index);
  }
  while (!pool.Empty()) TSEQ_RETURN_IF_ERROR(consume());
  return Status::Ok();
}

std::string StoreFilePath(const std::string& store) {
  if (store.size() >= 4 && EqualsIgnoreCase(store.substr(store.size() - 4), ".mig")) return store;
  std::string directory = store;
  while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
  return directory + "/" + std::string(kStoreFileName);
}

Result<std::unique_ptr<StoreReader>> OpenStore(const Filesystem& filesystem,
                                               const std::string& store, std::string_view key_text,
                                               StoreReaderOptions options) {
  const std::string file_path = StoreFilePath(store);
  Result<std::unique_ptr<ReadableFile>> file = RunWithRetries(
      options.retry, [&] { return filesystem.OpenForRead(file_path, SymlinkPolicy::kFollow); });
  if (!file.ok() && file.status().code() == StatusCode::kNotFound) {
    if (filesystem.Stat(file_path + std::string(kPartialSuffix), SymlinkPolicy::kDoNotFollow)
            .ok()) {
      return FailedPreconditionError("the store at '" + store +
                                     "' is incomplete: its capture did not finish (only " +
                                     file_path + std::string(kPartialSuffix) + " exists)");
    }
    return NotFoundError("no store at '" + store + "' (" + file_path + " does not exist)");
  }
  if (!file.ok()) return file.status();
  return StoreReader::Open(WithReadRetries(std::move(file).value(), options.retry), key_text,
                           options);
}

}  // namespace tseq::archive
