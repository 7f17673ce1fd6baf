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

}  // namespace
}  // namespace sluice::avro
