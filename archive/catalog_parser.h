// CatalogParser: reads an encoded catalog (docs/store-format.md, "Catalog") front to back for
// DecodeCatalog (catalog_decoder.cc), from one buffer or from pieces that arrive one after the
// other. Internal to archive/.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "archive/catalog.h"
#include "archive/little_endian.h"
#include "base/status.h"

namespace tseq::archive {

// LoadLittleEndian, in one load where the machine is little-endian (GCC 12 does not merge the
// byte-wise loop of little_endian.h, and the decoder reads a dozen integers per entry).
template <typename Unsigned>
Unsigned LoadUnsigned(const char* bytes) {
  if constexpr (std::endian::native == std::endian::little) {
    Unsigned value;
    std::memcpy(&value, bytes, sizeof(value));
    return value;
  } else {
    return LoadLittleEndian<Unsigned>(bytes);
  }
}

// Reads the encoded catalog front to back; the first failure sticks and names the byte.
class CatalogParser {
 public:
  CatalogParser(size_t size, const CatalogPieces& next_piece, std::string path)
      : size_(size), next_piece_(next_piece), path_(std::move(path)) {}

  bool failed() const { return !error_.ok(); }
  const Status& error() const { return error_; }
  size_t position() const { return piece_start_ + static_cast<size_t>(cursor_ - piece_begin_); }
  size_t remaining() const { return size_ - position(); }

  void Fail(const std::string& rule) { FailAt(rule, position()); }
  void FailAt(const std::string& rule, size_t position) {
    if (failed()) return;
    error_ = CorruptionError(path_ + ": the catalog is damaged: " + rule + " (at catalog byte " +
                             std::to_string(position) + ")");
  }

  template <typename Unsigned>
  Unsigned Read() {
    if (failed()) return 0;
    if (remaining() < sizeof(Unsigned)) {
      Fail("it ends early");
      return 0;
    }
    const char* bytes = Take(sizeof(Unsigned));
    return bytes == nullptr ? 0 : LoadUnsigned<Unsigned>(bytes);
  }

  // The view is valid until the next read.
  std::string_view ReadBytes(size_t count) {
    if (failed()) return {};
    if (remaining() < count) {
      Fail("it ends early");
      return {};
    }
    const char* bytes = Take(count);
    return bytes == nullptr ? std::string_view() : std::string_view(bytes, count);
  }

  // The bytes from the cursor to the end of the piece it is in (never beyond the catalog's
  // size), for a caller that decodes a whole item at once and then skips it.
  std::string_view Ahead() const {
    return failed() ? std::string_view()
                    : std::string_view(cursor_, static_cast<size_t>(piece_end_ - cursor_));
  }
  // REQUIRES: count <= Ahead().size().
  void Skip(size_t count) { cursor_ += count; }

  // Reuses the storage of `out`: no temporary string.
  void ReadString(std::string& out) { out.assign(ReadBytes(Read<uint32_t>())); }

  // A count of items each at least `minimum_size` bytes long must fit in what is left.
  uint64_t ReadCount(uint64_t (CatalogParser::*reader)(), size_t minimum_size) {
    const size_t at = position();
    const uint64_t count = (this->*reader)();
    if (!failed() && count > remaining() / minimum_size) {
      FailAt("a count of " + std::to_string(count) + " does not fit in the catalog", at);
      return 0;
    }
    return count;
  }
  uint64_t ReadCount32() { return Read<uint32_t>(); }
  uint64_t ReadCount64() { return Read<uint64_t>(); }

  Attributes ReadAttributes() {
    Attributes attributes;
    const uint64_t count = ReadCount(&CatalogParser::ReadCount32, 8);
    for (uint64_t i = 0; i < count && !failed(); ++i) {
      auto& [key, value] = attributes.emplace_back();
      ReadString(key);
      ReadString(value);
    }
    return attributes;
  }

 private:
  // `count` (at most remaining()) contiguous bytes at the cursor, which moves past them; null,
  // failing, when the pieces end before the catalog's size.
  const char* Take(size_t count) {
    if (static_cast<size_t>(piece_end_ - cursor_) < count) {
      if (cursor_ != piece_end_ || !NextPiece()) return TakeAcrossPieces(count);
      if (static_cast<size_t>(piece_end_ - cursor_) < count) return TakeAcrossPieces(count);
    }
    const char* bytes = cursor_;
    cursor_ += count;
    return bytes;
  }

  // The rare value that straddles pieces is copied together.
  const char* TakeAcrossPieces(size_t count) {
    stitched_.assign(cursor_, piece_end_);
    cursor_ = piece_end_;
    while (stitched_.size() < count) {
      if (!NextPiece()) {
        Fail("it ends early");
        return nullptr;
      }
      const size_t take =
          std::min(count - stitched_.size(), static_cast<size_t>(piece_end_ - cursor_));
      stitched_.append(cursor_, take);
      cursor_ += take;
    }
    return stitched_.data();
  }

  bool NextPiece() {
    piece_start_ += static_cast<size_t>(piece_end_ - piece_begin_);
    piece_begin_ = cursor_ = piece_end_;  // at the end of what came so far, should none follow
    const std::string_view piece = next_piece_();
    if (piece.empty() || piece_start_ >= size_) return false;
    piece_begin_ = cursor_ = piece.data();
    piece_end_ = piece_begin_ + std::min(piece.size(), size_ - piece_start_);
    return true;
  }

  size_t size_;
  const CatalogPieces& next_piece_;
  std::string path_;
  size_t piece_start_ = 0;  // catalog byte of piece_begin_
  const char* piece_begin_ = nullptr;
  const char* cursor_ = nullptr;
  const char* piece_end_ = nullptr;
  std::string stitched_;
  Status error_;
};

}  // namespace tseq::archive
