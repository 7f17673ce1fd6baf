// The container files and single-object message of the Avro project's own test data
// (../shared/data/avro-upstream/), written by the Java implementation.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "avro/container.h"
#include "avro/json_codec.h"
#include "avro/single_object.h"
#include "test_support.h"

namespace sluice::avro {
namespace {

std::filesystem::path upstream(std::string_view name) {
  return testing::shared_data() / "avro-upstream" / name;
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::vector<std::string> out;
  std::string text = testing::read_file(path);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Every record of `path`, deep-copied into `arena`. The values refer to the file's
// schema, which `keep` keeps alive.
std::vector<Value> read_records(const std::filesystem::path& path, Arena& arena,
                                SchemaPtr& keep) {
  auto reader = ContainerReader::open(path);
  EXPECT_TRUE(reader) << path << ": " << reader.error().to_string();
  std::vector<Value> out;
  if (!reader) return out;
  Value v;
  while (true) {
    auto more = reader->next(v, arena);
    EXPECT_TRUE(more) << path << ": " << more.error().to_string();
    if (!more || !*more) break;
    out.push_back(deep_copy(v, arena));
  }
  EXPECT_EQ(reader->recovery_report().blocks_damaged(), 0u);
  keep = reader->writer_schema();
  return out;
}

std::string json_of(const Value& v) {
  std::string out;
  EXPECT_TRUE(encode_json(*v.node(), v, out));
  return out;
}

std::vector<std::string> weather_files() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(testing::shared_data() / "avro-upstream")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("data_weather", 0) == 0 && entry.path().extension() == ".avro") {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(UpstreamFiles, WeatherFilesDecodeToTheJsonRecords) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto files = weather_files();
  // data_weather.avro (null), -deflate, -snappy, -zstd, -sorted.
  ASSERT_GE(files.size(), 5u);
  std::vector<std::string> json_lines = lines_of(upstream("data_weather.json"));
  ASSERT_EQ(json_lines.size(), 5u);
  std::vector<std::string> seen_codecs;
  for (const std::string& name : files) {
    SCOPED_TRACE(name);
    Arena arena;
    SchemaPtr keep;
    auto reader = ContainerReader::open(upstream(name));
    ASSERT_TRUE(reader) << reader.error().to_string();
    seen_codecs.emplace_back(codec_name(reader->codec()));
    const Node& root = reader->writer_schema()->root();
    EXPECT_EQ(root.fullname, "test.Weather");
    std::vector<Value> expected;
    for (const auto& line : json_lines) {
      auto v = decode_json(root, line, arena);
      ASSERT_TRUE(v) << line << ": " << v.error().to_string();
      expected.push_back(*v);
    }
    std::vector<Value> got = read_records(upstream(name), arena, keep);
    ASSERT_EQ(got.size(), expected.size());
    if (name.find("sorted") != std::string::npos) {
      // Same records in another order: compare as multisets of their JSON text.
      std::vector<std::string> a, b;
      for (const auto& v : got) a.push_back(json_of(v));
      for (const auto& v : expected) b.push_back(json_of(v));
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b);
      std::vector<std::string> in_order;
      for (const auto& v : got) in_order.push_back(json_of(v));
      EXPECT_NE(in_order, b) << "the sorted file should differ in order";
    } else {
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_TRUE(got[i] == expected[i]) << i << ": " << json_of(got[i]);
      }
    }
  }
  std::sort(seen_codecs.begin(), seen_codecs.end());
  EXPECT_TRUE(std::find(seen_codecs.begin(), seen_codecs.end(), "snappy") != seen_codecs.end());
  EXPECT_TRUE(std::find(seen_codecs.begin(), seen_codecs.end(), "zstandard") != seen_codecs.end());
  EXPECT_TRUE(std::find(seen_codecs.begin(), seen_codecs.end(), "deflate") != seen_codecs.end());
  EXPECT_TRUE(std::find(seen_codecs.begin(), seen_codecs.end(), "null") != seen_codecs.end());
}

TEST(UpstreamFiles, WeatherFilesReadWithAReaderSchema) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto reader_schema = Schema::parse(R"({"type":"record","name":"test.Weather","fields":[
      {"name":"temp","type":"long"},{"name":"station","type":"bytes"},
      {"name":"extra","type":"string","default":"x"}]})");
  ASSERT_TRUE(reader_schema);
  for (const std::string& name : weather_files()) {
    ContainerReaderOptions o;
    o.reader_schema = *reader_schema;
    auto reader = ContainerReader::open(upstream(name), o);
    ASSERT_TRUE(reader) << name << ": " << reader.error().to_string();
    Arena arena;
    Value v;
    int n = 0;
    while (*reader->next(v, arena)) {
      EXPECT_EQ(v.field("extra")->as_string(), "x");
      EXPECT_FALSE(v.field("station")->as_string().empty());
      ++n;
    }
    EXPECT_EQ(n, 5) << name;
  }
}

// Its header holds a user key "avro.sync" whose value is the sync marker itself; a
// reader that scans for the marker instead of parsing the header would stop there.
TEST(UpstreamFiles, SyncInMetaDecodes) {
  SLUICE_REQUIRE_SHARED_DATA();
  Arena arena;
  SchemaPtr keep;
  auto r = ContainerReader::open(upstream("data_syncInMeta.avro"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->codec(), Codec::kDeflate);
  auto sync_meta = r->meta("avro.sync");
  ASSERT_TRUE(sync_meta);
  EXPECT_EQ(*sync_meta, std::string_view(reinterpret_cast<const char*>(r->sync_marker().data()), 16));
  std::vector<Value> got = read_records(upstream("data_syncInMeta.avro"), arena, keep);
  // 6001 Person records (as python3-avro reads them).
  ASSERT_EQ(got.size(), 6001u);
  EXPECT_EQ(nlohmann::json::parse(json_of(got[0])),
            nlohmann::json::parse(R"j({"ID":1,"First":"Dante","Last":"Hicks","Phone":"(0)","Age":32})j"));
  EXPECT_EQ(nlohmann::json::parse(json_of(got[1])),
            nlohmann::json::parse(R"j({"ID":2,"First":"Randal","Last":"Graves","Phone":"(555) 123-5678","Age":30})j"));
  // Recovery mode finds nothing to recover either.
  ContainerReaderOptions o;
  o.recovery = Recovery::kYes;
  auto rr = ContainerReader::open(upstream("data_syncInMeta.avro"), o);
  ASSERT_TRUE(rr);
  Value v;
  std::size_t n = 0;
  while (*rr->next(v, arena)) ++n;
  EXPECT_EQ(n, 6001u);
  EXPECT_EQ(rr->recovery_report().blocks_damaged(), 0u);
}

TEST(UpstreamFiles, SchemasDataFilesRead) {
  SLUICE_REQUIRE_SHARED_DATA();
  struct Case {
    const char* data;
    const char* schema;
    std::vector<std::string> first_json;
  };
  std::vector<Case> cases = {
      {"data_schemas_simple_data.avro", "data_schemas_simple_schema.json",
       {R"({"text":"hello"})", R"({"text":"bonjour"})"}},
      {"data_schemas_withUnion_data.avro", "data_schemas_withUnion_schema.json",
       {R"({"data1":{"string":"textValue"},"data2":null})",
        R"({"data1":{"int":123},"data2":{"inner":{"d1":{"boolean":false}}}})"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.data);
    Arena arena;
    SchemaPtr keep;
    auto reader = ContainerReader::open(upstream(c.data));
    ASSERT_TRUE(reader) << reader.error().to_string();
    auto schema = Schema::parse(testing::read_file(upstream(c.schema)));
    ASSERT_TRUE(schema);
    EXPECT_EQ(canonical_form(reader->writer_schema()->root()), canonical_form((*schema)->root()));
    std::vector<Value> got = read_records(upstream(c.data), arena, keep);
    ASSERT_EQ(got.size(), 3u);
    for (std::size_t i = 0; i < c.first_json.size(); ++i) {
      EXPECT_EQ(nlohmann::json::parse(json_of(got[i])), nlohmann::json::parse(c.first_json[i]));
    }
  }
}

TEST(UpstreamFiles, SingleObjectMessageDecodes) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto schema = Schema::parse(testing::read_file(upstream("data_messageV1_test_schema.avsc")));
  ASSERT_TRUE(schema) << schema.error().to_string();
  SchemaStore store;
  store.add(*schema);
  std::string bytes = testing::read_file(upstream("data_messageV1_test_message.bin"));
  std::span<const std::uint8_t> msg(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                    bytes.size());
  Arena arena;
  auto obj = decode_single_object(msg, store, arena);
  ASSERT_TRUE(obj) << obj.error().to_string();
  const Value& v = obj->value;
  EXPECT_EQ(v.field("id")->as_long(), 42);
  EXPECT_EQ(v.field("name")->as_string(), "Bill");
  ASSERT_EQ(v.field("tags")->size(), 2u);
  EXPECT_EQ(v.field("tags")->items()[0].as_string(), "dog_lover");
  EXPECT_EQ(v.field("tags")->items()[1].as_string(), "cat_hater");
  // Re-encoding gives the same bytes.
  std::vector<std::uint8_t> again;
  ASSERT_TRUE(encode_single_object(**schema, v, again));
  EXPECT_TRUE(std::equal(again.begin(), again.end(), msg.begin(), msg.end()));
}

}  // namespace
}  // namespace sluice::avro
