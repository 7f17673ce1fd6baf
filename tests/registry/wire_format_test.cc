#include <gtest/gtest.h>

#include "registry/wire_format.h"

namespace sluice::registry {
namespace {

TEST(WireFormatTest, HeaderIsMagicThenBigEndianId) {
  std::vector<std::uint8_t> out;
  append_frame_header(SchemaId{0x01020304}, out);
  out.push_back(0xAA);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0x00, 0x01, 0x02, 0x03, 0x04, 0xAA}));
  auto frame = parse_frame(out);
  ASSERT_TRUE(frame) << frame.error().to_string();
  EXPECT_EQ(frame->schema_id.value, 0x01020304);
  ASSERT_EQ(frame->payload.size(), 1u);
  EXPECT_EQ(frame->payload[0], 0xAA);
}

TEST(WireFormatTest, RejectsShortAndWrongMagic) {
  std::vector<std::uint8_t> short_msg{0x00, 0x01};
  auto a = parse_frame(short_msg);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code(), ErrorCode::kCorrupt);
  std::vector<std::uint8_t> bad{0x01, 0, 0, 0, 1};
  auto b = parse_frame(bad);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().to_string().find("0x01"), std::string::npos);
}

}  // namespace
}  // namespace sluice::registry
