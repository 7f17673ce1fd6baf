// Zig-zag varints and fixed-width primitives of the Avro binary encoding.
// Internal to the avro module: shared by the decoder, the encoder, resolution and
// container files. All readers are bounds-checked and return false on truncation or
// on a varint longer than 10 bytes; callers turn that into an Error with an offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace sluice::avro::internal {

inline std::int64_t zigzag_decode(std::uint64_t n) {
  return static_cast<std::int64_t>(n >> 1) ^ -static_cast<std::int64_t>(n & 1);
}
inline std::uint64_t zigzag_encode(std::int64_t n) {
  return (static_cast<std::uint64_t>(n) << 1) ^ static_cast<std::uint64_t>(n >> 63);
}

// Reads a zig-zag varint long at `p` (< end). Advances p. False if truncated or > 10 bytes.
inline bool read_long(const std::uint8_t*& p, const std::uint8_t* end, std::int64_t& out) {
  std::uint64_t result = 0;
  int shift = 0;
  while (p < end) {
    std::uint8_t b = *p++;
    result |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      out = zigzag_decode(result);
      return true;
    }
    shift += 7;
    if (shift >= 70) return false;
  }
  return false;
}

// Reads an int: a long that must fit in 32 bits.
inline bool read_int(const std::uint8_t*& p, const std::uint8_t* end, std::int32_t& out) {
  std::int64_t v;
  if (!read_long(p, end, v) || v < INT32_MIN || v > INT32_MAX) return false;
  out = static_cast<std::int32_t>(v);
  return true;
}

inline bool read_float(const std::uint8_t*& p, const std::uint8_t* end, float& out) {
  if (end - p < 4) return false;
  std::memcpy(&out, p, 4);  // little-endian host (x86_64, aarch64)
  p += 4;
  return true;
}

inline bool read_double(const std::uint8_t*& p, const std::uint8_t* end, double& out) {
  if (end - p < 8) return false;
  std::memcpy(&out, p, 8);
  p += 8;
  return true;
}

// Appends a zig-zag varint.
inline void write_long(std::vector<std::uint8_t>& out, std::int64_t value) {
  std::uint64_t n = zigzag_encode(value);
  while (n >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(n | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(n));
}

// Writes the raw (already zig-zag encoded) varint `n` at `p`, a byte per 7-bit group
// (room for 10 bytes); returns the end. The general case of the encoder's faster
// writers (binary_writer.h).
inline std::uint8_t* write_varint(std::uint8_t* p, std::uint64_t n) {
  while (n >= 0x80) {
    *p++ = static_cast<std::uint8_t>(n | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(n);
  return p;
}

// Writes a zig-zag varint at `p` (room for 10 bytes); returns the end.
inline std::uint8_t* write_long(std::uint8_t* p, std::int64_t value) {
  return write_varint(p, zigzag_encode(value));
}

// A varint read from one 8-byte word: its raw (not zig-zag decoded) value and its
// length in bytes, or length 0 when it does not end within the word.
struct WordVarint {
  std::uint64_t value;
  int length;
};

// The varint at `p`, where 8 bytes are readable, without a branch per byte (a
// varint's length varies from value to value, so a loop's exit is poorly predicted):
// it ends at the first byte whose high bit is clear, and its 7-bit groups are packed
// pairwise into 14, 28 and 56 bits. Little-endian hosts only (x86_64, aarch64).
[[gnu::always_inline]] inline WordVarint varint_in_word(const std::uint8_t* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  const std::uint64_t stops = ~word & 0x8080808080808080ull;  // bytes ending a varint
  if (stops == 0) [[unlikely]]
    return {0, 0};
  const int bits = __builtin_ctzll(stops) + 1;  // 8 * the varint's length
  std::uint64_t x = word & (~std::uint64_t{0} >> (64 - bits)) & 0x7F7F7F7F7F7F7F7Full;
  x = (x & 0x007F007F007F007Full) | ((x & 0x7F007F007F007F00ull) >> 1);
  x = (x & 0x00003FFF00003FFFull) | ((x & 0x3FFF00003FFF0000ull) >> 2);
  x = (x & 0x000000000FFFFFFFull) | ((x & 0x0FFFFFFF00000000ull) >> 4);
  return {x, bits / 8};
}

}  // namespace sluice::avro::internal
