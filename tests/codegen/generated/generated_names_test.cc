// Type names that collide with the namespaces and the local names of the generated
// code (names.avsc), or in the global namespace with what the C library declares there
// (globals.avsc), get a trailing underscore. Compiling the headers is most of the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <type_traits>
#include <vector>

#include "globals.hpp"
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

TEST(GeneratedNames, GlobalTypesNamedLikeCLibraryNamesGetAnUnderscore) {
  ::tm_ r;  // the record tm; ::tm stays the C library's
  r.file.fd = 3;
  r.time = ::time_x_::LATER;  // time_ is taken by the namespace time_ (Avro "time")
  r.t[7] = 1;
  r.copy = ::memcpy_{};
  r.copy->n = 9;
  r.zone_.tm_x_.sec = 59;  // namespaced types keep their names (zone_: a namespace is zone)
  static_assert(sizeof(::time_::zone::tm) == sizeof(std::int32_t));
  // isnan is a g++ built-in (a namespace of that name fails -Wbuiltin-declaration-mismatch)
  // and main every program's function: both renamed in the global namespace; signbit,
  // nested, keeps its name.
  r.nan.inner.x = 2.5;
  static_assert(std::is_same_v<decltype(r.nan), ::isnan_>);
  static_assert(std::is_same_v<decltype(r.nan.inner), ::main_::signbit::Entry>);
  std::vector<std::uint8_t> bytes = r.to_avro();
  EXPECT_EQ(::tm_::from_avro(bytes.data(), bytes.size()), r);
  EXPECT_NE(r.to_json().find(R"("time": "LATER")"), std::string::npos) << r.to_json();
  std::tm c_library{};  // still usable
  EXPECT_EQ(c_library.tm_sec, 0);
}

}  // namespace
