// Records whose encoding is always empty, and fixed(0) (nulls.avsc): the header compiles
// with -Wall -Wextra -Werror (no unused parameter or reference) and such values
// round-trip wherever they sit (without a memcpy from or to a null data(), which
// UBSan reports in Debug builds).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nulls.hpp"

namespace {

namespace n = codegen::test::nulls;

TEST(GeneratedNulls, RecordsWithoutBytesRoundTrip) {
  n::Nulls r;
  r.opt = n::OnlyNull{};
  r.opt_nested.reset();
  r.var.emplace<3>();
  r.arr.resize(3);
  r.arr_nested.resize(2);
  r.mp["a"];
  r.mp["b"];
  r.mp_opt["x"] = n::Empty{};
  r.mp_opt["y"];
  r.fixed0_arr.resize(2);
  r.fixed0_var.emplace<0>();
  r.fixed0_map["f"] = n::F0{};
  r.fixed0_map["g"];
  r.last = -4;
  std::vector<std::uint8_t> bytes = r.to_avro();
  n::Nulls back = n::Nulls::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, r);
  EXPECT_EQ(back.to_avro(), bytes);
  EXPECT_EQ(back.to_json(), r.to_json());
  // Decoding over a value with other contents gives the same value.
  n::Nulls other;
  other.opt.reset();
  other.var = 7;
  other.arr.resize(9);
  ::sluice::avro::gen::Decoder in(bytes.data(), bytes.size());
  n::Nulls::decode_avro(in, other);
  EXPECT_EQ(other, r);
  n::Nulls::AvroView view;
  ::sluice::avro::gen::Decoder view_in(bytes.data(), bytes.size());
  n::Nulls::decode_avro(view_in, view);
  EXPECT_EQ(view.arr.size(), 3u);
  EXPECT_EQ(view.mp.size(), 2u);
  EXPECT_EQ(view.var.index(), 3u);
}

}  // namespace
