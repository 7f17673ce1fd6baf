// Records that hold themselves through the first branch of a union without default
// (recursive_variants.avsc): a default-made record is finite, so it encodes, compares
// and round-trips (it used to hold itself without end: encoding failed at the depth
// limit and == overflowed the stack).
#include <gtest/gtest.h>

#include <cstdint>
#include <variant>
#include <vector>

#include "recursive_variants.hpp"

namespace {

namespace rv = codegen::test::rv;

template <class T>
void expect_round_trip(const T& value) {
  std::vector<std::uint8_t> bytes = value.to_avro();
  T back = T::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, value);
  EXPECT_EQ(back.to_avro(), bytes);
}

TEST(GeneratedRecursiveVariants, ADefaultMadeRecordHoldsTheFirstBranchThatEnds) {
  rv::Expr e;
  EXPECT_EQ(e.op.index(), 1u);  // null: the first branch (Expr) would never end
  EXPECT_EQ(e, rv::Expr{});
  expect_round_trip(e);
  EXPECT_EQ(e.to_json(), R"({"op": null, "args": []})");

  rv::Outer o;
  EXPECT_EQ(o.inner.index(), 1u);  // string: Inner holds an Outer directly
  EXPECT_EQ(o.leaf.index(), 0u);   // Leaf ends (its Outer is optional)
  EXPECT_EQ(o, rv::Outer{});
  expect_round_trip(o);

  // The first branch still holds what is put there.
  rv::Expr nested;
  nested.op.emplace<0>(e);
  expect_round_trip(nested);
  o.inner = rv::Inner{};
  expect_round_trip(o);
}

}  // namespace
