// A fast appender of Avro binary primitives. Internal to the avro module (the
// encoders in binary.cc).
//
//   internal::ByteBuffer buf;              // reusable; never zero-filled
//   internal::BinaryWriter w(buf);         // appends after buf's current contents
//   w.write_long(42);
//   w.write_long_and_raw(len, data, len);
//   w.commit();                            // buf.size() now counts what was written
//
// The writer writes through a raw pointer into the buffer's uninitialised capacity,
// so a primitive costs a compare and a store, and growing never zero-fills (a
// std::vector's resize() would). Dropping a writer without commit() leaves the
// buffer's size as it was: that is how a failed encode appends nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "avro/internal/varint.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <emmintrin.h>
#endif

// Whether copy_short_text may read past the end of its source (below): not under
// AddressSanitizer, which rightly reports such reads when the source is a heap block.
#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_OVERREAD_COPY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SLUICE_OVERREAD_COPY 0
#endif
#endif
#if !defined(SLUICE_OVERREAD_COPY)
#define SLUICE_OVERREAD_COPY 1
#endif

namespace sluice::avro::internal {

// Bytes [0, size()) are valid; [size(), capacity()) are uninitialised.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  void clear() { size_ = 0; }
  // Drops the storage (to bound memory kept by a long-lived buffer).
  void release() {
    data_.reset();
    size_ = capacity_ = 0;
  }
  void set_size(std::size_t n) { size_ = n; }

  // Capacity for at least `n` bytes; keeps [0, size()).
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t want = std::max({n, capacity_ * 2, std::size_t{256}});
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(want);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = want;
  }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// Writes a varint (room for 10 bytes at p); returns the end.
//
// Values below 2^14 (lengths, small ints, indexes) take one or two bytes, chosen
// without a branch: data that mixes both sizes (minutes, ages, short strings near 64
// bytes) would otherwise mispredict on about every other value.
[[gnu::always_inline]] inline std::uint8_t* put_varint(std::uint8_t* p, std::uint64_t n) {
  if (n < (std::uint64_t{1} << 14)) [[likely]] {
    const bool two = n >= 0x80;
    p[0] = static_cast<std::uint8_t>(n | (two ? 0x80 : 0));
    p[1] = static_cast<std::uint8_t>(n >> 7);  // for one byte: a spare store inside the room
    return p + 1 + (two ? 1 : 0);
  }
  return write_varint(p, n);
}

// Writes a varint (room for 10 bytes at p); returns the end. For values of any
// magnitude below 2^56, with no branch on the value: always stores 8 bytes (the bytes
// after the varint are left undefined, to be overwritten by what is written next).
//
// Why: int and long fields hold data whose magnitude varies from record to record
// (ids, counts, timestamps, deltas), so put_varint's one-or-two-byte test and its
// loop's exit each mispredict on about every other value (measured: a 1-4 byte int
// cost a fifth of encoding a small record). Here the 7-bit groups are spread into
// bytes with three shift-and-mask steps (28-bit halves, 14-bit quarters, 7-bit
// groups), and the length, from the count of significant bits, sets the
// continuation bits.
[[gnu::always_inline]] inline std::uint8_t* put_varint_any(std::uint8_t* p, std::uint64_t n) {
  if ((n >> 56) == 0) [[likely]] {
    std::uint64_t x = ((n & 0x00FFFFFFF0000000) << 4) | (n & 0x000000000FFFFFFF);
    x = ((x & 0x0FFFC0000FFFC000) << 2) | (x & 0x00003FFF00003FFF);
    x = ((x & 0x3F803F803F803F80) << 1) | (x & 0x007F007F007F007F);
    // ceil(significant bits / 7) = (floor(log2 n) * 9 + 73) / 64, exact for 1..64 bits.
    const unsigned log2 = 63u ^ static_cast<unsigned>(__builtin_clzll(n | 1));  // 0..55
    const unsigned length = (log2 * 9 + 73) >> 6;                              // 1..8
    // 0x80 in bytes [0, length - 1): every byte but the last continues.
    x |= std::uint64_t{0x0080808080808080} >> (64 - 8 * length);
    std::memcpy(p, &x, 8);  // little-endian hosts only (x86_64, aarch64)
    return p + length;
  }
  return write_varint(p, n);
}

// True when the CPU runs `rep movsb` on short lengths in a few cycles (the FSRM flag:
// Intel since Ice Lake, AMD since Zen 3). Set once at start-up; false elsewhere.
inline bool fast_short_rep_movsb() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1u << 4)) != 0;  // CPUID.(EAX=7,ECX=0):EDX[4] = FSRM
#else
  return false;
#endif
}
// Initialised before main (clang's -Wglobal-constructors, in -Weverything, is silenced
// for it: generated headers include this one, and users' builds may use that flag).
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wglobal-constructors"
#endif
inline const bool kFastShortRepMovsb = fast_short_rep_movsb();
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

// Copies `n` bytes (the ranges do not overlap) without calling memcpy for short
// lengths: fixed-size moves (plain loads and stores) chosen by the length class.
[[gnu::always_inline]] inline void copy_bytes_by_length_class(std::uint8_t* dst, const void* source,
                                                              std::size_t n) {
  const auto* src = static_cast<const std::uint8_t*>(source);
  if (n <= 16) [[likely]] {
    if (n >= 8) {
      std::memcpy(dst, src, 8);
      std::memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
      std::memcpy(dst, src, 4);
      std::memcpy(dst + n - 4, src + n - 4, 4);
    } else if (n != 0) {
      dst[0] = src[0];
      dst[n / 2] = src[n / 2];
      dst[n - 1] = src[n - 1];
    }
  } else if (n <= 32) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else {
    std::memcpy(dst, src, n);
  }
}

// Copies `n` bytes (the ranges do not overlap): strings, bytes, keys. These are mostly
// short and of varied length, so a copy that branches on the length class
// mispredicts on about every other string (measured: a quarter of the time of
// encoding a small record of three strings). With FSRM a short copy is one
// `rep movsb`, whose cost does not depend on the length; otherwise (and for long
// copies) copy_bytes_by_length_class.
[[gnu::always_inline]] inline void copy_bytes(std::uint8_t* dst, const void* source, std::size_t n) {
#if defined(__x86_64__)
  if (n <= 128 && kFastShortRepMovsb) [[likely]] {
    asm volatile("rep movsb" : "+D"(dst), "+S"(source), "+c"(n) : : "memory");
    return;
  }
#endif
  copy_bytes_by_length_class(dst, source, n);
}

// Room copy_short_text needs at the destination beyond the `n` bytes it copies.
inline constexpr std::size_t kShortTextSlack = 32;

// Copies `n` bytes like copy_bytes and returns dst + n; the destination must have room for
// n + kShortTextSlack bytes (the bytes after the copy are left undefined, to be
// overwritten by what is written next).
//
// Why: strings of a record are mostly under 32 bytes and of varied length. Copying
// exactly n bytes costs either a branch on the length class (mispredicted about every
// other string) or a `rep movsb`, whose start-up is some 20-30 cycles even with FSRM.
// Two 16-byte loads and stores do any n <= 32 in a few cycles with no data-dependent
// branch. They read up to 31 bytes past the source's end, which is harmless when those
// bytes lie in the same 4 KiB page as the source's first byte (memory protection works
// on whole pages), so the copy checks that and falls back to copy_bytes near a page
// end and for empty sources.
//
// Returns dst + n. The other cases are copied out of line by a function that returns
// the end too, so that in a caller's loop no position has to live across a call: with
// the copy inlined, the compiler kept the output position on the stack (a store and
// a reload on every string).
[[gnu::noinline]] inline std::uint8_t* copy_bytes_out_of_line(std::uint8_t* dst,
                                                              const void* source,
                                                              std::size_t n) {
  copy_bytes(dst, source, n);
  return dst + n;
}
[[gnu::always_inline]] inline std::uint8_t* copy_short_text(std::uint8_t* dst,
                                                            const void* source,
                                                            std::size_t n) {
#if defined(__x86_64__) && SLUICE_OVERREAD_COPY
  const auto page_offset = reinterpret_cast<std::uintptr_t>(source) & 4095;
  // n >= 1: only then is the source's own page known to be readable (an empty
  // string's pointer may be the end of a buffer, on the first byte of the next page).
  if (n - 1 < 32 && page_offset <= 4096 - 32) [[likely]] {
    const auto* src = static_cast<const std::uint8_t*>(source);
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), low);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), high);
    return dst + n;
  }
#endif
  if (n == 0) return dst;
  return copy_bytes_out_of_line(dst, source, n);
}

class BinaryWriter {
 public:
  explicit BinaryWriter(ByteBuffer& buffer, std::size_t expected = 256) : buf_(buffer) {
    buf_.reserve(buf_.size() + expected);
    p_ = buf_.data() + buf_.size();
    end_ = buf_.data() + buf_.capacity();
  }
  BinaryWriter(const BinaryWriter&) = delete;
  BinaryWriter& operator=(const BinaryWriter&) = delete;

  // Bytes in the buffer including those written and not yet committed.
  std::size_t size() const { return static_cast<std::size_t>(p_ - buf_.data()); }

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
    p_ = put_varint(p_, zigzag_encode(value));
  }

  void write_raw(const void* data, std::size_t n) {
    reserve(n);
    copy_bytes(p_, data, n);
    p_ += n;
  }

  // A length (zig-zag varint) followed by `n` raw bytes: strings, bytes, map keys.
  void write_long_and_raw(std::int64_t len, const void* data, std::size_t n) {
    reserve(10 + n + kShortTextSlack);
    p_ = put_varint(p_, zigzag_encode(len));
    p_ = copy_short_text(p_, data, n);
  }

  // Makes the written bytes part of the buffer.
  void commit() { buf_.set_size(size()); }

 private:
  [[gnu::noinline]] void grow(std::size_t n) {
    std::size_t used = size();
    buf_.set_size(used);  // keep the uncommitted bytes across the move
    buf_.reserve(used + n);
    p_ = buf_.data() + used;
    end_ = buf_.data() + buf_.capacity();
  }

  ByteBuffer& buf_;
  std::uint8_t* p_;
  std::uint8_t* end_;
};

}  // namespace sluice::avro::internal
