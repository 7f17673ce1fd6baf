// Records that hold each other through containers (mutual.avsc): the record emitted
// first holds the other, not yet complete there, through an array, a map, a variant
// and an optional. The header compiles with g++ and clang (the sanitizer build), whose
// std::vector and std::variant need their element complete in a default member
// initializer, and the values are the schema's: empty, null, first branch.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/json_codec.h"
#include "avro/schema.h"
#include "mutual.hpp"

namespace {

namespace mu = codegen::test::mutual;

// The generic codec's bytes for the record's JSON encoding.
std::vector<std::uint8_t> generic_bytes(const mu::Folder& f) {
  auto schema = sluice::avro::Schema::parse(mu::Folder::avro_schema());
  EXPECT_TRUE(schema) << schema.error().to_string();
  if (!schema)
    return {};
  sluice::avro::Arena arena;
  auto value = sluice::avro::decode_json((*schema)->root(), f.to_json(), arena);
  EXPECT_TRUE(value) << value.error().to_string();
  std::vector<std::uint8_t> out;
  if (value) {
    EXPECT_TRUE(sluice::avro::encode_binary((*schema)->root(), *value, out));
  }
  return out;
}

TEST(GeneratedMutual, DefaultsAreTheSchemas) {
  mu::Folder f;
  EXPECT_TRUE(f.files.empty());
  EXPECT_TRUE(f.other.empty());
  EXPECT_EQ(f.first.path, "p");
  EXPECT_TRUE(f.first.parents.empty());
  EXPECT_TRUE(f.first.links.empty());
  ASSERT_EQ(f.first.either.index(), 0u);
  EXPECT_TRUE(std::get<0>(f.first.either).empty());
  EXPECT_FALSE(f.first.maybe.has_value());
  EXPECT_TRUE(f.first.more.empty());

  mu::File file;  // no defaults but the members': empty, null, the first branch
  EXPECT_TRUE(file.parents.empty());
  EXPECT_EQ(file.either.index(), 0u);
  EXPECT_FALSE(file.maybe.has_value());
}

TEST(GeneratedMutual, NestedValuesRoundTripAndEqualTheGenericBytes) {
  mu::Folder inner;
  inner.name = "inner";
  mu::File file;
  file.path = "/a";
  file.parents.push_back(inner);
  file.links["up"] = inner;
  file.either = std::vector<mu::Folder>{inner, inner};
  file.maybe = std::vector<mu::Folder>{inner};
  file.more.push_back(inner);
  mu::Folder root;
  root.name = "root";
  root.files.push_back(file);
  root.other.push_back(file);
  root.first.either = 7;

  std::vector<std::uint8_t> bytes = root.to_avro();
  mu::Folder back = mu::Folder::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, root);
  EXPECT_EQ(back.files.at(0).links.at("up").name, "inner");
  EXPECT_EQ(bytes, generic_bytes(root));

  back.files.at(0).either = 8;  // == compares every member
  EXPECT_NE(back, root);
}

}  // namespace
