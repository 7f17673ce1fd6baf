// Avro names spelled like standard library macros compile and round-trip. This file is
// compiled in GNU mode (-std=gnu++20, tests/CMakeLists.txt), where g++ also predefines
// `linux` and `unix`, and includes the C headers whose macros the names collide with.
#include <gtest/gtest.h>

#include <cassert>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "macros.hpp"

#if !defined(linux) || !defined(unix)
#error "this test must be compiled in GNU mode, where linux and unix are macros"
#endif

namespace {

namespace m = codegen::test::macros;

TEST(GeneratedMacroNames, RenamedWithATrailingUnderscoreAndRoundTrip) {
  m::EOF_ r;
  r.NULL_ = 7;
  r.errno_ = "e";
  r.linux_ = 1LL << 40;
  r.unix_ = 3;
  r.assert_ = true;
  r.INT_MAX_ = m::stdin_::BUFSIZ_;
  r.offsetof_.EXIT_FAILURE_ = -1;
  std::vector<std::uint8_t> bytes = r.to_avro();
  EXPECT_EQ(m::EOF_::from_avro(bytes.data(), bytes.size()), r);
  // JSON keeps the Avro names.
  std::string json = r.to_json();
  EXPECT_NE(json.find(R"("NULL": 7)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("INT_MAX": "BUFSIZ")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("EXIT_FAILURE": -1)"), std::string::npos) << json;
  m::stdin_ s{};
  EXPECT_TRUE(from_string("linux", s));
  EXPECT_EQ(s, m::stdin_::linux_);
  EXPECT_EQ(to_string(m::stdin_::NULL_), "NULL");
}

TEST(GeneratedMacroNames, DecimalsWithoutDefaultHaveTheirSchemaScale) {
  m::EOF_ r;
  EXPECT_EQ(r.price.scale(), 2);
  EXPECT_TRUE(r.price.is_zero());
  ASSERT_EQ(r.amount.index(), 0u);  // a variant without default holds its first branch
  EXPECT_EQ(std::get<0>(r.amount).scale(), 3);
  std::vector<std::uint8_t> bytes = r.to_avro();
  EXPECT_EQ(m::EOF_::from_avro(bytes.data(), bytes.size()), r);
}

}  // namespace
