// Records that hold each other through containers (mutual.avsc): File, emitted first,
// holds Folder, not yet complete there, through an array, a map, a variant and an
// optional, and Folder holds itself through a map and an array of optionals. The
// header compiles with g++ and with clang (the sanitizer build), which rejects a
// default member initializer that needs such a record complete (and then also
// std::optional<Folder>::emplace()), and the values are the schema's.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
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
std::vector<std::uint8_t> generic_bytes(const mu::Drive& d) {
  auto schema = sluice::avro::Schema::parse(mu::Drive::avro_schema());
  EXPECT_TRUE(schema) << schema.error().to_string();
  if (!schema)
    return {};
  sluice::avro::Arena arena;
  auto value = sluice::avro::decode_json((*schema)->root(), d.to_json(), arena);
  EXPECT_TRUE(value) << value.error().to_string();
  std::vector<std::uint8_t> out;
  if (value) {
    EXPECT_TRUE(sluice::avro::encode_binary((*schema)->root(), *value, out));
  }
  return out;
}

TEST(GeneratedMutual, DefaultsAreTheSchemas) {
  mu::Drive d;
  EXPECT_EQ(d.root.name, "r");
  EXPECT_TRUE(d.root.files.empty());
  EXPECT_TRUE(d.root.other.empty());
  EXPECT_TRUE(d.root.sub.empty());
  EXPECT_TRUE(d.root.slots.empty());
  EXPECT_EQ(d.first.path, "p");
  EXPECT_TRUE(d.first.parents.empty());
  EXPECT_TRUE(d.first.links.empty());
  ASSERT_EQ(d.first.either.index(), 0u);
  EXPECT_TRUE(std::get<0>(d.first.either).empty());
  EXPECT_FALSE(d.first.maybe.has_value());
  EXPECT_TRUE(d.first.more.empty());
  ASSERT_EQ(d.tags.named.size(), 1u);  // {"x": null}
  EXPECT_FALSE(d.tags.named.at("x").has_value());

  mu::File file;  // members without initializers: empty, null, the first branch
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
  mu::Drive d;
  d.root.name = "root";
  d.root.files.push_back(file);
  d.root.other.push_back(file);
  d.root.sub["s"] = inner;
  d.root.slots = {std::nullopt, inner};
  d.first.either = 7;
  d.tags.named["y"] = mu::Drive{};

  std::vector<std::uint8_t> bytes = d.to_avro();
  mu::Drive back = mu::Drive::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, d);
  EXPECT_EQ(back.root.files.at(0).links.at("up").name, "inner");
  EXPECT_EQ(back.root.sub.at("s").name, "inner");
  ASSERT_EQ(back.root.slots.size(), 2u);
  EXPECT_FALSE(back.root.slots[0].has_value());
  EXPECT_EQ(back.root.slots[1], inner);
  ASSERT_TRUE(back.tags.named.at("y").has_value());
  EXPECT_EQ(back.tags.named.at("y")->tags.named.size(), 1u);
  EXPECT_EQ(bytes, generic_bytes(d));

  back.root.files.at(0).either = 8;  // == compares every member
  EXPECT_NE(back, d);
}

TEST(GeneratedMutual, RecordsNamedLikeParametersCompare) {
  mu::Drive d;
  EXPECT_EQ(d.tree.leaf.n, 1);
  mu::a tree = d.tree;
  tree.kids["k"] = d.tree;
  EXPECT_NE(tree, d.tree);
  EXPECT_EQ(tree.kids.at("k"), d.tree);
  tree.kids["k"].leaf.n = 2;
  EXPECT_NE(tree.kids.at("k"), d.tree);
}

}  // namespace
