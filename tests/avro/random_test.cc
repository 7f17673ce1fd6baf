#include "avro/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "avro/binary.h"
#include "avro/schema.h"

namespace sluice::avro {
namespace {

SchemaPtr parse(const std::string& json) {
  auto schema = Schema::parse(json);
  EXPECT_TRUE(schema) << (schema ? "" : schema.error().to_string());
  return schema ? *schema : nullptr;
}

std::vector<std::uint8_t> encode(const Node& schema, const Value& v) {
  std::vector<std::uint8_t> out;
  auto status = encode_binary(schema, v, out);
  EXPECT_TRUE(status) << (status ? "" : status.error().to_string());
  return out;
}

// Big-endian two's complement to int64 (for up to 8 bytes).
std::int64_t from_twos_complement(std::string_view b) {
  if (b.empty()) return 0;
  std::int64_t v = static_cast<std::int8_t>(b[0]);
  for (std::size_t i = 1; i < b.size(); ++i) v = v * 256 + static_cast<std::uint8_t>(b[i]);
  return v;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<std::uint8_t>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<std::uint8_t>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

TEST(Rng, IsMt19937_64) {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64.
  Rng rng(5489);
  for (int i = 0; i < 9999; ++i) rng.next_u64();
  EXPECT_EQ(rng.next_u64(), 9981545732273789042ULL);
}

TEST(Rng, DistributionsAreFixed) {
  // Our own distributions: these values must never change across platforms.
  Rng a(42);
  Rng b(42);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.below(7), b.below(7));
    EXPECT_EQ(a.between(-5, 5), b.between(-5, 5));
    EXPECT_EQ(a.unit(), b.unit());
  }
  Rng c(1);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t x = c.below(10);
    ASSERT_LT(x, 10u);
    seen.insert(x);
    std::int64_t y = c.between(INT64_MIN, INT64_MAX);
    (void)y;
    double u = c.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_EQ(seen.size(), 10u);
}

constexpr const char* kEverything = R"({
  "type": "record", "name": "Everything", "namespace": "t",
  "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "by", "type": "bytes"},
    {"name": "s", "type": "string"},
    {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE", "BLACK"]}},
    {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
    {"name": "a", "type": {"type": "array", "items": "long"}},
    {"name": "m", "type": {"type": "map", "values": "string"}},
    {"name": "u", "type": ["null", "int", "string", "Color", {"type": "array", "items": "int"}]}
  ]
})";

TEST(RandomGenerator, SameSeedSameData) {
  SchemaPtr schema = parse(kEverything);
  ASSERT_TRUE(schema);
  auto gen = RandomGenerator::make(schema->root());
  ASSERT_TRUE(gen);
  Rng r1(7), r2(7), r3(8);
  Arena arena;
  std::vector<std::uint8_t> b1, b2, b3;
  for (int i = 0; i < 200; ++i) {
    auto v1 = gen->next(r1, arena);
    auto v2 = gen->next(r2, arena);
    auto v3 = gen->next(r3, arena);
    ASSERT_TRUE(v1 && v2 && v3);
    auto e1 = encode(schema->root(), *v1);
    auto e2 = encode(schema->root(), *v2);
    auto e3 = encode(schema->root(), *v3);
    b1.insert(b1.end(), e1.begin(), e1.end());
    b2.insert(b2.end(), e2.begin(), e2.end());
    b3.insert(b3.end(), e3.begin(), e3.end());
  }
  EXPECT_EQ(b1, b2);
  EXPECT_NE(b1, b3);
}

TEST(RandomGenerator, CoversEveryType) {
  SchemaPtr schema = parse(kEverything);
  ASSERT_TRUE(schema);
  RandomOptions options;
  auto gen = RandomGenerator::make(schema->root(), options);
  ASSERT_TRUE(gen);
  Rng rng(1);
  Arena arena;
  std::set<int> branches, symbols, byte_values;
  bool empty_array = false, full_array = false, empty_map = false, full_map = false;
  bool multibyte[5] = {};
  bool escape = false;
  std::set<std::int32_t> ints;
  std::set<std::int64_t> longs;
  bool negative_zero = false;
  for (int i = 0; i < 3000; ++i) {
    arena.reset();
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v);
    // Everything generated is valid: it encodes and decodes back equal.
    auto bytes = encode(schema->root(), *v);
    BinaryReader in(bytes);
    auto back = decode_binary(schema->root(), in, arena);
    ASSERT_TRUE(back) << back.error().to_string();
    ASSERT_TRUE(in.at_end());
    ASSERT_TRUE(*back == *v);

    const Value& r = *v;
    ints.insert(r[2].as_int());
    longs.insert(r[3].as_long());
    if (r[4].as_float() == 0 && std::signbit(r[4].as_float())) negative_zero = true;
    EXPECT_FALSE(std::isnan(r[5].as_double()) || std::isinf(r[5].as_double()));
    for (std::uint8_t b : r[6].as_bytes()) byte_values.insert(b);
    std::string_view s = r[7].as_string();
    EXPECT_TRUE(valid_utf8(s));
    for (std::size_t k = 0; k < s.size(); ++k) {
      auto c = static_cast<std::uint8_t>(s[k]);
      if (c == '"' || c == '\\' || c == '\n') escape = true;
      if (c >= 0xF0) multibyte[4] = true;
      else if (c >= 0xE0) multibyte[3] = true;
      else if (c >= 0xC0) multibyte[2] = true;
    }
    EXPECT_EQ(s.find('\0'), std::string_view::npos);
    symbols.insert(r[8].enum_index());
    EXPECT_EQ(r[9].size(), 4u);
    (r[10].size() == 0 ? empty_array : full_array) = true;
    (r[11].size() == 0 ? empty_map : full_map) = true;
    std::set<std::string_view> keys;
    for (const MapEntry& e : r[11].entries()) EXPECT_TRUE(keys.insert(e.key).second);
    branches.insert(r[12].branch());
  }
  EXPECT_EQ(branches, (std::set<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(symbols, (std::set<int>{0, 1, 2, 3}));
  EXPECT_EQ(byte_values.size(), 256u);
  EXPECT_TRUE(empty_array && full_array && empty_map && full_map);
  EXPECT_TRUE(multibyte[2] && multibyte[3] && multibyte[4]);
  EXPECT_TRUE(escape);
  EXPECT_TRUE(ints.count(INT32_MIN) && ints.count(INT32_MAX) && ints.count(0));
  EXPECT_TRUE(longs.count(INT64_MIN) && longs.count(INT64_MAX) && longs.count(-1));
  EXPECT_TRUE(negative_zero);
}

TEST(RandomGenerator, SpecialFloatsOnlyWhenAsked) {
  SchemaPtr schema = parse(R"({"type":"array","items":"double"})");
  ASSERT_TRUE(schema);
  RandomOptions options;
  options.special_floats = true;
  options.max_items = 50;
  auto gen = RandomGenerator::make(schema->root(), options);
  ASSERT_TRUE(gen);
  Rng rng(3);
  Arena arena;
  bool nan = false, inf = false;
  for (int i = 0; i < 200; ++i) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v);
    for (const Value& d : v->items()) {
      nan |= std::isnan(d.as_double());
      inf |= std::isinf(d.as_double());
    }
  }
  EXPECT_TRUE(nan);
  EXPECT_TRUE(inf);
}

TEST(RandomGenerator, RecursiveSchemasStayFinite) {
  SchemaPtr schema = parse(R"({
    "type": "record", "name": "Tree",
    "fields": [
      {"name": "label", "type": "string"},
      {"name": "left", "type": ["null", "Tree"]},
      {"name": "right", "type": ["Tree", "null"]},
      {"name": "children", "type": {"type": "array", "items": "Tree"}},
      {"name": "byName", "type": {"type": "map", "values": "Tree"}}
    ]})");
  ASSERT_TRUE(schema);
  RandomOptions options;
  options.max_depth = 4;
  auto gen = RandomGenerator::make(schema->root(), options);
  ASSERT_TRUE(gen);
  Rng rng(11);
  Arena arena;
  std::function<std::size_t(const Value&)> depth = [&](const Value& v) -> std::size_t {
    if (v.type() != Type::kRecord) return 0;
    std::size_t d = 0;
    if (!v[1].is_null()) d = std::max(d, depth(v[1]));
    if (!v[2].is_null()) d = std::max(d, depth(v[2]));
    for (const Value& c : v[3].items()) d = std::max(d, depth(c));
    for (const MapEntry& e : v[4].entries()) d = std::max(d, depth(e.value));
    return d + 1;
  };
  std::size_t deepest = 0;
  for (int i = 0; i < 100; ++i) {
    arena.reset();
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v);
    deepest = std::max(deepest, depth(*v));
    encode(schema->root(), *v);
  }
  EXPECT_GE(deepest, 2u);
  EXPECT_LE(deepest, 6u);
}

TEST(RandomGenerator, RejectsSchemaWithoutFiniteValue) {
  auto schema = Schema::parse(R"({"type":"record","name":"R","fields":[{"name":"r","type":"R"}]})");
  // Valid Avro (a parser cannot know no finite datum exists); the generator must refuse it.
  ASSERT_TRUE(schema) << schema.error().to_string();
  auto gen = RandomGenerator::make((*schema)->root());
  ASSERT_FALSE(gen);
  EXPECT_EQ(gen.error().code(), ErrorCode::kInvalidArgument);
}

TEST(RandomGenerator, LogicalTypesGetValidValues) {
  SchemaPtr schema = parse(R"({
    "type": "record", "name": "L",
    "fields": [
      {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}},
      {"name": "decFixed", "type": {"type": "fixed", "name": "D3", "size": 3, "logicalType": "decimal", "precision": 6}},
      {"name": "uuid", "type": {"type": "string", "logicalType": "uuid"}},
      {"name": "uuidFixed", "type": {"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}},
      {"name": "date", "type": {"type": "int", "logicalType": "date"}},
      {"name": "timeMs", "type": {"type": "int", "logicalType": "time-millis"}},
      {"name": "timeUs", "type": {"type": "long", "logicalType": "time-micros"}},
      {"name": "tsMs", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "tsNs", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
      {"name": "dur", "type": {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}},
      {"name": "big", "type": {"type": "bytes", "logicalType": "big-decimal"}}
    ]})");
  ASSERT_TRUE(schema);
  auto gen = RandomGenerator::make(schema->root());
  ASSERT_TRUE(gen);
  Rng rng(5);
  Arena arena;
  const std::regex uuid_re("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  constexpr std::int64_t kDay = 86'400'000;
  bool negative_decimal = false;
  for (int i = 0; i < 500; ++i) {
    arena.reset();
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v);
    const Value& r = *v;
    std::int64_t dec = from_twos_complement(r[0].as_string());
    EXPECT_LT(std::llabs(dec), 100000);
    negative_decimal |= dec < 0;
    EXPECT_EQ(r[1].size(), 3u);
    EXPECT_LT(std::llabs(from_twos_complement(r[1].as_string())), 1000000);
    EXPECT_TRUE(std::regex_match(std::string(r[2].as_string()), uuid_re)) << r[2].as_string();
    auto u = r[3].as_bytes();
    EXPECT_EQ(u[6] >> 4, 4);
    EXPECT_EQ(u[8] & 0xC0, 0x80);
    EXPECT_GE(r[4].as_int(), -25567);  // 1900-01-01
    EXPECT_LE(r[4].as_int(), 47846);   // 2100-12-31
    EXPECT_GE(r[5].as_int(), 0);
    EXPECT_LT(r[5].as_int(), kDay);
    EXPECT_GE(r[6].as_long(), 0);
    EXPECT_LT(r[6].as_long(), kDay * 1000);
    EXPECT_GE(r[7].as_long(), -25567 * kDay);
    EXPECT_LT(r[7].as_long(), 47847 * kDay);
    EXPECT_GE(r[8].as_long(), -25567 * kDay * 1'000'000);
    auto d = r[9].as_bytes();
    ASSERT_EQ(d.size(), 12u);
    std::uint32_t months = d[0] | (d[1] << 8) | (d[2] << 16) | (static_cast<std::uint32_t>(d[3]) << 24);
    std::uint32_t millis = d[8] | (d[9] << 8) | (d[10] << 16) | (static_cast<std::uint32_t>(d[11]) << 24);
    EXPECT_LE(months, 1200u);
    EXPECT_LT(millis, 86'400'000u);
    // big-decimal: avro bytes (unscaled) then an int scale, filling the value exactly.
    auto big = r[10].as_bytes();
    BinaryReader in(big);
    ASSERT_FALSE(big.empty());
    std::size_t len = big[0] >> 1;  // short lengths only (<= 9 bytes)
    ASSERT_LT(big[0], 0x80);
    ASSERT_GE(big.size(), 1 + len + 1);
    EXPECT_LE(big.size(), 1 + len + 1);
    encode(schema->root(), r);
  }
  EXPECT_TRUE(negative_decimal);
}

TEST(RandomValue, OneShot) {
  SchemaPtr schema = parse(R"(["null", "string"])");
  ASSERT_TRUE(schema);
  Rng rng(9);
  Arena arena;
  auto v = random_value(schema->root(), rng, arena);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->branch() == 0 || v->branch() == 1);
}

}  // namespace
}  // namespace sluice::avro
