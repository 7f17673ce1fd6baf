// A fast appender of Avro binary primitives onto a std::vector<uint8_t>.
// Internal to the avro module (the encoder; container and single-object writers may
// use it too).
//
//   internal::BinaryWriter w(out);     // appends after out's current contents
//   w.write_long(42);
//   w.write_long_and_raw(len, data, len);
//   w.finish();                        // REQUIRED: trims `out` to what was written
//
// The writer grows `out` in chunks (at least doubling) and writes through a raw
// pointer, so a primitive costs a compare and a store rather than a push_back per
// byte. Until finish(), `out` holds zero-filled slack after the written bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "avro/internal/varint.h"

namespace sluice::avro::internal {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::vector<std::uint8_t>& out, std::size_t initial_slack = 256)
      : out_(out) {
    std::size_t used = out_.size();
    out_.resize(used + initial_slack);
    p_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  BinaryWriter(const BinaryWriter&) = delete;
  BinaryWriter& operator=(const BinaryWriter&) = delete;
  BinaryWriter(BinaryWriter&& other) noexcept
      : out_(other.out_), p_(other.p_), end_(other.end_) {
    other.p_ = other.end_ = nullptr;
  }

  // Bytes written to `out` so far, counting what was there before.
  std::size_t size() const { return static_cast<std::size_t>(p_ - out_.data()); }

  // Makes room for `n` more bytes.
  void reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) [[unlikely]] grow(n);
  }

  void write_byte(std::uint8_t b) {
    reserve(1);
    *p_++ = b;
  }

  void write_long(std::int64_t value) {
    reserve(10);
    p_ = write_varint(p_, zigzag_encode(value));
  }

  void write_raw(const void* data, std::size_t n) {
    reserve(n);
    copy(p_, static_cast<const std::uint8_t*>(data), n);
    p_ += n;
  }

  // A length (zig-zag varint) followed by `n` raw bytes: strings, bytes, map keys.
  void write_long_and_raw(std::int64_t len, const void* data, std::size_t n) {
    reserve(10 + n);
    p_ = write_varint(p_, zigzag_encode(len));
    copy(p_, static_cast<const std::uint8_t*>(data), n);
    p_ += n;
  }

  // Trims `out` to the bytes written. The writer must not be used afterwards.
  void finish() {
    if (p_ != nullptr) out_.resize(size());
    p_ = end_ = nullptr;
  }

 private:
  static std::uint8_t* write_varint(std::uint8_t* p, std::uint64_t n) {
    if (n < 0x80) [[likely]] {
      *p = static_cast<std::uint8_t>(n);
      return p + 1;
    }
    do {
      *p++ = static_cast<std::uint8_t>(n | 0x80);
      n >>= 7;
    } while (n >= 0x80);
    *p++ = static_cast<std::uint8_t>(n);
    return p;
  }

  // Short copies (most strings and keys) as two overlapping fixed-size moves, which
  // compile to plain loads and stores; longer ones call memcpy.
  static void copy(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) {
    if (n >= 8 && n <= 32) [[likely]] {
      if (n <= 16) {
        std::memcpy(dst, src, 8);
        std::memcpy(dst + n - 8, src + n - 8, 8);
      } else {
        std::memcpy(dst, src, 16);
        std::memcpy(dst + n - 16, src + n - 16, 16);
      }
    } else if (n != 0) {
      std::memcpy(dst, src, n);
    }
  }

  [[gnu::noinline]] void grow(std::size_t n) {
    std::size_t used = size();
    std::size_t want = std::max({used + n, out_.size() * 2, used + 256});
    out_.resize(want);
    p_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }

  std::vector<std::uint8_t>& out_;
  std::uint8_t* p_;
  std::uint8_t* end_;
};

}  // namespace sluice::avro::internal
