// Random datum generation. See random.h for the contract.
//
// Each generator below draws from a mixture: mostly "ordinary" values, plus a fixed
// share of edge cases (extremes, escapes, multi-byte UTF-8), so that a few hundred
// datums exercise every encoder path.
#include "avro/random.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace sluice::avro {
namespace {

constexpr std::size_t kInfinite = std::numeric_limits<std::size_t>::max();

// --- Numbers -------------------------------------------------------------------

std::int64_t random_integer(Rng& rng, std::int64_t lo, std::int64_t hi) {
  std::uint64_t pick = rng.below(16);
  if (pick < 2) {  // extremes and the values around zero
    const std::array<std::int64_t, 5> edges = {lo, hi, 0, -1, 1};
    return edges[rng.below(edges.size())];
  }
  if (pick < 8) return rng.between(-1000, 1000);
  // Log-uniform magnitude so that every varint length shows up.
  int bits = static_cast<int>(rng.below(hi > INT32_MAX ? 63 : 31)) + 1;
  // Unsigned arithmetic: for bits = 63, 2^63 - 1 must not pass through INT64_MIN.
  auto bound = static_cast<std::int64_t>((std::uint64_t{1} << bits) - 1);
  std::int64_t v = rng.between(-bound - 1, bound);
  return v < lo ? lo : (v > hi ? hi : v);
}

template <class F>
F random_real(Rng& rng, bool special_floats) {
  using Limits = std::numeric_limits<F>;
  std::uint64_t pick = rng.below(32);
  if (pick < 2) {
    const std::array<F, 8> edges = {F(0),          -F(0),        F(1),           F(-1.5),
                                    Limits::max(), Limits::lowest(), Limits::min(),
                                    Limits::denorm_min()};
    return edges[rng.below(edges.size())];
  }
  if (pick == 2 && special_floats) {
    const std::array<F, 3> specials = {Limits::quiet_NaN(), Limits::infinity(),
                                       -Limits::infinity()};
    return specials[rng.below(specials.size())];
  }
  // ldexp is exact, so the value does not depend on the platform's libm.
  int max_exp = sizeof(F) == 4 ? 40 : 200;
  double m = rng.unit();
  double v = std::ldexp(m, static_cast<int>(rng.between(-max_exp, max_exp)));
  if (rng.chance(1, 2)) v = -v;
  return static_cast<F>(v);
}

// --- Text ------------------------------------------------------------------------

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::uint32_t random_code_point(Rng& rng) {
  std::uint64_t pick = rng.below(20);
  if (pick < 10) return static_cast<std::uint32_t>(rng.between(0x20, 0x7E));  // printable ASCII
  if (pick < 12) {
    // Characters JSON must escape, and a few control characters. No NUL: C
    // consumers (avro-c) treat strings as NUL-terminated.
    const std::array<std::uint32_t, 11> escapes = {'"',  '\\', '\n', '\t', '\r', '\b',
                                                   '\f', '/',  0x01, 0x1F, 0x7F};
    return escapes[rng.below(escapes.size())];
  }
  if (pick < 15) return static_cast<std::uint32_t>(rng.between(0x80, 0x7FF));  // 2 bytes: é
  if (pick < 18) {                                                             // 3 bytes: €, 漢
    auto cp = static_cast<std::uint32_t>(rng.between(0x800, 0xFFFD));
    return (cp >= 0xD800 && cp <= 0xDFFF) ? 0x20AC : cp;  // never a surrogate
  }
  return static_cast<std::uint32_t>(rng.between(0x10000, 0x10FFFF));  // 4 bytes: 😀
}

std::string random_string(Rng& rng, std::size_t max_chars) {
  std::string out;
  auto n = static_cast<std::size_t>(rng.below(max_chars + 1));
  for (std::size_t i = 0; i < n; ++i) append_utf8(out, random_code_point(rng));
  return out;
}

std::string random_bytes(Rng& rng, std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng.below(256));
  return out;
}

// --- Logical types -----------------------------------------------------------------

// Two's-complement big-endian bytes of a random integer with 1..max_digits decimal
// digits (minimal length, as Java's BigInteger.toByteArray()).
std::string random_unscaled(Rng& rng, int max_digits) {
  int digits = static_cast<int>(rng.between(1, std::max(1, max_digits)));
  std::vector<std::uint8_t> mag;  // big-endian magnitude
  for (int d = 0; d < digits; ++d) {
    unsigned carry = static_cast<unsigned>(rng.below(10));
    for (auto it = mag.rbegin(); it != mag.rend(); ++it) {
      unsigned x = *it * 10u + carry;
      *it = static_cast<std::uint8_t>(x & 0xFF);
      carry = x >> 8;
    }
    while (carry != 0) {
      mag.insert(mag.begin(), static_cast<std::uint8_t>(carry & 0xFF));
      carry >>= 8;
    }
  }
  mag.insert(mag.begin(), 0);  // room for the sign bit
  if (rng.chance(1, 2)) {      // negate: invert and add one
    for (auto& b : mag) b = static_cast<std::uint8_t>(~b);
    for (auto it = mag.rbegin(); it != mag.rend(); ++it) {
      if (++*it != 0) break;
    }
  }
  std::size_t skip = 0;
  while (mag.size() - skip > 1 &&
         ((mag[skip] == 0x00 && (mag[skip + 1] & 0x80) == 0) ||
          (mag[skip] == 0xFF && (mag[skip + 1] & 0x80) != 0))) {
    ++skip;
  }
  return std::string(mag.begin() + static_cast<std::ptrdiff_t>(skip), mag.end());
}

// Largest number of decimal digits that always fits a signed n-byte integer.
int max_digits_for_bytes(std::size_t n) {
  if (n == 0) return 0;
  return static_cast<int>(std::floor((8.0 * static_cast<double>(n) - 1) * 0.30102999566398120));
}

void append_varint(std::string& out, std::int64_t v) {
  auto n = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

std::string random_uuid_bytes(Rng& rng) {
  std::string b = random_bytes(rng, 16);
  b[6] = static_cast<char>((static_cast<std::uint8_t>(b[6]) & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<char>((static_cast<std::uint8_t>(b[8]) & 0x3F) | 0x80);  // RFC 4122 variant
  return b;
}

std::string uuid_text(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    auto c = static_cast<std::uint8_t>(b[i]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

void append_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// 1900-01-01 and 2100-12-31 as days since the epoch.
constexpr std::int64_t kFirstDay = -25567;
constexpr std::int64_t kLastDay = 47846;
constexpr std::int64_t kMillisPerDay = 86'400'000;

std::int64_t random_instant(Rng& rng, std::int64_t units_per_milli) {
  std::int64_t ms = rng.between(kFirstDay * kMillisPerDay, (kLastDay + 1) * kMillisPerDay - 1);
  return ms * units_per_milli + rng.between(0, units_per_milli - 1);
}

// --- Schema walking --------------------------------------------------------------

void collect(const Node* node, std::unordered_set<const Node*>& seen,
             std::vector<const Node*>& order) {
  if (node == nullptr || !seen.insert(node).second) return;
  order.push_back(node);
  for (const Field& f : node->fields) collect(f.type, seen, order);
  collect(node->items, seen, order);
  collect(node->values, seen, order);
  for (const Node* b : node->branches) collect(b, seen, order);
}

}  // namespace

// --- Rng -------------------------------------------------------------------------

std::uint64_t Rng::below(std::uint64_t n) {
  SLUICE_DCHECK(n > 0);
  if ((n & (n - 1)) == 0) return engine_() & (n - 1);
  // Reject the top partial range so every residue is equally likely.
  std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                        std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x;
  do {
    x = engine_();
  } while (x >= limit);
  return x % n;
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
  SLUICE_DCHECK(lo <= hi);
  std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  std::uint64_t offset = span == std::numeric_limits<std::uint64_t>::max() ? engine_()
                                                                           : below(span + 1);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
}

double Rng::unit() { return std::ldexp(static_cast<double>(engine_() >> 11), -53); }

// --- RandomGenerator -------------------------------------------------------------

Result<RandomGenerator> RandomGenerator::make(const Node& schema, const RandomOptions& options) {
  RandomGenerator gen;
  gen.schema_ = &schema;
  gen.options_ = options;

  std::unordered_set<const Node*> seen;
  std::vector<const Node*> nodes;
  collect(&schema, seen, nodes);

  // rank = how many record/union levels it takes at least to reach a finite value:
  // leaves, arrays and maps (which can be empty) are 0; a record is one more than
  // its deepest field; a union one more than its shallowest branch. Found by
  // iterating to a fixed point; a node left at kInfinite has no finite value.
  for (const Node* n : nodes) {
    if (n->type == Type::kRecord || n->type == Type::kUnion) gen.rank_[n] = kInfinite;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const Node* n : nodes) {
      if (n->type != Type::kRecord && n->type != Type::kUnion) continue;
      std::size_t r;
      if (n->type == Type::kRecord) {
        r = 0;
        for (const Field& f : n->fields) r = std::max(r, gen.rank(f.type));
      } else {
        r = kInfinite;
        for (const Node* b : n->branches) r = std::min(r, gen.rank(b));
      }
      if (r != kInfinite) ++r;
      if (r < gen.rank_[n]) {
        gen.rank_[n] = r;
        changed = true;
      }
    }
  }
  if (gen.rank(&schema) == kInfinite) {
    return fail(ErrorCode::kInvalidArgument,
                "schema has no finite value: a record contains itself with no union or "
                "array/map in between");
  }
  return gen;
}

std::size_t RandomGenerator::rank(const Node* node) const {
  auto it = rank_.find(node);
  return it == rank_.end() ? 0 : it->second;
}

Result<Value> RandomGenerator::next(Rng& rng, Arena& arena) const {
  return generate(*schema_, rng, arena, 0);
}

Value RandomGenerator::generate(const Node& node, Rng& rng, Arena& arena,
                                std::size_t depth) const {
  const bool cut = depth >= options_.max_depth;
  // A collection of a type with no finite value (reachable only through an array or
  // map) stays empty.
  auto count = [&](const Node* element) -> std::size_t {
    if (cut || options_.max_items == 0 || rank(element) == kInfinite || rng.chance(1, 4)) {
      return 0;
    }
    return static_cast<std::size_t>(rng.between(1, static_cast<std::int64_t>(options_.max_items)));
  };

  switch (node.type) {
    case Type::kNull:
      return Value::null(&node);
    case Type::kBoolean:
      return Value::boolean(&node, rng.chance(1, 2));
    case Type::kInt: {
      std::int64_t v;
      switch (node.logical) {
        case LogicalType::kDate: v = rng.between(kFirstDay, kLastDay); break;
        case LogicalType::kTimeMillis: v = rng.between(0, kMillisPerDay - 1); break;
        default: v = random_integer(rng, INT32_MIN, INT32_MAX); break;
      }
      return Value::int32(&node, static_cast<std::int32_t>(v));
    }
    case Type::kLong: {
      std::int64_t v;
      switch (node.logical) {
        case LogicalType::kTimeMicros: v = rng.between(0, kMillisPerDay * 1000 - 1); break;
        case LogicalType::kTimestampMillis:
        case LogicalType::kLocalTimestampMillis: v = random_instant(rng, 1); break;
        case LogicalType::kTimestampMicros:
        case LogicalType::kLocalTimestampMicros: v = random_instant(rng, 1000); break;
        case LogicalType::kTimestampNanos:
        case LogicalType::kLocalTimestampNanos: v = random_instant(rng, 1'000'000); break;
        default: v = random_integer(rng, INT64_MIN, INT64_MAX); break;
      }
      return Value::int64(&node, v);
    }
    case Type::kFloat:
      return Value::float32(&node, random_real<float>(rng, options_.special_floats));
    case Type::kDouble:
      return Value::float64(&node, random_real<double>(rng, options_.special_floats));
    case Type::kBytes: {
      std::string b;
      if (node.logical == LogicalType::kDecimal) {
        b = random_unscaled(rng, node.precision);
      } else if (node.logical == LogicalType::kBigDecimal) {
        std::string unscaled = random_unscaled(rng, 20);
        append_varint(b, static_cast<std::int64_t>(unscaled.size()));
        b += unscaled;
        append_varint(b, rng.between(0, 20));
      } else {
        b = random_bytes(rng, static_cast<std::size_t>(rng.below(options_.max_bytes + 1)));
      }
      return Value::text(&node, arena.copy(b));
    }
    case Type::kString: {
      std::string s = node.logical == LogicalType::kUuid ? uuid_text(random_uuid_bytes(rng))
                                                         : random_string(rng, options_.max_string_chars);
      return Value::text(&node, arena.copy(s));
    }
    case Type::kFixed: {
      std::string b;
      if (node.logical == LogicalType::kUuid && node.fixed_size == 16) {
        b = random_uuid_bytes(rng);
      } else if (node.logical == LogicalType::kDuration && node.fixed_size == 12) {
        append_le32(b, static_cast<std::uint32_t>(rng.between(0, 1200)));
        append_le32(b, static_cast<std::uint32_t>(rng.between(0, 30)));
        append_le32(b, static_cast<std::uint32_t>(rng.between(0, kMillisPerDay - 1)));
      } else if (node.logical == LogicalType::kDecimal) {
        int digits = std::min(node.precision, max_digits_for_bytes(node.fixed_size));
        std::string unscaled = random_unscaled(rng, digits);
        // Sign-extend to the fixed size.
        char pad = (!unscaled.empty() && (static_cast<std::uint8_t>(unscaled[0]) & 0x80)) ? '\xFF'
                                                                                          : '\0';
        b.assign(node.fixed_size > unscaled.size() ? node.fixed_size - unscaled.size() : 0, pad);
        b += unscaled;
        b.resize(node.fixed_size);
      } else {
        b = random_bytes(rng, node.fixed_size);
      }
      return Value::text(&node, arena.copy(b));
    }
    case Type::kEnum:
      return Value::enumeration(&node, node.symbols.empty()
                                           ? 0
                                           : static_cast<int>(rng.below(node.symbols.size())));
    case Type::kRecord: {
      Value rec = Value::record(&node, arena);
      for (std::size_t i = 0; i < node.fields.size(); ++i) {
        rec[i] = generate(*node.fields[i].type, rng, arena, depth + 1);
      }
      return rec;
    }
    case Type::kArray: {
      std::size_t n = count(node.items);
      Value arr = Value::array(&node, arena, n);
      for (std::size_t i = 0; i < n; ++i) arr[i] = generate(*node.items, rng, arena, depth + 1);
      return arr;
    }
    case Type::kMap: {
      std::size_t n = count(node.values);
      Value map = Value::map(&node, arena, n);
      auto entries = map.mutable_entries();
      std::unordered_set<std::string> keys;
      for (std::size_t i = 0; i < n; ++i) {
        std::string key = random_string(rng, options_.max_string_chars);
        while (!keys.insert(key).second) key += std::to_string(i);  // keys must be distinct
        entries[i].key = arena.copy(key);
        entries[i].value = generate(*node.values, rng, arena, depth + 1);
      }
      return map;
    }
    case Type::kUnion: {
      // Only branches with a finite value; past max_depth, the one nearest a leaf
      // (its rank is below the union's, so recursion strictly shrinks).
      std::vector<std::size_t> usable;
      std::size_t best = 0;
      for (std::size_t i = 0; i < node.branches.size(); ++i) {
        std::size_t r = rank(node.branches[i]);
        if (r == kInfinite) continue;
        usable.push_back(i);
        if (rank(node.branches[i]) < rank(node.branches[best])) best = i;
      }
      if (usable.empty()) return Value::null(&node);  // unreachable: rank is finite
      std::size_t pick = cut ? best : usable[rng.below(usable.size())];
      Value v = generate(*node.branches[pick], rng, arena, depth);
      v.in_branch(static_cast<int>(pick));
      return v;
    }
  }
  return Value::null(&node);
}

Result<Value> random_value(const Node& schema, Rng& rng, Arena& arena,
                           const RandomOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(RandomGenerator gen, RandomGenerator::make(schema, options));
  return gen.next(rng, arena);
}

}  // namespace sluice::avro
