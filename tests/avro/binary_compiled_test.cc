// BinaryDecoder and BinaryEncoder (schemas compiled into programs) must behave
// exactly like decode_binary and encode_binary (which walk the schema graph): same
// values, same positions, and on bad input the same error code, message, field path
// and byte offset. Checked differentially over random data, every truncation and
// every single-byte corruption of it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
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

// Optional fields of every kind ([null, T] and [T, null]), a general union, nested
// and recursive records, collections of leaves and of composites, enum and fixed.
constexpr std::string_view kSchema = R"({
  "type": "record", "name": "Top", "namespace": "t",
  "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": ["null", "boolean"]},
    {"name": "i", "type": ["int", "null"]},
    {"name": "l", "type": ["null", "long"]},
    {"name": "f", "type": ["null", "float"]},
    {"name": "d", "type": ["double", "null"]},
    {"name": "s", "type": ["null", "string"]},
    {"name": "by", "type": ["null", "bytes"]},
    {"name": "e", "type": ["null", {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}]},
    {"name": "fx", "type": ["null", {"type": "fixed", "name": "F", "size": 3}]},
    {"name": "plain", "type": {"type": "record", "name": "P", "fields": [
      {"name": "pi", "type": "int"}, {"name": "ps", "type": "string"},
      {"name": "pe", "type": "E"}, {"name": "pf", "type": "F"},
      {"name": "pb", "type": "boolean"}, {"name": "pd", "type": "double"},
      {"name": "pfl", "type": "float"}, {"name": "pl", "type": "long"},
      {"name": "pby", "type": "bytes"}]}},
    {"name": "opt_rec", "type": ["null", "P"]},
    {"name": "u", "type": ["null", "int", "string", "P", {"type": "array", "items": "long"}]},
    {"name": "strings", "type": {"type": "array", "items": "string"}},
    {"name": "longs", "type": {"type": "array", "items": "long"}},
    {"name": "recs", "type": {"type": "array", "items": "P"}},
    {"name": "doubles", "type": {"type": "map", "values": "double"}},
    {"name": "smap", "type": {"type": "map", "values": "string"}},
    {"name": "lmap", "type": {"type": "map", "values": "long"}},
    {"name": "omap", "type": {"type": "map", "values": ["null", "string"]}},
    {"name": "opt_arr", "type": ["null", {"type": "array", "items": ["null", "int"]}]},
    {"name": "opt_map", "type": [{"type": "map", "values": "int"}, "null"]},
    {"name": "list", "type": ["null", {"type": "record", "name": "Node", "fields": [
      {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}]}
  ]
})";

// Both decoders over the same bytes: they must agree on everything.
void expect_same_decode(const Node& root, const BinaryDecoder& decoder, const Bytes& bytes,
                        const DecodeLimits& limits, const std::string& what) {
  Arena a1, a2;
  BinaryReader in1(bytes, 100), in2(bytes, 100);
  auto graph = decode_binary(root, in1, a1, limits);
  auto compiled = decoder.decode(in2, a2, limits);
  ASSERT_EQ(graph.has_value(), compiled.has_value())
      << what << ": " << (graph ? compiled.error().to_string() : graph.error().to_string());
  if (graph) {
    EXPECT_TRUE(*graph == *compiled) << what;
    EXPECT_EQ(in1.offset(), in2.offset()) << what;
  } else {
    EXPECT_EQ(graph.error().code(), compiled.error().code()) << what;
    EXPECT_EQ(graph.error().to_string(), compiled.error().to_string()) << what;
  }
}

TEST(BinaryCompiledTest, DecodesLikeDecodeBinaryOverRandomTruncatedAndCorruptInput) {
  SchemaPtr schema = parse(kSchema);
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  BinaryDecoder decoder(root);
  EXPECT_EQ(&decoder.schema(), &root);
  auto gen = RandomGenerator::make(root, RandomOptions{.special_floats = true});
  ASSERT_TRUE(gen.has_value()) << gen.error().to_string();
  Rng rng(11);
  Arena arena;
  const DecodeLimits limits;
  DecodeLimits tight;
  tight.max_bytes_length = 5;
  tight.max_collection_items = 3;
  tight.max_depth = 4;
  int failures_seen = 0;
  for (int i = 0; i < 60; ++i) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v.has_value()) << v.error().to_string();
    Bytes bytes;
    ASSERT_TRUE(encode_binary(root, *v, bytes).has_value());
    std::string what = "datum " + std::to_string(i);
    expect_same_decode(root, decoder, bytes, limits, what);
    expect_same_decode(root, decoder, bytes, tight, what + " (tight limits)");
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
      Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
      expect_same_decode(root, decoder, prefix, limits, what + " cut at " + std::to_string(cut));
      ++failures_seen;
    }
    for (std::size_t at = 0; at < bytes.size(); ++at) {
      for (std::uint8_t b : {0x00, 0x01, 0x02, 0x03, 0x04, 0x7F, 0x80, 0xFF}) {
        Bytes bad = bytes;
        bad[at] = b;
        expect_same_decode(root, decoder, bad, limits,
                           what + " byte " + std::to_string(at) + " = " + std::to_string(b));
      }
    }
  }
  EXPECT_GT(failures_seen, 1000);
}

TEST(BinaryCompiledTest, NonCanonicalUnionIndexAndTopLevelUnion) {
  SchemaPtr schema = parse(R"(["null", "string"])");
  ASSERT_TRUE(schema);
  BinaryDecoder decoder(schema->root());
  Arena arena;
  // Branch 1 written as a two-byte varint (0x82 0x00 is 1 zig-zagged, padded).
  Bytes bytes = {0x82, 0x00, 0x04, 'h', 'i'};
  BinaryReader in(bytes);
  auto v = decoder.decode(in, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(v->branch(), 1);
  EXPECT_EQ(v->as_string(), "hi");
  EXPECT_TRUE(in.at_end());
  Bytes null_long = {0x80, 0x00};
  BinaryReader in2(null_long);
  auto n = decoder.decode(in2, arena);
  ASSERT_TRUE(n.has_value()) << n.error().to_string();
  EXPECT_TRUE(n->is_null());
  EXPECT_EQ(n->branch(), 0);
  Bytes out_of_range = {0x04};
  BinaryReader in3(out_of_range);
  auto bad = decoder.decode(in3, arena);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("union branch index 2 is out of range"), std::string::npos)
      << bad.error().to_string();
}

TEST(BinaryCompiledTest, EncodesLikeEncodeBinary) {
  SchemaPtr schema = parse(kSchema);
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  BinaryEncoder encoder(root);
  auto gen = RandomGenerator::make(root);
  ASSERT_TRUE(gen.has_value());
  Rng rng(5);
  Arena arena;
  Bytes expected_all;
  for (int i = 0; i < 200; ++i) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v.has_value());
    Bytes expected;
    ASSERT_TRUE(encode_binary(root, *v, expected).has_value());
    Bytes got = {0xAB};  // encode() appends after existing contents
    auto st = encoder.encode(*v, got);
    ASSERT_TRUE(st.has_value()) << st.error().to_string();
    ASSERT_EQ(got.size(), expected.size() + 1);
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), got.begin() + 1)) << "datum " << i;
    ASSERT_TRUE(encoder.append(*v).has_value());
    expected_all.insert(expected_all.end(), expected.begin(), expected.end());
  }
  EXPECT_EQ(Bytes(encoder.bytes().begin(), encoder.bytes().end()), expected_all);
  encoder.clear();
  EXPECT_TRUE(encoder.bytes().empty());
  // A copy shares the program but starts with an empty buffer of its own.
  ASSERT_TRUE(encoder.append(Value::null(&root)).has_value() == false);  // not a record
  EXPECT_TRUE(encoder.bytes().empty());
  BinaryEncoder copy = encoder;
  EXPECT_TRUE(copy.bytes().empty());
  Bytes one;
  ASSERT_TRUE(copy.encode(*gen->next(rng, arena), one).has_value());
  EXPECT_FALSE(one.empty());
}

TEST(BinaryCompiledTest, EncodeErrorsMatchAndAppendNothing) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":["null","string"]},
      {"name":"b","type":{"type":"array","items":"long"}},
      {"name":"c","type":{"type":"map","values":["null","double"]}},
      {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}},
      {"name":"f","type":{"type":"fixed","name":"F","size":2}}]})");
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  const Node& a = *root.fields[0].type;
  const Node& b = *root.fields[1].type;
  const Node& c = *root.fields[2].type;
  Arena arena;
  auto good = [&] {
    Value r = Value::record(&root, arena);
    r[0] = Value::text(a.branches[1], "hello").in_branch(1);
    r[1] = Value::array(&b, arena, 2);
    r[1][0] = Value::int64(b.items, 1);
    r[1][1] = Value::int64(b.items, 2);
    r[2] = Value::map(&c, arena, 1);
    r[2].mutable_entries()[0].key = "k";
    r[2].mutable_entries()[0].value = Value::float64(c.values->branches[1], 0.5).in_branch(1);
    r[3] = Value::enumeration(root.fields[3].type, 1);
    r[4] = Value::text(root.fields[4].type, "zz");
    return r;
  };
  std::vector<Value> bad;
  {
    Value r = good();
    r[0] = Value::int32(a.branches[1], 3).in_branch(1);  // wrong type in the branch
    bad.push_back(r);
  }
  {
    Value r = good();
    r[0] = Value::text(a.branches[1], "x").in_branch(7);  // branch out of range
    bad.push_back(r);
  }
  {
    Value r = good();
    r[0] = Value::text(a.branches[1], "no branch set");  // chosen by type: fine
    bad.push_back(r);
  }
  {
    Value r = good();
    r[1][1] = Value::text(b.items, "not a long");
    bad.push_back(r);
  }
  {
    Value r = good();
    r[2].mutable_entries()[0].value = Value::int32(c.values->branches[1], 1);
    bad.push_back(r);
  }
  {
    Value r = good();
    r[3] = Value::enumeration(root.fields[3].type, 2);
    bad.push_back(r);
  }
  {
    Value r = good();
    r[4] = Value::text(root.fields[4].type, "too long");
    bad.push_back(r);
  }
  bad.push_back(Value::null(&root));
  BinaryEncoder encoder(root);
  ASSERT_TRUE(encoder.append(good()).has_value());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    Bytes graph = {1, 2, 3}, compiled = {1, 2, 3};
    auto g = encode_binary(root, bad[i], graph);
    auto p = encoder.encode(bad[i], compiled);
    const std::size_t size = encoder.bytes().size();
    auto q = encoder.append(bad[i]);
    ASSERT_EQ(g.has_value(), p.has_value()) << "case " << i;
    ASSERT_EQ(g.has_value(), q.has_value()) << "case " << i;
    EXPECT_EQ(graph, compiled) << "case " << i;
    if (!g) {
      EXPECT_EQ(g.error().to_string(), p.error().to_string()) << "case " << i;
      EXPECT_EQ(g.error().to_string(), q.error().to_string()) << "case " << i;
      EXPECT_EQ(graph, (Bytes{1, 2, 3})) << "case " << i;
      EXPECT_EQ(encoder.bytes().size(), size) << "case " << i;
      if (i + 1 < bad.size()) {  // all but the top-level mismatch name a field
        EXPECT_FALSE(g.error().path().empty()) << "case " << i << ": " << g.error().to_string();
      }
    }
  }
}

TEST(BinaryCompiledTest, BufferGrowsPastItsFirstCapacity) {
  SchemaPtr schema = parse(R"({"type":"array","items":"string"})");
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  Arena arena;
  std::string big(5000, 'x');
  Value v = Value::array(&root, arena, 300);
  for (std::size_t i = 0; i < 300; ++i) v[i] = Value::text(root.items, std::string_view(big).substr(0, i * 13));
  Bytes expected;
  ASSERT_TRUE(encode_binary(root, v, expected).has_value());
  BinaryEncoder encoder(root);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(encoder.append(v).has_value());
  ASSERT_EQ(encoder.bytes().size(), 3 * expected.size());
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(),
                           encoder.bytes().begin() + static_cast<std::ptrdiff_t>(i * expected.size())));
  }
  BinaryDecoder decoder(root);
  BinaryReader in(encoder.bytes());
  for (int i = 0; i < 3; ++i) {
    auto back = decoder.decode(in, arena);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_TRUE(*back == v);
  }
  EXPECT_TRUE(in.at_end());
}

}  // namespace
}  // namespace sluice::avro
