// split/address.avsc, person.avsc and visit.avsc generated with `--out dir/`: person.hpp
// includes address.hpp for the types it uses, and so does visit.hpp for the types its
// schema defines again, instead of defining them a second time, so all three headers
// go into one program.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "split/address.hpp"
#include "split/person.hpp"
#include "split/visit.hpp"

namespace split = codegen::test::split;

TEST(GeneratedSplit, AHeaderUsesTheTypesOfTheHeaderItIncludes) {
  split::Person p;
  EXPECT_EQ(p.kind, split::Kind::WORK);
  p.name = "Ada";
  p.home.city = "Paris";
  split::Address office;
  office.city = "Rome";
  office.kind = split::Kind::WORK;
  p.others.push_back(office);
  std::vector<std::uint8_t> bytes = p.to_avro();
  // name "Ada"; home: city "Paris", kind HOME (0); others: one block of 1, "Rome", WORK
  // (1), end; kind WORK (1).
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0x06, 'A', 'd', 'a', 0x0a, 'P', 'a', 'r', 'i', 's',
                                              0x00, 0x02, 0x08, 'R', 'o', 'm', 'e', 0x02, 0x00,
                                              0x02}));
  EXPECT_EQ(split::Person::from_avro(bytes.data(), bytes.size()), p);
  // The included header's record works on its own too.
  std::vector<std::uint8_t> ob = office.to_avro();
  EXPECT_EQ(split::Address::from_avro(ob.data(), ob.size()), office);
  EXPECT_EQ(to_string(split::Kind::HOME), "HOME");
}

TEST(GeneratedSplit, ATypeDefinedAgainIsTheIncludedOne) {
  split::Visit v;
  v.at.city = "Oslo";  // split::Address, from address.hpp
  v.at.kind = split::Kind::WORK;
  v.minutes = 30;
  static_assert(std::is_same_v<decltype(v.at), split::Address>);
  std::vector<std::uint8_t> bytes = v.to_avro();
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0x08, 'O', 's', 'l', 'o', 0x02, 0x3c}));
  EXPECT_EQ(split::Visit::from_avro(bytes.data(), bytes.size()), v);
}
