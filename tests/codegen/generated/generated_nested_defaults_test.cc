// nested_defaults.avsc: record defaults holding a variant of a map and a record, inside a
// record that holds itself through a variant (see also tests/codegen/gxx_sanitizer).
#include <gtest/gtest.h>

#include "nested_defaults.hpp"

namespace nd = codegen::test::nested_defaults;

TEST(GeneratedNestedDefaults, DefaultsPickTheFirstBranchAndRoundTrip) {
  nd::Key key;
  ASSERT_EQ(key.u.writer.index(), 0u);  // Items, not the boxed U
  const nd::Items& items = std::get<0>(key.u.writer);
  ASSERT_EQ(items.either.index(), 0u);  // the map, empty
  EXPECT_TRUE(std::get<0>(items.either).empty());
  // u: writer branch 0, either branch 0, an empty map block.
  std::vector<std::uint8_t> bytes = key.to_avro();
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0x00, 0x00, 0x00}));
  EXPECT_EQ(nd::Key::from_avro(bytes.data(), bytes.size()), key);
}

TEST(GeneratedNestedDefaults, TheRecursiveBranchRoundTrips) {
  nd::Key key;
  nd::U inner;
  std::get<0>(inner.writer).either = nd::Rec{.x = -3};
  key.u.writer = sluice::avro::gen::Box<nd::U>(inner);
  std::vector<std::uint8_t> bytes = key.to_avro();
  // writer branch 1 (U), its writer branch 0, either branch 1 (Rec), x = -3 (zig-zag 5).
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0x02, 0x00, 0x02, 0x05}));
  nd::Key back = nd::Key::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, key);
  EXPECT_EQ(std::get<nd::Rec>(std::get<0>(std::get<1>(back.u.writer)->writer).either).x, -3);
}
