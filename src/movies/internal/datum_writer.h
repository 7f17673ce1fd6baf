// Writes Avro binary primitives for the movie encoders (internal).
//
//   std::uint8_t* room = reserve(upper_bound);   // the caller's buffer
//   DatumWriter w(room);
//   w.write_long(42);
//   w.write_string("x");
//   use(room, w.size());
//
// The caller provides room for an upper bound of the datum's size up front, so each
// primitive is a plain store through a pointer: no capacity check, no per-byte
// push_back, and nothing zero-filled first. Bounds: a long takes at most 10 bytes, a
// string at most 10 + its size. append_with_bound() does this for a std::vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace sluice::movies::internal {

inline constexpr std::size_t kMaxVarint = 10;

class DatumWriter {
 public:
  explicit DatumWriter(std::uint8_t* out) : start_(out), p_(out) {}
  DatumWriter(const DatumWriter&) = delete;
  DatumWriter& operator=(const DatumWriter&) = delete;

  void write_long(std::int64_t v) {
    // Zig-zag, then base-128 little-endian groups.
    std::uint64_t n = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    // A local cursor: a byte store may alias the member, which would make the compiler
    // reload and store p_ around every byte of the loop.
    std::uint8_t* p = p_;
    while (n >= 0x80) {
      *p++ = static_cast<std::uint8_t>(n | 0x80);
      n >>= 7;
    }
    *p++ = static_cast<std::uint8_t>(n);
    p_ = p;
  }
  void write_byte(std::uint8_t b) { *p_++ = b; }
  void write_raw(const void* data, std::size_t n) {
    // Ids and names are short: overlapping fixed-size copies, no library call.
    const auto* s = static_cast<const std::uint8_t*>(data);
    if (n >= 8 && n <= 16) {
      std::memcpy(p_, s, 8);
      std::memcpy(p_ + n - 8, s + n - 8, 8);
    } else if (n > 16 && n <= 32) {
      std::memcpy(p_, s, 16);
      std::memcpy(p_ + n - 16, s + n - 16, 16);
    } else if (n != 0) {
      std::memcpy(p_, s, n);
    }
    p_ += n;
  }
  void write_string(std::string_view s) {
    write_long(static_cast<std::int64_t>(s.size()));
    write_raw(s.data(), s.size());
  }
  void write_float(float f) { write_raw(&f, 4); }  // little-endian hosts only
  void write_double(double d) { write_raw(&d, 8); }

  // Bytes written so far.
  std::size_t size() const { return static_cast<std::size_t>(p_ - start_); }

 private:
  std::uint8_t* start_;
  std::uint8_t* p_;
};

// Appends to `out` what `write(std::uint8_t* room) -> std::size_t` writes into room for
// `bound` bytes (out grows once by `bound`, then shrinks to what was written).
template <class Write>
void append_with_bound(std::vector<std::uint8_t>& out, std::size_t bound, Write&& write) {
  const std::size_t start = out.size();
  out.resize(start + bound);
  out.resize(start + write(out.data() + start));
}

}  // namespace sluice::movies::internal
