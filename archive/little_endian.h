// Little-endian integer encoding for the store format (docs/store-format.md). Every multi-byte
// integer in a store is little-endian; these helpers are the only place that knows it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tseq::archive {

template <typename Unsigned>
void AppendLittleEndian(std::string& out, Unsigned value) {
  for (size_t i = 0; i < sizeof(Unsigned); ++i) {
    out.push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
  }
}

template <typename Unsigned>
void StoreLittleEndian(char* out, Unsigned value) {
  for (size_t i = 0; i < sizeof(Unsigned); ++i) {
    out[i] = static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
  }
}

// REQUIRES: `in` points at sizeof(Unsigned) readable bytes.
template <typename Unsigned>
Unsigned LoadLittleEndian(const char* in) {
  Unsigned value = 0;
  for (size_t i = 0; i < sizeof(Unsigned); ++i) {
    value = static_cast<Unsigned>(value |
                                  (static_cast<Unsigned>(static_cast<uint8_t>(in[i])) << (8 * i)));
  }
  return value;
}

}  // namespace tseq::archive
