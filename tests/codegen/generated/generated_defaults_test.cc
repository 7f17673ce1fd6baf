// Field defaults (defaults.avsc): a default-constructed record holds the schema's
// defaults, which is what a reader fills in for fields its writer lacks.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "defaults.hpp"

namespace {

namespace d = codegen::test::defaults;

// An empty array or map default of a union's first branch is that branch, empty: not
// null, and not another branch.
TEST(GeneratedDefaults, EmptyArrayAndMapInUnions) {
  d::Defaults r;
  ASSERT_TRUE(r.opt_arr.has_value());
  EXPECT_TRUE(r.opt_arr->empty());
  ASSERT_TRUE(r.opt_map.has_value());
  EXPECT_TRUE(r.opt_map->empty());
  EXPECT_EQ(r.var_arr.index(), 0u);
  EXPECT_EQ(r.var_map.index(), 0u);
  ASSERT_TRUE(r.inner.opt_arr.has_value());
  EXPECT_EQ(r.inner.var_map.index(), 0u);
  EXPECT_EQ(r.to_json(),
            R"({"opt_arr": {"array": []}, "opt_map": {"map": {}}, "var_arr": {"array": []}, )"
            R"("var_map": {"map": {}}, "inner": {"opt_arr": {"array": []}, )"
            R"("var_map": {"map": {}}}, "holder": {"f": "\u0007"}, )"
            R"("tree": {"branch": null, "leaves": [3], )"
            R"("subtrees": []}})");
  // Read from a writer without the fields, the reader's defaults are the same.
  const char* writer = R"({"type": "record", "name": "Defaults",
                           "namespace": "codegen.test.defaults", "fields": []})";
  std::vector<std::uint8_t> none;
  EXPECT_EQ(d::Defaults::from_avro(none.data(), 0, writer), r);
}

// A type named v (here a fixed in Holder's default) is the type in a record default
// (once built in a lambda whose local record was named v).
TEST(GeneratedDefaults, TypeNamedLikeTheDefaultLambdasLocal) {
  d::Defaults r;
  EXPECT_EQ(r.holder.f, d::v{{0x07}});
}

// Defaults that hold a record not yet complete where the member is declared (Branch's
// map of Tree, Tree's array of Tree) are built where every record is complete.
TEST(GeneratedDefaults, DefaultsHoldingRecordsDefinedLater) {
  d::Branch b;
  ASSERT_EQ(b.kids.size(), 1u);
  EXPECT_FALSE(b.kids.at("k").branch.has_value());
  EXPECT_EQ(b.kids.at("k").leaves, std::vector<std::int32_t>{1});
  d::Tree t;
  ASSERT_EQ(t.subtrees.size(), 1u);
  EXPECT_EQ(t.subtrees[0].leaves, std::vector<std::int32_t>{2});
  EXPECT_TRUE(t.subtrees[0].subtrees.empty());
  d::Defaults r;
  EXPECT_FALSE(r.tree.branch.has_value());
  EXPECT_EQ(r.tree.leaves, std::vector<std::int32_t>{3});
  EXPECT_TRUE(r.tree.subtrees.empty());
}

// Branch holds a map of Tree, which is not complete where Branch is declared: its
// operator== is defined after every record (memberwise), the others are defaulted.
// Both compile under clang as under g++, and compare every member.
TEST(GeneratedDefaults, EqualityOfARecordHoldingOneDefinedLater) {
  d::Branch a;
  d::Branch b;
  EXPECT_EQ(a, b);
  b.kids.at("k").leaves.push_back(9);
  EXPECT_NE(a, b);
  d::Tree t;
  d::Tree u;
  u.branch = a;
  EXPECT_NE(t, u);
  t.branch = b;
  EXPECT_NE(t, u);
  t.branch = a;
  EXPECT_EQ(t, u);
  std::vector<std::uint8_t> bytes = u.to_avro();
  EXPECT_EQ(d::Tree::from_avro(bytes.data(), bytes.size()), u);
}

}  // namespace
