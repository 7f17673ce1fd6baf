// Run-time support for the C++ classes that `sluice avro codegen` generates.
//
// Generated code includes this header and nothing else from Sluice. It holds:
//   - CodegenError, the one exception generated classes throw (a std::runtime_error
//     whose message names the field path and byte offset);
//   - Box<T>, a value-semantics heap box that breaks recursive types;
//   - Decoder / Encoder, the bounds-checked cursor and the appender that generated
//     straight-line encode/decode code calls for each primitive (their hot paths are
//     forced inline and read/write varints of up to 8 bytes without a branch per byte);
//   - MapOverwrite, which decodes a map over a reused one keeping its nodes;
//   - the slow paths: parsing the embedded schema once, reading data written with
//     another schema through a cached ResolutionPlan, and the Avro JSON encoding.
//
//   auto bytes = event.to_avro();                       // generated member
//   auto back = MovieWatchEvent::from_avro(bytes.data(), bytes.size());
//
// Unlike the rest of Sluice, generated classes report bad input by throwing
// (their surface returns plain values); nothing here throws for valid input.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "avro/internal/binary_writer.h"
#include "avro/logical.h"
#include "avro/schema.h"

namespace sluice::avro {

// Thrown by generated classes: truncated data, a bad union index, an enum index out
// of range, trailing bytes, a value that does not fit its schema, an incompatible
// writer schema. what() is "<field path>: <reason> (at byte N)" when there is a place.
class CodegenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace gen {

// Most nested records of a recursive type decoded or encoded at once (guards the stack).
inline constexpr int kMaxDepth = 512;
// Most items in one array or entries in one map whose items may take no bytes at all
// (arrays of null): other collections are bounded by the input size.
inline constexpr std::uint64_t kMaxEmptyItems = std::uint64_t{64} << 20;

[[noreturn]] void throw_error(const char* path, std::string_view reason);
[[noreturn]] void throw_error_at(const char* path, std::string_view reason, std::uint64_t offset);
// Rethrows `inner`, thrown by the decoder of a nested record (whose message names that
// record's fields), with `path`, the field holding the record, in front:
// "a.Outer.home -> a.Address.city: truncated data ... (at byte 12)".
[[noreturn]] void rethrow_within(const char* path, const CodegenError& inner);

// A heap-allocated T with value semantics (copying copies the T; == compares the Ts).
// Breaks recursive types: a record that contains itself through a union holds a
// std::optional<Box<T>> or a Box<T> inside a std::variant. An empty Box (moved-from,
// or default-constructed, which allocates nothing) reads as a default T.
// (A raw owning pointer rather than std::unique_ptr: g++ 12 reports false
// -Wmaybe-uninitialized warnings inside unique_ptr when a std::optional<Box<T>> is
// copied; here they can be silenced at their source.)
// (clang -Weverything: the empty value a const get() of an empty box returns is a
// function-local static, destroyed at exit on purpose.)
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wexit-time-destructors"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <class T>
class Box {
 public:
  Box() = default;
  Box(T value) : p_(new T(std::move(value))) {}  // NOLINT: implicit by design
  Box(const Box& other) : p_(other.p_ != nullptr ? new T(*other.p_) : nullptr) {}
  Box(Box&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Box& operator=(const Box& other) {
    if (this != &other)
      reset(other.p_ != nullptr ? new T(*other.p_) : nullptr);
    return *this;
  }
  Box& operator=(Box&& other) noexcept {
    if (this != &other)
      reset(std::exchange(other.p_, nullptr));
    return *this;
  }
  Box& operator=(T value) {
    reset(new T(std::move(value)));
    return *this;
  }
  ~Box() { delete p_; }

  T& get() {
    if (p_ == nullptr)
      p_ = new T();
    return *p_;
  }
  const T& get() const {
    if (p_ == nullptr) {
      static const T kEmpty{};
      return kEmpty;
    }
    return *p_;
  }
  T& operator*() { return get(); }
  const T& operator*() const { return get(); }
  T* operator->() { return &get(); }
  const T* operator->() const { return &get(); }

  friend bool operator==(const Box& a, const Box& b) { return a.get() == b.get(); }

 private:
  void reset(T* p) {
    delete p_;
    p_ = p;
  }
  T* p_ = nullptr;
};
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

// "1 trailing byte after the datum", "3 trailing bytes after the datum".
inline std::string trailing_bytes_message(std::size_t count) {
  return std::to_string(count) +
         (count == 1 ? " trailing byte after the datum" : " trailing bytes after the datum");
}

// A bounds-checked cursor over one datum's bytes. Every read names the field path it
// reads for, so a failure says where: "Interop.mapField{}.label: truncated ... (at byte 9)".
class Decoder {
 public:
  Decoder(const std::uint8_t* data, std::size_t size)
      : begin_(data), p_(data), end_(data + size) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  std::uint64_t offset() const { return static_cast<std::uint64_t>(p_ - begin_); }

  // The hot reads are forced inline: generated decoders call them dozens of times in
  // one function, past the point where g++ stops inlining on its own, and a call per
  // one-byte varint costs more than the read.
  //
  // An int or long value: its length varies from datum to datum, so with 8 bytes left
  // it is read without a branch per byte (a mispredicted branch costs more than the
  // arithmetic). Up to 8 bytes (56 bits of zig-zag value) take this path.
  [[gnu::always_inline]] std::int64_t read_long(const char* path) {
    if (end_ - p_ >= 8) [[likely]] {
      WordVarint v = varint_at(p_);
      if (v.length != 0) [[likely]] {
        p_ += v.length;
        return v.value;
      }
    }
    return read_long_slow(path);
  }
  // A varint that is almost always one byte (union and enum indexes, lengths, block
  // counts): one predictable branch.
  [[gnu::always_inline]] std::int64_t read_small(const char* path) {
    if (p_ < end_ && *p_ < 0x80) [[likely]] {
      std::uint64_t b = *p_++;
      return static_cast<std::int64_t>(b >> 1) ^ -static_cast<std::int64_t>(b & 1);
    }
    return read_long_slow(path);
  }
  [[gnu::always_inline]] std::int32_t read_int(const char* path) {
    // Most ints take at most 4 bytes (28 bits of zig-zag value, always in range).
    if (end_ - p_ >= 4) [[likely]] {
      WordVarint v = varint4_at(p_);
      if (v.length != 0) [[likely]] {
        p_ += v.length;
        return static_cast<std::int32_t>(v.value);
      }
    }
    std::int64_t v = read_long(path);
    if (v < INT32_MIN || v > INT32_MAX) [[unlikely]]
      fail(path, "int out of the 32-bit range");
    return static_cast<std::int32_t>(v);
  }
  [[gnu::always_inline]] bool read_bool(const char* path) {
    if (p_ >= end_) [[unlikely]]
      fail_truncated(path);
    std::uint8_t b = *p_++;
    if (b > 1) [[unlikely]]
      fail(path, "boolean byte is neither 0 nor 1");
    return b == 1;
  }
  [[gnu::always_inline]] float read_float(const char* path) {
    float v;
    read_raw(&v, 4, path);  // little-endian hosts (x86_64, aarch64)
    return v;
  }
  [[gnu::always_inline]] double read_double(const char* path) {
    double v;
    read_raw(&v, 8, path);
    return v;
  }
// g++ 12 can misattribute the destination of this copy when it is inlined into the
// decoding of a record held in an optional (a fixed field "written into" the string
// before it: a -Wstringop-overflow false positive), which would fail a user's -Werror
// build of a generated header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
  [[gnu::always_inline]] void read_raw(void* out, std::size_t n, const char* path) {
    if (remaining() < n) [[unlikely]]
      fail_truncated(path);
    std::memcpy(out, p_, n);
    p_ += n;
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  // A length-prefixed string or bytes value, returned as a view into the input.
  [[gnu::always_inline]] std::string_view read_view(const char* path) {
    // A length under 64 is the single byte 2n: one mask test for the continuation
    // bit and the sign.
    if (p_ < end_ && (*p_ & 0x81) == 0) [[likely]] {
      std::size_t n = *p_ >> 1;
      if (n < static_cast<std::size_t>(end_ - p_)) [[likely]] {
        std::string_view v(reinterpret_cast<const char*>(p_ + 1), n);
        p_ += n + 1;
        return v;
      }
    }
    std::int64_t n = read_small(path);
    if (n < 0 || static_cast<std::uint64_t>(n) > remaining()) [[unlikely]]
      fail_length(path, n);
    std::string_view v(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
    p_ += n;
    return v;
  }
  // Reuses `out`'s storage: a value that fits the string's capacity is copied in place
  // after a resize that cannot allocate, without a call into std::string's general
  // replace (which cost 8% of a movie-watch decode into a reused struct).
  [[gnu::always_inline]] void read_string(std::string& out, const char* path) {
    std::string_view v = read_view(path);
    if (v.size() <= out.capacity()) {
      out.resize(v.size());
      // The input is the datum's bytes and `out` a field being decoded: they do not
      // overlap (decoding a value from bytes held by that same value is not supported).
      // By length class rather than copy_bytes: exactly n bytes may be written, and
      // rep movsb's start-up cost more here (measured 2% slower on the same workload).
      internal::copy_bytes_by_length_class(reinterpret_cast<std::uint8_t*>(out.data()), v.data(),
                                           v.size());
    } else {
      out.assign(v.data(), v.size());
    }
  }
  // A length-prefixed bytes value as a view into the input.
  [[gnu::always_inline]] std::span<const std::uint8_t> read_bytes_view(const char* path) {
    std::string_view v = read_view(path);
    return {reinterpret_cast<const std::uint8_t*>(v.data()), v.size()};
  }
  void read_bytes(std::vector<std::uint8_t>& out, const char* path) {
    std::string_view v = read_view(path);
    out.assign(reinterpret_cast<const std::uint8_t*>(v.data()),
               reinterpret_cast<const std::uint8_t*>(v.data()) + v.size());
  }
  // A union branch index, checked against the number of branches.
  [[gnu::always_inline]] std::size_t read_branch(std::size_t branches, const char* path) {
    // An index i < 64 is the single byte 2i. With a power-of-two count of branches
    // (the optionals' 2) one mask test covers the continuation bit, the sign and the
    // range.
    if (branches <= 64 && p_ < end_) [[likely]] {
      std::size_t b = *p_;
      bool pow2 = (branches & (branches - 1)) == 0;
      if (pow2 ? (b & ~(2 * branches - 2)) == 0 : b < 2 * branches && (b & 1) == 0) [[likely]] {
        ++p_;
        return b >> 1;
      }
    }
    std::int64_t i = read_small(path);
    if (i < 0 || static_cast<std::uint64_t>(i) >= branches) [[unlikely]]
      fail_index(path, "union index", i, branches);
    return static_cast<std::size_t>(i);
  }
  // ---- Optionals: a union of null and one scalar ([null, T] or [T, null]; the
  // scalar's branch is `value_branch`, 0 or 1), its index and value read together:
  // the same value, errors and offsets as
  //   if (read_branch(2, path) == value_branch) out.emplace(read_T(path)); else out.reset();
  // which is what runs (out of line) when the fast path does not apply: an index or
  // length not in its one-byte form, a varint longer than the bytes loaded, a bad
  // value. The fast path takes one bounds check for the longest value it reads (a
  // string under 64 bytes, an 8-byte varint) and then tests the index and the start
  // of the value in one word, null included; near the end of the input the same
  // tests run with exact bounds (read_optional_near_end). (It branches on whether the
  // value is null: a branch-free form, tried, keeps the next field's position waiting
  // on the index byte's load even when the branch would have been predicted, and ran
  // no faster.)
  [[gnu::always_inline]] void read_optional(std::optional<std::string_view>& out,
                                            std::size_t value_branch, const char* path) {
    // The index byte, a length byte 2n with n < 64 and n bytes: 65 at most.
    if (end_ - p_ >= 65) [[likely]] {
      const std::size_t w = load_u16(p_);
      // The index byte equal to the value's, and the length byte's continuation and
      // sign bits clear.
      if ((w & 0x81FF) == 2 * value_branch) [[likely]] {
        const std::size_t n = w >> 9;
        out.emplace(reinterpret_cast<const char*>(p_ + 2), n);
        p_ += n + 2;
        return;
      }
      read_null_at(w & 0xFF, out, value_branch, path);
      return;
    }
    read_optional_near_end(out, value_branch, path);
  }
  [[gnu::always_inline]] void read_optional(std::optional<std::int32_t>& out,
                                            std::size_t value_branch, const char* path) {
    read_optional_varint(out, value_branch, path);
  }
  [[gnu::always_inline]] void read_optional(std::optional<std::int64_t>& out,
                                            std::size_t value_branch, const char* path) {
    read_optional_varint(out, value_branch, path);
  }
  [[gnu::always_inline]] void read_optional(std::optional<bool>& out, std::size_t value_branch,
                                            const char* path) {
    if (end_ - p_ >= 2) [[likely]] {
      const std::size_t w = load_u16(p_);
      // The index byte equal to the value's, and the value byte 0 or 1.
      if ((w & 0xFEFF) == 2 * value_branch) [[likely]] {
        out.emplace(w > 0xFF);
        p_ += 2;
        return;
      }
      read_null_at(w & 0xFF, out, value_branch, path);
      return;
    }
    read_null_or_slow(out, value_branch, path);
  }

  // An enum symbol index, checked against the number of symbols.
  [[gnu::always_inline]] std::int32_t read_enum(std::size_t symbols, const char* path) {
    std::int64_t i = read_small(path);
    if (i < 0 || static_cast<std::uint64_t>(i) >= symbols) [[unlikely]]
      fail_index(path, "enum index", i, symbols);
    return static_cast<std::int32_t>(i);
  }
  // The item count of the next array or map block (0 ends the collection). A negative
  // count is followed by the block's byte size, which is read and ignored. `total`
  // accumulates the collection's items: items that take at least one byte are bounded
  // by the input left; items that may take none by kMaxEmptyItems.
  [[gnu::always_inline]] std::size_t read_block(bool items_may_be_empty, std::uint64_t& total, const char* path) {
    std::int64_t n = read_small(path);
    if (n == 0)
      return 0;
    if (n < 0) {
      if (n == INT64_MIN) [[unlikely]]
        fail(path, "block count out of range");
      n = -n;
      if (read_long(path) < 0) [[unlikely]]
        fail(path, "negative block byte size");
    }
    // n > 0 here, and at most the input left (or kMaxEmptyItems) once checked: it fits
    // a size_t. (No cast to size_t: on 64-bit hosts it is a cast to the same type, which
    // fails a user's -Wuseless-cast -Werror build.)
    std::uint64_t count = std::uint64_t(n);
    total += count;
    if (items_may_be_empty ? total > kMaxEmptyItems : count > remaining()) [[unlikely]]
      fail_count(path, count);
    return count;
  }
  // Fails unless every byte was consumed.
  void expect_end(const char* path) {
    if (p_ != end_) [[unlikely]]
      fail(path, trailing_bytes_message(remaining()));
  }

  // Counts nesting of recursive records (see DepthGuard).
  int depth = 0;

  // The failures pass the cursor by value to the out-of-line code that throws, as
  // read_long_slow does: a Decoder that generated code copies into a local variable
  // (see the generated decode_avro) then never has its address taken, so g++ keeps
  // its cursor in a register instead of reloading it after every store into the
  // record being decoded (a string_view's bytes may alias anything).
  [[noreturn, gnu::always_inline]] void fail(const char* path, std::string_view reason) const {
    throw_error_at(path, reason, offset());
  }
  [[noreturn, gnu::always_inline]] void fail_truncated(const char* path) const {
    fail_truncated_at(path, offset());
  }

 private:
  // The zig-zag varint at `p`, which has 8 bytes readable, when it ends within them
  // (length 0 otherwise): read without a branch per byte.
  struct WordVarint {
    std::int64_t value;
    int length;  // in bytes; 0 when the varint is longer than 8 bytes
  };
  [[gnu::always_inline]] static WordVarint varint_at(const std::uint8_t* p) {
    const internal::WordVarint w = internal::varint_in_word(p);
    return {internal::zigzag_decode(w.value), w.length};
  }
  // The zig-zag varint at `p`, which has 4 bytes readable, when it ends within them
  // (length 0 otherwise): the common int, with half the arithmetic of varint_at and
  // its value always in the int range (at most 28 bits). The mask of the varint's
  // bits is the bits up to its first stop bit (s ^ (s - 1)).
  [[gnu::always_inline]] static WordVarint varint4_at(const std::uint8_t* p) {
    std::uint32_t word;
    std::memcpy(&word, p, 4);  // little-endian hosts only (x86_64, aarch64)
    const std::uint32_t stops = ~word & 0x80808080u;
    if (stops == 0)
      return {0, 0};
    std::uint32_t x = word & (stops ^ (stops - 1)) & 0x7F7F7F7Fu;
    x = (x & 0x007F007Fu) | ((x & 0x7F007F00u) >> 1);
    x = (x & 0x00003FFFu) | ((x & 0x3FFF0000u) >> 2);
    return {internal::zigzag_decode(x), (__builtin_ctz(stops) >> 3) + 1};
  }
  // read_optional of an int or a long: the varint from the 8 bytes after the index
  // (an int's from the 4 after it when it ends there).
  template <class Int>
  [[gnu::always_inline]] void read_optional_varint(std::optional<Int>& out,
                                                   std::size_t value_branch, const char* path) {
    if (end_ - p_ >= 9) [[likely]] {
      const std::uint8_t index = *p_;
      if (index == 2 * value_branch) [[likely]] {
        if constexpr (sizeof(Int) < sizeof(std::int64_t)) {
          WordVarint v4 = varint4_at(p_ + 1);
          if (v4.length != 0) [[likely]] {
            out.emplace(static_cast<Int>(v4.value));
            p_ += v4.length + 1;
            return;
          }
        }
        WordVarint v = varint_at(p_ + 1);
        bool fits = true;
        if constexpr (sizeof(Int) < sizeof(std::int64_t))
          fits = v.value >= INT32_MIN && v.value <= INT32_MAX;
        if (v.length != 0 && fits) [[likely]] {
          out.emplace(static_cast<Int>(v.value));
          p_ += v.length + 1;
          return;
        }
        p_ = read_optional_slow(*this, out, value_branch, path);
        return;
      }
      read_null_at(index, out, value_branch, path);
      return;
    }
    read_null_or_slow(out, value_branch, path);
  }
  // read_optional of a string with fewer than 65 bytes left: the fast path's tests
  // with exact bounds.
  [[gnu::always_inline]] void read_optional_near_end(std::optional<std::string_view>& out,
                                                     std::size_t value_branch,
                                                     const char* path) {
    if (end_ - p_ >= 2) [[likely]] {
      std::size_t len = p_[1];  // the length byte 2n of a string under 64 bytes
      if (p_[0] == 2 * value_branch && (len & 0x81) == 0 && (len >> 1) + 2 <= remaining())
          [[likely]] {
        out.emplace(reinterpret_cast<const char*>(p_ + 2), len >> 1);
        p_ += (len >> 1) + 2;
        return;
      }
    }
    read_null_or_slow(out, value_branch, path);
  }
  [[gnu::always_inline]] static std::uint16_t load_u16(const std::uint8_t* p) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);  // little-endian hosts: p[0] in the low byte
    return w;
  }
  // The rest of a read_optional whose index byte (`index`, read with enough bytes left
  // for the value) is not the value's: a null, or else the general reads.
  template <class T>
  [[gnu::always_inline]] void read_null_at(std::size_t index, std::optional<T>& out,
                                           std::size_t value_branch, const char* path) {
    if (index == 2 - 2 * value_branch) [[likely]] {
      clear(out);
      ++p_;
      return;
    }
    p_ = read_optional_slow(*this, out, value_branch, path);
  }
  // The rest of a read_optional when its fast path for a value did not apply: the
  // null's one-byte index, or else the general reads.
  template <class T>
  [[gnu::always_inline]] void read_null_or_slow(std::optional<T>& out, std::size_t value_branch,
                                                const char* path) {
    if (p_ < end_) [[likely]] {
      read_null_at(*p_, out, value_branch, path);
      return;
    }
    p_ = read_optional_slow(*this, out, value_branch, path);
  }
  // An optional as read_optional's contract states, through the general reads; returns
  // the position after it. `in` is a copy (the caller's cursor stays in a register).
  template <class T>
  [[gnu::noinline]] static const std::uint8_t* read_optional_slow(Decoder in,
                                                                  std::optional<T>& out,
                                                                  std::size_t value_branch,
                                                                  const char* path) {
    if (in.read_branch(2, path) != value_branch) {
      out.reset();
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      out.emplace(in.read_view(path));
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
      out.emplace(in.read_int(path));
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      out.emplace(in.read_long(path));
    } else {
      static_assert(std::is_same_v<T, bool>);
      out.emplace(in.read_bool(path));
    }
    return in.p_;
  }

  // Empties `out` with one store (reset() tests the flag first: one more branch on
  // whether the previous datum's value was null).
  template <class T>
  [[gnu::always_inline]] static void clear(std::optional<T>& out) {
    out = std::optional<T>();
  }

  // A varint's value and the position after it.
  struct Varint {
    std::int64_t value;
    const std::uint8_t* next;
  };
  [[gnu::always_inline]] std::int64_t read_long_slow(const char* path) {
    Varint v = read_varint_slow(begin_, p_, end_, path);
    p_ = v.next;
    return v.value;
  }
  [[gnu::noinline]] static Varint read_varint_slow(const std::uint8_t* begin,
                                                   const std::uint8_t* p,
                                                   const std::uint8_t* end, const char* path);
  [[noreturn, gnu::always_inline]] void fail_length(const char* path, std::int64_t n) const {
    fail_length_at(path, n, offset(), remaining());
  }
  [[noreturn, gnu::always_inline]] void fail_index(const char* path, const char* what,
                                                   std::int64_t i, std::size_t n) const {
    fail_index_at(path, what, i, n, offset());
  }
  [[noreturn, gnu::always_inline]] void fail_count(const char* path, std::uint64_t count) const {
    fail_count_at(path, count, offset(), remaining());
  }
  [[noreturn]] static void fail_truncated_at(const char* path, std::uint64_t offset);
  [[noreturn]] static void fail_length_at(const char* path, std::int64_t n, std::uint64_t offset,
                                          std::size_t remaining);
  [[noreturn]] static void fail_index_at(const char* path, const char* what, std::int64_t i,
                                         std::size_t n, std::uint64_t offset);
  [[noreturn]] static void fail_count_at(const char* path, std::uint64_t count,
                                         std::uint64_t offset, std::size_t remaining);

  const std::uint8_t* begin_;
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

// A byte buffer whose growth leaves the new bytes uninitialised (what the generic
// BinaryEncoder writes into): bytes [0, size()) are valid; clear() keeps the capacity.
using OutputBuffer = internal::ByteBuffer;

// Appends the Avro binary encoding onto a vector or an OutputBuffer, writing through a
// raw pointer; finish() sets the target's size to what was written (REQUIRED).
// A vector grows in chunks that resize() zero-fills (std::vector has no uninitialised
// resize), so the steps are bounded (see grow()): appending to a large buffer neither
// copies nor fills all of it. An OutputBuffer grows without filling: the target for
// long runs of records (each byte is then written once, not zeroed first).
class Encoder {
 public:
  explicit Encoder(std::vector<std::uint8_t>& out, std::size_t slack = 128)
      : vec_(&out), base_(out.size()) {
    std::size_t used = out.size();
    out.resize(used + slack);
    p_ = out.data() + used;
    end_ = out.data() + out.size();
  }
  explicit Encoder(OutputBuffer& out, std::size_t slack = 128) : buf_(&out) {
    out.reserve(out.size() + slack);
    p_ = out.data() + out.size();
    end_ = out.data() + out.capacity();
  }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Hot writes are forced inline, as the Decoder's reads are.
  [[gnu::always_inline]] void write_long(std::int64_t value) {
    reserve(10);
    p_ = put_varint(p_, value);
  }
  [[gnu::always_inline]] void write_int(std::int32_t value) { write_long(value); }
  [[gnu::always_inline]] void write_bool(bool value) {
    reserve(1);
    p_ = put_bool(p_, value);
  }
  [[gnu::always_inline]] void write_float(float value) { write_raw(&value, 4); }
  [[gnu::always_inline]] void write_double(double value) { write_raw(&value, 8); }
  [[gnu::always_inline]] void write_raw(const void* data, std::size_t n) {
    reserve(n);
    p_ = put_raw(p_, data, n);
  }
  // The length and the bytes with one room check.
  [[gnu::always_inline]] void write_string(std::string_view s) {
    reserve(10 + s.size() + internal::kShortTextSlack);
    p_ = put_string(p_, s);
  }
  // A bytes value: a std::vector<std::uint8_t> or a view's span.
  void write_bytes(std::span<const std::uint8_t> b) {
    write_string(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
  // An enum index; fails when `value` is not one of the `symbols` enumerators.
  [[gnu::always_inline]] void write_enum(std::int32_t value, std::size_t symbols,
                                         const char* path) {
    reserve(10);
    p_ = put_enum(p_, value, symbols, path);
  }

  // ---- Runs of writes with one room check (what generated encoders use between
  // nested records and collections):
  //
  //   std::uint8_t* at = out.room(10 + name.size() + 10);
  //   at = Encoder::put_string(at, name);
  //   at = Encoder::put_varint(at, count);
  //   out.set_cursor(at);
  //
  // room(n) returns the write position with at least n bytes of room after it; the
  // put_* functions write at a position (each needs room for what it writes: 10 bytes
  // for a varint or enum, 10 + size for a string or bytes) and return the end;
  // set_cursor() hands the end back before any other use of the encoder. The cursor
  // is a local variable so that it stays in a register: written bytes may alias p_
  // (std::uint8_t is a character type), which would reload it after every byte.
  //
  // room() and write_string() reserve internal::kShortTextSlack bytes beyond what they
  // are asked for: put_text copies short strings with fixed-size moves that may write
  // that far past the string's end (the bytes are overwritten by what follows, or lie
  // past the end of the output).
  [[gnu::always_inline]] std::uint8_t* room(std::size_t n) {
    reserve(n + internal::kShortTextSlack);
    return p_;
  }
  [[gnu::always_inline]] void set_cursor(std::uint8_t* at) { p_ = at; }

  // A zig-zag varint, written as the generic encoder writes int and long values
  // (internal::put_varint_any: no branch on the value below 2^56).
  [[gnu::always_inline]] static std::uint8_t* put_varint(std::uint8_t* p, std::int64_t value) {
    return internal::put_varint_any(p, internal::zigzag_encode(value));
  }
  [[gnu::always_inline]] static std::uint8_t* put_bool(std::uint8_t* p, bool value) {
    *p = value ? 1 : 0;
    return p + 1;
  }
  [[gnu::always_inline]] static std::uint8_t* put_raw(std::uint8_t* p, const void* data,
                                                      std::size_t n) {
    internal::copy_bytes_by_length_class(p, data, n);
    return p + n;
  }
  // Strings and bytes copy as the generic BinaryEncoder copies them: their lengths vary
  // from value to value, so a copy that branches on the length class mispredicts on
  // about every other string; up to 32 bytes are two 16-byte moves whatever the length
  // (internal::copy_short_text; `p` needs internal::kShortTextSlack bytes of room past
  // the n, which room() and write_string() reserve). Fixed-size writes keep put_raw.
  [[gnu::always_inline]] static std::uint8_t* put_text(std::uint8_t* p, const void* data,
                                                       std::size_t n) {
    return internal::copy_short_text(p, data, n);
  }
  [[gnu::always_inline]] static std::uint8_t* put_float(std::uint8_t* p, float value) {
    return put_raw(p, &value, 4);  // little-endian hosts
  }
  [[gnu::always_inline]] static std::uint8_t* put_double(std::uint8_t* p, double value) {
    return put_raw(p, &value, 8);
  }
  [[gnu::always_inline]] static std::uint8_t* put_string(std::uint8_t* p, std::string_view s) {
    std::uint64_t len = std::uint64_t{s.size()} << 1;  // zig-zag of a size
    if (len < 0x80) [[likely]]
      *p++ = static_cast<std::uint8_t>(len);  // lengths under 64: one byte, predictably
    else
      p = put_varint(p, static_cast<std::int64_t>(s.size()));
    return put_text(p, s.data(), s.size());
  }
  [[gnu::always_inline]] static std::uint8_t* put_bytes(std::uint8_t* p,
                                                        std::span<const std::uint8_t> b) {
    return put_string(p, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
  // Fails (throws) when `value` is not one of the `symbols` enumerators.
  [[gnu::always_inline]] static std::uint8_t* put_enum(std::uint8_t* p, std::int32_t value,
                                                       std::size_t symbols, const char* path) {
    if (value < 0 || static_cast<std::size_t>(value) >= symbols) [[unlikely]]
      throw_error(path, "enum value out of range");
    return put_varint(p, value);
  }

  void finish() {
    if (vec_ != nullptr)
      vec_->resize(static_cast<std::size_t>(p_ - vec_->data()));
    else
      buf_->set_size(static_cast<std::size_t>(p_ - buf_->data()));
    p_ = end_ = nullptr;
  }

  // Counts nesting of recursive records (see DepthGuard).
  int depth = 0;

 private:
  [[gnu::always_inline]] void reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) [[unlikely]]
      grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n);

  // Exactly one target is set.
  std::vector<std::uint8_t>* vec_ = nullptr;
  OutputBuffer* buf_ = nullptr;
  std::size_t base_ = 0;  // vec_->size() when this encoder started (growth is relative to it)
  std::uint8_t* p_;
  std::uint8_t* end_;
};

// Makes room for `count` items, growing geometrically (many small blocks stay linear).
template <class Vector>
void reserve_for(Vector& v, std::size_t count) {
  if (v.capacity() < count)
    v.reserve(count < 2 * v.capacity() ? 2 * v.capacity() : count);
}

// Makes `v` hold at least `count` items, the new ones value-initialised (resize grows
// the capacity geometrically). View decoders size their vectors so per block of items
// and then decode over v[i]: an item already there is reused, as before.
template <class Vector>
[[gnu::always_inline]] inline void size_at_least(Vector& v, std::size_t count) {
  if (v.size() < count)
    v.resize(count);
}

// Decodes a map over the one already in a reused object, keeping its nodes (keys,
// values and their storage) for the new entries:
//
//   MapOverwrite<std::map<std::string, double>> w(m);
//   for each entry: { std::string_view key = ...; decode into w.entry(key); }
//   w.finish();                                  // drops the old entries not decoded
//
// While the keys arrive in the map's own iteration order (what encoding a std::map
// writes), each key is compared with the next old entry and, when equal, that entry
// is decoded over in place: no node moves, no tree rebalancing. At the first other
// key the old entries not yet matched are set aside as spare nodes and later keys
// are inserted, in spare nodes first. A repeated key keeps its last value, as in the
// generic decoder. entry() returns the value to decode over (a fresh node's is
// value-initialised; a reused one's holds an old value, which decoding replaces).
template <class Map>
class MapOverwrite {
 public:
  explicit MapOverwrite(Map& map) : map_(map), next_(map.begin()) {}
  MapOverwrite(const MapOverwrite&) = delete;
  MapOverwrite& operator=(const MapOverwrite&) = delete;

  typename Map::mapped_type& entry(std::string_view key) {
    if (!scattered_) [[likely]] {
      if (next_ != map_.end() && next_->first == key) [[likely]]
        return (next_++)->second;
      scatter();
    }
    if (!spare_.empty()) {
      typename Map::node_type node = std::move(spare_.back());
      spare_.pop_back();
      node.key().assign(key.data(), key.size());
      return map_.insert(std::move(node)).position->second;
    }
    return map_.try_emplace(std::string(key)).first->second;
  }

  // Removes the old entries that no decoded key matched.
  void finish() {
    if (!scattered_)
      map_.erase(next_, map_.end());
  }

 private:
  void scatter() {
    scattered_ = true;
    while (next_ != map_.end())
      spare_.push_back(map_.extract(next_++));
  }

  Map& map_;
  typename Map::iterator next_;  // the first old entry not matched yet (in order)
  bool scattered_ = false;
  std::vector<typename Map::node_type> spare_;
};

// Bounds the nesting of recursive records while decoding or encoding.
template <class Coder>
class DepthGuard {
 public:
  DepthGuard(Coder& coder, const char* path) : coder_(coder) {
    if (++coder_.depth > kMaxDepth) [[unlikely]]
      throw_error(path, "records nested deeper than 512 levels");
  }
  ~DepthGuard() { --coder_.depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Coder& coder_;
};
template <class Coder>
DepthGuard(Coder&, const char*) -> DepthGuard<Coder>;  // deduced on purpose

// ---- Logical types (each fails with CodegenError naming `path`).

// decimal on bytes: the unscaled big-endian two's complement, at the schema's scale.
// A value with more digits than the schema's precision (precision <= 0: no limit) is
// refused when read, as when written: what a class decodes it can encode again.
Decimal read_decimal(Decoder& in, int precision, int scale, const char* path);
void write_decimal(Encoder& out, const Decimal& value, int precision, int scale,
                   const char* path);
// decimal on fixed(size): the unscaled integer sign-extended to `size` bytes.
Decimal read_decimal_fixed(Decoder& in, std::size_t size, int precision, int scale,
                           const char* path);
void write_decimal_fixed(Encoder& out, const Decimal& value, std::size_t size, int precision,
                         int scale, const char* path);
// big-decimal on bytes: the scale travels in the value.
Decimal read_big_decimal(Decoder& in, const char* path);
void write_big_decimal(Encoder& out, const Decimal& value);
// uuid on string: the 8-4-4-4-12 text; on fixed(16): the 16 bytes.
Uuid read_uuid_string(Decoder& in, const char* path);
void write_uuid_string(Encoder& out, const Uuid& value);
// duration on fixed(12): months, days, millis as little-endian uint32.
Duration read_duration(Decoder& in, const char* path);
void write_duration(Encoder& out, const Duration& value);
// A date's day count, checked against the int range.
std::int32_t date_days(std::chrono::sys_days date, const char* path);
// For default member initializers.
Uuid parse_uuid(std::string_view text);
Decimal make_decimal(std::vector<std::uint8_t> unscaled, int scale);
Decimal make_big_decimal(std::vector<std::uint8_t> encoded);

// ---- Slow paths shared by every generated record.

// Parses a generated class's embedded schema (once per class, cached by the caller).
SchemaPtr parse_schema(std::string_view json);

// Reads one datum written with `writer_schema_json` as `reader` (the generated
// class's schema) and returns it re-encoded in the reader's binary encoding, ready for
// the generated decoder. Returns nullopt when the writer schema has the reader's
// canonical form (the bytes can be decoded directly). Resolution plans are compiled
// once per (reader, writer text) and cached for the life of the process; the cache
// is thread-safe. Fails (throws) on an unparsable or incompatible writer schema, on
// bad data and on trailing bytes.
std::optional<std::vector<std::uint8_t>> resolve(const SchemaPtr& reader,
                                                 const std::uint8_t* data, std::size_t size,
                                                 std::string_view writer_schema_json);

// Rethrows `error`, which decoding the datum `data`/`size` of `schema` (a generated
// class's) into a record that reaches a recursive type has thrown, with the field path
// from the root record added: a recursive record's decoder names only its own fields
// ("a.Node.children[]"), since carrying the nesting through every level would cost
// the hot path. The path comes from decoding the same bytes again with the generic
// decoder (cold path only); when that one does not fail in the same field, `error` is
// rethrown as it is.
[[noreturn]] void rethrow_with_root_path(const SchemaPtr& schema, const std::uint8_t* data,
                                         std::size_t size, const CodegenError& error);

// The Avro JSON encoding (as avro::encode_json writes it) of one datum of `schema`
// given in its binary encoding.
std::string binary_to_json(const SchemaPtr& schema, const std::vector<std::uint8_t>& bytes);

// The binary encoding of one datum of `schema` given in the Avro JSON encoding (as
// avro::decode_json reads it: unions as {"branch": value}, bytes as ISO-8859-1
// strings). Fails (throws) naming the field path of the first value that does not fit.
std::vector<std::uint8_t> json_to_binary(const SchemaPtr& schema, std::string_view json);

}  // namespace gen
}  // namespace sluice::avro
