#include "avro/single_object.h"

#include <gtest/gtest.h>

#include <vector>

#include "avro/fingerprint.h"
#include "avro/random.h"

namespace sluice::avro {
namespace {

using Bytes = std::vector<std::uint8_t>;

SchemaPtr parse(const char* text) {
  auto s = Schema::parse(text);
  EXPECT_TRUE(s) << s.error().to_string();
  return *s;
}

constexpr const char* kPoint =
    R"({"type":"record","name":"Point","fields":[{"name":"x","type":"int"},{"name":"y","type":"string"}]})";

TEST(SingleObject, EncodeLayoutAndRoundTrip) {
  SchemaPtr schema = parse(kPoint);
  Arena arena;
  Value v = Value::record(&schema->root(), arena);
  v[0] = Value::int32(schema->root().fields[0].type, 3);
  v[1] = Value::text(schema->root().fields[1].type, "hi");
  Bytes msg;
  ASSERT_TRUE(encode_single_object(*schema, v, msg));
  ASSERT_EQ(msg.size(), 10u + 1 + 3);
  EXPECT_EQ(msg[0], 0xC3);
  EXPECT_EQ(msg[1], 0x01);
  std::uint64_t fp = rabin_fingerprint(schema->root());
  for (int i = 0; i < 8; ++i) EXPECT_EQ(msg[2 + i], static_cast<std::uint8_t>(fp >> (8 * i)));
  EXPECT_EQ(msg[10], 6);  // zig-zag 3
  EXPECT_EQ(*single_object_fingerprint(msg), fp);

  SchemaStore store;
  EXPECT_EQ(store.add(schema), fp);
  EXPECT_EQ(store.size(), 1u);
  auto back = decode_single_object(msg, store, arena);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->schema.get(), schema.get());
  EXPECT_TRUE(back->value == v);
}

TEST(SingleObject, RandomValuesRoundTrip) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
    {"name":"a","type":["null","long","string"]},{"name":"m","type":{"type":"map","values":"bytes"}},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}}]})");
  SchemaStore store;
  store.add(schema);
  store.add(parse(kPoint));
  auto gen = RandomGenerator::make(schema->root());
  ASSERT_TRUE(gen);
  Rng rng(5);
  Arena arena;
  for (int i = 0; i < 200; ++i) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v);
    Bytes msg;
    ASSERT_TRUE(encode_single_object(*schema, *v, msg));
    auto back = decode_single_object(msg, store, arena);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->value == *v);
  }
}

TEST(SingleObject, Errors) {
  SchemaPtr schema = parse(kPoint);
  Arena arena;
  Value v = Value::record(&schema->root(), arena);
  v[0] = Value::int32(schema->root().fields[0].type, 1);
  v[1] = Value::text(schema->root().fields[1].type, "x");
  Bytes msg;
  ASSERT_TRUE(encode_single_object(*schema, v, msg));
  SchemaStore store;

  auto r = decode_single_object(msg, store, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%016llx",
                static_cast<unsigned long long>(rabin_fingerprint(schema->root())));
  EXPECT_NE(r.error().message().find(hex), std::string::npos) << r.error().message();

  store.add(schema);
  Bytes bad = msg;
  bad[0] = 0xC2;
  r = decode_single_object(bad, store, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  bad = msg;
  bad[1] = 0x02;
  r = decode_single_object(bad, store, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);

  for (std::size_t cut = 0; cut < msg.size(); ++cut) {
    r = decode_single_object(std::span(msg).first(cut), store, arena);
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.error().code(), ErrorCode::kTruncated) << cut << " " << r.error().to_string();
  }
  Bytes longer = msg;
  longer.push_back(0);
  r = decode_single_object(longer, store, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);

  // A value that does not match leaves the output untouched.
  Bytes out = {1, 2};
  Value wrong = Value::int32(schema->root().fields[0].type, 1);
  EXPECT_FALSE(encode_single_object(*schema, wrong, out));
  EXPECT_EQ(out, (Bytes{1, 2}));
}

TEST(SingleObject, DecodeWithReaderSchema) {
  SchemaPtr writer = parse(kPoint);
  SchemaPtr reader = parse(R"({"type":"record","name":"Point","fields":[
    {"name":"y","type":"string"},{"name":"x","type":"long"},{"name":"z","type":"int","default":7}]})");
  Arena arena;
  Value v = Value::record(&writer->root(), arena);
  v[0] = Value::int32(writer->root().fields[0].type, -4);
  v[1] = Value::text(writer->root().fields[1].type, "why");
  Bytes msg;
  ASSERT_TRUE(encode_single_object(*writer, v, msg));
  SchemaStore store;
  store.add(writer);
  auto r = decode_single_object_as(msg, store, reader, arena);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->field("x")->as_long(), -4);
  EXPECT_EQ(r->field("y")->as_string(), "why");
  EXPECT_EQ(r->field("z")->as_int(), 7);
}

}  // namespace
}  // namespace sluice::avro
