// Types of one simple name from different Avro namespaces, gathered into one C++
// namespace by --namespace (same_names.avsc): the first keeps its name, the later ones
// are prefixed with their namespace's last part; everything round-trips.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "same_names.hpp"

namespace {

namespace flat = codegen::test::flat;

TEST(GeneratedSameNames, LaterTypesTakeTheirNamespaceAsPrefix) {
  flat::Pair p;
  EXPECT_EQ(p.kind, flat::c_Id::Y);
  p.a = flat::Id{7};
  p.b = flat::b_Id{"w"};
  p.kind = flat::c_Id::X;
  std::vector<std::uint8_t> bytes = p.to_avro();
  EXPECT_EQ(flat::Pair::from_avro(bytes.data(), bytes.size()), p);
  // JSON and the embedded schema keep the Avro names.
  EXPECT_EQ(p.to_json(), R"({"a": {"v": 7}, "b": {"w": "w"}, "kind": "X"})");
  EXPECT_NE(flat::b_Id::avro_schema().find(R"("namespace":"codegen.test.b")"), std::string::npos)
      << flat::b_Id::avro_schema();
}

}  // namespace
