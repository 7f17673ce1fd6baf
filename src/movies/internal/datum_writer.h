// Writes Avro binary primitives for the movie encoders (internal).
//
//   DatumWriter w(out, upper_bound);   // out grows once by upper_bound bytes
//   w.write_long(42);
//   w.write_string("x");
//   w.finish();                        // trims out to what was written (or abandon())
//
// The caller states an upper bound of the datum's size up front, so each primitive is
// a plain store through a pointer: no capacity check, no per-byte push_back. Bounds:
// a long takes at most 10 bytes, a string at most 10 + its size.
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
  DatumWriter(std::vector<std::uint8_t>& out, std::size_t bound) : out_(out), start_(out.size()) {
    out_.resize(start_ + bound);
    p_ = out_.data() + start_;
  }
  DatumWriter(const DatumWriter&) = delete;
  DatumWriter& operator=(const DatumWriter&) = delete;

  void write_long(std::int64_t v) {
    // Zig-zag, then base-128 little-endian groups.
    std::uint64_t n = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    while (n >= 0x80) {
      *p_++ = static_cast<std::uint8_t>(n | 0x80);
      n >>= 7;
    }
    *p_++ = static_cast<std::uint8_t>(n);
  }
  void write_byte(std::uint8_t b) { *p_++ = b; }
  void write_raw(const void* data, std::size_t n) {
    if (n != 0)
      std::memcpy(p_, data, n);
    p_ += n;
  }
  void write_string(std::string_view s) {
    write_long(static_cast<std::int64_t>(s.size()));
    write_raw(s.data(), s.size());
  }
  void write_float(float f) { write_raw(&f, 4); }  // little-endian hosts only
  void write_double(double d) { write_raw(&d, 8); }

  // Keeps what was written.
  void finish() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }
  // Drops everything this writer wrote.
  void abandon() { out_.resize(start_); }

 private:
  std::vector<std::uint8_t>& out_;
  std::size_t start_;
  std::uint8_t* p_;
};

}  // namespace sluice::movies::internal
