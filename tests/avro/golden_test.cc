// Golden bytes: the records of each ../shared/data/golden/cmu-*.expected.jsonl,
// encoded with the matching seed schema, must give exactly the .bin file (the datums
// concatenated), and decoding the .bin must give the records back.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/json_codec.h"
#include "avro/schema.h"
#include "test_support.h"

namespace sluice::avro {
namespace {

struct GoldenCase {
  const char* data;    // golden/cmu-<data>.{bin,expected.jsonl}
  const char* schema;  // seed-schemas/cmu-repo-<schema>.avsc
};

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, EncodesToTheGoldenBytesAndBack) {
  SLUICE_REQUIRE_SHARED_DATA();
  const GoldenCase& c = GetParam();
  auto root = testing::shared_data();
  auto schema_path = root / "seed-schemas" / (std::string("cmu-repo-") + c.schema + ".avsc");
  auto jsonl_path = root / "golden" / (std::string("cmu-") + c.data + ".expected.jsonl");
  auto bin_path = root / "golden" / (std::string("cmu-") + c.data + ".bin");
  for (const auto& p : {schema_path, jsonl_path, bin_path}) {
    if (!std::filesystem::exists(p)) GTEST_SKIP() << "golden file missing: " << p;
  }
  auto schema = Schema::parse(testing::read_file(schema_path));
  ASSERT_TRUE(schema.has_value()) << schema.error().to_string();
  const Node& node = (*schema)->root();

  Arena arena;
  std::vector<Value> records;
  std::vector<std::uint8_t> encoded;
  std::istringstream lines(testing::read_file(jsonl_path));
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto v = decode_json(node, line, arena);
    ASSERT_TRUE(v.has_value()) << jsonl_path << ":" << line_no << ": " << v.error().to_string();
    auto st = encode_binary(node, *v, encoded);
    ASSERT_TRUE(st.has_value()) << line_no << ": " << st.error().to_string();
    records.push_back(*v);
  }
  ASSERT_FALSE(records.empty());

  std::string golden_text = testing::read_file(bin_path);
  std::vector<std::uint8_t> golden(golden_text.begin(), golden_text.end());
  ASSERT_EQ(encoded.size(), golden.size());
  for (std::size_t i = 0; i < golden.size(); ++i) {
    ASSERT_EQ(encoded[i], golden[i]) << "first difference at byte " << i;
  }

  // And back: the .bin decodes to the same records, consuming it exactly.
  BinaryReader in(golden);
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto v = decode_binary(node, in, arena);
    ASSERT_TRUE(v.has_value()) << "record " << i << ": " << v.error().to_string();
    EXPECT_TRUE(*v == records[i]) << "record " << i;
  }
  EXPECT_TRUE(in.at_end()) << in.remaining() << " bytes left";

  // Skipping walks the same boundaries.
  BinaryReader skipper(golden);
  for (std::size_t i = 0; i < records.size(); ++i) {
    ASSERT_TRUE(skip_binary(node, skipper).has_value()) << "record " << i;
  }
  EXPECT_TRUE(skipper.at_end());
}

INSTANTIATE_TEST_SUITE_P(Cmu, GoldenTest,
                         ::testing::Values(GoldenCase{"movie_watches", "movie_watch"},
                                           GoldenCase{"movie_ratings", "movie_rating"},
                                           GoldenCase{"recommendation_requests",
                                                      "recommendation_request"}),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           return std::string(info.param.data);
                         });

}  // namespace
}  // namespace sluice::avro
