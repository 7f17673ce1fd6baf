// The low-level pieces shared by the binary decoders: the plain one (binary.cc:
// Decoder, ProgramDecoder, Skipper) and the resolving one (resolution_decoder.cc:
// PlanDecoder). Internal to the avro module.
//
// The discipline they share: the input position lives in a register and every read
// returns the position after it, or nullptr on failure; the first failure is recorded
// in a Context by a cold, out-of-line function, and each enclosing record, array or
// map adds its path segment while the stack unwinds.
//
//   Context ctx(reader, limits);
//   Read r = read_int32(ctx, ctx.begin, ctx.end, "int");
//   if (r.p == nullptr) return fail(std::move(*ctx.error));
//
// Hot readers are always inlined and take `end` (and `max_bytes`) as parameters, so a
// caller keeps them in registers instead of reloading them from the context after
// every store through a Value. Error builders are [[gnu::cold, gnu::noinline]] so that
// formatting never grows the hot loops. Nothing here allocates except on failure.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "avro/binary.h"
#include "avro/internal/varint.h"
#include "avro/schema.h"

// For record loops with threaded dispatch (each field reader ends with its own
// indirect jump to the next): g++ would merge the identical tails of the readers
// (cross-jumping) and so give them one shared jump again; clang keeps them apart.
#if defined(__GNUC__) && !defined(__clang__)
#define SLUICE_KEEP_JUMPS_APART __attribute__((optimize("no-crossjumping")))
#else
#define SLUICE_KEEP_JUMPS_APART
#endif

// The value codes the plain program (program.h) and the resolution program
// (resolution_program.h) both have: X(code) for each, for the field dispatch of both
// decoders' record().
#define SLUICE_SHARED_VALUE_CODES(X) \
  X(kNull) X(kBoolean) X(kInt) X(kLong) X(kFloat) X(kDouble) X(kString) X(kBytes) X(kFixed) \
  X(kEnum) X(kRecord) X(kArray) X(kMap)

namespace sluice::avro::internal::decoding {

using Byte = std::uint8_t;

// An empty input may have no address; decoding then runs over this one instead, as
// nullptr means failure.
inline constexpr Byte kNoInput[1] = {0};

// The state of one decode call: the input, the limits, the depth and the first error.
struct Context {
  Context(BinaryReader& in, const DecodeLimits& l)
      : begin(in.pos() != nullptr ? in.pos() : kNoInput),
        end(in.pos() != nullptr ? in.end() : kNoInput),
        begin_offset(in.offset()),
        limits(l),
        max_bytes(std::min<std::size_t>(l.max_bytes_length, kMaxValueSize)),
        max_items(std::min<std::size_t>(l.max_collection_items, kMaxValueSize)) {}

  // Value keeps sizes in 32 bits, so limits set higher still stop there.
  static constexpr std::size_t kMaxValueSize = std::numeric_limits<std::uint32_t>::max();

  const Byte* begin;
  const Byte* end;
  std::uint64_t begin_offset;  // the reader's offset() at `begin`
  const DecodeLimits& limits;
  std::size_t max_bytes;  // limits.max_bytes_length, at most kMaxValueSize
  std::size_t max_items;  // limits.max_collection_items, at most kMaxValueSize
  std::size_t depth = 0;
  std::optional<Error> error;

  // Records the first failure: `at` is the first byte of the offending item. Returns
  // nullptr, so callers can `return ctx.fail(...)`.
  [[gnu::cold, gnu::noinline]] const Byte* fail(ErrorCode code, const Byte* at,
                                                std::string message) {
    if (!error) {
      error.emplace(code, std::move(message));
      error->at_offset(begin_offset + static_cast<std::uint64_t>(at - begin));
    }
    return nullptr;
  }

  // Same, formatting the message out of line so hot callers stay small.
  template <class... Args>
  [[gnu::cold, gnu::noinline]] const Byte* failf(ErrorCode code, const Byte* at,
                                                 fmt::format_string<const Args&...> format,
                                                 const Args&... args) {
    return fail(code, at, fmt::format(format, args...));
  }

  // Path segments added while unwinding: innermost first. Each returns nullptr.
  [[gnu::cold, gnu::noinline]] const Byte* in_field(const Node& record, std::size_t i) {
    if (error) error->in(record.fields[i].name);
    return nullptr;
  }
  [[gnu::cold, gnu::noinline]] const Byte* in_name(const std::string* name) {
    if (error && name != nullptr) error->in(*name);
    return nullptr;
  }
  [[gnu::cold, gnu::noinline]] const Byte* in_item(std::size_t i) {
    if (error) error->in(fmt::format("[{}]", i));
    return nullptr;
  }
  [[gnu::cold, gnu::noinline]] const Byte* in_key(std::string_view key) {
    if (error) error->in(fmt::format("[{}]", key));
    return nullptr;
  }
};

// Counts one level of records, arrays or maps; callers check ctx.depth first.
struct DepthGuard {
  explicit DepthGuard(Context& c) : ctx(c) { ++ctx.depth; }
  ~DepthGuard() { --ctx.depth; }
  Context& ctx;
};

[[gnu::cold, gnu::noinline]] inline const Byte* too_deep(Context& ctx, const Byte* p) {
  return ctx.failf(ErrorCode::kLimitExceeded, p, "datum nests deeper than the limit max_depth={}",
                   ctx.limits.max_depth);
}

// A read: the position after it and the value read; p == nullptr (and v == 0) on
// failure, with the error in the context.
struct Read {
  const Byte* p;
  std::uint64_t v;
};

// The varint at p when fewer than ten bytes are left: checked byte by byte.
[[gnu::cold, gnu::noinline]] inline Read varint_slow(Context& ctx, const Byte* p,
                                                     const char* what) {
  const Byte* start = p;
  std::uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p >= ctx.end) {
      return {ctx.failf(ErrorCode::kTruncated, start, "input ends inside the varint of {}", what),
              0};
    }
    Byte b = *p++;
    result |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return {p, result};
  }
  return {ctx.failf(ErrorCode::kInvalidData, start, "varint of {} is longer than 10 bytes", what),
          0};
}

[[gnu::cold, gnu::noinline]] inline const Byte* varint_too_long(Context& ctx, const Byte* p,
                                                                const char* what) {
  return ctx.failf(ErrorCode::kInvalidData, p, "varint of {} is longer than 10 bytes", what);
}

// A raw (not zig-zag decoded) varint. `what` names it in errors ("varint of {what}"):
// kTruncated when the input ends inside it, kInvalidData when longer than 10 bytes.
[[gnu::always_inline]] inline Read varint(Context& ctx, const Byte* p, const Byte* end,
                                          const char* what) {
  if (p < end && *p < 0x80) [[likely]] return {p + 1, *p};
  if (end - p >= 10) [[likely]] {
    // Up to eight bytes without a branch per byte.
    const internal::WordVarint w = internal::varint_in_word(p);
    if (w.length != 0) [[likely]] return {p + w.length, w.value};
    // Nine or ten bytes, unrolled without bounds checks: ten bytes are available.
    std::uint64_t result = *p & 0x7F;
    for (int i = 1; i < 10; ++i) {
      Byte b = p[i];
      result |= static_cast<std::uint64_t>(b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) return {p + i + 1, result};
    }
    return {varint_too_long(ctx, p, what), 0};
  }
  return varint_slow(ctx, p, what);
}

// A long: a zig-zag varint. v holds the long's 64 bits. Fails as varint().
[[gnu::always_inline]] inline Read read_long(Context& ctx, const Byte* p, const Byte* end,
                                             const char* what) {
  Read r = varint(ctx, p, end, what);
  return {r.p, static_cast<std::uint64_t>(internal::zigzag_decode(r.v))};
}

[[gnu::cold, gnu::noinline]] inline const Byte* int_out_of_range(Context& ctx, const Byte* p,
                                                                 const char* what,
                                                                 std::int64_t v) {
  return ctx.failf(ErrorCode::kInvalidData, p, "{} value {} is out of the 32-bit int range", what,
                   v);
}

// An int: a zig-zag varint in the 32-bit range. v holds the int's 32 bits. Fails as
// varint(), or with kInvalidData (at p) when the value needs more than 32 bits.
[[gnu::always_inline]] inline Read read_int32(Context& ctx, const Byte* p, const Byte* end,
                                              const char* what) {
  Read r = varint(ctx, p, end, what);
  std::int64_t v = internal::zigzag_decode(r.v);  // 0 when the read failed
  if (static_cast<std::int32_t>(v) != v) [[unlikely]] return {int_out_of_range(ctx, p, what, v), 0};
  return {r.p, static_cast<std::uint32_t>(static_cast<std::int32_t>(v))};
}

// The error of a length read at p (ending at next) that read_len() rejected; `noun`
// names the value in the message ("negative {noun} length ...").
[[gnu::cold, gnu::noinline]] inline const Byte* bad_length(Context& ctx, const Byte* p,
                                                           const Byte* next, std::int64_t len,
                                                           const char* noun) {
  if (len < 0) return ctx.failf(ErrorCode::kInvalidData, p, "negative {} length {}", noun, len);
  if (static_cast<std::uint64_t>(len) > ctx.max_bytes) {
    return ctx.failf(ErrorCode::kLimitExceeded, p,
                     "{} length {} exceeds the limit max_bytes_length={}", noun, len,
                     ctx.max_bytes);
  }
  return ctx.failf(ErrorCode::kTruncated, p, "{} length {} exceeds the {} bytes left", noun, len,
                   ctx.end - next);
}

// The length of a string/bytes value (or map key), checked against the input left
// (`end`) and `max_bytes`. v is the length. `what` names the varint, `noun` the value
// in length errors: kInvalidData when negative, kLimitExceeded above max_bytes,
// kTruncated past `end`.
//
// read_len() takes lengths of one or two bytes (under 8 KiB) inline; read_len_full()
// reads longer ones, and reads the length again from p to report any failure.
[[gnu::noinline]] inline Read read_len_full(Context& ctx, const Byte* p, const Byte* end,
                                            std::size_t max_bytes, const char* what,
                                            const char* noun) {
  Read r = varint(ctx, p, end, what);
  const auto len = static_cast<std::uint64_t>(internal::zigzag_decode(r.v));
  // A failed read gives {nullptr, 0}, which passes the checks and is returned as is.
  if (len <= static_cast<std::uint64_t>(end - r.p) && len <= max_bytes) [[likely]] {
    return {r.p, len};
  }
  return {bad_length(ctx, p, r.p, static_cast<std::int64_t>(len), noun), 0};
}

[[gnu::always_inline]] inline Read read_len(Context& ctx, const Byte* p, const Byte* end,
                                            std::size_t max_bytes, const char* what,
                                            const char* noun) {
  if (p < end) [[likely]] {
    std::uint64_t raw = p[0];
    const Byte* next = p + 1;
    if (raw >= 0x80) {
      if (next == end || p[1] >= 0x80) return read_len_full(ctx, p, end, max_bytes, what, noun);
      raw = (raw & 0x7F) | (static_cast<std::uint64_t>(p[1]) << 7);
      next = p + 2;
    }
    // An even zig-zag value is a length of raw / 2; an odd one is negative.
    const std::uint64_t len = raw >> 1;
    if ((raw & 1) == 0 && len <= static_cast<std::uint64_t>(end - next) && len <= max_bytes)
        [[likely]] {
      return {next, len};
    }
  }
  return read_len_full(ctx, p, end, max_bytes, what, noun);
}

[[gnu::cold, gnu::noinline]] inline const Byte* bad_boolean(Context& ctx, const Byte* p) {
  if (p >= ctx.end) return ctx.fail(ErrorCode::kTruncated, p, "input ends before a boolean");
  return ctx.failf(ErrorCode::kInvalidData, p, "boolean byte {} is neither 0 nor 1", *p);
}

[[gnu::cold, gnu::noinline]] inline const Byte* bad_branch(Context& ctx, const Byte* p,
                                                           std::int64_t index,
                                                           std::size_t branches) {
  return ctx.failf(ErrorCode::kInvalidData, p,
                   "union branch index {} is out of range (the union has {} branches)", index,
                   branches);
}

// One block header of an array or map. `count` is the number of items (0 ends the
// collection); `block_end` is set when the writer gave the block's byte size.
struct BlockHeader {
  std::size_t count = 0;
  const Byte* block_end = nullptr;
};

// Which item limit read_block_header() checks first. kValueSize: max_collection_items
// clamped to what a Value holds (ctx.max_items), as the plain decoder does.
// kCallerFirst: the caller's max_collection_items as given, and what a Value holds only
// after the fit checks, as the resolving decoder does (so a huge limit still reports a
// count the input cannot back).
enum class ItemLimit : std::uint8_t { kValueSize, kCallerFirst };

// Reads a block header at p and checks its count against the limits and the input:
// `total` items were read before; `min_size` is the least encoded size of an item.
// Returns the position after the header, or nullptr: kInvalidData for a bad count or
// negative byte size, kTruncated when the byte size or the least size of the items
// passes the input's end, kInvalidData when the items cannot fit in the byte size,
// kLimitExceeded above the limit `kLimit` names (the message names it
// max_collection_items) or, with kCallerFirst, above what a Value holds.
//
// read_block_header() takes the common header (a one-byte count, no byte size, every
// check passing) inline and leaves everything else, errors included, to
// read_block_header_full(), which reads the header again from the same byte.
template <ItemLimit kLimit>
[[gnu::noinline]] const Byte* read_block_header_full(Context& ctx, const Byte* p,
                                                     BlockHeader& header, std::size_t total,
                                                     std::size_t min_size, Type type) {
  const Byte* start = p;
  Read r =
      read_long(ctx, p, ctx.end, type == Type::kArray ? "array block count" : "map block count");
  if (r.p == nullptr) return nullptr;
  p = r.p;
  auto count = static_cast<std::int64_t>(r.v);
  header.block_end = nullptr;
  if (count == 0) {
    header.count = 0;
    return p;
  }
  if (count < 0) {
    if (count == std::numeric_limits<std::int64_t>::min()) {
      return ctx.failf(ErrorCode::kInvalidData, start, "{} block count {} is invalid",
                       type_name(type), count);
    }
    count = -count;
    const Byte* size_at = p;
    Read size = read_long(ctx, p, ctx.end, "block byte size");
    if (size.p == nullptr) return nullptr;
    p = size.p;
    auto byte_size = static_cast<std::int64_t>(size.v);
    if (byte_size < 0) {
      return ctx.failf(ErrorCode::kInvalidData, size_at, "negative {} block byte size {}",
                       type_name(type), byte_size);
    }
    if (static_cast<std::uint64_t>(byte_size) > static_cast<std::uint64_t>(ctx.end - p)) {
      return ctx.failf(ErrorCode::kTruncated, size_at,
                       "{} block byte size {} exceeds the {} bytes left", type_name(type),
                       byte_size, ctx.end - p);
    }
    header.block_end = p + byte_size;
  }
  auto n = static_cast<std::uint64_t>(count);
  const std::size_t item_limit =
      kLimit == ItemLimit::kValueSize ? ctx.max_items : ctx.limits.max_collection_items;
  if (n > item_limit || total > item_limit - n) {
    return ctx.failf(ErrorCode::kLimitExceeded, start,
                     "{} of {} items exceeds the limit max_collection_items={}", type_name(type),
                     total + n, item_limit);
  }
  if (min_size != 0) {
    const Byte* limit = header.block_end != nullptr ? header.block_end : ctx.end;
    auto left = static_cast<std::uint64_t>(limit - p);
    if (n > left / min_size) {
      if (header.block_end != nullptr) {
        return ctx.failf(ErrorCode::kInvalidData, start,
                         "{} block of {} items cannot fit in its {} bytes", type_name(type), n,
                         left);
      }
      return ctx.failf(ErrorCode::kTruncated, start,
                       "{} block of {} items needs at least {} bytes but {} are left",
                       type_name(type), n, n * min_size, left);
    }
  }
  if (kLimit == ItemLimit::kCallerFirst && (n > ctx.max_items || total > ctx.max_items - n)) {
    return ctx.failf(ErrorCode::kLimitExceeded, start,
                     "{} of {} items exceeds the {} a value holds", type_name(type), total + n,
                     ctx.max_items);
  }
  header.count = static_cast<std::size_t>(n);
  return p;
}

template <ItemLimit kLimit>
[[gnu::always_inline]] inline const Byte* read_block_header(Context& ctx, const Byte* p,
                                                            BlockHeader& header,
                                                            std::size_t total,
                                                            std::size_t min_size, Type type) {
  // A one-byte varint with its low bit clear: a count of 0..63 items, zig-zag encoded.
  if (p < ctx.end && (*p & 0x81) == 0) [[likely]] {
    const std::size_t n = *p >> 1;
    const Byte* next = p + 1;
    const std::size_t item_limit =
        kLimit == ItemLimit::kValueSize ? ctx.max_items : ctx.limits.max_collection_items;
    // n <= 63 and min_size < 2^32: the products cannot overflow.
    if (n == 0 ||
        (n <= item_limit && total <= item_limit - n &&
         n * min_size <= static_cast<std::size_t>(ctx.end - next) &&
         (kLimit == ItemLimit::kValueSize || (n <= ctx.max_items && total <= ctx.max_items - n))))
        [[likely]] {
      header.count = n;
      header.block_end = nullptr;
      return next;
    }
  }
  return read_block_header_full<kLimit>(ctx, p, header, total, min_size, type);
}

// The error of a block whose items ended at p instead of header.block_end.
[[gnu::cold, gnu::noinline]] inline const Byte* block_size_mismatch(Context& ctx, const Byte* p,
                                                                    const BlockHeader& header,
                                                                    const Byte* items_begin,
                                                                    Type type) {
  return ctx.failf(ErrorCode::kInvalidData, items_begin,
                   "{} block byte size {} does not match the {} bytes its items use",
                   type_name(type), header.block_end - items_begin, p - items_begin);
}

}  // namespace sluice::avro::internal::decoding
