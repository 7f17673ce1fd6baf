#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/internal/varint.h"
#include "avro/random.h"
#include "avro/schema.h"
#include "avro/value.h"

namespace sluice::avro {
namespace {

using Bytes = std::vector<std::uint8_t>;

SchemaPtr parse(std::string_view json) {
  auto schema = Schema::parse(json);
  EXPECT_TRUE(schema.has_value()) << (schema ? "" : schema.error().to_string());
  return schema ? *schema : nullptr;
}

// Builds binary input by hand.
struct ByteBuilder {
  Bytes bytes;
  ByteBuilder& l(std::int64_t v) {
    internal::write_long(bytes, v);
    return *this;
  }
  ByteBuilder& s(std::string_view text) {
    l(static_cast<std::int64_t>(text.size()));
    bytes.insert(bytes.end(), text.begin(), text.end());
    return *this;
  }
  ByteBuilder& raw(std::initializer_list<std::uint8_t> b) {
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  ByteBuilder& d(double v) {
    auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    bytes.insert(bytes.end(), p, p + 8);
    return *this;
  }
};

Result<Value> decode_all(const Node& schema, const Bytes& bytes, Arena& arena,
                         const DecodeLimits& limits = {}) {
  BinaryReader in(bytes);
  auto v = decode_binary(schema, in, arena, limits);
  if (v && !in.at_end()) {
    return fail(ErrorCode::kInvalidData, "{} bytes left after the datum", in.remaining());
  }
  return v;
}

Bytes encode(const Node& schema, const Value& v) {
  Bytes out;
  auto st = encode_binary(schema, v, out);
  EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().to_string());
  return out;
}

// Decodes, re-encodes and skips `bytes`; all must agree.
void expect_round_trip(const Node& schema, const Bytes& bytes) {
  Arena arena;
  auto v = decode_all(schema, bytes, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(encode(schema, *v), bytes);
  BinaryReader in(bytes);
  auto st = skip_binary(schema, in);
  ASSERT_TRUE(st.has_value()) << st.error().to_string();
  EXPECT_TRUE(in.at_end());
}

TEST(BinaryTest, Primitives) {
  Arena arena;
  struct Case {
    Type type;
    Bytes bytes;
  };
  std::vector<Case> cases = {
      {Type::kNull, {}},
      {Type::kBoolean, {1}},
      {Type::kBoolean, {0}},
      {Type::kInt, {0x00}},
      {Type::kInt, {0x01}},                          // -1
      {Type::kInt, {0x80, 0x01}},                    // 64
      {Type::kInt, {0xFE, 0xFF, 0xFF, 0xFF, 0x0F}},  // INT32_MAX
      {Type::kInt, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},  // INT32_MIN
      {Type::kLong, {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
      {Type::kLong, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
      {Type::kFloat, {0x00, 0x00, 0x80, 0x3F}},
      {Type::kDouble, {0, 0, 0, 0, 0, 0, 0xF0, 0x3F}},
      {Type::kString, {0x06, 'f', 'o', 'o'}},
      {Type::kString, {0x00}},
      {Type::kBytes, {0x04, 0x00, 0xFF}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(type_name(c.type)));
    SchemaPtr schema = Schema::primitive(c.type);
    expect_round_trip(schema->root(), c.bytes);
  }
  SchemaPtr s = Schema::primitive(Type::kInt);
  auto v = decode_all(s->root(), {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_int(), std::numeric_limits<std::int32_t>::min());
  SchemaPtr l = Schema::primitive(Type::kLong);
  v = decode_all(l->root(), {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_long(), std::numeric_limits<std::int64_t>::min());
  SchemaPtr str = Schema::primitive(Type::kString);
  Bytes foo = {0x06, 'f', 'o', 'o'};
  v = decode_all(str->root(), foo, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_string(), "foo");
  // Zero copy: the string points into the input.
  EXPECT_EQ(static_cast<const void*>(v->as_string().data()), static_cast<const void*>(&foo[1]));
}

TEST(BinaryTest, EncodesKnownValues) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"long"},{"name":"b","type":"string"}]})");
  ASSERT_TRUE(schema);
  Arena arena;
  Value v = Value::record(&schema->root(), arena);
  v[0] = Value::int64(schema->root().fields[0].type, 27);
  v[1] = Value::text(schema->root().fields[1].type, "foo");
  // The example from the specification: 36 06 66 6f 6f.
  EXPECT_EQ(encode(schema->root(), v), (Bytes{0x36, 0x06, 0x66, 0x6f, 0x6f}));
}

constexpr std::string_view kEverything = R"({
  "type": "record", "name": "Everything", "namespace": "test",
  "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "by", "type": "bytes"},
    {"name": "s", "type": "string"},
    {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
    {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
    {"name": "arr", "type": {"type": "array", "items": "string"}},
    {"name": "m", "type": {"type": "map", "values": "double"}},
    {"name": "u", "type": ["null", "string", "Color"]},
    {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
        {"name": "x", "type": "int"},
        {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": "long"}}}]}},
    {"name": "inners", "type": {"type": "array", "items": "Inner"}},
    {"name": "nums", "type": {"type": "array", "items": "double"}},
    {"name": "opt", "type": ["null", "Inner"]}
  ]})";

TEST(BinaryTest, RandomRoundTripsOfEveryType) {
  SchemaPtr schema = parse(kEverything);
  ASSERT_TRUE(schema);
  auto gen = RandomGenerator::make(schema->root(), RandomOptions{.special_floats = true});
  ASSERT_TRUE(gen.has_value()) << gen.error().to_string();
  Rng rng(7);
  Arena arena;
  Bytes all;
  std::vector<Value> values;
  for (int i = 0; i < 300; ++i) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v.has_value()) << v.error().to_string();
    Bytes one = encode(schema->root(), *v);
    Arena decode_arena;
    auto back = decode_all(schema->root(), one, decode_arena);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_TRUE(*back == *v) << "datum " << i;
    expect_round_trip(schema->root(), one);
    all.insert(all.end(), one.begin(), one.end());
    values.push_back(*v);
  }
  // Many datums back to back from one reader, and skipping them all.
  BinaryReader in(all);
  for (const Value& expected : values) {
    auto v = decode_binary(schema->root(), in, arena);
    ASSERT_TRUE(v.has_value()) << v.error().to_string();
    EXPECT_TRUE(*v == expected);
  }
  EXPECT_TRUE(in.at_end());
  BinaryReader skipper(all);
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(skip_binary(schema->root(), skipper).has_value());
  }
  EXPECT_TRUE(skipper.at_end());
}

TEST(BinaryTest, RecursiveSchema) {
  SchemaPtr schema = parse(R"({"type":"record","name":"List","fields":[
      {"name":"value","type":"int"},{"name":"next","type":["null","List"]}]})");
  ASSERT_TRUE(schema);
  // 1 -> 2 -> 3 -> null
  Bytes bytes = ByteBuilder().l(1).l(1).l(2).l(1).l(3).l(0).bytes;
  expect_round_trip(schema->root(), bytes);
  Arena arena;
  auto v = decode_all(schema->root(), bytes, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)[0].as_int(), 1);
  EXPECT_EQ((*v)[1].branch(), 1);
  EXPECT_EQ((*v)[1][1][0].as_int(), 3);
  EXPECT_TRUE((*v)[1][1][1].is_null());
  EXPECT_EQ((*v)[1][1][1].branch(), 0);
}

TEST(BinaryTest, EmptyCollections) {
  SchemaPtr arr = parse(R"({"type":"array","items":"int"})");
  SchemaPtr map = parse(R"({"type":"map","values":"int"})");
  ASSERT_TRUE(arr && map);
  expect_round_trip(arr->root(), {0});
  expect_round_trip(map->root(), {0});
  Arena arena;
  auto v = decode_all(arr->root(), {0}, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->size(), 0u);
  EXPECT_TRUE(v->items().empty());
}

TEST(BinaryTest, NegativeBlockCountsWithByteSizes) {
  SchemaPtr arr = parse(R"({"type":"array","items":"string"})");
  ASSERT_TRUE(arr);
  // Block 1: -2 items in 8 bytes ("abc", "de"), block 2: 1 item ("f"), end.
  Bytes bytes = ByteBuilder().l(-2).l(7).s("abc").s("de").l(1).s("f").l(0).bytes;
  Arena arena;
  auto v = decode_all(arr->root(), bytes, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0].as_string(), "abc");
  EXPECT_EQ((*v)[1].as_string(), "de");
  EXPECT_EQ((*v)[2].as_string(), "f");
  BinaryReader in(bytes);
  ASSERT_TRUE(skip_binary(arr->root(), in).has_value());
  EXPECT_TRUE(in.at_end());
  // Re-encoding writes the plain form.
  EXPECT_EQ(encode(arr->root(), *v), ByteBuilder().l(3).s("abc").s("de").s("f").l(0).bytes);

  // Skipping uses the byte size: a block whose items are garbage but whose size is
  // right is jumped over.
  Bytes garbage = ByteBuilder().l(-1).l(3).raw({0xFF, 0xFF, 0xFF}).l(0).bytes;
  BinaryReader skip_in(garbage);
  EXPECT_TRUE(skip_binary(arr->root(), skip_in).has_value());
  EXPECT_TRUE(skip_in.at_end());

  // Maps too.
  SchemaPtr map = parse(R"({"type":"map","values":"long"})");
  ASSERT_TRUE(map);
  Bytes mbytes = ByteBuilder().l(-2).l(6).s("a").l(1).s("b").l(-2).l(0).bytes;
  auto m = decode_all(map->root(), mbytes, arena);
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ(m->find("b")->as_long(), -2);
  BinaryReader min(mbytes);
  ASSERT_TRUE(skip_binary(map->root(), min).has_value());
  EXPECT_TRUE(min.at_end());
}

TEST(BinaryTest, BlockByteSizeMismatchIsInvalid) {
  SchemaPtr arr = parse(R"({"type":"array","items":"string"})");
  ASSERT_TRUE(arr);
  Bytes bytes = ByteBuilder().l(-1).l(5).s("abc").raw({0}).l(0).bytes;
  Arena arena;
  auto v = decode_all(arr->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  EXPECT_NE(v.error().message().find("block byte size"), std::string::npos);
  // Negative byte size.
  bytes = ByteBuilder().l(-1).l(-4).s("abc").l(0).bytes;
  v = decode_all(arr->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  // Byte size past the end.
  bytes = ByteBuilder().l(-1).l(100).s("abc").l(0).bytes;
  v = decode_all(arr->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
}

TEST(BinaryTest, MultiBlockCollectionsGrow) {
  SchemaPtr arr = parse(R"({"type":"array","items":"long"})");
  SchemaPtr map = parse(R"({"type":"map","values":"string"})");
  ASSERT_TRUE(arr && map);
  ByteBuilder a;
  ByteBuilder m;
  for (int block = 0; block < 50; ++block) {
    a.l(block % 3 + 1);
    m.l(-(block % 2 + 1));
    ByteBuilder body;
    for (int i = 0; i < block % 3 + 1; ++i) a.l(block * 10 + i);
    for (int i = 0; i < block % 2 + 1; ++i) {
      body.s("k" + std::to_string(block) + "_" + std::to_string(i)).s(std::to_string(block));
    }
    m.l(static_cast<std::int64_t>(body.bytes.size()));
    m.bytes.insert(m.bytes.end(), body.bytes.begin(), body.bytes.end());
  }
  a.l(0);
  m.l(0);
  Arena arena;
  auto av = decode_all(arr->root(), a.bytes, arena);
  ASSERT_TRUE(av.has_value()) << av.error().to_string();
  std::size_t expected = 0;
  for (int block = 0; block < 50; ++block) expected += block % 3 + 1;
  ASSERT_EQ(av->size(), expected);
  std::size_t k = 0;
  for (int block = 0; block < 50; ++block) {
    for (int i = 0; i < block % 3 + 1; ++i) EXPECT_EQ((*av)[k++].as_long(), block * 10 + i);
  }
  auto mv = decode_all(map->root(), m.bytes, arena);
  ASSERT_TRUE(mv.has_value()) << mv.error().to_string();
  EXPECT_EQ(mv->size(), 75u);
  EXPECT_EQ(mv->find("k49_1")->as_string(), "49");
  EXPECT_EQ(mv->find("k0_0")->as_string(), "0");
  BinaryReader ain(a.bytes);
  ASSERT_TRUE(skip_binary(arr->root(), ain).has_value());
  EXPECT_TRUE(ain.at_end());
  BinaryReader min(m.bytes);
  ASSERT_TRUE(skip_binary(map->root(), min).has_value());
  EXPECT_TRUE(min.at_end());
}

TEST(BinaryTest, TruncationAtEveryOffsetFails) {
  SchemaPtr schema = parse(kEverything);
  ASSERT_TRUE(schema);
  auto gen = RandomGenerator::make(schema->root());
  ASSERT_TRUE(gen.has_value());
  Rng rng(11);
  Arena arena;
  for (int datum = 0; datum < 20; ++datum) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v.has_value());
    Bytes full = encode(schema->root(), *v);
    for (std::size_t n = 0; n < full.size(); ++n) {
      Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      Arena a2;
      BinaryReader in(prefix);
      auto r = decode_binary(schema->root(), in, a2);
      ASSERT_FALSE(r.has_value()) << "prefix " << n << " of " << full.size();
      EXPECT_EQ(r.error().code(), ErrorCode::kTruncated) << r.error().to_string();
      ASSERT_TRUE(r.error().byte_offset().has_value());
      EXPECT_LE(*r.error().byte_offset(), n);
      BinaryReader skip_in(prefix);
      auto s = skip_binary(schema->root(), skip_in);
      ASSERT_FALSE(s.has_value()) << "prefix " << n;
      EXPECT_EQ(s.error().code(), ErrorCode::kTruncated) << s.error().to_string();
    }
  }
}

TEST(BinaryTest, BadUnionIndex) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"int"},{"name":"u","type":["null","string"]}]})");
  ASSERT_TRUE(schema);
  Arena arena;
  for (std::int64_t index : {2, -1, 1000000}) {
    Bytes bytes = ByteBuilder().l(5).l(index).s("x").bytes;
    auto v = decode_all(schema->root(), bytes, arena);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
    EXPECT_EQ(v.error().path(), "u");
    EXPECT_EQ(v.error().byte_offset(), 1u);
    EXPECT_NE(v.error().message().find("union branch index"), std::string::npos);
    BinaryReader in(bytes);
    auto s = skip_binary(schema->root(), in);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidData);
  }
}

TEST(BinaryTest, EnumOutOfRange) {
  SchemaPtr schema = parse(R"({"type":"enum","name":"E","symbols":["A","B"]})");
  ASSERT_TRUE(schema);
  Arena arena;
  for (std::int64_t index : {2, -1}) {
    auto v = decode_all(schema->root(), ByteBuilder().l(index).bytes, arena);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
    EXPECT_NE(v.error().to_string().find("enum E index"), std::string::npos);
  }
}

TEST(BinaryTest, MalformedPrimitives) {
  Arena arena;
  SchemaPtr i = Schema::primitive(Type::kInt);
  // 2^31 does not fit an int.
  auto v = decode_all(i->root(), ByteBuilder().l(std::int64_t{1} << 31).bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  EXPECT_NE(v.error().message().find("32-bit"), std::string::npos);
  // A varint longer than 10 bytes.
  SchemaPtr l = Schema::primitive(Type::kLong);
  Bytes endless(11, 0x80);
  endless.push_back(0);
  v = decode_all(l->root(), endless, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  // Same, near the end of the buffer (slow path).
  v = decode_all(l->root(), Bytes(10, 0x80), arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  v = decode_all(l->root(), Bytes(9, 0x80), arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
  // A boolean byte other than 0 or 1.
  SchemaPtr b = Schema::primitive(Type::kBoolean);
  v = decode_all(b->root(), {2}, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  // Negative string length.
  SchemaPtr s = Schema::primitive(Type::kString);
  v = decode_all(s->root(), ByteBuilder().l(-3).raw({'a', 'b', 'c'}).bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
  EXPECT_NE(v.error().message().find("negative"), std::string::npos);
}

TEST(BinaryTest, HugeStringLength) {
  SchemaPtr s = Schema::primitive(Type::kString);
  Arena arena;
  // Over the default limit.
  Bytes bytes = ByteBuilder().l(std::int64_t{1} << 40).s("abc").bytes;
  auto v = decode_all(s->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(v.error().message().find("max_bytes_length"), std::string::npos);
  // Under the limit but longer than the input: truncated, and nothing allocated.
  bytes = ByteBuilder().l(1000).s("abc").bytes;
  v = decode_all(s->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(v.error().byte_offset(), 0u);
  EXPECT_EQ(arena.bytes_allocated(), 0u);
  // A configured limit applies even when the bytes are there.
  DecodeLimits limits;
  limits.max_bytes_length = 2;
  v = decode_all(s->root(), ByteBuilder().s("abc").bytes, arena, limits);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
  Bytes abc = ByteBuilder().s("abc").bytes;
  BinaryReader in(abc);
  EXPECT_EQ(skip_binary(s->root(), in, limits).error().code(), ErrorCode::kLimitExceeded);
}

TEST(BinaryTest, HugeArrayCount) {
  SchemaPtr arr = parse(R"({"type":"array","items":"long"})");
  SchemaPtr nulls = parse(R"({"type":"array","items":"null"})");
  SchemaPtr map = parse(R"({"type":"map","values":"null"})");
  ASSERT_TRUE(arr && nulls && map);
  Arena arena;
  // Over max_collection_items.
  auto v = decode_all(arr->root(), ByteBuilder().l(std::int64_t{1} << 60).l(0).bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
  // Under the limit but more items than bytes left: nothing is allocated.
  v = decode_all(arr->root(), ByteBuilder().l(1000000).l(1).l(2).l(0).bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(arena.bytes_allocated(), 0u);
  // Zero-size items are bounded by the limit alone.
  DecodeLimits limits;
  limits.max_collection_items = 1000;
  v = decode_all(nulls->root(), ByteBuilder().l(1001).l(0).bytes, arena, limits);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
  v = decode_all(nulls->root(), ByteBuilder().l(1000).l(0).bytes, arena, limits);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->size(), 1000u);
  // The limit counts items across blocks.
  v = decode_all(nulls->root(), ByteBuilder().l(600).l(600).l(0).bytes, arena, limits);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
  Bytes two_blocks = ByteBuilder().l(600).l(600).l(0).bytes;
  BinaryReader in(two_blocks);
  EXPECT_EQ(skip_binary(nulls->root(), in, limits).error().code(), ErrorCode::kLimitExceeded);
  // Maps: each entry needs at least its key length byte.
  v = decode_all(map->root(), ByteBuilder().l(500).l(0).bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
}

TEST(BinaryTest, DepthLimit) {
  SchemaPtr schema = parse(R"({"type":"record","name":"List","fields":[
      {"name":"next","type":["null","List"]}]})");
  ASSERT_TRUE(schema);
  ByteBuilder b;
  for (int i = 0; i < 100; ++i) b.l(1);
  b.l(0);
  Arena arena;
  auto v = decode_all(schema->root(), b.bytes, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  DecodeLimits limits;
  limits.max_depth = 50;
  v = decode_all(schema->root(), b.bytes, arena, limits);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(v.error().message().find("max_depth"), std::string::npos);
  BinaryReader in(b.bytes);
  EXPECT_EQ(skip_binary(schema->root(), in, limits).error().code(), ErrorCode::kLimitExceeded);
  // Arrays nest too.
  SchemaPtr nested = parse(R"({"type":"array","items":{"type":"array","items":
      {"type":"array","items":"int"}}})");
  ASSERT_TRUE(nested);
  limits.max_depth = 2;
  v = decode_all(nested->root(), ByteBuilder().l(1).l(1).l(1).l(7).l(0).l(0).l(0).bytes, arena,
                 limits);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kLimitExceeded);
}

TEST(BinaryTest, ErrorsNameFieldPathAndOffset) {
  SchemaPtr schema = parse(R"({"type":"record","name":"Outer","fields":[
      {"name":"id","type":"int"},
      {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
          {"name":"label","type":"string"},
          {"name":"kind","type":{"type":"enum","name":"K","symbols":["A"]}}]}}},
      {"name":"attrs","type":{"type":"map","values":{"type":"enum","name":"V","symbols":["X"]}}}
  ]})");
  ASSERT_TRUE(schema);
  Arena arena;
  // items[1].kind is out of range: id(1) count(1) "ab"(3) 0 ... "c"(2) then index 5 at byte 8.
  Bytes bytes = ByteBuilder().l(1).l(2).s("ab").l(0).s("c").l(5).l(0).l(0).bytes;
  auto v = decode_all(schema->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().path(), "items[1].kind");
  EXPECT_EQ(v.error().byte_offset(), 8u);
  EXPECT_EQ(v.error().to_string(),
            "items[1].kind: enum K index 5 is out of range (it has 1 symbols) (at byte 8)");
  // Map values are named by key.
  bytes = ByteBuilder().l(1).l(0).l(1).s("color").l(3).l(0).bytes;
  v = decode_all(schema->root(), bytes, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().path(), "attrs[color]");
  EXPECT_EQ(v.error().byte_offset(), 9u);
  BinaryReader in(bytes);
  auto s = skip_binary(schema->root(), in);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().path(), "attrs[color]");
  // The reader's base offset shifts reported offsets (a datum inside a file).
  BinaryReader based(bytes, 1000);
  v = decode_binary(schema->root(), based, arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().byte_offset(), 1009u);
}

TEST(BinaryTest, EncodeValidatesAgainstSchema) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
      {"name":"f","type":{"type":"fixed","name":"F","size":2}},
      {"name":"u","type":["null","int"]},
      {"name":"list","type":{"type":"array","items":"long"}}]})");
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  Arena arena;
  auto make = [&] {
    Value v = Value::record(&root, arena);
    v[0] = Value::enumeration(root.fields[0].type, 1);
    v[1] = Value::text(root.fields[1].type, "ab");
    v[2] = Value::int32(root.fields[2].type->branches[1], 9).in_branch(1);
    v[3] = Value::array(root.fields[3].type, arena, 2);
    v[3][0] = Value::int64(root.fields[3].type->items, 1);
    v[3][1] = Value::int64(root.fields[3].type->items, 2);
    return v;
  };
  Bytes ok = encode(root, make());
  EXPECT_EQ(ok, ByteBuilder().l(1).raw({'a', 'b'}).l(1).l(9).l(2).l(1).l(2).l(0).bytes);

  auto expect_error = [&](Value v, std::string_view path, std::string_view text) {
    Bytes out = {0xAA};
    auto st = encode_binary(root, v, out);
    ASSERT_FALSE(st.has_value());
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidData);
    EXPECT_EQ(st.error().path(), path);
    EXPECT_NE(st.error().message().find(text), std::string::npos) << st.error().to_string();
    EXPECT_EQ(out, Bytes{0xAA});  // left as it was
  };
  Value bad = make();
  bad[0] = Value::enumeration(root.fields[0].type, 2);
  expect_error(bad, "e", "index 2 is out of range");
  bad = make();
  bad[1] = Value::text(root.fields[1].type, "abc");
  expect_error(bad, "f", "needs 2 bytes");
  bad = make();
  bad[2] = Value::int32(root.fields[2].type->branches[1], 9).in_branch(2);
  expect_error(bad, "u", "union branch 2 is out of range");
  bad = make();
  bad[2] = Value::text(root.fields[0].type, "x");
  expect_error(bad, "u", "no branch");
  bad = make();
  bad[3][1] = Value::int32(root.fields[2].type->branches[1], 9);
  expect_error(bad, "list[1]", "expected a value of type long, got int");

  // A union value without a recorded branch gets the branch of its type.
  Value inferred = make();
  inferred[2] = Value::int32(root.fields[2].type->branches[1], 9);
  EXPECT_EQ(encode(root, inferred), ok);
}

TEST(BinaryTest, EncodeAppendsAndGrows) {
  SchemaPtr s = Schema::primitive(Type::kString);
  std::string big(100000, 'z');
  Bytes out = {1, 2, 3};
  ASSERT_TRUE(encode_binary(s->root(), Value::text(&s->root(), big), out).has_value());
  ASSERT_EQ(out.size(), 3 + 3 + big.size());
  EXPECT_EQ(out[0], 1);
  Arena arena;
  BinaryReader in(std::span<const std::uint8_t>(out).subspan(3));
  auto v = decode_binary(s->root(), in, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_string(), big);
}

}  // namespace
}  // namespace sluice::avro
