#include "archive/store_writer.h"

#include <chrono>
#include <thread>

namespace tseq::archive {
namespace {

// The pool's item tag carries the block index and, in its top bit, whether it is a catalog block.
constexpr uint64_t kCatalogTagBit = uint64_t{1} << 63;

Status CheckOptions(const StoreWriterOptions& options, std::string_view key_text) {
  if (options.block_size < kMinimumBlockSize || options.block_size > kMaximumBlockSize) {
    return InvalidArgumentError("block size " + std::to_string(options.block_size) +
                                " is outside " + std::to_string(kMinimumBlockSize) + " to " +
                                std::to_string(kMaximumBlockSize) + " bytes");
  }
  if (options.compression == Compression::kZstd &&
      (options.compression_level < 1 || options.compression_level > 19)) {
    return InvalidArgumentError("compression level " + std::to_string(options.compression_level) +
                                " is outside 1 to 19");
  }
  if (options.encryption == Encryption::kAes256Gcm) {
    if (key_text.empty()) return InvalidArgumentError("an encrypted store needs a key");
    const ScryptCost& cost = options.scrypt;
    if (cost.log2_n < kMinimumScryptLog2N || cost.log2_n > kMaximumScryptLog2N || cost.r < 1 ||
        cost.r > kMaximumScryptR || cost.p < 1 || cost.p > kMaximumScryptP ||
        (uint64_t{128} * cost.r << cost.log2_n) > kMaximumScryptMemory) {
      return InvalidArgumentError("scrypt cost is out of range");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<StoreWriter>> StoreWriter::Create(std::unique_ptr<ByteSink> sink,
                                                         const StoreWriterOptions& options,
                                                         std::string_view key_text) {
  if (Status status = CheckOptions(options, key_text); !status.ok()) {
    sink->Abandon();
    return status;
  }
  StoreHeader header;
  header.block_size = options.block_size;
  header.compression = options.compression;
  header.compression_level = options.compression == Compression::kZstd
                                 ? static_cast<uint8_t>(options.compression_level)
                                 : 0;
  header.encryption = options.encryption;
  const bool encrypted = options.encryption == Encryption::kAes256Gcm;
  header.key_derivation = encrypted ? KeyDerivation::kScrypt : KeyDerivation::kNone;
  header.scrypt = encrypted ? options.scrypt : ScryptCost{.log2_n = 0, .r = 0, .p = 0};
  header.created_seconds = options.created_seconds != 0
                               ? options.created_seconds
                               : std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  Status random = Status::Ok();
  if (options.store_id) {
    header.store_id = *options.store_id;
  } else {
    random = FillRandom(header.store_id.data(), header.store_id.size());
  }
  if (random.ok() && encrypted) {
    if (options.salt) {
      header.salt = *options.salt;
    } else {
      random = FillRandom(header.salt.data(), header.salt.size());
    }
  }
  if (!random.ok()) {
    sink->Abandon();
    return random;
  }
  Result<StoreKeys> keys = DeriveKeys(header, key_text);
  if (!keys.ok()) {
    sink->Abandon();
    return keys.status();
  }
  header.key_check = keys->key_check;
  size_t threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<StoreWriter> writer(
      new StoreWriter(std::move(sink), header, std::move(keys).value(), threads));
  writer->catalog_.catalog().properties = options.properties;
  TSEQ_RETURN_IF_ERROR(writer->Write(EncodeHeader(writer->header_)));
  return writer;
}

StoreWriter::StoreWriter(std::unique_ptr<ByteSink> sink, StoreHeader header, StoreKeys keys,
                         size_t threads)
    : sink_(std::move(sink)), header_(header), keys_(std::move(keys)) {
  for (size_t i = 0; i < threads; ++i) {
    codecs_.push_back(std::make_unique<BlockCodec>(header_, keys_));
  }
  pool_ = std::make_unique<OrderedPool>(
      threads, 2 * threads + 2, [this](size_t worker, OrderedPool::Item& item) {
        const BlockKind kind =
            (item.tag & kCatalogTagBit) != 0 ? BlockKind::kCatalog : BlockKind::kData;
        return codecs_[worker]->Encode(kind, item.tag & ~kCatalogTagBit, item.input, item.output);
      });
  block_.resize(header_.block_size);
}

StoreWriter::~StoreWriter() {
  pool_.reset();  // joins the workers before the codecs they use go away
  if (!finished_ && sink_) sink_->Abandon();
}

Status StoreWriter::Fail(Status status) {
  if (error_.ok()) error_ = status;
  if (sink_) sink_->Abandon();
  return status;
}

Status StoreWriter::Write(std::string_view bytes) {
  if (!error_.ok()) return error_;
  if (Status status = sink_->Append(bytes); !status.ok()) return Fail(status);
  written_ += bytes.size();
  statistics_.stored_bytes = written_;
  return Status::Ok();
}

Status StoreWriter::DrainBlocks(bool all) {
  while (all ? !pool_->Empty() : pool_->Full()) {
    OrderedPool::Item item = pool_->Next();
    if (!item.status.ok()) return Fail(item.status);
    if ((item.tag & kCatalogTagBit) == 0) {
      catalog_.catalog().data_blocks.push_back(BlockLocation{
          .offset = written_,
          .payload_size = static_cast<uint32_t>(item.output.size() - kBlockHeaderSize - kTagSize),
          .plain_size = static_cast<uint32_t>(item.input.size())});
    }
    TSEQ_RETURN_IF_ERROR(Write(item.output));
    if (spare_blocks_.size() < 2) spare_blocks_.push_back(std::move(item.input));
  }
  return Status::Ok();
}

Status StoreWriter::SubmitBlock(BlockKind kind) {
  TSEQ_RETURN_IF_ERROR(DrainBlocks(/*all=*/false));
  const uint64_t tag = next_block_index_++ | (kind == BlockKind::kCatalog ? kCatalogTagBit : 0);
  block_.resize(block_fill_);
  pool_->Submit(std::move(block_), tag);
  if (spare_blocks_.empty()) {
    block_ = std::string();
  } else {
    block_ = std::move(spare_blocks_.back());
    spare_blocks_.pop_back();
  }
  // A recycled full block is already this size, so this zero-fills only new memory.
  block_.resize(header_.block_size);
  block_fill_ = 0;
  return Status::Ok();
}

Result<uint32_t> StoreWriter::AddRoot(CatalogRoot root) {
  if (!error_.ok()) return error_;
  return catalog_.AddRoot(std::move(root));
}

Result<uint64_t> StoreWriter::AddEntry(CatalogEntry entry) {
  if (!error_.ok()) return error_;
  if (entry.type == EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is a regular file: use AddFile");
  }
  TSEQ_RETURN_IF_ERROR(catalog_.Check(entry));
  entry.size = 0;
  entry.data_offset = 0;
  ++statistics_.entries;
  return catalog_.Add(std::move(entry));
}

Result<uint64_t> StoreWriter::AddContent(CatalogEntry entry,
                                         const std::function<Result<size_t>(char*, size_t)>& read) {
  if (!error_.ok()) return error_;
  if (entry.type != EntryType::kFile) {
    return InvalidArgumentError("entry '" + entry.path + "' is not a regular file");
  }
  TSEQ_RETURN_IF_ERROR(catalog_.Check(entry));
  entry.data_offset = statistics_.data_bytes;
  entry.size = 0;
  while (true) {
    if (block_fill_ == header_.block_size) TSEQ_RETURN_IF_ERROR(SubmitBlock(BlockKind::kData));
    // Reading straight into the block saves a copy of every byte.
    Result<size_t> count = read(block_.data() + block_fill_, header_.block_size - block_fill_);
    if (!count.ok()) return count.status();
    if (*count == 0) break;
    block_fill_ += *count;
    statistics_.data_bytes += *count;
    entry.size += *count;
  }
  ++statistics_.entries;
  ++statistics_.files;
  return catalog_.Add(std::move(entry));
}

Result<uint64_t> StoreWriter::AddFile(CatalogEntry entry, const ReadableFile& source) {
  uint64_t offset = 0;
  return AddContent(std::move(entry), [&](char* buffer, size_t capacity) -> Result<size_t> {
    TSEQ_ASSIGN_OR_RETURN(const size_t count, source.ReadAt(offset, buffer, capacity));
    offset += count;
    return count;
  });
}

Result<uint64_t> StoreWriter::AddFileContent(CatalogEntry entry, std::string_view content) {
  return AddContent(std::move(entry), [&](char* buffer, size_t capacity) -> Result<size_t> {
    const size_t count = std::min(capacity, content.size());
    std::copy_n(content.data(), count, buffer);
    content.remove_prefix(count);
    return count;
  });
}

Status StoreWriter::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) return FailedPreconditionError("the store is already finished");
  if (block_fill_ != 0) TSEQ_RETURN_IF_ERROR(SubmitBlock(BlockKind::kData));
  TSEQ_RETURN_IF_ERROR(DrainBlocks(/*all=*/true));
  Trailer trailer;
  trailer.data_block_count = next_block_index_;
  trailer.catalog_offset = written_;
  catalog_.catalog().data_size = statistics_.data_bytes;
  const std::string encoded = EncodeCatalog(catalog_.catalog());
  trailer.catalog_size = encoded.size();
  for (size_t start = 0; start < encoded.size(); start += header_.block_size) {
    block_fill_ = std::min<size_t>(header_.block_size, encoded.size() - start);
    std::copy_n(encoded.data() + start, block_fill_, block_.data());
    TSEQ_RETURN_IF_ERROR(SubmitBlock(BlockKind::kCatalog));
  }
  TSEQ_RETURN_IF_ERROR(DrainBlocks(/*all=*/true));
  trailer.catalog_block_count = next_block_index_ - trailer.data_block_count;
  trailer.store_size = written_ + kTrailerSize;
  BlockSealer sealer(keys_, header_.encryption, header_.store_id);
  Result<std::array<uint8_t, kTagSize>> tag = sealer.TrailerTag(EncodeTrailerFields(trailer));
  if (!tag.ok()) return Fail(tag.status());
  trailer.tag = *tag;
  TSEQ_RETURN_IF_ERROR(Write(EncodeTrailer(trailer)));
  if (Status status = sink_->Finish(); !status.ok()) return Fail(status);
  finished_ = true;
  return Status::Ok();
}

}  // namespace tseq::archive

namespace tseq::archive {

Status StoreWriter::WriteCatalogOnly(std::unique_ptr<ByteSink> sink, const Catalog& catalog) {
  if (!catalog.data_blocks.empty() || catalog.data_size != 0) {
    sink->Abandon();
    return InternalError("a catalog-only store cannot have a data stream");
  }
  StoreWriterOptions options;
  options.compression = Compression::kNone;
  options.encryption = Encryption::kNone;
  options.threads = 1;
  TSEQ_ASSIGN_OR_RETURN(std::unique_ptr<StoreWriter> writer, Create(std::move(sink), options, ""));
  writer->catalog_.catalog() = catalog;
  return writer->Finish();
}

}  // namespace tseq::archive
