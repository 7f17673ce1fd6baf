// Doc text that g++ would read as code or as a line splice (docs.avsc) stays inside
// the generated comments. Compiling the header with -Wall -Wextra -Werror is most of
// the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "docs.hpp"

namespace {

TEST(GeneratedDocs, LineEndsInDocsStayInsideComments) {
  codegen::test::docs::Docs d;
  d.a = 5;
  d.b = codegen::test::docs::E::Y;
  d.c = {1, 2};
  std::vector<std::uint8_t> bytes = d.to_avro();
  EXPECT_EQ(codegen::test::docs::Docs::from_avro(bytes.data(), bytes.size()), d);
}

}  // namespace
