// Union defaults on a branch other than the first (union_defaults.avsc): a
// default-made record holds them, and a record read from data that lacks the fields
// gets the same values through resolution (the generic decoder's defaults), so both
// readers of defaults pick the same branch.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "union_defaults.hpp"

namespace {

namespace u = codegen::test::udefaults;

void expect_defaults(const u::UnionDefaults& r) {
  EXPECT_EQ(r.nickname, std::optional<std::string>("anon"));
  EXPECT_FALSE(r.note.has_value());
  EXPECT_EQ(r.code.index(), 2u);
  ASSERT_EQ(r.label.index(), 1u);
  EXPECT_EQ(std::get<1>(r.label), "x");
  ASSERT_EQ(r.big.index(), 1u);
  EXPECT_EQ(std::get<1>(r.big), 4294967296);
  ASSERT_EQ(r.first.index(), 0u);
  EXPECT_EQ(std::get<0>(r.first), 5);
  EXPECT_EQ(r.items, (std::vector<std::optional<std::int32_t>>{1, std::nullopt, 3}));
  EXPECT_EQ(r.point.x, std::optional<double>(1.5));
  ASSERT_EQ(r.point.tag.index(), 1u);
  EXPECT_EQ(std::get<1>(r.point.tag), "t");
  EXPECT_EQ(r.chain.v, 0);  // next: left out of chain's default, so Chain's own
  ASSERT_TRUE(r.chain.next.has_value());
  EXPECT_EQ((*r.chain.next)->v, 1);
  EXPECT_FALSE((*r.chain.next)->next.has_value());
  // The default of a field left out of the record's default: its own (true).
  EXPECT_EQ(u::Point{}.tag, (std::variant<bool, std::string>(true)));
}

TEST(GeneratedUnionDefaults, DefaultMadeRecordTakesTheBranchTheValueFits) {
  u::UnionDefaults r;
  expect_defaults(r);
  EXPECT_EQ(r.id, 0);
  std::vector<std::uint8_t> bytes = r.to_avro();
  EXPECT_EQ(u::UnionDefaults::from_avro(bytes.data(), bytes.size()), r);
}

TEST(GeneratedUnionDefaults, ResolutionFillsTheSameValues) {
  // Written by a schema with only the id: every other field comes from the defaults.
  const std::string writer =
      R"({"type":"record","name":"UnionDefaults","namespace":"codegen.test.udefaults",
          "fields":[{"name":"id","type":"long"}]})";
  const std::vector<std::uint8_t> data = {0x54};  // id 42
  u::UnionDefaults r = u::UnionDefaults::from_avro(data.data(), data.size(), writer);
  expect_defaults(r);
  EXPECT_EQ(r.id, 42);
}

}  // namespace
