// shadowing.avsc: fields named like the generated member functions' parameters and
// locals. This file is compiled with -Wshadow (tests/CMakeLists.txt): the header must
// not make such a build fail, and the fields must still be the ones encoded.
#include <gtest/gtest.h>

#include "shadowing.hpp"

namespace sh = codegen::test::shadowing;

TEST(GeneratedShadowing, FieldsNamedLikeLocalsAreTheOnesEncoded) {
  sh::Transfer t;
  EXPECT_EQ(t.out, 7);
  EXPECT_EQ(t.bytes, (std::vector<std::uint8_t>{1, 2}));
  EXPECT_EQ(t.at, "here");
  t.out = -2;
  sh::Hop last;
  last.out = 6;
  sh::Hop first;
  first.out = 5;
  first.next = last;
  t.r3 = first;
  std::vector<std::uint8_t> bytes = t.to_avro();
  // out -2 (zig-zag 3), bytes [1, 2], at "here".
  ASSERT_GE(bytes.size(), 9u);
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 9),
            (std::vector<std::uint8_t>{0x03, 0x04, 0x01, 0x02, 0x08, 'h', 'e', 'r', 'e'}));
  sh::Transfer back = sh::Transfer::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, t);
  EXPECT_EQ((*(*back.r3).next)->out, 6);
  EXPECT_EQ(back.to_json(),
            R"({"out": -2, "bytes": "\u0001\u0002", "at": "here", "a1": ["x"], "m2": {"k": 1}, )"
            R"("r3": {"codegen.test.shadowing.Hop": {"out": 5, )"
            R"("next": {"codegen.test.shadowing.Hop": {"out": 6, "next": null}}}}, )"
            R"("guard": {"int": 2}, "text": "t"})");
}
