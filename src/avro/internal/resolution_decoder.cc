// The interpreter of resolution programs (resolution_program.h).
//
// The plain decoder's discipline (binary.cc, ProgramDecoder): the input position lives
// in a register and is returned by every step (nullptr on failure); values are written
// member by member; every error is built by a cold function, and the path is prepended
// while the stack unwinds.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "avro/internal/decode_primitives.h"
#include "avro/internal/resolution_program.h"
#include "avro/internal/value_access.h"
#include "avro/internal/varint.h"

namespace sluice::avro::internal::resolution {
namespace {

using internal::ValueAccess;
// The primitives shared with the other decoder (internal/decode_primitives.h).
using namespace internal::decoding;


[[gnu::cold, gnu::noinline]] const Byte* bad_enum(Context& ctx, const Byte* p,
                                                  const Step& s, std::uint64_t index) {
  return ctx.failf(ErrorCode::kInvalidData, p, "enum {} index {} is out of range (it has {} symbols)",
                   s.writer->fullname, static_cast<std::int32_t>(index), s.b);
}

[[gnu::cold, gnu::noinline]] const Byte* unknown_symbol(Context& ctx, const Byte* p,
                                                        const Step& s, std::uint64_t index) {
  return ctx.failf(ErrorCode::kIncompatible, p,
                   "writer enum symbol '{}' not in reader and reader has no default",
                   s.writer->symbols[static_cast<std::size_t>(index)]);
}

[[gnu::cold, gnu::noinline]] const Byte* short_input(Context& ctx, const Byte* p, Type type,
                                                     std::size_t n) {
  switch (type) {
    case Type::kFloat:
    case Type::kDouble:
      return ctx.failf(ErrorCode::kTruncated, p, "{} needs {} bytes but {} are left",
                       type_name(type), n, ctx.end - p);
    default:
      return ctx.failf(ErrorCode::kTruncated, p, "fixed needs {} bytes but {} are left", n,
                       ctx.end - p);
  }
}

[[gnu::cold, gnu::noinline]] const Byte* invalid_step(Context& ctx, const Byte* p) {
  return ctx.fail(ErrorCode::kInternal, p, "invalid resolution step");
}

template <class T>
std::uint64_t bits_of(T v) {
  if constexpr (sizeof(T) == 4) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &v, 4);
    return bits;
  } else {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, 8);
    return bits;
  }
}

// Optimised builds inline the value readers into every loop. Unoptimised (sanitizer)
// builds keep them out of line instead: inlined there, each would keep its own stack
// slots in the frame of record(), and deep data must meet max_depth before the stack
// ends.
#if defined(__OPTIMIZE__)
#define SLUICE_PLAN_INLINE [[gnu::always_inline]] inline
#else
#define SLUICE_PLAN_INLINE [[gnu::noinline]]
#endif

struct PlanDecoder {
  Context ctx;
  Arena& arena;
  const Program& program;
  const Step* steps;
  const Value* defaults;
  const std::int32_t* enum_maps;
  Value scratch;  // the `out` of skip steps in a record without reader fields

  PlanDecoder(BinaryReader& in, const DecodeLimits& limits, Arena& a, const Program& p)
      : ctx(in, limits),
        arena(a),
        program(p),
        steps(p.steps.data()),
        defaults(p.defaults.data()),
        enum_maps(p.enum_maps.data()) {}

  // One value of step `s` at p. Returns the position after it, or nullptr.
  SLUICE_PLAN_INLINE const Byte* step(const Step& s, const Byte* p, const Byte* end,
                                      std::size_t max_bytes, Value& out);
  template <std::uint8_t kCode>
  SLUICE_PLAN_INLINE const Byte* value(const Step& s, const Byte* p, const Byte* end,
                                       std::size_t max_bytes, Value& out);
  template <std::uint8_t kCode>
  SLUICE_PLAN_INLINE const Byte* optional(const Step& s, const Byte* p, const Byte* end,
                                          std::size_t max_bytes, Value& out);
  [[gnu::noinline]] const Byte* step_outline(const Step& s, const Byte* p, Value& out) {
    return step(s, p, ctx.end, ctx.max_bytes, out);
  }
  [[gnu::noinline]] const Byte* optional_slow(const Step& s, const Byte* p, Value& out);
  const Byte* record(const Step& s, const Byte* p, Value& out);
  const Byte* array(const Step& s, const Byte* p, Value& out);
  const Byte* map(const Step& s, const Byte* p, Value& out);
  const Byte* union_value(const Step& s, const Byte* p, Value& out);
  const Byte* skip(const Step& s, const Byte* p);
  const Byte* skip_collection(const Step& s, const Byte* p, Type type);
};

template <std::uint8_t kCode>
const Byte* PlanDecoder::value(const Step& s, const Byte* p, const Byte* end,
                                      std::size_t max_bytes, Value& out) {
  if constexpr (kCode == kNull) {
    ValueAccess::set(out, s.node, Type::kNull, s.branch, 0, 0);
    return p;
  } else if constexpr (kCode == kBoolean) {
    if (p >= end || *p > 1) [[unlikely]] return bad_boolean(ctx, p);
    ValueAccess::set(out, s.node, Type::kBoolean, s.branch, 0, *p);
    return p + 1;
  } else if constexpr (kCode == kInt) {
    Read r = read_int32(ctx, p, end, "int");
    ValueAccess::set(out, s.node, Type::kInt, s.branch, 0, r.v);
    return r.p;
  } else if constexpr (kCode == kLong) {
    Read r = read_long(ctx, p, end, "long");
    ValueAccess::set(out, s.node, Type::kLong, s.branch, 0, r.v);
    return r.p;
  } else if constexpr (kCode == kFloat || kCode == kDouble) {
    constexpr std::size_t n = kCode == kFloat ? 4 : 8;
    constexpr Type type = kCode == kFloat ? Type::kFloat : Type::kDouble;
    if (end - p < static_cast<std::ptrdiff_t>(n)) [[unlikely]] return short_input(ctx, p, type, n);
    std::uint64_t bits = 0;
    std::memcpy(&bits, p, n);  // little-endian hosts only (x86_64, aarch64)
    ValueAccess::set(out, s.node, type, s.branch, 0, bits);
    return p + n;
  } else if constexpr (kCode == kString || kCode == kBytes) {
    constexpr Type type = kCode == kString ? Type::kString : Type::kBytes;
    Read r = internal::decoding::read_len(ctx, p, end, max_bytes,
                                          kCode == kString ? "string length" : "bytes length",
                                          kCode == kString ? "string" : "bytes");
    if (r.p == nullptr) [[unlikely]] return nullptr;
    ValueAccess::set(out, s.node, type, s.branch, static_cast<std::uint32_t>(r.v),
                     ValueAccess::pointer_bits(r.p));
    return r.p + r.v;
  } else if constexpr (kCode == kFixed) {
    const std::size_t n = s.a;
    if (static_cast<std::size_t>(end - p) < n) [[unlikely]]
      return short_input(ctx, p, Type::kFixed, s.node->fixed_size);  // s.a is capped at 2^32-1
    ValueAccess::set(out, s.node, Type::kFixed, s.branch, s.a, ValueAccess::pointer_bits(p));
    return p + n;
  } else if constexpr (kCode == kEnum) {
    Read r = read_int32(ctx, p, end, "enum index");
    if (r.p == nullptr) [[unlikely]] return nullptr;
    if (r.v >= s.b) [[unlikely]] return bad_enum(ctx, p, s, r.v);
    std::int32_t mapped = enum_maps[s.a + r.v];
    if (mapped < 0) [[unlikely]] return unknown_symbol(ctx, p, s, r.v);
    ValueAccess::set(out, s.node, Type::kEnum, s.branch, 0, static_cast<std::uint32_t>(mapped));
    return r.p;
  } else if constexpr (kCode == kRecord) {
    return record(s, p, out);
  } else if constexpr (kCode == kArray) {
    return array(s, p, out);
  } else if constexpr (kCode == kMap) {
    return map(s, p, out);
  } else if constexpr (kCode == kIntToLong || kCode == kIntToFloat || kCode == kIntToDouble) {
    Read r = read_int32(ctx, p, end, "int");
    auto v = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.v));
    if constexpr (kCode == kIntToLong) {
      ValueAccess::set(out, s.node, Type::kLong, s.branch, 0,
                       static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
    } else if constexpr (kCode == kIntToFloat) {
      ValueAccess::set(out, s.node, Type::kFloat, s.branch, 0, bits_of(static_cast<float>(v)));
    } else {
      ValueAccess::set(out, s.node, Type::kDouble, s.branch, 0, bits_of(static_cast<double>(v)));
    }
    return r.p;
  } else if constexpr (kCode == kLongToFloat || kCode == kLongToDouble) {
    Read r = read_long(ctx, p, end, "long");
    auto v = static_cast<std::int64_t>(r.v);
    if constexpr (kCode == kLongToFloat) {
      ValueAccess::set(out, s.node, Type::kFloat, s.branch, 0, bits_of(static_cast<float>(v)));
    } else {
      ValueAccess::set(out, s.node, Type::kDouble, s.branch, 0, bits_of(static_cast<double>(v)));
    }
    return r.p;
  } else {
    static_assert(kCode == kFloatToDouble);
    if (end - p < 4) [[unlikely]] return short_input(ctx, p, Type::kFloat, 4);
    float f = 0;
    std::memcpy(&f, p, 4);
    ValueAccess::set(out, s.node, Type::kDouble, s.branch, 0, bits_of(static_cast<double>(f)));
    return p + 4;
  }
}

const Byte* PlanDecoder::optional_slow(const Step& s, const Byte* p, Value& out) {
  Read r = read_long(ctx, p, ctx.end, "union branch index");
  if (r.p == nullptr) return nullptr;
  auto index = static_cast<std::int64_t>(r.v);
  if (static_cast<std::uint64_t>(index) >= 2) return bad_branch(ctx, p, index, 2);
  if (index == s.null_byte / 2) {
    ValueAccess::set(out, s.null_node, Type::kNull, s.null_branch, 0, 0);
    return r.p;
  }
  Step plain = s;
  plain.code = static_cast<std::uint8_t>(s.code & ~kOptional);
  return step_outline(plain, r.p, out);
}

// A writer union of null and one other branch: the branch index is one byte, 0 or 2,
// unless the writer used a longer (valid, non-canonical) varint, which the slow path
// reads.
template <std::uint8_t kCode>
const Byte* PlanDecoder::optional(const Step& s, const Byte* p, const Byte* end,
                                  std::size_t max_bytes, Value& out) {
  if (p < end) [[likely]] {
    if (*p == s.value_byte) return value<kCode>(s, p + 1, end, max_bytes, out);
    if (*p == s.null_byte) {
      ValueAccess::set(out, s.null_node, Type::kNull, s.null_branch, 0, 0);
      return p + 1;
    }
  }
  return optional_slow(s, p, out);
}

const Byte* PlanDecoder::step(const Step& s, const Byte* p, const Byte* end,
                              std::size_t max_bytes, Value& out) {
#define SLUICE_STEP_CASES(C)                          \
  case C: return value<C>(s, p, end, max_bytes, out); \
  case C | kOptional: return optional<C>(s, p, end, max_bytes, out);
  switch (s.code & 0x7F) {  // masked: the jump table needs no range check
    SLUICE_STEP_CASES(kNull)
    SLUICE_STEP_CASES(kBoolean)
    SLUICE_STEP_CASES(kInt)
    SLUICE_STEP_CASES(kLong)
    SLUICE_STEP_CASES(kFloat)
    SLUICE_STEP_CASES(kDouble)
    SLUICE_STEP_CASES(kString)
    SLUICE_STEP_CASES(kBytes)
    SLUICE_STEP_CASES(kFixed)
    SLUICE_STEP_CASES(kEnum)
    SLUICE_STEP_CASES(kRecord)
    SLUICE_STEP_CASES(kArray)
    SLUICE_STEP_CASES(kMap)
    SLUICE_STEP_CASES(kIntToLong)
    SLUICE_STEP_CASES(kIntToFloat)
    SLUICE_STEP_CASES(kIntToDouble)
    SLUICE_STEP_CASES(kLongToFloat)
    SLUICE_STEP_CASES(kLongToDouble)
    SLUICE_STEP_CASES(kFloatToDouble)
    case kUnion: return union_value(s, p, out);
    case kDefault:
      out = defaults[s.a];
      return p;
    case kSkipNothing:
    case kSkipBoolean:
    case kSkipVarint:
    case kSkipFixed:
    case kSkipText:
    case kSkipRecord:
    case kSkipArray:
    case kSkipMap:
    case kSkipUnion: return skip(s, p);
    default: return invalid_step(ctx, p);
  }
#undef SLUICE_STEP_CASES
}

SLUICE_KEEP_JUMPS_APART
const Byte* PlanDecoder::record(const Step& s, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Byte* const end = ctx.end;
  const std::size_t max_bytes = ctx.max_bytes;
  const std::uint32_t n = s.c;
  Value* children = arena.allocate_array<Value>(n);
  // Skip steps name slot 0 and write nothing; with no reader fields it must exist.
  auto* slots = reinterpret_cast<char*>(n != 0 ? children : &scratch);
  const Step* const first = steps + s.a;
  const Step* const last = first + s.b;
  const Step* field = first;
  // Threaded dispatch, as in the plain decoder's record(): every field reader ends
  // with a jump of its own to the next field's reader, which step() would choose.
  // Indexed by code & 0x7F; the codes step() has no case for are invalid.
  static_assert(kLastValue == 18 && kUnion == 19 && kDefault == 21 && kSkipUnion == 30 &&
                kOptional == 0x40);
  static void* const kReaders[128] = {
      &&plain_kNull, &&plain_kBoolean, &&plain_kInt, &&plain_kLong, &&plain_kFloat,
      &&plain_kDouble, &&plain_kString, &&plain_kBytes, &&plain_kFixed, &&plain_kEnum,
      &&plain_kRecord, &&plain_kArray, &&plain_kMap, &&plain_kIntToLong, &&plain_kIntToFloat,
      &&plain_kIntToDouble, &&plain_kLongToFloat, &&plain_kLongToDouble, &&plain_kFloatToDouble,
      &&general_union, &&invalid, &&reader_default, &&skip_value, &&skip_value, &&skip_value,
      &&skip_value, &&skip_value, &&skip_value, &&skip_value, &&skip_value, &&skip_value,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&optional_kNull, &&optional_kBoolean, &&optional_kInt, &&optional_kLong,
      &&optional_kFloat, &&optional_kDouble, &&optional_kString, &&optional_kBytes,
      &&optional_kFixed, &&optional_kEnum, &&optional_kRecord, &&optional_kArray,
      &&optional_kMap, &&optional_kIntToLong, &&optional_kIntToFloat, &&optional_kIntToDouble,
      &&optional_kLongToFloat, &&optional_kLongToDouble, &&optional_kFloatToDouble, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid, &&invalid,
      &&invalid, &&invalid, &&invalid, &&invalid,
  };
#define SLUICE_SLOT (*reinterpret_cast<Value*>(slots + field->slot))
#define SLUICE_NEXT_FIELD()                     \
  do {                                          \
    if (p == nullptr) [[unlikely]] goto failed; \
    ++field;                                    \
    if (field == last) goto done;               \
    goto* kReaders[field->code & 0x7F];         \
  } while (0)
#define SLUICE_FIELD_READERS(C)                                               \
  plain_##C : p = value<C>(*field, p, end, max_bytes, SLUICE_SLOT);          \
  SLUICE_NEXT_FIELD();                                                        \
  optional_##C : p = optional<C>(*field, p, end, max_bytes, SLUICE_SLOT);    \
  SLUICE_NEXT_FIELD();

  if (field == last) goto done;
  goto* kReaders[field->code & 0x7F];
  SLUICE_SHARED_VALUE_CODES(SLUICE_FIELD_READERS)
  SLUICE_FIELD_READERS(kIntToLong)
  SLUICE_FIELD_READERS(kIntToFloat)
  SLUICE_FIELD_READERS(kIntToDouble)
  SLUICE_FIELD_READERS(kLongToFloat)
  SLUICE_FIELD_READERS(kLongToDouble)
  SLUICE_FIELD_READERS(kFloatToDouble)
general_union:
  p = union_value(*field, p, SLUICE_SLOT);
  SLUICE_NEXT_FIELD();
reader_default:
  SLUICE_SLOT = defaults[field->a];
  SLUICE_NEXT_FIELD();
skip_value:
  p = skip(*field, p);
  SLUICE_NEXT_FIELD();
invalid:
  p = invalid_step(ctx, p);
failed:
  return ctx.in_name(program.names[s.a + static_cast<std::size_t>(field - first)]);
done:
  ValueAccess::set(out, s.node, Type::kRecord, s.branch, n, ValueAccess::pointer_bits(children));
  return p;
#undef SLUICE_FIELD_READERS
#undef SLUICE_NEXT_FIELD
#undef SLUICE_SLOT
}

const Byte* PlanDecoder::union_value(const Step& s, const Byte* p, Value& out) {
  Read r = read_long(ctx, p, ctx.end, "union branch index");
  if (r.p == nullptr) [[unlikely]] return nullptr;
  auto index = static_cast<std::int64_t>(r.v);
  if (static_cast<std::uint64_t>(index) >= s.b) [[unlikely]] return bad_branch(ctx, p, index, s.b);
  const Step& branch = steps[s.a + static_cast<std::size_t>(index)];
  if (branch.code == kError) [[unlikely]] {
    if (branch.a >= program.messages.size()) return invalid_step(ctx, p);
    return ctx.failf(ErrorCode::kIncompatible, p, "{}", program.messages[branch.a]);
  }
  return step_outline(branch, r.p, out);
}

const Byte* PlanDecoder::array(const Step& s, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Byte* const end = ctx.end;
  const std::size_t max_bytes = ctx.max_bytes;
  const Step& item = steps[s.a];
  const std::size_t min_size = s.b;
  Value* items = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kCallerFirst>(ctx, p, header, total, min_size, Type::kArray);
    if (p == nullptr) [[unlikely]] return nullptr;
    if (header.count == 0) break;
    std::size_t need = total + header.count;
    if (need > capacity) {
      // Growth clamped by the same bounds as the counts.
      std::size_t grow = std::max(need, capacity * 2);
      std::size_t bound = ctx.max_items;
      if (min_size != 0) bound = std::min(bound, total + static_cast<std::size_t>(end - p) / min_size);
      grow = std::max(need, std::min(grow, bound));
      Value* bigger = arena.allocate_array<Value>(grow);
      if (total != 0) std::memcpy(static_cast<void*>(bigger), items, total * sizeof(Value));
      items = bigger;
      capacity = grow;
    }
    const Byte* items_begin = p;
    std::size_t i = total;
    // Arrays of the common leaves get a loop of their own (no dispatch per item).
    switch (item.code) {
      case kString:
        for (; i < need; ++i) {
          p = value<kString>(item, p, end, max_bytes, items[i]);
          if (p == nullptr) [[unlikely]] break;
        }
        break;
      case kLong:
        for (; i < need; ++i) {
          p = value<kLong>(item, p, end, max_bytes, items[i]);
          if (p == nullptr) [[unlikely]] break;
        }
        break;
      default:
        for (; i < need; ++i) {
          p = step(item, p, end, max_bytes, items[i]);
          if (p == nullptr) [[unlikely]] break;
        }
    }
    if (p == nullptr) [[unlikely]] return ctx.in_item(i);
    total = need;
    if (header.block_end != nullptr && p != header.block_end) [[unlikely]] {
      block_size_mismatch(ctx, p, header, items_begin, Type::kArray);
      return ctx.in_item(total - 1);
    }
  }
  ValueAccess::set(out, s.node, Type::kArray, s.branch, static_cast<std::uint32_t>(total),
                   ValueAccess::pointer_bits(items));
  return p;
}

const Byte* PlanDecoder::map(const Step& s, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Byte* const end = ctx.end;
  const std::size_t max_bytes = ctx.max_bytes;
  const Step& item = steps[s.a];
  const std::size_t min_size = s.b;  // at least 1: the key's length
  MapEntry* entries = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kCallerFirst>(ctx, p, header, total, min_size, Type::kMap);
    if (p == nullptr) [[unlikely]] return nullptr;
    if (header.count == 0) break;
    std::size_t need = total + header.count;
    if (need > capacity) {
      std::size_t grow = std::max(need, capacity * 2);
      std::size_t bound = std::min(ctx.max_items,
                                   total + static_cast<std::size_t>(end - p) / min_size);
      grow = std::max(need, std::min(grow, bound));
      MapEntry* bigger = arena.allocate_array<MapEntry>(grow);
      if (total != 0) std::memcpy(static_cast<void*>(bigger), entries, total * sizeof(MapEntry));
      entries = bigger;
      capacity = grow;
    }
    const Byte* items_begin = p;
    // Maps of the common leaves get a loop of their own (no dispatch per entry).
    auto entries_of = [&](auto decode_value) -> const Byte* {
      for (std::size_t i = total; i < need; ++i) {
        MapEntry& entry = entries[i];
        Read key = internal::decoding::read_len(ctx, p, end, max_bytes, "map key length", "map key");
        if (key.p == nullptr) [[unlikely]] return ctx.in_item(i);
        // Construct in place: the arena memory is uninitialised.
        new (&entry.key) std::string_view(reinterpret_cast<const char*>(key.p), key.v);
        p = decode_value(key.p + key.v, entry.value);
        if (p == nullptr) [[unlikely]] return ctx.in_key(entry.key);
      }
      return p;
    };
    switch (item.code) {
      case kDouble:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return value<kDouble>(item, at, end, max_bytes, v);
        });
        break;
      case kString:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return value<kString>(item, at, end, max_bytes, v);
        });
        break;
      case kLong:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return value<kLong>(item, at, end, max_bytes, v);
        });
        break;
      default:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return step(item, at, end, max_bytes, v);
        });
    }
    if (p == nullptr) [[unlikely]] return nullptr;
    total = need;
    if (header.block_end != nullptr && p != header.block_end) [[unlikely]] {
      return block_size_mismatch(ctx, p, header, items_begin, Type::kMap);
    }
  }
  ValueAccess::set(out, s.node, Type::kMap, s.branch, static_cast<std::uint32_t>(total),
                   ValueAccess::pointer_bits(entries));
  return p;
}

// Writer data the reader does not keep: read and checked as far as needed to find its
// end, nothing built.
const Byte* PlanDecoder::skip(const Step& s, const Byte* p) {
  const Byte* const end = ctx.end;
  switch (s.code) {
    case kSkipNothing: return p;
    case kSkipBoolean:
      if (p >= end) [[unlikely]] return ctx.fail(ErrorCode::kTruncated, p, "input ends before a boolean");
      return p + 1;
    case kSkipVarint: {
      const char* what = s.node->type == Type::kInt    ? "int"
                         : s.node->type == Type::kLong ? "long"
                                                       : "enum index";
      return varint(ctx, p, end, what).p;
    }
    case kSkipFixed:
      if (static_cast<std::size_t>(end - p) < s.a) [[unlikely]] {
        return short_input(ctx, p, s.node->type,
                           s.node->type == Type::kFixed ? s.node->fixed_size : s.a);
      }
      return p + s.a;
    case kSkipText: {
      Read r = internal::decoding::read_len(
          ctx, p, end, ctx.max_bytes,
          s.node->type == Type::kString ? "string length" : "bytes length",
          s.node->type == Type::kString ? "string" : "bytes");
      if (r.p == nullptr) [[unlikely]] return nullptr;
      return r.p + r.v;
    }
    case kSkipRecord: {
      if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
      DepthGuard guard(ctx);
      for (std::uint32_t i = 0; i < s.b; ++i) {
        p = skip(steps[s.a + i], p);
        if (p == nullptr) [[unlikely]] return ctx.in_name(program.names[s.a + i]);
      }
      return p;
    }
    case kSkipArray: return skip_collection(s, p, Type::kArray);
    case kSkipMap: return skip_collection(s, p, Type::kMap);
    case kSkipUnion: {
      Read r = read_long(ctx, p, end, "union branch index");
      if (r.p == nullptr) [[unlikely]] return nullptr;
      auto index = static_cast<std::int64_t>(r.v);
      if (static_cast<std::uint64_t>(index) >= s.b) [[unlikely]] return bad_branch(ctx, p, index, s.b);
      return skip(steps[s.a + static_cast<std::size_t>(index)], r.p);
    }
    default: return invalid_step(ctx, p);
  }
}

const Byte* PlanDecoder::skip_collection(const Step& s, const Byte* p, Type type) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Step& item = steps[s.a];
  std::size_t total = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kCallerFirst>(ctx, p, header, total, s.b, type);
    if (p == nullptr) [[unlikely]] return nullptr;
    if (header.count == 0) return p;
    if (header.block_end != nullptr) {
      // A size-prefixed block: jump over it without reading the items.
      p = header.block_end;
      total += header.count;
      continue;
    }
    for (std::size_t i = 0; i < header.count; ++i) {
      if (type == Type::kMap) {
        Read key = internal::decoding::read_len(ctx, p, ctx.end, ctx.max_bytes, "map key length",
                                                    "map key");
        if (key.p == nullptr) [[unlikely]] return ctx.in_item(total + i);
        p = skip(item, key.p + key.v);
        if (p == nullptr) [[unlikely]] {
          return ctx.in_key(std::string_view(reinterpret_cast<const char*>(key.p), key.v));
        }
      } else {
        p = skip(item, p);
        if (p == nullptr) [[unlikely]] return ctx.in_item(total + i);
      }
    }
    total += header.count;
  }
}

}  // namespace

Result<Value> decode(const Program& program, BinaryReader& in, Arena& arena,
                     const DecodeLimits& limits) {
  PlanDecoder d(in, limits, arena, program);
  Value out;
  const Byte* p = d.step_outline(d.steps[0], d.ctx.begin, out);
  if (p == nullptr) [[unlikely]] return fail(std::move(*d.ctx.error));
  in.advance(static_cast<std::size_t>(p - d.ctx.begin));
  return out;
}

}  // namespace sluice::avro::internal::resolution
