// Type names that collide with the namespaces and the local names of the generated
// code (names.avsc) get a trailing underscore. Compiling the header is most of the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "names.hpp"

namespace {

namespace n = codegen::test::names;

TEST(GeneratedNames, TypesNamedLikeNamespacesOrLocalsGetAnUnderscore) {
  n::Names r;
  r.i.deep.back = n::inner_{};  // the record; n::inner is the namespace of Deep
  (*r.i.deep.back)->deep.back = n::inner_{};
  r.a.x = {1, 2};
  r.b.x = {3};
  r.c.push_back(n::a0_{});
  r.c[0].x.push_back(n::a0_{{}});
  r.d["k"].x = n::out_{};
  r.e = n::text_::B;
  r.f.v = n::AvroView_::Y;  // types named like the nested view type
  r.f.w.x = "w";
  n::text_ parsed{};
  EXPECT_TRUE(from_string("B", parsed));
  EXPECT_EQ(parsed, n::text_::B);
  std::vector<std::uint8_t> bytes = r.to_avro();
  n::Names back = n::Names::from_avro(bytes.data(), bytes.size());
  EXPECT_EQ(back, r);
  EXPECT_EQ(back.to_json(), r.to_json());
  EXPECT_NE(r.to_json().find(R"("e": "B")"), std::string::npos) << r.to_json();
  // Records holding them still have views.
  n::Flat::AvroView view;
  std::vector<std::uint8_t> flat = r.f.to_avro();
  ::sluice::avro::gen::Decoder in(flat.data(), flat.size());
  n::Flat::decode_avro(in, view);
  EXPECT_EQ(view.v, n::AvroView_::Y);
  EXPECT_EQ(view.w.x, "w");
}

}  // namespace
