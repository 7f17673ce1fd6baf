// A record that holds itself gets an operator== written out field by field (a
// defaulted one would need the held record complete); with float and double fields
// it must still compare as the defaulted ones do (float_equality.avsc).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "float_equality.hpp"

namespace {

using codegen::test::floats::Reading;

Reading chain() {
  Reading r;
  r.celsius = 21.5;
  r.previous = Reading{};  // a std::optional<Box<Reading>>
  r.previous->get().celsius = -3.25;
  r.previous->get().weight = 2.0f;
  return r;
}

TEST(GeneratedFloatEquality, ComparesEveryFieldDownTheChain) {
  Reading a = chain();
  Reading b = chain();
  EXPECT_TRUE(a == b);
  std::vector<std::uint8_t> bytes = a.to_avro();
  EXPECT_EQ(Reading::from_avro(bytes.data(), bytes.size()), a);

  b.celsius = 21.25;
  EXPECT_FALSE(a == b);
  b = chain();
  b.previous->get().weight = 2.5f;
  EXPECT_FALSE(a == b) << "a difference one record down";
  b = chain();
  b.previous.reset();
  EXPECT_FALSE(a == b);
}

TEST(GeneratedFloatEquality, DefaultsApplyAndSignedZerosCompareEqual) {
  Reading r;
  EXPECT_EQ(r.weight, 0.5f);
  Reading z;
  z.celsius = -0.0;
  EXPECT_TRUE(r == z) << "== on doubles: -0.0 equals 0.0, as in a defaulted operator==";
  EXPECT_NE(r.to_avro(), z.to_avro()) << "while their encodings differ";
}

}  // namespace
