// A record using records, enums and fixeds of another namespace (namespaces.avsc): the
// header compiles (the nested record's decode is inlined into the outer one and its
// default is an expression in the outer struct, both written from the outer namespace),
// defaults apply, and the bytes round-trip and equal the generic codec's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "avro/binary.h"
#include "avro/json_codec.h"
#include "avro/schema.h"
#include "namespaces.hpp"

namespace {

namespace app = codegen::test::app;
namespace geo = codegen::test::geo;

TEST(GeneratedNamespaces, NestedTypesOfAnotherNamespace) {
  app::Trip trip;  // the schema's default for home
  EXPECT_EQ(trip.home.city, "Paris");
  EXPECT_EQ(trip.home.country, geo::Country::FR);
  EXPECT_EQ(trip.home.code, (geo::Code{'7', '5'}));
  EXPECT_EQ(std::get<0>(trip.home.either), 5);

  trip.home.region = geo::Country::US;
  trip.home.either = geo::Code{'a', 'b'};
  geo::Address stop;
  stop.city = "Lyon";
  stop.country = geo::Country::CA;
  stop.either = geo::Country::US;
  trip.stops = {stop, stop};
  trip.next = stop;
  std::vector<std::uint8_t> bytes = trip.to_avro();
  EXPECT_EQ(app::Trip::from_avro(bytes.data(), bytes.size()), trip);

  app::Trip::AvroView view;
  sluice::avro::gen::Decoder in(bytes.data(), bytes.size());
  app::Trip::decode_avro(in, view);
  in.expect_end("view");
  EXPECT_EQ(view.home.city, "Paris");
  EXPECT_EQ(view.home.region, geo::Country::US);
  ASSERT_EQ(view.stops.size(), 2u);
  EXPECT_EQ(view.stops[1].country, geo::Country::CA);

  // The generic codec reads the same datum from the record's JSON and writes the same
  // bytes.
  auto schema = sluice::avro::Schema::parse(app::Trip::avro_schema());
  ASSERT_TRUE(schema) << schema.error().to_string();
  sluice::avro::Arena arena;
  auto value = sluice::avro::decode_json((*schema)->root(), trip.to_json(), arena);
  ASSERT_TRUE(value) << value.error().to_string() << "\n" << trip.to_json();
  std::vector<std::uint8_t> generic;
  ASSERT_TRUE(sluice::avro::encode_binary((*schema)->root(), *value, generic));
  EXPECT_EQ(generic, bytes);
}

// Errors inside nested records name the path from the outer record: inline-decoded
// records in the field paths themselves, records with their own decoder through the
// holding field's path in front of theirs.
TEST(GeneratedNamespaces, ErrorsNameThePathFromTheOuterRecord) {
  app::Trip trip;
  trip.home.city = "Paris";
  trip.log.entries = {"first entry"};
  std::vector<std::uint8_t> bytes = trip.to_avro();
  auto message = [&](std::size_t cut) -> std::string {
    try {
      app::Trip::from_avro(bytes.data(), cut);
    } catch (const sluice::avro::CodegenError& e) {
      return e.what();
    }
    return "no error";
  };
  // Byte 0 is home.city's length, inline in Trip's decoder.
  EXPECT_EQ(message(0).rfind("codegen.test.app.Trip.home.city: truncated data", 0), 0u)
      << message(0);
  // The last bytes are the log entry's text, decoded by Log's own decoder.
  std::string in_log = message(bytes.size() - 2);
  EXPECT_EQ(in_log.rfind("codegen.test.app.Trip.log -> codegen.test.geo.Log.entries[]: ", 0), 0u)
      << in_log;
  // The view decoder says the same.
  app::Trip::AvroView view;
  sluice::avro::gen::Decoder in(bytes.data(), bytes.size() - 2);
  try {
    app::Trip::decode_avro(in, view);
    FAIL() << "decoded a cut datum";
  } catch (const sluice::avro::CodegenError& e) {
    EXPECT_EQ(std::string(e.what()), in_log);
  }
}

}  // namespace
