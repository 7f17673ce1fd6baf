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

// encode_binary, BinaryEncoder::encode and BinaryEncoder::append over `v`: the same
// bytes, or the same error with nothing appended. Returns whether they failed.
bool expect_same_encoding(const Node& root, BinaryEncoder& encoder, const Value& v,
                          std::size_t i) {
  Bytes graph = {1, 2, 3}, compiled = {1, 2, 3};
  auto g = encode_binary(root, v, graph);
  auto p = encoder.encode(v, compiled);
  const std::size_t size = encoder.bytes().size();
  auto q = encoder.append(v);
  EXPECT_EQ(g.has_value(), p.has_value()) << "case " << i;
  EXPECT_EQ(g.has_value(), q.has_value()) << "case " << i;
  EXPECT_EQ(graph, compiled) << "case " << i;
  if (g && q) {
    EXPECT_EQ(encoder.bytes().size(), size + graph.size() - 3) << "case " << i;
    EXPECT_TRUE(std::equal(graph.begin() + 3, graph.end(),
                           encoder.bytes().begin() + static_cast<std::ptrdiff_t>(size)))
        << "case " << i;
  } else if (!g && !p && !q) {
    EXPECT_EQ(g.error().to_string(), p.error().to_string()) << "case " << i;
    EXPECT_EQ(g.error().to_string(), q.error().to_string()) << "case " << i;
    EXPECT_EQ(graph, (Bytes{1, 2, 3})) << "case " << i;
    EXPECT_EQ(encoder.bytes().size(), size) << "case " << i;
  }
  return !g;
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
    const bool failed = expect_same_encoding(root, encoder, bad[i], i);
    if (failed && i + 1 < bad.size()) {  // all but the top-level mismatch name a field
      Bytes out;
      auto g = encode_binary(root, bad[i], out);
      EXPECT_FALSE(g.error().path().empty()) << "case " << i << ": " << g.error().to_string();
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

// A record of leaves and optional leaves only ("flat") is encoded with one room check
// for the whole record, falling back to the checked steps for anything unusual. The
// result must be what encode_binary writes, in every case below.
constexpr std::string_view kFlatSchema = R"({
  "type": "record", "name": "Flat", "namespace": "t",
  "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "s", "type": "string"},
    {"name": "by", "type": "bytes"},
    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}},
    {"name": "fx", "type": {"type": "fixed", "name": "F", "size": 3}},
    {"name": "os", "type": ["null", "string"]},
    {"name": "ol", "type": ["long", "null"]},
    {"name": "oe", "type": ["null", "E"]},
    {"name": "ofx", "type": ["F", "null"]}
  ]
})";

// Appends every value to one encoder and checks each against encode_binary.
void expect_encodes_like_encode_binary(const Node& root, BinaryEncoder& encoder,
                                       const std::vector<Value>& values) {
  Bytes expected_all;
  for (std::size_t i = 0; i < values.size(); ++i) {
    Bytes expected;
    auto want = encode_binary(root, values[i], expected);
    ASSERT_TRUE(want.has_value()) << want.error().to_string();
    auto got = encoder.append(values[i]);
    ASSERT_TRUE(got.has_value()) << "datum " << i << ": " << got.error().to_string();
    expected_all.insert(expected_all.end(), expected.begin(), expected.end());
    ASSERT_EQ(encoder.bytes().size(), expected_all.size()) << "datum " << i;
  }
  EXPECT_EQ(Bytes(encoder.bytes().begin(), encoder.bytes().end()), expected_all);
}

TEST(BinaryCompiledTest, FlatRecordsEncodeLikeEncodeBinary) {
  SchemaPtr schema = parse(kFlatSchema);
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  auto gen = RandomGenerator::make(root);
  ASSERT_TRUE(gen.has_value());
  Rng rng(17);
  Arena arena;
  std::vector<Value> values;
  for (int i = 0; i < 500; ++i) values.push_back(*gen->next(rng, arena));
  // Ints and longs at every varint length, both signs, and the extremes.
  const Node& int_node = *root.fields[2].type;
  const Node& long_node = *root.fields[3].type;
  for (int bits = 0; bits < 64; ++bits) {
    const std::uint64_t edge = std::uint64_t{1} << bits;
    for (std::uint64_t d : {edge - 1, edge, edge + 1, 0 - edge, 0 - edge - 1}) {
      Value v = deep_copy(values[static_cast<std::size_t>(bits) % values.size()], arena);
      v[3] = Value::int64(&long_node, static_cast<std::int64_t>(d));
      v[2] = Value::int32(&int_node, static_cast<std::int32_t>(static_cast<std::uint32_t>(d)));
      values.push_back(v);
    }
  }
  BinaryEncoder encoder(root);
  expect_encodes_like_encode_binary(root, encoder, values);
  // encode() (append, copy out, drop) through the same encoder.
  for (std::size_t i = 0; i < 20; ++i) {
    Bytes expected, got = {0xAB};
    ASSERT_TRUE(encode_binary(root, values[i], expected).has_value());
    ASSERT_TRUE(encoder.encode(values[i], got).has_value());
    EXPECT_EQ(Bytes(got.begin() + 1, got.end()), expected) << "datum " << i;
  }
}

// Strings longer than the 32 bytes of slack, records bigger than the buffer's spare
// capacity (the first append into an empty encoder, then growth mid-stream), and
// string lengths whose varint takes two and three bytes.
TEST(BinaryCompiledTest, FlatRecordsLargerThanTheRoomLeft) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"string"},{"name":"b","type":["null","bytes"]},{"name":"c","type":"int"}]})");
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  const Node& b = *root.fields[1].type;
  Arena arena;
  std::string big(100000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  std::vector<Value> values;
  for (std::size_t size : {0, 1, 31, 32, 33, 63, 64, 65, 200, 5000, 0, 20000, 3, 100000, 7}) {
    Value r = Value::record(&root, arena);
    r[0] = Value::text(root.fields[0].type, std::string_view(big).substr(0, size));
    r[1] = Value::text(b.branches[1], std::string_view(big).substr(size / 2, size / 3)).in_branch(1);
    r[2] = Value::int32(root.fields[2].type, static_cast<std::int32_t>(size) * -977);
    values.push_back(r);
    Value small = Value::record(&root, arena);
    small[0] = Value::text(root.fields[0].type, "s");
    small[1] = Value::null(b.branches[0]).in_branch(0);
    small[2] = Value::int32(root.fields[2].type, 1);
    for (int k = 0; k < 40; ++k) values.push_back(small);
  }
  BinaryEncoder encoder(root);
  expect_encodes_like_encode_binary(root, encoder, values);
  BinaryDecoder decoder(root);
  BinaryReader in(encoder.bytes());
  for (const Value& v : values) {
    auto back = decoder.decode(in, arena);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_TRUE(*back == v);
  }
  EXPECT_TRUE(in.at_end());
}

// Values the flat path leaves to the checked steps: the same bytes or the same error
// (naming the field) as encode_binary, and nothing appended on error.
TEST(BinaryCompiledTest, FlatRecordErrorsAndUnsetBranchesMatchEncodeBinary) {
  SchemaPtr schema = parse(kFlatSchema);
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  const Node& os = *root.fields[10].type;
  const Node& ol = *root.fields[11].type;
  const Node& oe = *root.fields[12].type;
  const Node& ofx = *root.fields[13].type;
  Arena arena;
  auto good = [&] {
    Value r = Value::record(&root, arena);
    r[0] = Value::null(root.fields[0].type);
    r[1] = Value::boolean(root.fields[1].type, true);
    r[2] = Value::int32(root.fields[2].type, -5);
    r[3] = Value::int64(root.fields[3].type, 1234567);
    r[4] = Value::float32(root.fields[4].type, 1.5f);
    r[5] = Value::float64(root.fields[5].type, -2.25);
    r[6] = Value::text(root.fields[6].type, "six");
    r[7] = Value::text(root.fields[7].type, "by");
    r[8] = Value::enumeration(root.fields[8].type, 2);
    r[9] = Value::text(root.fields[9].type, "fx!");
    r[10] = Value::text(os.branches[1], "optional").in_branch(1);
    r[11] = Value::null(ol.branches[1]).in_branch(1);
    r[12] = Value::enumeration(oe.branches[1], 0).in_branch(1);
    r[13] = Value::text(ofx.branches[0], "abc").in_branch(0);
    return r;
  };
  std::vector<Value> cases;
  auto with = [&](std::size_t field, Value v) {
    Value r = good();
    r[field] = v;
    cases.push_back(r);
  };
  cases.push_back(good());
  with(2, Value::int64(root.fields[3].type, 1));                     // long for an int
  with(6, Value::int32(root.fields[2].type, 1));                     // int for a string
  with(8, Value::enumeration(root.fields[8].type, 3));               // enum out of range
  with(9, Value::text(root.fields[9].type, "four"));                 // fixed too long
  with(10, Value::text(os.branches[1], "no branch set"));            // chosen by type
  with(10, Value::null(os.branches[0]));                             // null, no branch set
  with(10, Value::text(os.branches[1], "x").in_branch(0));           // the null branch
  with(10, Value::text(os.branches[1], "x").in_branch(5));           // out of range
  with(11, Value::int64(ol.branches[0], -9));                        // long, no branch set
  with(11, Value::text(os.branches[1], "x").in_branch(0));           // wrong type in branch
  with(12, Value::enumeration(oe.branches[1], 7).in_branch(1));      // optional enum range
  with(13, Value::text(ofx.branches[0], "ab").in_branch(0));         // optional fixed size
  cases.push_back(Value::record(&root, arena));                      // all fields null
  {
    Value r = good();
    cases.push_back(Value::with_children(&root, r.mutable_children().data(), 13));  // short
  }
  cases.push_back(Value::int32(root.fields[2].type, 1));             // not a record
  BinaryEncoder encoder(root);
  ASSERT_TRUE(encoder.append(good()).has_value());
  int errors = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (expect_same_encoding(root, encoder, cases[i], i)) ++errors;
  }
  EXPECT_EQ(errors, 12);
}

}  // namespace
}  // namespace sluice::avro
