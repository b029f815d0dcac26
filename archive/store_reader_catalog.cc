// StoreReader's loading of the catalog (archive/store_reader.h): the part of Open that grows
// with the number of entries.
//
// A sound store takes the fast way: the catalog blocks are decrypted and decompressed on worker
// threads while this thread parses the plaintext they give, block by block, without ever
// putting the catalog together in one buffer. A store whose catalog blocks are not what the
// trailer says takes the plain way, one block after the other, so that it fails exactly where
// and how such a store always has.
#include <algorithm>
#include <vector>

#include "archive/ordered_pool.h"
#include "archive/store_reader.h"

namespace tseq::archive {
namespace {

// Reads the headers of the catalog blocks the trailer announces and returns their offsets, or
// nothing when they do not add up to the trailer's catalog: a header that is damaged or out of
// place, sizes that are not the catalog size, blocks that do not end at the trailer.
std::vector<uint64_t> CatalogBlockOffsets(const ReadableFile& file, const StoreHeader& header,
                                          const Trailer& trailer, uint64_t file_size) {
  std::vector<uint64_t> offsets;
  uint64_t offset = trailer.catalog_offset;
  uint64_t plain_size = 0;
  char bytes[kBlockHeaderSize];
  for (uint64_t i = 0; i < trailer.catalog_block_count; ++i) {
    const Result<size_t> count = file.ReadAt(offset, bytes, kBlockHeaderSize);
    if (!count.ok() || *count != kBlockHeaderSize) return {};
    const Result<BlockHeader> block = DecodeBlockHeader(std::string_view(bytes, kBlockHeaderSize),
                                                        header.block_size, offset, file.path());
    if (!block.ok() || block->index != trailer.data_block_count + i ||
        block->kind != BlockKind::kCatalog ||
        ((block->flags & kBlockFlagCompressed) != 0 && header.compression == Compression::kNone)) {
      return {};
    }
    plain_size += block->plain_size;
    if (plain_size > trailer.catalog_size) return {};
    offsets.push_back(offset);
    offset += kBlockHeaderSize + block->payload_size + kTagSize;
  }
  if (offset != file_size - kTrailerSize || plain_size != trailer.catalog_size) return {};
  return offsets;
}

}  // namespace

Status StoreReader::LoadCatalog(uint64_t file_size, const std::string& trailer_at) {
  const std::vector<uint64_t> offsets = CatalogBlockOffsets(*file_, header_, trailer_, file_size);
  if (offsets.empty()) return LoadCatalogInOrder(file_size, trailer_at);
  const std::string& store_path = path();
  const CatalogLayout layout{.block_size = header_.block_size,
                             .first_block_offset = kHeaderSize,
                             .catalog_offset = trailer_.catalog_offset,
                             .data_block_count = trailer_.data_block_count,
                             .content_in_files = options_.content_in_files};
  // The first failure in block order wins over whatever the catalog decoder made of the blocks
  // before it, as when the catalog was put together before it was decoded.
  Status block_error;
  uint64_t next_block = 0;  // the next block to read
  uint64_t plain_size = 0;  // of the blocks handed out
  const size_t threads = static_cast<size_t>(std::min<uint64_t>(WorkerCount(), offsets.size()));
  // The first worker uses the reader's own codec, idle meanwhile and then ready for data blocks.
  std::vector<BlockCodec*> codecs = {&codec_};
  std::vector<std::unique_ptr<BlockCodec>> more_codecs;
  for (size_t i = 1; i < threads; ++i) {
    codecs.push_back(more_codecs.emplace_back(std::make_unique<BlockCodec>(header_, keys_)).get());
  }
  std::unique_ptr<OrderedPool> pool;
  if (threads > 1) {
    pool = std::make_unique<OrderedPool>(
        threads, 2 * threads + 2, [&](size_t worker, OrderedPool::Item& item) {
          TSEQ_ASSIGN_OR_RETURN(
              const BlockHeader block_header,
              DecodeBlockHeader(item.input, header_.block_size, item.tag, store_path));
          return codecs[worker]->Decode(block_header, item.input, item.tag, store_path,
                                        item.output);
        });
  }
  OrderedPool::Item piece;  // the block handed out last; its buffers serve the next one
  Status read_error;        // stops the reading; comes after the blocks already read
  const CatalogPieces next_piece = [&]() -> std::string_view {
    if (!block_error.ok()) return {};
    if (pool == nullptr) {
      if (next_block == offsets.size()) return {};
      const uint64_t offset = offsets[next_block];
      BlockHeader block_header;
      block_error = ReadRawBlock(offset, trailer_.data_block_count + next_block,
                                 BlockKind::kCatalog, raw_, block_header);
      ++next_block;
      if (block_error.ok()) {
        block_error = codec_.Decode(block_header, raw_, offset, store_path, piece.output);
      }
      if (!block_error.ok()) return {};
      plain_size += piece.output.size();
      return piece.output;
    }
    while (read_error.ok() && next_block < offsets.size() && !pool->Full()) {
      std::string raw = std::move(piece.input);
      BlockHeader block_header;
      read_error = ReadRawBlock(offsets[next_block], trailer_.data_block_count + next_block,
                                BlockKind::kCatalog, raw, block_header);
      if (!read_error.ok()) break;
      pool->Submit(std::move(raw), offsets[next_block], std::move(piece.output));
      ++next_block;
    }
    if (pool->Empty()) {
      block_error = read_error;
      return {};
    }
    piece = pool->Next();
    block_error = piece.status;
    if (!block_error.ok()) return {};
    plain_size += piece.output.size();
    return piece.output;
  };
  Result<Catalog> catalog =
      DecodeCatalog(static_cast<size_t>(trailer_.catalog_size), next_piece, layout, store_path,
                    CatalogDecodeOptions{.map_memory_ahead = WorkerCount() > 1});
  // Blocks the decoder did not get to (it failed) must be sound all the same.
  while (!next_piece().empty()) {
  }
  TSEQ_RETURN_IF_ERROR(block_error);
  if (plain_size != trailer_.catalog_size) {  // only if the file changed under the reader
    return CorruptionError(store_path + ": the catalog blocks do not fill the space before the " +
                           "trailer" + trailer_at);
  }
  TSEQ_ASSIGN_OR_RETURN(catalog_, std::move(catalog));
  // The last block's buffers, in memory already, serve the first data block read (a new buffer
  // of a block's size costs as much in page faults as reading the block).
  if (raw_.capacity() < piece.input.capacity()) raw_ = std::move(piece.input);
  if (piece.output.capacity() >= header_.block_size) cached_plaintext_ = std::move(piece.output);
  return Status::Ok();
}

Status StoreReader::LoadCatalogInOrder(uint64_t file_size, const std::string& trailer_at) {
  const std::string& store_path = path();
  std::string catalog_bytes;
  std::string plaintext;
  uint64_t offset = trailer_.catalog_offset;
  for (uint64_t i = 0; i < trailer_.catalog_block_count; ++i) {
    const uint64_t index = trailer_.data_block_count + i;
    BlockHeader block_header;
    TSEQ_RETURN_IF_ERROR(ReadRawBlock(offset, index, BlockKind::kCatalog, raw_, block_header));
    TSEQ_RETURN_IF_ERROR(codec_.Decode(block_header, raw_, offset, store_path, plaintext));
    catalog_bytes += plaintext;
    offset += raw_.size();
    if (catalog_bytes.size() > trailer_.catalog_size) break;
  }
  if (offset != file_size - kTrailerSize || catalog_bytes.size() != trailer_.catalog_size) {
    return CorruptionError(store_path + ": the catalog blocks do not fill the space before the " +
                           "trailer" + trailer_at);
  }
  const CatalogLayout layout{.block_size = header_.block_size,
                             .first_block_offset = kHeaderSize,
                             .catalog_offset = trailer_.catalog_offset,
                             .data_block_count = trailer_.data_block_count,
                             .content_in_files = options_.content_in_files};
  TSEQ_ASSIGN_OR_RETURN(catalog_, DecodeCatalog(catalog_bytes, layout, store_path));
  return Status::Ok();
}

}  // namespace tseq::archive
