#include <gtest/gtest.h>

#include "avro/arena.h"
#include "avro/value.h"

namespace sluice::avro {
namespace {

TEST(ArenaTest, AllocationsAreAlignedAndDistinct) {
  Arena arena(64);
  void* a = arena.allocate(3, 1);
  void* b = arena.allocate(8, 8);
  EXPECT_NE(a, b);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b) % 8, 0u);
  // Larger than a block: still served.
  auto* big = static_cast<char*>(arena.allocate(1000, 8));
  big[999] = 'x';
  EXPECT_GE(arena.bytes_allocated(), 1011u);
}

TEST(ArenaTest, ResetReusesMemory) {
  Arena arena(128);
  for (int i = 0; i < 100; ++i) arena.allocate(100, 8);
  arena.reset();
  EXPECT_EQ(arena.bytes_allocated(), 0u);
  std::string_view copy = arena.copy("hello");
  EXPECT_EQ(copy, "hello");
}

TEST(ValueTest, EqualityIsDeepAndBranchAware) {
  Node str;
  str.type = Type::kString;
  Node arr;
  arr.type = Type::kArray;
  arr.items = &str;
  Arena arena;
  Value a = Value::array(&arr, arena, 2);
  a[0] = Value::text(&str, "x");
  a[1] = Value::text(&str, "y");
  Value b = deep_copy(a, arena);
  EXPECT_TRUE(a == b);
  b[1] = Value::text(&str, "z");
  EXPECT_FALSE(a == b);
  Value c = Value::text(&str, "x");
  Value d = c;
  d.in_branch(1);
  EXPECT_FALSE(c == d);
}

TEST(ValueTest, MapEqualityIsReflexiveWithDuplicateKeysAndOrderInsensitive) {
  Node num;
  num.type = Type::kInt;
  Node map;
  map.type = Type::kMap;
  map.values = &num;
  Arena arena;
  Value a = Value::map(&map, arena, 3);
  a.mutable_entries()[0] = MapEntry{"", Value::int32(&num, 1)};
  a.mutable_entries()[1] = MapEntry{"", Value::int32(&num, 2)};
  a.mutable_entries()[2] = MapEntry{"k", Value::int32(&num, 3)};
  EXPECT_TRUE(a == a);  // regression: found by avro_decode_fuzz
  Value b = Value::map(&map, arena, 3);
  b.mutable_entries()[0] = a.entries()[2];
  b.mutable_entries()[1] = a.entries()[1];
  b.mutable_entries()[2] = a.entries()[0];
  EXPECT_TRUE(a == b);
  b.mutable_entries()[1] = MapEntry{"", Value::int32(&num, 1)};  // now {"":1, "":1, k:3}
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace sluice::avro
