// Generated classes for the shared schemas (upstream interop.avsc, the Wikimedia
// recent-change schema) and the movie events, checked against the generic codec and
// read back by a real peer: python3-avro's DataFileReader.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/codegen_files.h"
#include "avro/container.h"
#include "avro/json_codec.h"
#include "avro/random.h"
#include "avro/schema.h"
#include "movies_v2.hpp"
#include "test_support.h"

#if SLUICE_CODEGEN_HAVE_SHARED
#include "interop.hpp"
#include "interop_unordered.hpp"
#include "wikimedia.hpp"
#endif

namespace {

using sluice::avro::Arena;
using sluice::avro::BinaryReader;
using sluice::avro::SchemaPtr;
using sluice::avro::Value;
using sluice::testing::TempDir;
using Bytes = std::vector<std::uint8_t>;

SchemaPtr parse(std::string_view json) {
  auto schema = sluice::avro::Schema::parse(json);
  EXPECT_TRUE(schema.has_value()) << (schema ? "" : schema.error().to_string());
  return *schema;
}

// Writes `records` into a container file through gen::write_container (deflate, so
// the peer also reads a compressed file).
template <class T>
void write_container(const std::filesystem::path& path, const std::vector<T>& records) {
  sluice::avro::ContainerWriterOptions options;
  options.codec = sluice::avro::Codec::kDeflate;
  auto written = sluice::avro::gen::write_container(path, std::span<const T>(records), options);
  ASSERT_TRUE(written.has_value()) << written.error().to_string();
}

// Reads a container file with python3-avro; returns its records as JSON (bytes and
// fixed as lists of byte values, timestamps as microseconds since the epoch).
nlohmann::json read_with_python(const std::filesystem::path& path) {
  TempDir dir;
  auto script = dir / "read.py";
  sluice::testing::write_file(script, R"PY(
import datetime, json, sys
from avro.datafile import DataFileReader
from avro.io import DatumReader

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def plain(x):
    if isinstance(x, datetime.datetime):  # timestamp-micros: back to microseconds
        return (x - EPOCH) // datetime.timedelta(microseconds=1)
    if isinstance(x, (bytes, bytearray)):
        return list(x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x

with open(sys.argv[1], "rb") as f:
    reader = DataFileReader(f, DatumReader())
    print(json.dumps([plain(r) for r in reader]))
)PY");
  auto r = sluice::testing::run_command("/usr/bin/python3 " + script.string() + " " +
                                        path.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

TEST(GeneratedPython, MovieEventsReadByPythonAvro) {
  std::vector<gen::movies::v2::MovieWatchEvent> events(3);
  for (int i = 0; i < 3; ++i) {
    events[i].time = sluice::avro::TimestampMicros(std::chrono::microseconds(1700000000000000 + i));
    events[i].userId = 100 + i;
    events[i].movieId = "movie+" + std::to_string(1990 + i);
    events[i].minute = i * 7;
  }
  events[1].deviceType = "mobile";
  events[2].watchedInFull = false;
  events[2].deviceType = "tv \xc3\xa9";  // non-ASCII UTF-8
  TempDir dir;
  write_container(dir / "watch.avro", events);
  nlohmann::json got = read_with_python(dir / "watch.avro");
  ASSERT_TRUE(got.is_array()) << got.dump();
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(got[i]["time"], 1700000000000000 + i);
    EXPECT_EQ(got[i]["userId"], 100 + i);
    EXPECT_EQ(got[i]["movieId"], events[i].movieId);
    EXPECT_EQ(got[i]["minute"], i * 7);
  }
  EXPECT_TRUE(got[0]["deviceType"].is_null());
  EXPECT_EQ(got[1]["deviceType"], "mobile");
  EXPECT_TRUE(got[1]["watchedInFull"].is_null());
  EXPECT_EQ(got[2]["watchedInFull"], false);
  EXPECT_EQ(got[2]["deviceType"], "tv \xc3\xa9");
}

#if SLUICE_CODEGEN_HAVE_SHARED

org::apache::avro::Interop sample_interop() {
  org::apache::avro::Interop r;
  r.intField = -12;
  r.longField = 1234567890123LL;
  r.stringField = "interop \xe2\x9c\x93";
  r.boolField = true;
  r.floatField = 1.25f;
  r.doubleField = -3.5e100;
  r.bytesField = {0, 1, 2, 255};
  r.arrayField = {1.5, 2.5};
  r.mapField["a"].label = "la";
  r.mapField["b"].label = "lb";
  r.unionField.emplace<2>(std::vector<std::vector<std::uint8_t>>{{1, 2}, {}});
  r.enumField = org::apache::avro::Kind::C;
  for (int i = 0; i < 16; ++i)
    r.fixedField[i] = static_cast<std::uint8_t>(i * 16);
  r.recordField.label = "root";
  r.recordField.children.resize(2);
  r.recordField.children[0].label = "c0";
  r.recordField.children[1].label = "c1";
  r.recordField.children[1].children.resize(1);
  r.recordField.children[1].children[0].label = "c10";
  return r;
}

TEST(GeneratedInterop, BytesAndJsonEqualTheGenericCodec) {
  SLUICE_REQUIRE_SHARED_DATA();
  SchemaPtr schema = parse(sluice::testing::read_file(sluice::testing::shared_data() /
                                                      "avro-upstream/schemas_interop.avsc"));
  auto r = sample_interop();
  Bytes bytes = r.to_avro();
  Arena arena;
  BinaryReader in(bytes);
  auto v = sluice::avro::decode_binary(schema->root(), in, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_TRUE(in.at_end());
  Bytes generic;
  ASSERT_TRUE(sluice::avro::encode_binary(schema->root(), *v, generic).has_value());
  EXPECT_EQ(generic, bytes);
  std::string json;
  ASSERT_TRUE(sluice::avro::encode_json(schema->root(), *v, json).has_value());
  EXPECT_EQ(r.to_json(), json);
  EXPECT_EQ(org::apache::avro::Interop::from_avro(bytes.data(), bytes.size()), r);

  // The other way: a generic datum from JSON (map keys in order) -> generic bytes ->
  // generated decode -> the same bytes and JSON.
  auto from_json = sluice::avro::decode_json(schema->root(), json, arena);
  ASSERT_TRUE(from_json.has_value()) << from_json.error().to_string();
  Bytes generic2;
  ASSERT_TRUE(sluice::avro::encode_binary(schema->root(), *from_json, generic2).has_value());
  auto decoded = org::apache::avro::Interop::from_avro(generic2.data(), generic2.size());
  EXPECT_EQ(decoded.to_avro(), generic2);
  EXPECT_EQ(decoded.to_json(), json);

  // Random datums, both directions.
  auto rnd = sluice::avro::RandomGenerator::make(schema->root());
  ASSERT_TRUE(rnd.has_value());
  sluice::avro::Rng rng(7);
  for (int i = 0; i < 300; ++i) {
    Arena a;
    auto rv = rnd->next(rng, a);
    ASSERT_TRUE(rv.has_value());
    Bytes g;
    ASSERT_TRUE(sluice::avro::encode_binary(schema->root(), *rv, g).has_value());
    auto rec = org::apache::avro::Interop::from_avro(g.data(), g.size());
    Bytes ours = rec.to_avro();
    BinaryReader in2(ours);
    auto back = sluice::avro::decode_binary(schema->root(), in2, a);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    ASSERT_TRUE(*back == *rv) << i;
    Bytes again;
    ASSERT_TRUE(sluice::avro::encode_binary(schema->root(), *back, again).has_value());
    ASSERT_EQ(again, ours);
    std::string j;
    ASSERT_TRUE(sluice::avro::encode_json(schema->root(), *back, j).has_value());
    ASSERT_EQ(rec.to_json(), j);
    // The unordered-map flavour decodes and re-encodes the same datum.
    auto un = gen::unordered::Interop::from_avro(g.data(), g.size());
    Bytes un_bytes = un.to_avro();
    BinaryReader in3(un_bytes);
    auto back3 = sluice::avro::decode_binary(schema->root(), in3, a);
    ASSERT_TRUE(back3.has_value());
    ASSERT_TRUE(*back3 == *rv) << i;
  }
}

TEST(GeneratedInterop, ReadByPythonAvro) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto r = sample_interop();
  TempDir dir;
  write_container(dir / "interop.avro", std::vector{r, org::apache::avro::Interop{}});
  nlohmann::json got = read_with_python(dir / "interop.avro");
  ASSERT_TRUE(got.is_array()) << got.dump();
  ASSERT_EQ(got.size(), 2u);
  const nlohmann::json& x = got[0];
  EXPECT_EQ(x["intField"], -12);
  EXPECT_EQ(x["longField"], 1234567890123LL);
  EXPECT_EQ(x["stringField"], r.stringField);
  EXPECT_EQ(x["boolField"], true);
  EXPECT_EQ(x["floatField"], 1.25);
  EXPECT_EQ(x["doubleField"], -3.5e100);
  EXPECT_EQ(x["bytesField"], nlohmann::json::array({0, 1, 2, 255}));
  EXPECT_TRUE(x["nullField"].is_null());
  EXPECT_EQ(x["arrayField"], nlohmann::json::array({1.5, 2.5}));
  EXPECT_EQ(x["mapField"]["a"]["label"], "la");
  EXPECT_EQ(x["mapField"]["b"]["label"], "lb");
  EXPECT_EQ(x["unionField"], nlohmann::json::parse("[[1,2],[]]"));
  EXPECT_EQ(x["enumField"], "C");
  std::vector<int> fixed;
  for (int i = 0; i < 16; ++i)
    fixed.push_back(i * 16);
  EXPECT_EQ(x["fixedField"], nlohmann::json(fixed));
  EXPECT_EQ(x["recordField"]["children"][1]["children"][0]["label"], "c10");
  EXPECT_EQ(got[1]["unionField"], false);  // the default: first branch (boolean)
  EXPECT_EQ(got[1]["enumField"], "A");
}

TEST(GeneratedWikimedia, RoundTripGenericAndPython) {
  SLUICE_REQUIRE_SHARED_DATA();
  SchemaPtr schema = parse(sluice::testing::read_file(
      sluice::testing::shared_data() / "seed-schemas/wikimedia-recentchange.avsc"));
  wikimedia::value_wikimedia w;
  w.bot = false;
  w.comment = "fix typo";
  w.id = 123;
  w.length = wikimedia::Length{};
  w.length->new_ = 10;
  w.meta = wikimedia::Meta{};
  w.meta->domain = "en.wikipedia.org";
  w.meta->offset = 99999999999LL;
  w.namespace_ = 0;
  w.schema = "/mediawiki/recentchange/1.0.0";
  w.title = "Avro";
  w.type = "edit";
  Bytes bytes = w.to_avro();
  Arena arena;
  BinaryReader in(bytes);
  auto v = sluice::avro::decode_binary(schema->root(), in, arena);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  Bytes generic;
  ASSERT_TRUE(sluice::avro::encode_binary(schema->root(), *v, generic).has_value());
  EXPECT_EQ(generic, bytes);
  std::string json;
  ASSERT_TRUE(sluice::avro::encode_json(schema->root(), *v, json).has_value());
  EXPECT_EQ(w.to_json(), json);
  EXPECT_EQ(wikimedia::value_wikimedia::from_avro(bytes.data(), bytes.size()), w);

  TempDir dir;
  write_container(dir / "wiki.avro", std::vector{w});
  nlohmann::json got = read_with_python(dir / "wiki.avro");
  ASSERT_TRUE(got.is_array()) << got.dump();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["bot"], false);
  EXPECT_EQ(got[0]["comment"], "fix typo");
  EXPECT_EQ(got[0]["length"]["new"], 10);
  EXPECT_TRUE(got[0]["length"]["old"].is_null());
  EXPECT_EQ(got[0]["meta"]["offset"], 99999999999LL);
  EXPECT_EQ(got[0]["namespace"], 0);
  EXPECT_TRUE(got[0]["revision"].is_null());
  EXPECT_EQ(got[0]["title"], "Avro");
}

#endif  // SLUICE_CODEGEN_HAVE_SHARED

}  // namespace
