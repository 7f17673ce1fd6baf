// Binary encoding of generic values: decode (the hot path), skip and encode.
//
// Decoding is a recursive switch over schema Nodes. Each step takes the input
// position and returns the new one, or nullptr on failure, so the position lives in
// a register and no Result is built per primitive. The first failure records an
// Error in the context (cold path) and every enclosing record, array or map adds its
// path segment while the stack unwinds.
#include "avro/binary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "avro/internal/binary_writer.h"
#include "avro/internal/decode_primitives.h"
#include "avro/internal/program.h"
#include "avro/internal/value_access.h"
#include "avro/internal/varint.h"

namespace sluice::avro {
namespace {

// The primitives shared with the other decoder (internal/decode_primitives.h).
using namespace internal::decoding;

// ---------------------------------------------------------------------------
// Shared by decode and skip (the primitives are in internal/decode_primitives.h).

constexpr const char* length_noun(Type type) { return type == Type::kString ? "string" : "bytes"; }

// Out-parameter forms of the shared readers, for Decoder and Skipper.

[[gnu::always_inline]] inline const Byte* read_long(Context& ctx, const Byte* p, std::int64_t& out, const char* what) {
  Read r = internal::decoding::read_long(ctx, p, ctx.end, what);
  out = static_cast<std::int64_t>(r.v);
  return r.p;
}

[[gnu::always_inline]] inline const Byte* read_int(Context& ctx, const Byte* p, std::int32_t& out, const char* what) {
  Read r = read_int32(ctx, p, ctx.end, what);
  out = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.v));
  return r.p;
}

// Reads the length of a string/bytes value and checks it against the input and limits.
[[gnu::always_inline]] inline const Byte* read_length(Context& ctx, const Byte* p, std::size_t& out, Type type) {
  Read r = internal::decoding::read_len(ctx, p, ctx.end, ctx.max_bytes,
                                        type == Type::kString ? "string length" : "bytes length",
                                        length_noun(type));
  out = static_cast<std::size_t>(r.v);
  return r.p;
}

using internal::min_encoded_size;

// The exact encoded size of every datum of `node` when it is the same for all
// (null, boolean, float, double, fixed, and records of those), else -1.
std::int64_t fixed_encoded_size(const Node& node, int depth = 0) {
  switch (node.type) {
    case Type::kNull: return 0;
    case Type::kBoolean: return 1;
    case Type::kFloat: return 4;
    case Type::kDouble: return 8;
    case Type::kFixed: return static_cast<std::int64_t>(node.fixed_size);
    case Type::kRecord: {
      if (depth > 4) return -1;
      std::int64_t sum = 0;
      for (const Field& f : node.fields) {
        std::int64_t s = fixed_encoded_size(*f.type, depth + 1);
        if (s < 0) return -1;
        sum += s;
      }
      return sum;
    }
    default: return -1;
  }
}

// ---------------------------------------------------------------------------
// Decode.

struct Decoder {
  Context ctx;
  Arena& arena;

  // Primitives and unions of primitives are decoded inline (in the record, array and
  // map loops); records, arrays and maps out of line.
  [[gnu::always_inline]] inline const Byte* decode(const Node& node, const Byte* p, Value& out);
  [[gnu::always_inline]] inline const Byte* decode_leaf(const Node& node, const Byte* p,
                                                        Value& out);
  const Byte* decode_composite(const Node& node, const Byte* p, Value& out);
  const Byte* decode_record(const Node& node, const Byte* p, Value& out);
  const Byte* decode_union(const Node& node, const Byte* p, Value& out);
  const Byte* decode_array(const Node& node, const Byte* p, Value& out);
  const Byte* decode_map(const Node& node, const Byte* p, Value& out);
};

inline const Byte* Decoder::decode(const Node& node, const Byte* p, Value& out) {
  if (node.type != Type::kUnion) return decode_leaf(node, p, out);
  // A union's branch is never directly a union, so it is a leaf or a composite (whose
  // own depth check bounds recursion through unions).
  std::int64_t index = 0;
  const Byte* next = read_long(ctx, p, index, "union branch index");
  if (next == nullptr) [[unlikely]] return nullptr;
  if (static_cast<std::uint64_t>(index) >= node.branches.size()) [[unlikely]] {
    return ctx.failf(ErrorCode::kInvalidData, p,
                     "union branch index {} is out of range (the union has {} branches)", index,
                     node.branches.size());
  }
  next = decode_leaf(*node.branches[static_cast<std::size_t>(index)], next, out);
  if (next != nullptr) [[likely]] out.in_branch(static_cast<int>(index));
  return next;
}

inline const Byte* Decoder::decode_leaf(const Node& node, const Byte* p, Value& out) {
  switch (node.type) {
    case Type::kNull:
      out = Value::null(&node);
      return p;
    case Type::kBoolean: {
      if (p >= ctx.end) [[unlikely]] {
        return ctx.fail(ErrorCode::kTruncated, p, "input ends before a boolean");
      }
      if (*p > 1) [[unlikely]] {
        return ctx.failf(ErrorCode::kInvalidData, p, "boolean byte {} is neither 0 nor 1", *p);
      }
      out = Value::boolean(&node, *p != 0);
      return p + 1;
    }
    case Type::kInt: {
      std::int32_t v = 0;
      p = read_int(ctx, p, v, "int");
      out = Value::int32(&node, v);
      return p;
    }
    case Type::kLong: {
      std::int64_t v = 0;
      p = read_long(ctx, p, v, "long");
      out = Value::int64(&node, v);
      return p;
    }
    case Type::kFloat: {
      if (ctx.end - p < 4) [[unlikely]] {
        return ctx.failf(ErrorCode::kTruncated, p, "float needs 4 bytes but {} are left", ctx.end - p);
      }
      float v;
      std::memcpy(&v, p, 4);  // little-endian hosts only (x86_64, aarch64)
      out = Value::float32(&node, v);
      return p + 4;
    }
    case Type::kDouble: {
      if (ctx.end - p < 8) [[unlikely]] {
        return ctx.failf(ErrorCode::kTruncated, p, "double needs 8 bytes but {} are left", ctx.end - p);
      }
      double v;
      std::memcpy(&v, p, 8);
      out = Value::float64(&node, v);
      return p + 8;
    }
    case Type::kBytes:
    case Type::kString: {
      std::size_t len = 0;
      p = read_length(ctx, p, len, node.type);
      if (p == nullptr) [[unlikely]] return nullptr;
      out = Value::text(&node, {reinterpret_cast<const char*>(p), len});
      return p + len;
    }
    case Type::kFixed: {
      std::size_t n = node.fixed_size;
      if (static_cast<std::size_t>(ctx.end - p) < n) [[unlikely]] {
        return ctx.failf(ErrorCode::kTruncated, p, "fixed {} needs {} bytes but {} are left", node.fullname, n,
                                    ctx.end - p);
      }
      out = Value::text(&node, {reinterpret_cast<const char*>(p), n});
      return p + n;
    }
    case Type::kEnum: {
      std::int32_t index = 0;
      const Byte* next = read_int(ctx, p, index, "enum index");
      if (next == nullptr) [[unlikely]] return nullptr;
      if (static_cast<std::size_t>(static_cast<std::uint32_t>(index)) >= node.symbols.size())
          [[unlikely]] {
        return ctx.failf(ErrorCode::kInvalidData, p, "enum {} index {} is out of range (it has {} symbols)",
                                    node.fullname, index, node.symbols.size());
      }
      out = Value::enumeration(&node, index);
      return next;
    }
    default: return decode_composite(node, p, out);
  }
}

const Byte* Decoder::decode_composite(const Node& node, const Byte* p, Value& out) {
  switch (node.type) {
    case Type::kRecord: return decode_record(node, p, out);
    case Type::kUnion: return decode_union(node, p, out);
    case Type::kArray: return decode_array(node, p, out);
    case Type::kMap: return decode_map(node, p, out);
    default: return ctx.fail(ErrorCode::kInternal, p, "unknown schema node type");
  }
}

const Byte* Decoder::decode_record(const Node& node, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const std::size_t n = node.fields.size();
  Value* children = arena.allocate_array<Value>(n);
  const Field* fields = node.fields.data();
  for (std::size_t i = 0; i < n; ++i) {
    p = decode(*fields[i].type, p, children[i]);
    if (p == nullptr) [[unlikely]] return ctx.in_field(node, i);
  }
  out = Value::with_children(&node, children, n);
  return p;
}

const Byte* Decoder::decode_union(const Node& node, const Byte* p, Value& out) {
  std::int64_t index = 0;
  const Byte* next = read_long(ctx, p, index, "union branch index");
  if (next == nullptr) [[unlikely]] return nullptr;
  if (static_cast<std::uint64_t>(index) >= node.branches.size()) [[unlikely]] {
    return ctx.failf(ErrorCode::kInvalidData, p, "union branch index {} is out of range (the union has {} "
                                "branches)",
                                index, node.branches.size());
  }
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  next = decode(*node.branches[static_cast<std::size_t>(index)], next, out);
  if (next != nullptr) [[likely]] out.in_branch(static_cast<int>(index));
  return next;
}

const Byte* Decoder::decode_array(const Node& node, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Node& items_node = *node.items;
  const std::size_t min_size = min_encoded_size(items_node);
  Value* items = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kValueSize>(ctx, p, header, total, min_size, Type::kArray);
    if (p == nullptr) return nullptr;
    if (header.count == 0) break;
    std::size_t need = total + header.count;
    if (need > capacity) {
      // Later blocks grow the array; the bound check above covers `need`, and
      // doubling is clamped by the same bounds so a hostile count cannot inflate it.
      std::size_t grow = std::max(need, capacity * 2);
      std::size_t bound = ctx.max_items;
      if (min_size != 0) bound = std::min(bound, total + static_cast<std::size_t>(ctx.end - p) / min_size);
      grow = std::max(need, std::min(grow, bound));
      Value* bigger = arena.allocate_array<Value>(grow);
      if (total != 0) std::memcpy(static_cast<void*>(bigger), items, total * sizeof(Value));
      items = bigger;
      capacity = grow;
    }
    const Byte* items_begin = p;
    for (std::size_t i = total; i < need; ++i) {
      p = decode(items_node, p, items[i]);
      if (p == nullptr) [[unlikely]] return ctx.in_item(i);
    }
    total = need;
    if (header.block_end != nullptr && p != header.block_end) [[unlikely]] {
      block_size_mismatch(ctx, p, header, items_begin, Type::kArray);
      return ctx.in_item(total - 1);
    }
  }
  out = Value::with_children(&node, items, total);
  return p;
}

const Byte* Decoder::decode_map(const Node& node, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Node& values_node = *node.values;
  const std::size_t min_size = 1 + min_encoded_size(values_node);
  MapEntry* entries = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kValueSize>(ctx, p, header, total, min_size, Type::kMap);
    if (p == nullptr) return nullptr;
    if (header.count == 0) break;
    std::size_t need = total + header.count;
    if (need > capacity) {
      std::size_t grow = std::max(need, capacity * 2);
      std::size_t bound = std::min(ctx.max_items,
                                   total + static_cast<std::size_t>(ctx.end - p) / min_size);
      grow = std::max(need, std::min(grow, bound));
      MapEntry* bigger = arena.allocate_array<MapEntry>(grow);
      if (total != 0) std::memcpy(static_cast<void*>(bigger), entries, total * sizeof(MapEntry));
      entries = bigger;
      capacity = grow;
    }
    const Byte* items_begin = p;
    for (std::size_t i = total; i < need; ++i) {
      MapEntry& entry = entries[i];
      std::size_t len = 0;
      p = read_length(ctx, p, len, Type::kString);
      if (p == nullptr) [[unlikely]] return ctx.in_item(i);
      // Construct in place: the arena memory is uninitialised.
      new (&entry) MapEntry{std::string_view(reinterpret_cast<const char*>(p), len), Value()};
      p += len;
      p = decode(values_node, p, entry.value);
      if (p == nullptr) [[unlikely]] return ctx.in_key(entry.key);
    }
    total = need;
    if (header.block_end != nullptr && p != header.block_end) [[unlikely]] {
      return block_size_mismatch(ctx, p, header, items_begin, Type::kMap);
    }
  }
  out = Value::with_entries(&node, entries, total);
  return p;
}

// ---------------------------------------------------------------------------
// Decode through a compiled program (BinaryDecoder): the same reads, checks and
// errors as Decoder above, driven by internal::Step instead of Nodes.
//
// Hot state (position, end of input, limits) lives in locals and parameters, never
// in memory the compiler must assume a store may have changed; readers return the
// position and the value together; every error is built by a cold function.

using internal::Step;
using internal::ValueAccess;

// The length of a string/bytes value (or map key), checked against the input left
// and max_bytes. v is the length.
[[gnu::always_inline]] inline Read read_len(Context& ctx, const Byte* p, const Byte* end,
                                            std::size_t max_bytes, Type type) {
  return internal::decoding::read_len(ctx, p, end, max_bytes,
                                      type == Type::kString ? "string length" : "bytes length",
                                      length_noun(type));
}

struct ProgramDecoder {
  Context ctx;
  Arena& arena;
  const Step* steps;

  // One value of step `s` at p, as branch s.branch of its union (kNoBranch outside
  // one). Returns the position after it, or nullptr.
  [[gnu::always_inline]] inline const Byte* step(const Step& s, const Byte* p, const Byte* end,
                                                 std::size_t max_bytes, Value& out);
  template <std::uint8_t kCode>
  [[gnu::always_inline]] inline const Byte* value(const Step& s, const Byte* p, const Byte* end,
                                                  std::size_t max_bytes, Value& out);
  // A two-branch union with null: the branch index is one byte, 0 or 2, unless the
  // writer used a longer (valid, non-canonical) varint, which optional_slow() reads.
  template <std::uint8_t kCode>
  [[gnu::always_inline]] inline const Byte* optional(const Step& s, const Byte* p,
                                                     const Byte* end, std::size_t max_bytes,
                                                     Value& out);
  [[gnu::noinline]] const Byte* optional_slow(const Step& s, const Byte* p, Value& out);
  [[gnu::noinline]] const Byte* step_outline(const Step& s, const Byte* p, Value& out) {
    return step(s, p, ctx.end, ctx.max_bytes, out);
  }
  const Byte* record(const Step& s, const Byte* p, Value& out);
  const Byte* array(const Step& s, const Byte* p, Value& out);
  const Byte* map(const Step& s, const Byte* p, Value& out);
  const Byte* union_value(const Step& s, const Byte* p, Value& out);
};

[[gnu::cold, gnu::noinline]] const Byte* bad_enum(Context& ctx, const Byte* p, const Node& node,
                                                  std::int32_t index) {
  return ctx.failf(ErrorCode::kInvalidData, p, "enum {} index {} is out of range (it has {} symbols)",
                   node.fullname, index, node.symbols.size());
}

[[gnu::cold, gnu::noinline]] const Byte* short_input(Context& ctx, const Byte* p, const Step& s) {
  switch (s.type) {
    case Type::kFloat:
      return ctx.failf(ErrorCode::kTruncated, p, "float needs 4 bytes but {} are left", ctx.end - p);
    case Type::kDouble:
      return ctx.failf(ErrorCode::kTruncated, p, "double needs 8 bytes but {} are left", ctx.end - p);
    default:
      return ctx.failf(ErrorCode::kTruncated, p, "fixed {} needs {} bytes but {} are left",
                       s.node->fullname, s.a, ctx.end - p);
  }
}

template <std::uint8_t kCode>
inline const Byte* ProgramDecoder::value(const Step& s, const Byte* p, const Byte* end,
                                         std::size_t max_bytes, Value& out) {
  using namespace internal;
  const std::uint16_t branch = s.branch;
  if constexpr (kCode == kNull) {
    ValueAccess::set(out, s.node, Type::kNull, branch, 0, 0);
    return p;
  } else if constexpr (kCode == kBoolean) {
    if (p >= end || *p > 1) [[unlikely]] return bad_boolean(ctx, p);
    ValueAccess::set(out, s.node, Type::kBoolean, branch, 0, *p);
    return p + 1;
  } else if constexpr (kCode == kInt) {
    Read r = read_int32(ctx, p, end, "int");
    ValueAccess::set(out, s.node, Type::kInt, branch, 0, r.v);
    return r.p;
  } else if constexpr (kCode == kLong) {
    Read r = varint(ctx, p, end, "long");
    ValueAccess::set(out, s.node, Type::kLong, branch, 0,
                     static_cast<std::uint64_t>(internal::zigzag_decode(r.v)));
    return r.p;
  } else if constexpr (kCode == kFloat || kCode == kDouble) {
    constexpr std::size_t n = kCode == kFloat ? 4 : 8;
    if (end - p < static_cast<std::ptrdiff_t>(n)) [[unlikely]] return short_input(ctx, p, s);
    std::uint64_t bits = 0;
    std::memcpy(&bits, p, n);  // little-endian hosts only (x86_64, aarch64)
    ValueAccess::set(out, s.node, kCode == kFloat ? Type::kFloat : Type::kDouble, branch, 0, bits);
    return p + n;
  } else if constexpr (kCode == kString || kCode == kBytes) {
    constexpr Type type = kCode == kString ? Type::kString : Type::kBytes;
    Read r = read_len(ctx, p, end, max_bytes, type);
    if (r.p == nullptr) [[unlikely]] return nullptr;
    ValueAccess::set(out, s.node, type, branch, static_cast<std::uint32_t>(r.v),
                     ValueAccess::pointer_bits(r.p));
    return r.p + r.v;
  } else if constexpr (kCode == kFixed) {
    const std::size_t n = s.a;
    if (static_cast<std::size_t>(end - p) < n) [[unlikely]] return short_input(ctx, p, s);
    ValueAccess::set(out, s.node, Type::kFixed, branch, s.a, ValueAccess::pointer_bits(p));
    return p + n;
  } else if constexpr (kCode == kEnum) {
    Read r = read_int32(ctx, p, end, "enum index");
    if (r.p == nullptr) [[unlikely]] return nullptr;
    if (r.v >= s.a) [[unlikely]] return bad_enum(ctx, p, *s.node, static_cast<std::int32_t>(r.v));
    ValueAccess::set(out, s.node, Type::kEnum, branch, 0, r.v);
    return r.p;
  } else if constexpr (kCode == kRecord) {
    return record(s, p, out);
  } else if constexpr (kCode == kArray) {
    return array(s, p, out);
  } else {
    static_assert(kCode == kMap);
    return map(s, p, out);
  }
}

const Byte* ProgramDecoder::optional_slow(const Step& s, const Byte* p, Value& out) {
  std::int64_t index = 0;
  const Byte* next = read_long(ctx, p, index, "union branch index");
  if (next == nullptr) return nullptr;
  if (static_cast<std::uint64_t>(index) >= 2) return bad_branch(ctx, p, index, 2);
  if (index == s.null_index) {
    ValueAccess::set(out, s.null_node, Type::kNull, s.null_index, 0, 0);
    return next;
  }
  Step plain = s;  // plain.branch is already the non-null branch, `index`
  plain.code = static_cast<std::uint8_t>(s.code & ~internal::kOptional);
  return step_outline(plain, next, out);
}

template <std::uint8_t kCode>
inline const Byte* ProgramDecoder::optional(const Step& s, const Byte* p, const Byte* end,
                                            std::size_t max_bytes, Value& out) {
  if (p < end) [[likely]] {
    if (*p == s.value_byte) return value<kCode>(s, p + 1, end, max_bytes, out);
    if (*p == s.null_byte) {
      ValueAccess::set(out, s.null_node, Type::kNull, s.null_index, 0, 0);
      return p + 1;
    }
  }
  return optional_slow(s, p, out);
}

inline const Byte* ProgramDecoder::step(const Step& s, const Byte* p, const Byte* end,
                                        std::size_t max_bytes, Value& out) {
  using namespace internal;
#define SLUICE_STEP_CASES(C)                        \
  case C: return value<C>(s, p, end, max_bytes, out); \
  case C | kOptional: return optional<C>(s, p, end, max_bytes, out);
  switch (s.code & 0x1F) {
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
    case kUnion: return union_value(s, p, out);
    case 0x0E: case 0x0F: case kUnion | kOptional: case 0x1E: case 0x1F:
      return ctx.fail(ErrorCode::kInternal, p, "invalid decode step");
    // Every value of the mask has a case above, so the jump table needs no range check.
    default: __builtin_unreachable();
  }
#undef SLUICE_STEP_CASES
}

SLUICE_KEEP_JUMPS_APART
const Byte* ProgramDecoder::record(const Step& s, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Byte* const end = ctx.end;
  const std::size_t max_bytes = ctx.max_bytes;
  const std::uint32_t n = s.b;
  Value* children = arena.allocate_array<Value>(n);
  const Step* const first = steps + s.a;
  const Step* const last = first + n;
  const Step* field = first;
  Value* child = children;
  // Threaded dispatch: the code of every field's reader ends with a jump of its own to
  // the next field's reader, as step() would choose it. Each jump is then predicted
  // from the field before it; one shared jump (a switch in a loop) mispredicts far
  // more often on records whose fields differ in type. Indexed by code & 0x1F.
  using namespace internal;
  static void* const kReaders[32] = {
      &&plain_kNull,     &&plain_kBoolean, &&plain_kInt,     &&plain_kLong,
      &&plain_kFloat,    &&plain_kDouble,  &&plain_kString,  &&plain_kBytes,
      &&plain_kFixed,    &&plain_kEnum,    &&plain_kRecord,  &&plain_kArray,
      &&plain_kMap,      &&general_union,  &&invalid,        &&invalid,
      &&optional_kNull,  &&optional_kBoolean, &&optional_kInt, &&optional_kLong,
      &&optional_kFloat, &&optional_kDouble, &&optional_kString, &&optional_kBytes,
      &&optional_kFixed, &&optional_kEnum, &&optional_kRecord, &&optional_kArray,
      &&optional_kMap,   &&invalid,        &&invalid,        &&invalid,
  };
#define SLUICE_NEXT_FIELD()                           \
  do {                                                \
    if (p == nullptr) [[unlikely]] goto failed;       \
    ++field;                                          \
    ++child;                                          \
    if (field == last) goto done;                     \
    goto* kReaders[field->code & 0x1F];               \
  } while (0)
#define SLUICE_FIELD_READERS(C)                                  \
  plain_##C : p = value<C>(*field, p, end, max_bytes, *child);  \
  SLUICE_NEXT_FIELD();                                           \
  optional_##C : p = optional<C>(*field, p, end, max_bytes, *child); \
  SLUICE_NEXT_FIELD();

  if (field == last) goto done;
  goto* kReaders[field->code & 0x1F];
  SLUICE_SHARED_VALUE_CODES(SLUICE_FIELD_READERS)
general_union:
  p = union_value(*field, p, *child);
  SLUICE_NEXT_FIELD();
invalid:
  ctx.fail(ErrorCode::kInternal, p, "invalid decode step");
failed:
  return ctx.in_field(*s.node, static_cast<std::size_t>(field - first));
done:
  ValueAccess::set(out, s.node, Type::kRecord, s.branch, n, ValueAccess::pointer_bits(children));
  return p;
#undef SLUICE_FIELD_READERS
#undef SLUICE_NEXT_FIELD
}

const Byte* ProgramDecoder::union_value(const Step& s, const Byte* p, Value& out) {
  std::int64_t index = 0;
  const Byte* next = read_long(ctx, p, index, "union branch index");
  if (next == nullptr) [[unlikely]] return nullptr;
  if (static_cast<std::uint64_t>(index) >= s.b) [[unlikely]] return bad_branch(ctx, p, index, s.b);
  return step_outline(steps[s.a + static_cast<std::size_t>(index)], next, out);
}

const Byte* ProgramDecoder::array(const Step& s, const Byte* p, Value& out) {
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
    p = read_block_header<ItemLimit::kValueSize>(ctx, p, header, total, min_size, Type::kArray);
    if (p == nullptr) [[unlikely]] return nullptr;
    if (header.count == 0) break;
    std::size_t need = total + header.count;
    if (need > capacity) {
      // As in Decoder::decode_array: growth clamped by the same bounds as the counts.
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
      case internal::kString:
        for (; i < need; ++i) {
          p = value<internal::kString>(item, p, end, max_bytes, items[i]);
          if (p == nullptr) [[unlikely]] break;
        }
        break;
      case internal::kLong:
        for (; i < need; ++i) {
          p = value<internal::kLong>(item, p, end, max_bytes, items[i]);
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

const Byte* ProgramDecoder::map(const Step& s, const Byte* p, Value& out) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const Byte* const end = ctx.end;
  const std::size_t max_bytes = ctx.max_bytes;
  const Step& item = steps[s.a];
  const std::size_t min_size = s.b;
  MapEntry* entries = nullptr;
  std::size_t total = 0;
  std::size_t capacity = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kValueSize>(ctx, p, header, total, min_size, Type::kMap);
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
        Read key = read_len(ctx, p, end, max_bytes, Type::kString);
        if (key.p == nullptr) [[unlikely]] return ctx.in_item(i);
        // Construct in place: the arena memory is uninitialised.
        new (&entry.key) std::string_view(reinterpret_cast<const char*>(key.p), key.v);
        p = decode_value(key.p + key.v, entry.value);
        if (p == nullptr) [[unlikely]] return ctx.in_key(entry.key);
      }
      return p;
    };
    switch (item.code) {
      case internal::kDouble:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return value<internal::kDouble>(item, at, end, max_bytes, v);
        });
        break;
      case internal::kString:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return value<internal::kString>(item, at, end, max_bytes, v);
        });
        break;
      case internal::kLong:
        p = entries_of([&](const Byte* at, Value& v) __attribute__((always_inline)) {
          return value<internal::kLong>(item, at, end, max_bytes, v);
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

// ---------------------------------------------------------------------------
// Skip.

struct Skipper {
  Context ctx;

  const Byte* skip(const Node& node, const Byte* p);
  const Byte* skip_collection(const Node& node, const Byte* p);
};

const Byte* Skipper::skip(const Node& node, const Byte* p) {
  switch (node.type) {
    case Type::kNull: return p;
    case Type::kBoolean:
    case Type::kFloat:
    case Type::kDouble:
    case Type::kFixed: {
      std::size_t n = node.type == Type::kBoolean ? 1
                      : node.type == Type::kFloat ? 4
                      : node.type == Type::kDouble ? 8
                                                   : node.fixed_size;
      if (static_cast<std::size_t>(ctx.end - p) < n) [[unlikely]] {
        return ctx.failf(ErrorCode::kTruncated, p, "{} needs {} bytes but {} are left", type_name(node.type), n,
                                    ctx.end - p);
      }
      if (node.type == Type::kBoolean && *p > 1) [[unlikely]] {
        return ctx.failf(ErrorCode::kInvalidData, p, "boolean byte {} is neither 0 nor 1", *p);
      }
      return p + n;
    }
    case Type::kInt: {
      std::int32_t v = 0;
      return read_int(ctx, p, v, "int");
    }
    case Type::kLong: {
      std::int64_t v = 0;
      return read_long(ctx, p, v, "long");
    }
    case Type::kBytes:
    case Type::kString: {
      std::size_t len = 0;
      p = read_length(ctx, p, len, node.type);
      return p == nullptr ? nullptr : p + len;
    }
    case Type::kEnum: {
      std::int32_t index = 0;
      const Byte* next = read_int(ctx, p, index, "enum index");
      if (next == nullptr) return nullptr;
      if (index < 0 || static_cast<std::size_t>(index) >= node.symbols.size()) [[unlikely]] {
        return ctx.failf(ErrorCode::kInvalidData, p, "enum {} index {} is out of range (it has {} symbols)",
                                    node.fullname, index, node.symbols.size());
      }
      return next;
    }
    case Type::kRecord: {
      if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
      DepthGuard guard(ctx);
      for (std::size_t i = 0; i < node.fields.size(); ++i) {
        p = skip(*node.fields[i].type, p);
        if (p == nullptr) [[unlikely]] return ctx.in_field(node, i);
      }
      return p;
    }
    case Type::kArray:
    case Type::kMap: return skip_collection(node, p);
    case Type::kUnion: {
      std::int64_t index = 0;
      const Byte* next = read_long(ctx, p, index, "union branch index");
      if (next == nullptr) return nullptr;
      if (static_cast<std::uint64_t>(index) >= node.branches.size()) [[unlikely]] {
        return ctx.failf(ErrorCode::kInvalidData, p, "union branch index {} is out of range (the union has {} "
                                    "branches)",
                                    index, node.branches.size());
      }
      // No depth step: records, arrays and maps bound recursion through unions.
      return skip(*node.branches[static_cast<std::size_t>(index)], next);
    }
  }
  return ctx.fail(ErrorCode::kInternal, p, "unknown schema node type");
}

const Byte* Skipper::skip_collection(const Node& node, const Byte* p) {
  if (ctx.depth >= ctx.limits.max_depth) [[unlikely]] return too_deep(ctx, p);
  DepthGuard guard(ctx);
  const bool is_map = node.type == Type::kMap;
  const Node& item = is_map ? *node.values : *node.items;
  const std::size_t min_size = (is_map ? 1 : 0) + min_encoded_size(item);
  const std::int64_t width = is_map ? -1 : fixed_encoded_size(item);
  std::size_t total = 0;
  for (;;) {
    BlockHeader header;
    p = read_block_header<ItemLimit::kValueSize>(ctx, p, header, total, min_size, node.type);
    if (p == nullptr) return nullptr;
    if (header.count == 0) return p;
    if (header.block_end != nullptr) {
      // The writer told us the block's size: jump over it.
      p = header.block_end;
    } else if (width >= 0) {
      // Bounded by read_block_header: count * width <= bytes left.
      p += header.count * static_cast<std::size_t>(width);
    } else {
      for (std::size_t i = 0; i < header.count; ++i) {
        if (is_map) {
          std::size_t len = 0;
          p = read_length(ctx, p, len, Type::kString);
          if (p == nullptr) [[unlikely]] return ctx.in_item(total + i);
          std::string_view key(reinterpret_cast<const char*>(p), len);
          p = skip(item, p + len);
          if (p == nullptr) [[unlikely]] return ctx.in_key(key);
        } else {
          p = skip(item, p);
          if (p == nullptr) [[unlikely]] return ctx.in_item(total + i);
        }
      }
    }
    total += header.count;
  }
}

// ---------------------------------------------------------------------------
// Encode.

// Index of the branch of `node` (a union) that `value` is an instance of, or -1:
// value.branch() when set, else the branch whose node is the value's, else the
// first of the same type (same fullname for named types).
int union_branch_of(const Node& node, const Value& value) {
  int branch = value.branch();
  if (branch >= 0) {
    if (static_cast<std::size_t>(branch) >= node.branches.size()) return -1;
    return branch;
  }
  for (std::size_t i = 0; i < node.branches.size(); ++i) {
    if (node.branches[i] == value.node()) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < node.branches.size(); ++i) {
    const Node* b = node.branches[i];
    if (b->type != value.type()) continue;
    if (is_named(b->type) && value.node() != nullptr && value.node()->fullname != b->fullname) {
      continue;
    }
    return static_cast<int>(i);
  }
  return -1;
}

// Error building shared by both encoders: all cold, out of line.
struct EncodeErrors {
  std::optional<Error> error;  // default-constructed: no zeroing of the Error storage

  [[gnu::cold, gnu::noinline]] bool fail(std::string message) {
    error.emplace(ErrorCode::kInvalidData, std::move(message));
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool fail_mismatch(const Node& node, const Value& value) {
    return fail(fmt::format("expected a value of type {}{}{}, got {}", type_name(node.type),
                            node.fullname.empty() ? "" : " ", node.fullname,
                            type_name(value.type())));
  }
  [[gnu::cold, gnu::noinline]] bool fail_union(const Node& node, const Value& value) {
    if (value.branch() >= 0) {
      return fail(fmt::format("union branch {} is out of range (the union has {} branches)",
                              value.branch(), node.branches.size()));
    }
    return fail(fmt::format("no branch of the union matches a value of type {}",
                            type_name(value.type())));
  }
  [[gnu::cold, gnu::noinline]] bool fail_fixed(const Node& node, const Value& value) {
    return fail(fmt::format("fixed {} needs {} bytes, the value has {}", node.fullname,
                            node.fixed_size, value.size()));
  }
  [[gnu::cold, gnu::noinline]] bool fail_enum(const Node& node, const Value& value) {
    return fail(fmt::format("enum {} index {} is out of range (it has {} symbols)",
                            node.fullname, value.enum_index(), node.symbols.size()));
  }
  [[gnu::cold, gnu::noinline]] bool fail_record(const Node& node, const Value& value) {
    return fail(fmt::format("record {} has {} fields, the value has {}", node.fullname,
                            node.fields.size(), value.size()));
  }
  [[gnu::cold, gnu::noinline]] bool in_field(const Node& record, std::size_t i) {
    error->in(record.fields[i].name);
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool in_item(std::size_t i) {
    error->in(fmt::format("[{}]", i));
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool in_key(std::string_view key) {
    error->in(fmt::format("[{}]", key));
    return false;
  }
};

// Encodes by walking the schema graph (encode_binary).
struct Encoder : EncodeErrors {
  explicit Encoder(internal::ByteBuffer& buffer) : out(buffer) {}

  internal::BinaryWriter out;

  // Leaves and unions of leaves inline in the record/array/map loops; records, arrays
  // and maps out of line; errors built in cold functions.
  [[gnu::always_inline]] inline bool encode(const Node& node, const Value& value);
  [[gnu::always_inline]] inline bool encode_leaf(const Node& node, const Value& value);
  bool encode_composite(const Node& node, const Value& value);
};

inline bool Encoder::encode(const Node& node, const Value& value) {
  if (node.type != Type::kUnion) return encode_leaf(node, value);
  int branch = value.branch();
  if (static_cast<std::size_t>(static_cast<unsigned>(branch)) >= node.branches.size())
      [[unlikely]] {
    branch = union_branch_of(node, value);
    if (branch < 0) return fail_union(node, value);
  }
  out.write_long(branch);
  return encode_leaf(*node.branches[static_cast<std::size_t>(branch)], value);
}

inline bool Encoder::encode_leaf(const Node& node, const Value& value) {
  if (value.type() != node.type) [[unlikely]] {
    if (node.type == Type::kUnion) return encode_composite(node, value);
    return fail_mismatch(node, value);
  }
  switch (node.type) {
    case Type::kNull: return true;
    case Type::kBoolean: out.write_byte(value.as_bool() ? 1 : 0); return true;
    case Type::kInt: out.write_long(value.as_int()); return true;
    case Type::kLong: out.write_long(value.as_long()); return true;
    case Type::kFloat: {
      float v = value.as_float();
      out.write_raw(&v, 4);
      return true;
    }
    case Type::kDouble: {
      double v = value.as_double();
      out.write_raw(&v, 8);
      return true;
    }
    case Type::kBytes:
    case Type::kString: {
      std::string_view s = value.as_string();
      out.write_long_and_raw(static_cast<std::int64_t>(s.size()), s.data(), s.size());
      return true;
    }
    case Type::kFixed: {
      std::string_view s = value.as_string();
      if (s.size() != node.fixed_size) [[unlikely]] return fail_fixed(node, value);
      out.write_raw(s.data(), s.size());
      return true;
    }
    case Type::kEnum: {
      int index = value.enum_index();
      if (static_cast<std::size_t>(static_cast<unsigned>(index)) >= node.symbols.size())
          [[unlikely]] {
        return fail_enum(node, value);
      }
      out.write_long(index);
      return true;
    }
    default: return encode_composite(node, value);
  }
}

bool Encoder::encode_composite(const Node& node, const Value& value) {
  switch (node.type) {
    case Type::kRecord: {
      const std::size_t n = node.fields.size();
      if (value.size() != n) [[unlikely]] return fail_record(node, value);
      const Field* fields = node.fields.data();
      for (std::size_t i = 0; i < n; ++i) {
        if (!encode(*fields[i].type, value[i])) [[unlikely]] return in_field(node, i);
      }
      return true;
    }
    case Type::kArray: {
      const std::size_t n = value.size();
      if (n != 0) {
        out.write_long(static_cast<std::int64_t>(n));
        const Node& items = *node.items;
        for (std::size_t i = 0; i < n; ++i) {
          if (!encode(items, value[i])) [[unlikely]] return in_item(i);
        }
      }
      out.write_byte(0);
      return true;
    }
    case Type::kMap: {
      auto entries = value.entries();
      if (!entries.empty()) {
        out.write_long(static_cast<std::int64_t>(entries.size()));
        const Node& values = *node.values;
        for (const MapEntry& e : entries) {
          out.write_long_and_raw(static_cast<std::int64_t>(e.key.size()), e.key.data(),
                                 e.key.size());
          if (!encode(values, e.value)) [[unlikely]] return in_key(e.key);
        }
      }
      out.write_byte(0);
      return true;
    }
    case Type::kUnion: return encode(node, value);  // a union directly inside a union
    default: break;
  }
  return fail_mismatch(node, value);
}

// Encodes through a compiled program (BinaryEncoder): the same checks and errors as
// Encoder, driven by internal::Step. The output position and end travel in a Cursor
// held in registers (as locals and by value), because every byte store may alias
// anything, which would force member state to be reloaded after each store.
struct Cursor {
  Byte* p;
  Byte* end;
};

using internal::copy_bytes;
using internal::put_varint;

// A length and that many bytes (strings, bytes, map keys) at p, where there is room
// for 10 + kShortTextSlack + text.size() bytes; returns the end.
[[gnu::always_inline]] inline Byte* put_length_and_text(Byte* p, std::string_view text) {
  p = put_varint(p, internal::zigzag_encode(static_cast<std::int64_t>(text.size())));
  return internal::copy_short_text(p, text.data(), text.size());
}

// --- Leaf values, shared by ProgramEncoder's checked steps and the flat-record path.

// Whether `v` is a value step `s` (of leaf code kCode) can encode; when not, the
// checked path reports why (fail_mismatch, fail_fixed or fail_enum).
template <std::uint8_t kCode>
[[gnu::always_inline]] inline bool leaf_valid(const Step& s, const Value& v) {
  if (v.type() != s.type) return false;
  if constexpr (kCode == internal::kFixed) return v.size() == s.a;
  if constexpr (kCode == internal::kEnum) return static_cast<std::uint32_t>(v.enum_index()) < s.a;
  return true;
}

// The most bytes put_leaf<code> writes (scratch included) besides the contents of a
// string, bytes or fixed value, whose size() it adds.
constexpr std::size_t leaf_room(std::uint8_t code) {
  using namespace internal;
  switch (code) {
    case kNull: return 0;
    case kBoolean: return 1;
    case kFloat: return 4;
    case kDouble: return 8;
    case kString:
    case kBytes: return 10 + kShortTextSlack;  // length varint, copy_short_text's slack
    case kFixed: return 0;
    default: return 10;  // int, long, enum: a varint
  }
}

// Writes valid leaf `v` (leaf_valid) at p, where there is room for leaf_room(kCode)
// plus v.size() bytes; returns the end.
template <std::uint8_t kCode>
[[gnu::always_inline]] inline Byte* put_leaf(Byte* p, const Value& v) {
  using namespace internal;
  if constexpr (kCode == kNull) {
    return p;
  } else if constexpr (kCode == kBoolean) {
    *p = v.as_bool() ? 1 : 0;
    return p + 1;
  } else if constexpr (kCode == kInt) {
    return internal::put_varint_any(p, internal::zigzag_encode(v.as_int()));
  } else if constexpr (kCode == kLong) {
    return internal::put_varint_any(p, internal::zigzag_encode(v.as_long()));
  } else if constexpr (kCode == kFloat) {
    float f = v.as_float();
    std::memcpy(p, &f, 4);
    return p + 4;
  } else if constexpr (kCode == kDouble) {
    double d = v.as_double();
    std::memcpy(p, &d, 8);
    return p + 8;
  } else if constexpr (kCode == kString || kCode == kBytes) {
    return put_length_and_text(p, v.as_string());
  } else if constexpr (kCode == kFixed) {
    copy_bytes(p, v.as_string().data(), v.size());
    return p + v.size();
  } else {
    static_assert(kCode == kEnum);
    return put_varint(p, internal::zigzag_encode(v.enum_index()));
  }
}

// Whether code kCode is a leaf (put_leaf writes it).
constexpr bool is_leaf_code(std::uint8_t code) { return code <= internal::kEnum; }

struct ProgramEncoder : EncodeErrors {
  ProgramEncoder(internal::ByteBuffer& b, const Step* s) : buf(b), steps(s) {}

  internal::ByteBuffer& buf;
  const Step* steps;

  // Room for `n` more bytes at c.p.
  [[gnu::always_inline]] void room(Cursor& c, std::size_t n) {
    if (static_cast<std::size_t>(c.end - c.p) < n) [[unlikely]] c = grow(c, n);
  }
  [[gnu::noinline]] Cursor grow(Cursor c, std::size_t n) {
    const auto used = static_cast<std::size_t>(c.p - buf.data());
    buf.set_size(used);  // keep the bytes written so far across the move
    buf.reserve(used + n);
    return {buf.data() + used, buf.data() + buf.capacity()};
  }
  [[gnu::always_inline]] void put_byte(Cursor& c, Byte b) {
    room(c, 1);
    *c.p++ = b;
  }
  [[gnu::always_inline]] void put_long(Cursor& c, std::int64_t v) {
    room(c, 10);
    c.p = put_varint(c.p, internal::zigzag_encode(v));
  }
  // A length and that many bytes: strings, bytes, map keys.
  [[gnu::always_inline]] void put_text(Cursor& c, std::string_view text) {
    room(c, 10 + text.size() + internal::kShortTextSlack);
    c.p = put_length_and_text(c.p, text);
  }

  // Why leaf_valid<>() refused `v` for step `s`, as an error (cold).
  [[gnu::cold, gnu::noinline]] bool fail_leaf(const Step& s, const Value& v) {
    if (v.type() != s.type) return fail_mismatch(*s.node, v);
    if ((s.code & ~internal::kOptional) == internal::kFixed) return fail_fixed(*s.node, v);
    return fail_enum(*s.node, v);
  }

  // One value of step `s`; false on failure (the error is in `error`).
  [[gnu::always_inline]] inline bool step(const Step& s, const Value& v, Cursor& c);
  template <std::uint8_t kCode>
  [[gnu::always_inline]] inline bool value(const Step& s, const Value& v, Cursor& c);
  template <std::uint8_t kCode>
  [[gnu::noinline]] Cursor optional_slow(const Step& s, const Value& v, Cursor c);
  // Composites: the cursor after the value, or {nullptr, nullptr} on failure.
  Cursor record(const Step& s, const Value& v, Cursor c);
  // record()'s body, inlined where the root record is encoded (saves a call per datum).
  [[gnu::always_inline]] inline Cursor record_fields(const Step& s, const Value& v, Cursor c);
  Cursor array(const Step& s, const Value& v, Cursor c);
  Cursor map(const Step& s, const Value& v, Cursor c);
  Cursor union_value(const Step& s, const Value& v, Cursor c);

  static bool ok(Cursor& c, Cursor next) {
    c = next;
    return next.p != nullptr;
  }
  static Cursor failed(bool) { return {nullptr, nullptr}; }
};

template <std::uint8_t kCode>
inline bool ProgramEncoder::value(const Step& s, const Value& v, Cursor& c) {
  using namespace internal;
  if constexpr (is_leaf_code(kCode)) {
    if (!leaf_valid<kCode>(s, v)) [[unlikely]] return fail_leaf(s, v);
    constexpr bool kSized = kCode == kString || kCode == kBytes || kCode == kFixed;
    room(c, leaf_room(kCode) + (kSized ? v.size() : 0));
    c.p = put_leaf<kCode>(c.p, v);
    return true;
  } else {
    if (v.type() != s.type) [[unlikely]] return fail_mismatch(*s.node, v);
    if constexpr (kCode == kRecord) {
      return ok(c, record(s, v, c));
    } else if constexpr (kCode == kArray) {
      return ok(c, array(s, v, c));
    } else {
      static_assert(kCode == kMap);
      return ok(c, map(s, v, c));
    }
  }
}

// A two-branch union with null whose value has no usable branch(): choose as
// Encoder does (union_branch_of).
template <std::uint8_t kCode>
Cursor ProgramEncoder::optional_slow(const Step& s, const Value& v, Cursor c) {
  int branch = v.branch();
  if (static_cast<unsigned>(branch) >= 2u) {
    branch = union_branch_of(*s.schema, v);
    if (branch < 0) return failed(fail_union(*s.schema, v));
  }
  put_byte(c, static_cast<Byte>(2 * branch));
  if (branch != s.null_index) {
    if (!value<kCode>(s, v, c)) return failed(false);
    return c;
  }
  if (v.type() != Type::kNull) return failed(fail_mismatch(*s.null_node, v));
  return c;
}

inline bool ProgramEncoder::step(const Step& s, const Value& v, Cursor& c) {
  using namespace internal;
  // A two-branch union with null: the value's branch() picks the side.
#define SLUICE_STEP_CASES(C)                                                  \
  case C: return value<C>(s, v, c);                                           \
  case C | kOptional: {                                                       \
    const int branch = v.branch();                                            \
    if (branch == 1 - s.null_index) {                                         \
      put_byte(c, s.value_byte);                                              \
      return value<C>(s, v, c);                                               \
    }                                                                         \
    if (branch == s.null_index && v.type() == Type::kNull) {                  \
      put_byte(c, s.null_byte);                                               \
      return true;                                                            \
    }                                                                         \
    return ok(c, optional_slow<C>(s, v, c));                                  \
  }
  switch (s.code & 0x1F) {
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
    case kUnion: return ok(c, union_value(s, v, c));
    default: return fail("invalid encode step");
  }
#undef SLUICE_STEP_CASES
}

inline Cursor ProgramEncoder::record_fields(const Step& s, const Value& v, Cursor c) {
  const std::uint32_t n = s.b;
  if (v.size() != n) [[unlikely]] return failed(fail_record(*s.node, v));
  const Step* field = steps + s.a;
  const Value* children = v.children().data();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!step(field[i], children[i], c)) [[unlikely]] return failed(in_field(*s.node, i));
  }
  return c;
}

Cursor ProgramEncoder::record(const Step& s, const Value& v, Cursor c) {
  return record_fields(s, v, c);
}

Cursor ProgramEncoder::array(const Step& s, const Value& v, Cursor c) {
  const std::size_t n = v.size();
  if (n != 0) {
    put_long(c, static_cast<std::int64_t>(n));
    const Step& item = steps[s.a];
    const Value* items = v.items().data();
    // Arrays of the common leaves get a loop of their own (no dispatch per item).
    auto each = [&](auto encode_item) -> bool {
      for (std::size_t i = 0; i < n; ++i) {
        if (!encode_item(items[i])) [[unlikely]] return in_item(i);
      }
      return true;
    };
    bool good;
    switch (item.code) {
      case internal::kString:
        good = each([&](const Value& x) __attribute__((always_inline)) { return value<internal::kString>(item, x, c); });
        break;
      case internal::kLong:
        good = each([&](const Value& x) __attribute__((always_inline)) { return value<internal::kLong>(item, x, c); });
        break;
      default:
        good = each([&](const Value& x) __attribute__((always_inline)) { return step(item, x, c); });
    }
    if (!good) [[unlikely]] return failed(false);
  }
  put_byte(c, 0);
  return c;
}

Cursor ProgramEncoder::map(const Step& s, const Value& v, Cursor c) {
  auto entries = v.entries();
  if (!entries.empty()) {
    put_long(c, static_cast<std::int64_t>(entries.size()));
    const Step& item = steps[s.a];
    // Maps of the common leaves get a loop of their own (no dispatch per entry).
    auto each = [&](auto encode_value) -> bool {
      for (const MapEntry& e : entries) {
        put_text(c, e.key);
        if (!encode_value(e.value)) [[unlikely]] return in_key(e.key);
      }
      return true;
    };
    bool good;
    switch (item.code) {
      case internal::kDouble:
        good = each([&](const Value& x) __attribute__((always_inline)) { return value<internal::kDouble>(item, x, c); });
        break;
      case internal::kString:
        good = each([&](const Value& x) __attribute__((always_inline)) { return value<internal::kString>(item, x, c); });
        break;
      case internal::kLong:
        good = each([&](const Value& x) __attribute__((always_inline)) { return value<internal::kLong>(item, x, c); });
        break;
      default:
        good = each([&](const Value& x) __attribute__((always_inline)) { return step(item, x, c); });
    }
    if (!good) [[unlikely]] return failed(false);
  }
  put_byte(c, 0);
  return c;
}

Cursor ProgramEncoder::union_value(const Step& s, const Value& v, Cursor c) {
  const Node& node = *s.schema;
  int branch = v.branch();
  if (static_cast<unsigned>(branch) >= s.b) [[unlikely]] {
    branch = union_branch_of(node, v);
    if (branch < 0) return failed(fail_union(node, v));
  }
  put_long(c, branch);
  // Branch steps are never unions or optional, so this does not come back here.
  if (!step(steps[s.a + static_cast<std::size_t>(branch)], v, c)) return failed(false);
  return c;
}

// --- Flat records: one room check per record instead of one per field.
//
// A record whose fields are all leaves or optional leaves ("flat", as most event
// records are) writes at most flat_record_room() bytes plus the contents of its
// strings, bytes and fixed values, which is the sum of its fields' size()s (a scalar's
// size() is 0; a value of the wrong type may count more, which only asks for more
// room). With that much room at hand its fields are written with no room check per
// field and no Cursor to keep, so the position stays in a register for the record.

// The room the fields of record step `s` need besides their size()s, or 0 when `s`
// is not a flat record (or has no fields).
std::size_t flat_record_room(const Step* steps, const Step& s) {
  if (s.code != internal::kRecord) return 0;
  std::size_t room = 0;
  for (std::uint32_t i = 0; i < s.b; ++i) {
    const Step& field = steps[s.a + i];
    const auto code = static_cast<std::uint8_t>(field.code & ~internal::kOptional);
    if (!is_leaf_code(code)) return 0;
    room += leaf_room(code) + ((field.code & internal::kOptional) != 0 ? 1 : 0);
  }
  return room;
}

// Writes the `n` fields (steps `field`, values `child`) of a flat record at p, where
// there is room for flat_record_room() plus the sum of the values' size()s; returns
// the end, or nullptr when a field is not the plain case: a value of the wrong type, a
// fixed of the wrong size, an enum index out of range, an optional value whose
// branch() is not set. The caller then encodes the record through the checked steps,
// which choose the branch or report the error (ProgramEncoder::step).
[[gnu::always_inline]] inline Byte* put_flat_fields(const Step* field, const Value* child,
                                                   std::size_t n, Byte* p) {
  using namespace internal;
  for (std::size_t i = 0; i < n; ++i) {
    const Step& s = field[i];
    const Value& v = child[i];
#define SLUICE_FLAT_CASES(C)                                                 \
  case C:                                                                    \
    if (!leaf_valid<C>(s, v)) [[unlikely]] return nullptr;                   \
    p = put_leaf<C>(p, v);                                                   \
    break;                                                                   \
  case C | kOptional: {                                                      \
    const int branch = v.branch();                                           \
    if (branch == 1 - s.null_index && leaf_valid<C>(s, v)) [[likely]] {      \
      *p++ = s.value_byte;                                                   \
      p = put_leaf<C>(p, v);                                                 \
    } else if (branch == s.null_index && v.type() == Type::kNull) {          \
      *p++ = s.null_byte;                                                    \
    } else {                                                                 \
      return nullptr;                                                        \
    }                                                                        \
    break;                                                                   \
  }
    switch (s.code) {
      SLUICE_FLAT_CASES(kNull)
      SLUICE_FLAT_CASES(kBoolean)
      SLUICE_FLAT_CASES(kInt)
      SLUICE_FLAT_CASES(kLong)
      SLUICE_FLAT_CASES(kFloat)
      SLUICE_FLAT_CASES(kDouble)
      SLUICE_FLAT_CASES(kString)
      SLUICE_FLAT_CASES(kBytes)
      SLUICE_FLAT_CASES(kFixed)
      SLUICE_FLAT_CASES(kEnum)
      default: return nullptr;
    }
#undef SLUICE_FLAT_CASES
  }
  return p;
}

// BinaryEncoder's general path: appends `value` to `buf` through the checked steps of
// `program`; on failure keeps the error in `error` and leaves buf's size as it was.
[[gnu::noinline]] bool append_through_steps(const internal::Program& program,
                                            internal::ByteBuffer& buf, const Value& value,
                                            std::optional<Error>& error) {
  const std::size_t before = buf.size();
  if (buf.capacity() - before < 256) [[unlikely]] buf.reserve(before + 256);
  ProgramEncoder e(buf, program.steps.data());
  Cursor c{buf.data() + before, buf.data() + buf.capacity()};
  const Step& root = program.steps[0];
  if (root.code == internal::kRecord && value.type() == Type::kRecord) [[likely]] {
    c = e.record_fields(root, value, c);
  } else if (!e.step(root, value, c)) {
    c.p = nullptr;
  }
  if (c.p != nullptr) [[likely]] {
    buf.set_size(static_cast<std::size_t>(c.p - buf.data()));
    return true;
  }
  buf.set_size(before);  // grow() may have counted uncommitted bytes
  error = std::move(e.error);
  return false;
}

// Per-thread scratch of encode_binary: encoding into a reused raw buffer and copying
// the result costs less than growing the caller's vector (resize zero-fills).
internal::ByteBuffer& encode_scratch() {
  thread_local internal::ByteBuffer scratch;
  return scratch;
}

// Scratch kept between calls is bounded; a larger one is freed after use.
constexpr std::size_t kMaxKeptScratch = std::size_t{1} << 20;

}  // namespace

Result<Value> decode_binary(const Node& schema, BinaryReader& in, Arena& arena,
                            const DecodeLimits& limits) {
  Decoder d{Context(in, limits), arena};
  Value out;
  const Byte* p = d.decode(schema, d.ctx.begin, out);
  if (p == nullptr) [[unlikely]] return fail(std::move(*d.ctx.error));
  in.advance(static_cast<std::size_t>(p - d.ctx.begin));
  return out;
}

Status skip_binary(const Node& schema, BinaryReader& in, const DecodeLimits& limits) {
  Skipper s{Context(in, limits)};
  const Byte* p = s.skip(schema, s.ctx.begin);
  if (p == nullptr) [[unlikely]] return fail(std::move(*s.ctx.error));
  in.advance(static_cast<std::size_t>(p - s.ctx.begin));
  return ok_status();
}

Status encode_binary(const Node& schema, const Value& value, std::vector<std::uint8_t>& out) {
  internal::ByteBuffer& scratch = encode_scratch();
  scratch.clear();
  bool ok;
  std::optional<Error> error;
  {
    Encoder e(scratch);
    ok = e.encode(schema, value);
    if (ok) [[likely]] {
      e.out.commit();
    } else {
      error = std::move(e.error);
    }
  }
  if (ok) [[likely]] out.insert(out.end(), scratch.data(), scratch.data() + scratch.size());
  if (scratch.capacity() > kMaxKeptScratch) [[unlikely]] scratch.release();
  if (!ok) [[unlikely]] return fail(std::move(*error));
  return ok_status();
}

// ------------------------------------------------------------------- BinaryDecoder

BinaryDecoder::BinaryDecoder(const Node& schema)
    : program_(std::make_shared<internal::Program>(internal::compile_program(schema))) {}

const Node& BinaryDecoder::schema() const { return *program_->root; }

Result<Value> BinaryDecoder::decode(BinaryReader& in, Arena& arena,
                                    const DecodeLimits& limits) const {
  ProgramDecoder d{Context(in, limits), arena, program_->steps.data()};
  Value out;
  const Step& root = program_->steps[0];
  const Byte* p = root.code == internal::kRecord ? d.record(root, d.ctx.begin, out)
                                                 : d.step_outline(root, d.ctx.begin, out);
  if (p == nullptr) [[unlikely]] return fail(std::move(*d.ctx.error));
  in.advance(static_cast<std::size_t>(p - d.ctx.begin));
  return out;
}

// ------------------------------------------------------------------- BinaryEncoder

BinaryEncoder::BinaryEncoder(const Node& schema)
    : program_(std::make_shared<internal::Program>(internal::compile_program(schema))),
      buffer_(std::make_unique<internal::ByteBuffer>()),
      flat_room_(flat_record_room(program_->steps.data(), program_->steps[0])) {}

BinaryEncoder::~BinaryEncoder() = default;
BinaryEncoder::BinaryEncoder(BinaryEncoder&&) noexcept = default;
BinaryEncoder& BinaryEncoder::operator=(BinaryEncoder&&) noexcept = default;
BinaryEncoder::BinaryEncoder(const BinaryEncoder& other)
    : program_(other.program_), buffer_(std::make_unique<internal::ByteBuffer>()),
      flat_room_(other.flat_room_) {}
BinaryEncoder& BinaryEncoder::operator=(const BinaryEncoder& other) {
  program_ = other.program_;
  flat_room_ = other.flat_room_;
  if (!buffer_) buffer_ = std::make_unique<internal::ByteBuffer>();
  buffer_->clear();
  return *this;
}

const Node& BinaryEncoder::schema() const { return *program_->root; }

bool BinaryEncoder::append_or_keep_error(const Value& value) {
  // The flat path first, in a function of its own that needs no saved registers or
  // stack; everything else (and anything it declines) through the checked steps.
  internal::ByteBuffer* buf = buffer_.get();
  if (flat_room_ != 0 && buf != nullptr && value.type() == Type::kRecord &&
      value.size() == program_->steps[0].b) [[likely]] {
    const Step* steps = program_->steps.data();
    const std::size_t count = steps[0].b;  // the root record's fields, steps[0].a on
    const Value* fields = value.children().data();
    std::size_t need = flat_room_;
    for (std::size_t i = 0; i < count; ++i) need += fields[i].size();
    const std::size_t before = buf->size();
    if (buf->capacity() - before >= need) [[likely]] {
      Byte* end = put_flat_fields(steps + steps[0].a, fields, count, buf->data() + before);
      if (end != nullptr) [[likely]] {
        buf->set_size(static_cast<std::size_t>(end - buf->data()));
        return true;
      }
    }
  }
  if (!buffer_) buffer_ = std::make_unique<internal::ByteBuffer>();  // after a move
  return append_through_steps(*program_, *buffer_, value, error_);
}

tl::unexpected<Error> BinaryEncoder::take_error() {
  Error e = error_ ? std::move(*error_) : Error(ErrorCode::kInternal, "no encode error");
  error_.reset();
  return fail(std::move(e));
}

Status BinaryEncoder::encode(const Value& value, std::vector<std::uint8_t>& out) {
  const std::size_t before = buffer_ ? buffer_->size() : 0;
  SLUICE_TRY(append(value));
  const std::uint8_t* data = buffer_->data();
  out.insert(out.end(), data + before, data + buffer_->size());
  buffer_->set_size(before);
  return ok_status();
}

std::span<const std::uint8_t> BinaryEncoder::bytes() const {
  if (!buffer_) return {};
  return {buffer_->data(), buffer_->size()};
}

void BinaryEncoder::clear() {
  if (buffer_) buffer_->clear();
}

}  // namespace sluice::avro
