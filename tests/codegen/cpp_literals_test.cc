// The text pieces of generated C++ (codegen/internal/cpp_literals.h): each must compile
// as written wherever the generator puts it.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "codegen/internal/cpp_literals.h"

namespace sluice::codegen::internal {
namespace {

TEST(CppLiterals, StringLiteralsEscapeQuotesBackslashesQuestionMarksAndControlBytes) {
  // '?' is escaped so that no "??/" or "??=" trigraph can form.
  EXPECT_EQ(cpp_string_literal("a\"b\\c?\?/\n\xff"), R"("a\"b\\c\077\077/\012\377")");
  EXPECT_EQ(cpp_string_literal(""), "\"\"");
}

TEST(CppLiterals, RawLiteralsPickADelimiterTheTextDoesNotHold) {
  EXPECT_EQ(cpp_raw_literal("{\"a\": 1}"), "R\"avro({\"a\": 1})avro\"");
  EXPECT_EQ(cpp_raw_literal("x)avro\"y"), "R\"avro_(x)avro\"y)avro_\"");
  EXPECT_EQ(cpp_raw_literal(")avro\")avro_\""), "R\"avro__()avro\")avro_\")avro__\"");
}

TEST(CppLiterals, StringViewsCarryTheirLength) {
  EXPECT_EQ(cpp_string_view("{\"a\": 1}"), "std::string_view(R\"avro({\"a\": 1})avro\", 8)");
  EXPECT_EQ(cpp_string_view(""), "std::string_view(R\"avro()avro\", 0)");
}

TEST(CppLiterals, IntegerLiteralsHaveTheRightTypeAtTheEdges) {
  EXPECT_EQ(int_literal(7), "7");
  EXPECT_EQ(int_literal(-2147483648LL), "-2147483648");
  EXPECT_EQ(int_literal(2147483648LL), "2147483648LL");
  // -9223372036854775808 would be unary minus on a literal too large for long long.
  EXPECT_EQ(int_literal(std::numeric_limits<std::int64_t>::min()), "(-9223372036854775807LL - 1)");
}

TEST(CppLiterals, FloatLiteralsKeepTheirTypeAndSpellSpecialValues) {
  EXPECT_EQ(float_literal(nlohmann::json(1), true), "1.0f");
  EXPECT_EQ(float_literal(nlohmann::json(0.1), false), "0.1");
  EXPECT_EQ(float_literal(nlohmann::json(1e300), false), "1e+300");
  EXPECT_EQ(float_literal(nlohmann::json("NaN"), true), "std::numeric_limits<float>::quiet_NaN()");
  EXPECT_EQ(float_literal(nlohmann::json("-Infinity"), false),
            "-std::numeric_limits<double>::infinity()");
}

TEST(CppLiterals, BytesOfADefaultAreItsCodePoints) {
  // "\u00ff\u0001" arrives from the JSON parser as UTF-8 C3 BF 01.
  std::vector<std::uint8_t> bytes = latin1_bytes("\xc3\xbf\x01");
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0xff, 0x01}));
  EXPECT_EQ(byte_list(bytes), "0xff, 0x01");
  EXPECT_EQ(byte_list({}), "");
}

TEST(CppLiterals, DocCommentsNeverSpliceOrEndEarly) {
  std::string out;
  append_doc(out, "one\r\ntwo\rthree \\\nfour ?\?/\n\nend */", "  ");
  // A lone \r ends a line for g++ too; a trailing backslash or ??/ would continue the
  // comment onto the next line of code; "*/" is harmless in a // comment.
  EXPECT_EQ(out, "  // one\n  // two\n  // three\n  // four\n  //\n  // end */\n");
  std::string none;
  append_doc(none, "", "");
  EXPECT_EQ(none, "");
}

TEST(CppLiterals, NamespacesSplitOnDotsAndDoubleColons) {
  EXPECT_EQ(split_namespace("org.apache.avro"),
            (std::vector<std::string>{"org", "apache", "avro"}));
  EXPECT_EQ(split_namespace("my::events"), (std::vector<std::string>{"my", "events"}));
  EXPECT_EQ(split_namespace("::a..b::"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(split_namespace("").empty());
}

}  // namespace
}  // namespace sluice::codegen::internal
