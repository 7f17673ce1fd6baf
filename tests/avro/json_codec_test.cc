#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/json_codec.h"
#include "avro/random.h"
#include "avro/schema.h"
#include "avro/value.h"

namespace sluice::avro {
namespace {

SchemaPtr parse(std::string_view json) {
  auto schema = Schema::parse(json);
  EXPECT_TRUE(schema.has_value()) << (schema ? "" : schema.error().to_string());
  return schema ? *schema : nullptr;
}

std::string to_json(const Node& schema, const Value& v, bool pretty = false) {
  std::string out;
  auto st = encode_json(schema, v, out, JsonEncodeOptions{.pretty = pretty});
  EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().to_string());
  return out;
}

// Decodes `json`, re-encodes it and expects `expected_json` (defaults to `json`).
void expect_json_round_trip(const Node& schema, std::string_view json,
                            std::string_view expected_json = {}) {
  Arena arena;
  auto v = decode_json(schema, json, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(to_json(schema, *v), expected_json.empty() ? json : expected_json);
}

TEST(JsonCodecTest, Primitives) {
  expect_json_round_trip(Schema::primitive(Type::kNull)->root(), "null");
  expect_json_round_trip(Schema::primitive(Type::kBoolean)->root(), "true");
  expect_json_round_trip(Schema::primitive(Type::kInt)->root(), "-2147483648");
  expect_json_round_trip(Schema::primitive(Type::kLong)->root(), "9223372036854775807");
  expect_json_round_trip(Schema::primitive(Type::kLong)->root(), "-9223372036854775808");
  expect_json_round_trip(Schema::primitive(Type::kDouble)->root(), "0.1");
  expect_json_round_trip(Schema::primitive(Type::kDouble)->root(), "1e+300");
  expect_json_round_trip(Schema::primitive(Type::kFloat)->root(), "0.1");
  expect_json_round_trip(Schema::primitive(Type::kString)->root(), R"("héllo 世界 😀")");
}

TEST(JsonCodecTest, IntegerValuedRealsLookLikeReals) {
  SchemaPtr d = Schema::primitive(Type::kDouble);
  EXPECT_EQ(to_json(d->root(), Value::float64(&d->root(), 1.0)), "1.0");
  EXPECT_EQ(to_json(d->root(), Value::float64(&d->root(), -0.0)), "-0.0");
  EXPECT_EQ(to_json(d->root(), Value::float64(&d->root(), 1e21)), "1e+21");
  SchemaPtr f = Schema::primitive(Type::kFloat);
  EXPECT_EQ(to_json(f->root(), Value::float32(&f->root(), 3.0f)), "3.0");
  // Ints are accepted for reals.
  expect_json_round_trip(d->root(), "5", "5.0");
  expect_json_round_trip(f->root(), "-7", "-7.0");
}

TEST(JsonCodecTest, NonFiniteRealsAreStrings) {
  SchemaPtr d = Schema::primitive(Type::kDouble);
  SchemaPtr f = Schema::primitive(Type::kFloat);
  EXPECT_EQ(to_json(d->root(), Value::float64(&d->root(), std::nan(""))), "\"NaN\"");
  EXPECT_EQ(to_json(d->root(),
                    Value::float64(&d->root(), std::numeric_limits<double>::infinity())),
            "\"Infinity\"");
  EXPECT_EQ(to_json(f->root(),
                    Value::float32(&f->root(), -std::numeric_limits<float>::infinity())),
            "\"-Infinity\"");
  Arena arena;
  auto v = decode_json(d->root(), "\"NaN\"", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(std::isnan(v->as_double()));
  v = decode_json(f->root(), "\"-Infinity\"", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_float(), -std::numeric_limits<float>::infinity());
  v = decode_json(d->root(), "\"nan\"", arena);
  EXPECT_FALSE(v.has_value());
  v = decode_json(f->root(), "1e300", arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("float range"), std::string::npos);
}

TEST(JsonCodecTest, StringEscapes) {
  SchemaPtr s = Schema::primitive(Type::kString);
  const Node& n = s->root();
  std::string text = std::string("a\"b\\c\n\t\x01\x1f", 9) + "é" + std::string(1, '\0');
  std::string json = to_json(n, Value::text(&n, text));
  EXPECT_EQ(json, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001fé\\u0000\"");
  // Standard JSON readers agree.
  EXPECT_EQ(nlohmann::json::parse(json).get<std::string>(), text);
  Arena arena;
  auto v = decode_json(n, json, arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_string(), text);
  // Invalid UTF-8 still gives valid JSON (U+FFFD).
  std::string bad = to_json(n, Value::text(&n, "x\xff\xc3y"));
  EXPECT_EQ(bad, "\"x\\ufffd\\ufffdy\"");
  EXPECT_TRUE(nlohmann::json::accept(bad));
}

TEST(JsonCodecTest, BytesAndFixedAreLatin1CodePoints) {
  SchemaPtr b = Schema::primitive(Type::kBytes);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string json = to_json(b->root(), Value::text(&b->root(), all));
  // ASCII-only output whose code points are the byte values.
  for (char c : json) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  Arena arena;
  auto v = decode_json(b->root(), json, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(v->as_string(), all);
  // Raw UTF-8 input for code points 128-255 is read the same way.
  v = decode_json(b->root(), "\"\xc3\xbf\\u00e9A\"", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_string(), "\xff\xe9" "A");
  v = decode_json(b->root(), "\"\\u0100\"", arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("U+00FF"), std::string::npos);

  SchemaPtr f = parse(R"({"type":"fixed","name":"md5","namespace":"x","size":2})");
  ASSERT_TRUE(f);
  expect_json_round_trip(f->root(), "\"\\u00ffA\"");
  v = decode_json(f->root(), "\"abc\"", arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("needs 2 bytes"), std::string::npos);
}

constexpr std::string_view kSchema = R"({
  "type": "record", "name": "Event", "namespace": "org.example",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "scores", "type": {"type": "map", "values": "double"}},
    {"name": "opt", "type": ["null", "string"]},
    {"name": "any", "type": ["null", "int", "Kind",
        {"type": "record", "name": "Point", "namespace": "geo", "fields": [
            {"name": "x", "type": "int"}]},
        {"type": "array", "items": "int"}, {"type": "map", "values": "int"}]},
    {"name": "extra", "type": "int", "default": 7},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]})";

TEST(JsonCodecTest, RecordsUnionsCollections) {
  SchemaPtr schema = parse(kSchema);
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  expect_json_round_trip(
      root,
      R"({"id": 1, "kind": "B", "tags": ["x", "y"], "scores": {"a": 1.5, "b": 2.0}, )"
      R"("opt": {"string": "s"}, "any": {"geo.Point": {"x": 3}}, "extra": 1, "note": null})");
  expect_json_round_trip(
      root,
      R"({"id": 1, "kind": "A", "tags": [], "scores": {}, "opt": null, "any": )"
      R"({"org.example.Kind": "B"}, "extra": 1, "note": null})");
  expect_json_round_trip(root,
                         R"({"id": 1, "kind": "A", "tags": [], "scores": {}, "opt": null, )"
                         R"("any": {"array": [1, 2]}, "extra": 1, "note": {"string": "n"}})");
  expect_json_round_trip(root,
                         R"({"id": 1, "kind": "A", "tags": [], "scores": {}, "opt": null, )"
                         R"("any": {"map": {"k": 1}}, "extra": 1, "note": null})");
  // Missing fields with defaults take them; keys in any order; the short name of a
  // named branch is accepted when unambiguous.
  expect_json_round_trip(
      root,
      R"({"kind": "A", "id": 2, "tags": [], "scores": {}, "opt": null, "any": {"Point": {"x": 1}}})",
      R"({"id": 2, "kind": "A", "tags": [], "scores": {}, "opt": null, )"
      R"("any": {"geo.Point": {"x": 1}}, "extra": 7, "note": null})");
  // Binary and JSON agree.
  Arena arena;
  auto v = decode_json(root,
                       R"({"id": 1, "kind": "B", "tags": ["x"], "scores": {"a": 1.5}, )"
                       R"("opt": {"string": "s"}, "any": {"int": 5}, "extra": 1, "note": null})",
                       arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ((*v)[5].branch(), 1);
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(encode_binary(root, *v, bytes).has_value());
  BinaryReader in(bytes);
  auto back = decode_binary(root, in, arena);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == *v);
}

TEST(JsonCodecTest, PrettyOutput) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"int"},{"name":"b","type":{"type":"array","items":"int"}},
      {"name":"u","type":["null","string"]},{"name":"e","type":{"type":"array","items":"int"}}]})");
  ASSERT_TRUE(schema);
  Arena arena;
  auto v = decode_json(schema->root(), R"({"a":1,"b":[1,2],"u":{"string":"x"},"e":[]})", arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(to_json(schema->root(), *v, true),
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"u\": {\n    \"string\": \"x\"\n"
            "  },\n  \"e\": []\n}");
  EXPECT_EQ(nlohmann::json::parse(to_json(schema->root(), *v, true)),
            nlohmann::json::parse(to_json(schema->root(), *v)));
}

TEST(JsonCodecTest, ErrorsNamePath) {
  SchemaPtr schema = parse(kSchema);
  ASSERT_TRUE(schema);
  const Node& root = schema->root();
  Arena arena;
  auto expect_error = [&](std::string_view json, std::string_view path, std::string_view text) {
    auto v = decode_json(root, json, arena);
    ASSERT_FALSE(v.has_value()) << json;
    EXPECT_EQ(v.error().code(), ErrorCode::kInvalidData);
    EXPECT_EQ(v.error().path(), path) << v.error().to_string();
    EXPECT_NE(v.error().message().find(text), std::string::npos) << v.error().to_string();
  };
  const std::string base = R"("kind": "A", "scores": {}, "opt": null, "any": null})";
  expect_error(R"({"id": 1, "tags": ["a", 3], )" + base, "tags[1]", "expected string, got 3");
  expect_error(R"({"id": 1.5, "tags": [], )" + base, "id", "expected long");
  expect_error(R"({"id": 1, "tags": [], "kind": "C", "scores": {}, "opt": null, "any": null})",
               "kind", "not a symbol of enum org.example.Kind");
  expect_error(R"({"id": 1, "tags": [], "kind": "A", "scores": {"q": "x"}, "opt": null, )"
               R"("any": null})",
               "scores[q]", "expected double");
  expect_error(R"({"id": 1, "tags": [], "kind": "A", "scores": {}, "opt": "bare", "any": null})",
               "opt", "expected a union value");
  expect_error(R"({"id": 1, "tags": [], "kind": "A", "scores": {}, "opt": {"int": 1}, )"
               R"("any": null})",
               "opt", "\"int\" is not a branch");
  expect_error(R"({"id": 1, "tags": [], "kind": "A", "scores": {}, "opt": null, )"
               R"("any": {"geo.Point": {"x": "no"}}})",
               "any.x", "expected int");
  expect_error(R"({"tags": [], )" + base, "", "missing field \"id\"");
  expect_error(R"({"id": 1, "tags": [], "bogus": 1, )" + base, "",
               "has no field \"bogus\"");
  expect_error(R"({"id": 1, "id": 2, "tags": [], )" + base, "", "appears twice");
  auto v = decode_json(root, "{\"id\": ", arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("invalid JSON"), std::string::npos);
  SchemaPtr i = Schema::primitive(Type::kInt);
  v = decode_json(i->root(), "2147483648", arena);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("int range"), std::string::npos);
  v = decode_json(i->root(), "1 2", arena);
  EXPECT_FALSE(v.has_value());
}

TEST(JsonCodecTest, DefaultsTakeTheFirstBranchTheyFitUnwrapped) {
  SchemaPtr u = parse(R"(["null", "string"])");
  SchemaPtr s = parse(R"(["string", "null"])");
  SchemaPtr r = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":["int","null"]},{"name":"b","type":"string","default":"dflt"}]})");
  ASSERT_TRUE(u && s && r);
  Arena arena;
  auto v = decode_default(u->root(), "null", arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_TRUE(v->is_null());
  EXPECT_EQ(v->branch(), 0);
  v = decode_default(s->root(), "\"x\"", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_string(), "x");
  EXPECT_EQ(v->branch(), 0);
  // Avro 1.12: the first branch the value fits, not only the first branch.
  v = decode_default(u->root(), "\"x\"", arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(v->as_string(), "x");
  EXPECT_EQ(v->branch(), 1);
  v = decode_default(s->root(), "null", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->is_null());
  EXPECT_EQ(v->branch(), 1);
  SchemaPtr ints = parse(R"(["int", "long", "string"])");
  ASSERT_TRUE(ints);
  v = decode_default(ints->root(), "7", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->branch(), 0);  // fits int first
  v = decode_default(ints->root(), "4294967296", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->branch(), 1);  // too big for an int
  EXPECT_EQ(v->as_long(), 4294967296);
  auto none = decode_default(ints->root(), "true", arena);
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message().find("matches no branch"), std::string::npos);
  // Nested unions in a record default are unwrapped too; missing fields use their own
  // defaults.
  v = decode_default(r->root(), R"({"a": 5})", arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ((*v)[0].as_int(), 5);
  EXPECT_EQ((*v)[0].branch(), 0);
  EXPECT_EQ((*v)[1].as_string(), "dflt");
  // The tagged form is the plain decoder's.
  v = decode_json(u->root(), R"({"string": "x"})", arena);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->branch(), 1);
}

TEST(JsonCodecTest, RandomValuesRoundTripAndParseAsJson) {
  SchemaPtr schema = parse(R"({"type":"record","name":"All","namespace":"t","fields":[
      {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},
      {"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},
      {"name":"by","type":"bytes"},{"name":"s","type":"string"},
      {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y","Z"]}},
      {"name":"fx","type":{"type":"fixed","name":"F","size":3}},
      {"name":"a","type":{"type":"array","items":["null","E","F",{"type":"map","values":"long"}]}},
      {"name":"m","type":{"type":"map","values":{"type":"record","name":"Sub","fields":[
          {"name":"u","type":["null","double","string"]}]}}},
      {"name":"rec","type":["null","All"]}]})");
  ASSERT_TRUE(schema);
  auto gen = RandomGenerator::make(schema->root(), RandomOptions{.special_floats = true});
  ASSERT_TRUE(gen.has_value()) << gen.error().to_string();
  Rng rng(3);
  Arena arena;
  for (int i = 0; i < 300; ++i) {
    auto v = gen->next(rng, arena);
    ASSERT_TRUE(v.has_value());
    std::string json = to_json(schema->root(), *v);
    EXPECT_TRUE(nlohmann::json::accept(json)) << json;
    auto back = decode_json(schema->root(), json, arena);
    ASSERT_TRUE(back.has_value()) << back.error().to_string() << "\n" << json;
    EXPECT_TRUE(*back == *v) << json;
    std::string pretty = to_json(schema->root(), *v, true);
    auto back_pretty = decode_json(schema->root(), pretty, arena);
    ASSERT_TRUE(back_pretty.has_value());
    EXPECT_TRUE(*back_pretty == *v);
  }
}

TEST(JsonCodecTest, EncodeValidates) {
  SchemaPtr schema = parse(R"({"type":"record","name":"R","fields":[
      {"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]})");
  ASSERT_TRUE(schema);
  Arena arena;
  Value v = Value::record(&schema->root(), arena);
  v[0] = Value::enumeration(schema->root().fields[0].type, 3);
  std::string out = "keep";
  auto st = encode_json(schema->root(), v, out);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().path(), "e");
  EXPECT_EQ(out, "keep");
}

}  // namespace
}  // namespace sluice::avro
