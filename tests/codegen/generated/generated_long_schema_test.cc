// A schema longer than g++ counts in a constant expression (long_schema.avsc, written by
// tests/CMakeLists.txt with a 300,000-character doc): the header compiles, and its
// schema constants are whole.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "avro/schema.h"
#include "long_schema.hpp"

namespace {

using codegen::test::long_schema::LongSchema;

static_assert(LongSchema::kAvroSchemaJson.size() > (std::size_t{1} << 18));

TEST(GeneratedLongSchema, SchemaConstantsHoldTheWholeSchema) {
  std::string_view json = LongSchema::avro_schema();
  ASSERT_GT(json.size(), std::size_t{300000});
  EXPECT_EQ(json.back(), '}');
  auto parsed = sluice::avro::Schema::parse(json);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed.value()->root().doc.size(), std::size_t{300003});
  EXPECT_EQ(LongSchema::kAvroCanonicalForm,
            R"({"name":"codegen.test.long_schema.LongSchema","type":"record","fields":[{"name":"a","type":"string"}]})");

  LongSchema r;
  r.a = "x";
  std::vector<std::uint8_t> bytes = r.to_avro();
  EXPECT_EQ(LongSchema::from_avro(bytes.data(), bytes.size()), r);
}

}  // namespace
