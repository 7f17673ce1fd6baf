// EventEncoder: built-in v1/v2 datums decoded by the avro module, v1<->v2 resolution
// both ways, user-schema mapping (names, aliases, conversions, defaults, refusals),
// and the quarantine record.
#include "movies/event_encoder.h"

#include "avro/binary.h"
#include "avro/resolution.h"
#include "movies/event_schemas.h"
#include "movies/line_parser.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::movies {
namespace {

constexpr const char* kWatch = "2024-03-08T23:06:09,422004,GET /data/m/japanese+story+2003/49.mpg";
constexpr const char* kRating =
    "2023-09-28T20:20:23,303668,GET /rate/how+to+train+your+dragon+2+2014=4";
constexpr const char* kRecommendation =
    "2024-03-08T23:06:09.142093,665685,recommendation request 17645-team19.isri.cmu.edu:8082, "
    "status 200, result: dilwale+dulhania+le+jayenge+1995, the+godfather+1972, 44 ms";
constexpr const char* kTimeout =
    "2024-03-08T23:06:10.5,17,recommendation request 17645-team19.isri.cmu.edu:8082, status 0, "
    "result: java.net.SocketTimeoutException: Read timed out, host: a, 800 ms";

avro::SchemaPtr parse_schema(std::string_view json) {
  auto schema = avro::Schema::parse(json);
  EXPECT_TRUE(schema.has_value()) << schema.error().to_string();
  return *schema;
}

// Parses `line` and encodes it; the datum, or a failed expectation.
std::vector<std::uint8_t> encode_line(const EventEncoder& encoder, std::string_view line) {
  LineParser parser;
  const ParseOutcome& out = parser.parse(line);
  EXPECT_TRUE(out.ok()) << out.rejection.detail;
  std::vector<std::uint8_t> datum;
  auto rejection = encoder.encode(out.event, datum);
  EXPECT_FALSE(rejection.has_value()) << rejection->detail;
  return datum;
}

avro::Value decode(const avro::Schema& schema, const std::vector<std::uint8_t>& datum,
                   avro::Arena& arena) {
  avro::BinaryReader in(datum);
  auto value = avro::decode_binary(schema.root(), in, arena);
  EXPECT_TRUE(value.has_value()) << value.error().to_string();
  EXPECT_TRUE(in.at_end()) << "datum has trailing bytes";
  return *value;
}

TEST(EmbeddedSchemas, MatchTheShippedFiles) {
  const std::string dir = std::string(SLUICE_SOURCE_DIR) + "/schemas/movies/";
  EXPECT_EQ(event_schemas_json(1), testing::read_file(dir + "v1.avsc"));
  EXPECT_EQ(event_schemas_json(2), testing::read_file(dir + "v2.avsc"));
  EXPECT_EQ(quarantine_schema_json(), testing::read_file(dir + "quarantine.avsc"));
  EXPECT_EQ(event_schemas_json(3), "");
  EXPECT_FALSE(builtin_event_schemas(3).has_value());
  for (int version : {1, 2}) {
    auto schemas = builtin_event_schemas(version);
    ASSERT_TRUE(schemas.has_value()) << schemas.error().to_string();
    for (int t = 0; t < kEventTypeCount; ++t) {
      auto type = static_cast<EventType>(t);
      EXPECT_EQ((*schemas)[type]->root().fullname,
                "sluice.movies." + std::string(record_name(type)));
    }
  }
  EXPECT_EQ(quarantine_schema()->root().fullname, "sluice.movies.QuarantinedLine");
  // The reason enum's symbols are the Reason order.
  const avro::Node* reason = quarantine_schema()->root().fields[1].type;
  ASSERT_EQ(reason->symbols.size(), static_cast<std::size_t>(kReasonCount));
  for (int r = 0; r < kReasonCount; ++r) {
    EXPECT_EQ(reason->symbols[static_cast<std::size_t>(r)], reason_name(static_cast<Reason>(r)));
  }
}

TEST(EventEncoder, BuiltinV1DecodesWithTheAvroModule) {
  auto encoder = EventEncoder::builtin(1);
  ASSERT_TRUE(encoder.has_value());
  avro::Arena arena;
  {
    auto datum = encode_line(*encoder, kWatch);
    avro::Value v = decode(*encoder->schema(EventType::kWatch), datum, arena);
    EXPECT_EQ(v.field("time")->as_long(), 1709939169000000);
    EXPECT_EQ(v.field("userId")->as_long(), 422004);
    EXPECT_EQ(v.field("movieId")->as_string(), "japanese+story+2003");
    EXPECT_EQ(v.field("minute")->as_int(), 49);
  }
  {
    auto datum = encode_line(*encoder, kRating);
    avro::Value v = decode(*encoder->schema(EventType::kRating), datum, arena);
    EXPECT_EQ(v.field("movieId")->as_string(), "how+to+train+your+dragon+2+2014");
    EXPECT_EQ(v.field("rating")->as_int(), 4);
  }
  {
    auto datum = encode_line(*encoder, kRecommendation);
    avro::Value v = decode(*encoder->schema(EventType::kRecommendation), datum, arena);
    EXPECT_EQ(v.field("time")->as_long() % 1'000'000, 142093);
    EXPECT_EQ(v.field("server")->as_string(), "17645-team19.isri.cmu.edu:8082");
    EXPECT_EQ(v.field("status")->as_int(), 200);
    ASSERT_EQ(v.field("recommendations")->items().size(), 2u);
    EXPECT_EQ(v.field("recommendations")->items()[1].as_string(), "the+godfather+1972");
    EXPECT_TRUE(v.field("error")->is_null());
    EXPECT_EQ(v.field("responseTimeMs")->as_int(), 44);
  }
  {
    auto datum = encode_line(*encoder, kTimeout);
    avro::Value v = decode(*encoder->schema(EventType::kRecommendation), datum, arena);
    EXPECT_EQ(v.field("status")->as_int(), 0);
    EXPECT_TRUE(v.field("recommendations")->items().empty());
    ASSERT_FALSE(v.field("error")->is_null());
    EXPECT_EQ(v.field("error")->as_string(),
              "java.net.SocketTimeoutException: Read timed out, host: a");
    EXPECT_EQ(v.field("responseTimeMs")->as_int(), 800);
  }
}

TEST(EventEncoder, EncodeAppendsToExistingBytes) {
  auto encoder = EventEncoder::builtin(1);
  ASSERT_TRUE(encoder.has_value());
  std::vector<std::uint8_t> one = encode_line(*encoder, kWatch);
  LineParser parser;
  std::vector<std::uint8_t> both;
  ASSERT_FALSE(encoder->encode(parser.parse(kWatch).event, both));
  ASSERT_FALSE(encoder->encode(parser.parse(kWatch).event, both));
  ASSERT_EQ(both.size(), 2 * one.size());
  EXPECT_TRUE(
      std::equal(one.begin(), one.end(), both.begin() + static_cast<std::ptrdiff_t>(one.size())));
}

TEST(EventEncoder, EncodeIntoWritesTheSameDatumWithinMaxSize) {
  auto v1 = EventEncoder::builtin(1);
  auto v2 = EventEncoder::builtin(2);
  ASSERT_TRUE(v1.has_value() && v2.has_value());
  // A user schema: the time as text, the user id as an int (mapped, not built in).
  auto user = EventEncoder::with_user_schemas({parse_schema(
      R"({"type":"record","name":"Watch","fields":[{"name":"time","type":"string"},
          {"name":"userid","type":"int"},{"name":"movieid","type":"string"},
          {"name":"minute","type":"string"}]})")});
  ASSERT_TRUE(user.has_value()) << user.error().to_string();
  LineParser parser;
  for (const EventEncoder* encoder : {&*v1, &*v2, &*user}) {
    for (const char* line : {kWatch, kRating, kRecommendation, kTimeout}) {
      const ParseOutcome& out = parser.parse(line);
      ASSERT_TRUE(out.ok()) << line;
      std::vector<std::uint8_t> expected;
      ASSERT_FALSE(encoder->encode(out.event, expected)) << line;
      // One guard byte past max_size(): encode_into() must not touch it.
      const std::size_t bound = encoder->max_size(out.event);
      std::vector<std::uint8_t> room(bound + 1, 0xA5);
      std::size_t written = 0;
      ASSERT_FALSE(encoder->encode_into(out.event, room.data(), &written)) << line;
      ASSERT_LE(written, bound) << line;
      EXPECT_EQ(room[bound], 0xA5) << line;
      EXPECT_EQ(std::vector<std::uint8_t>(room.begin(), room.begin() + written), expected) << line;
    }
  }
}

// v2 data read with v1 schemas, and v1 data read with v2 schemas, through the avro
// module's schema resolution.
TEST(EventEncoder, V1AndV2ResolveBothWays) {
  auto v1 = EventEncoder::builtin(1);
  auto v2 = EventEncoder::builtin(2);
  ASSERT_TRUE(v1.has_value() && v2.has_value());
  for (const char* line : {kWatch, kRating, kRecommendation, kTimeout}) {
    LineParser parser;
    EventType type = parser.parse(line).event.type;
    const avro::SchemaPtr& s1 = v1->schema(type);
    const avro::SchemaPtr& s2 = v2->schema(type);
    avro::Arena arena;
    auto d1 = encode_line(*v1, line);
    auto d2 = encode_line(*v2, line);
    EXPECT_GT(d2.size(), d1.size()) << "v2 adds nullable fields";

    auto old_reads_new = avro::ResolutionPlan::compile(s2, s1);
    ASSERT_TRUE(old_reads_new.has_value()) << old_reads_new.error().to_string();
    avro::BinaryReader in2(d2);
    auto as_v1 = (*old_reads_new)->decode(in2, arena);
    ASSERT_TRUE(as_v1.has_value()) << as_v1.error().to_string();
    EXPECT_TRUE(in2.at_end());
    EXPECT_TRUE(*as_v1 == decode(*s1, d1, arena)) << line;

    auto new_reads_old = avro::ResolutionPlan::compile(s1, s2);
    ASSERT_TRUE(new_reads_old.has_value()) << new_reads_old.error().to_string();
    avro::BinaryReader in1(d1);
    auto as_v2 = (*new_reads_old)->decode(in1, arena);
    ASSERT_TRUE(as_v2.has_value()) << as_v2.error().to_string();
    EXPECT_TRUE(in1.at_end());
    EXPECT_TRUE(*as_v2 == decode(*s2, d2, arena)) << line;
    EXPECT_TRUE(as_v2->fields().back().is_null()) << "v2's added field takes its default";
  }
}

constexpr const char* kCmuWatch = R"({"type": "record", "name": "MovieWatch", "fields": [
  {"name": "time", "type": "string"}, {"name": "userid", "type": "int"},
  {"name": "movieid", "type": "string"}, {"name": "minute", "type": "string"}]})";
constexpr const char* kCmuRecommendation = R"({"type": "record", "name": "RecommendationRequest",
  "fields": [{"name": "time", "type": "string"}, {"name": "userid", "type": "int"},
  {"name": "server", "type": "string"}, {"name": "status", "type": "int"},
  {"name": "recommendations", "type": {"type": "array", "items": "string"}},
  {"name": "responsetime", "type": "string"}]})";

TEST(EventEncoder, UserSchemasMapByNormalisedNameWithLosslessConversions) {
  auto encoder =
      EventEncoder::with_user_schemas({parse_schema(kCmuWatch), parse_schema(kCmuRecommendation)});
  ASSERT_TRUE(encoder.has_value()) << encoder.error().to_string();
  EXPECT_EQ(encoder->schema(EventType::kWatch)->root().name, "MovieWatch");
  // Ratings have no user schema: the built-in fallback.
  EXPECT_EQ(encoder->schema(EventType::kRating)->root().name, "MovieRatingEvent");
  avro::Arena arena;
  // Decoded strings point into the datums: keep them alive.
  const auto wd = encode_line(*encoder, kWatch);
  auto w = decode(*encoder->schema(EventType::kWatch), wd, arena);
  EXPECT_EQ(w.field("time")->as_string(), "2024-03-08T23:06:09");
  EXPECT_EQ(w.field("userid")->as_int(), 422004);
  EXPECT_EQ(w.field("movieid")->as_string(), "japanese+story+2003");
  EXPECT_EQ(w.field("minute")->as_string(), "49");
  const auto rd = encode_line(*encoder, kRecommendation);
  auto r = decode(*encoder->schema(EventType::kRecommendation), rd, arena);
  EXPECT_EQ(r.field("time")->as_string(), "2024-03-08T23:06:09.142093");
  EXPECT_EQ(r.field("responsetime")->as_string(), "44 ms");
  EXPECT_EQ(r.field("recommendations")->items().size(), 2u);
}

TEST(EventEncoder, UserSchemaAliasesDefaultsUnionsAndOtherTypes) {
  auto schema = parse_schema(R"({"type": "record", "name": "Req", "namespace": "x",
    "fields": [
      {"name": "TIMESTAMP", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "user_id", "type": "string"},
      {"name": "latency", "aliases": ["response_time"], "type": "long"},
      {"name": "status", "type": "double"},
      {"name": "results", "type": "string"},
      {"name": "error", "type": ["null", "string"], "default": null},
      {"name": "region", "type": "string", "default": "eu"},
      {"name": "recommendations", "type": {"type": "array", "items": "bytes"}}]})");
  auto encoder = EventEncoder::with_user_schemas({schema});
  ASSERT_TRUE(encoder.has_value()) << encoder.error().to_string();
  avro::Arena arena;
  const char* line =
      "2024-03-08T23:06:09.142,665685,recommendation request s:1, status 503, result: "
      "Service Unavailable: try later, a, b, 44 ms";
  const auto datum = encode_line(*encoder, line);
  auto v = decode(*schema, datum, arena);
  EXPECT_EQ(v.field("TIMESTAMP")->as_long(), 1709939169142);
  EXPECT_EQ(v.field("user_id")->as_string(), "665685");
  EXPECT_EQ(v.field("latency")->as_long(), 44);
  EXPECT_EQ(v.field("status")->as_double(), 503.0);
  EXPECT_EQ(v.field("results")->as_string(), "Service Unavailable: try later, a, b");
  EXPECT_EQ(v.field("error")->as_string(), "Service Unavailable: try later, a, b");
  EXPECT_EQ(v.field("region")->as_string(), "eu");
  EXPECT_TRUE(v.field("recommendations")->items().empty());

  // timestamp-millis cannot hold microseconds: a schema_conversion rejection.
  LineParser parser;
  const ParseOutcome& micro = parser.parse(kRecommendation);
  std::vector<std::uint8_t> out{1, 2, 3};
  auto rejection = encoder->encode(micro.event, out);
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->reason, Reason::kSchemaConversion);
  EXPECT_NE(rejection->detail.find("TIMESTAMP"), std::string::npos) << rejection->detail;
  EXPECT_EQ(out, (std::vector<std::uint8_t>{1, 2, 3})) << "nothing appended on failure";
}

TEST(EventEncoder, IntRangeCheckFailsWithSchemaConversion) {
  auto schema = parse_schema(R"({"type": "record", "name": "Watch", "fields": [
      {"name": "userId", "type": "int"}, {"name": "movieId", "type": "string"}]})");
  auto encoder = EventEncoder::with_user_schemas({schema});
  ASSERT_TRUE(encoder.has_value()) << encoder.error().to_string();
  LineParser parser(ParseRules{.max_user_id = 10'000'000'000});
  const ParseOutcome& out = parser.parse("2024-03-08T23:06:09,3000000000,GET /data/m/x/1.mpg");
  ASSERT_TRUE(out.ok()) << out.rejection.detail;
  std::vector<std::uint8_t> datum;
  auto rejection = encoder->encode(out.event, datum);
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->reason, Reason::kSchemaConversion);
  EXPECT_EQ(rejection->detail, "field 'userId': 3000000000 does not fit an int");
  EXPECT_TRUE(datum.empty());
  const ParseOutcome& small = parser.parse("2024-03-08T23:06:09,30,GET /data/m/x/1.mpg");
  EXPECT_FALSE(encoder->encode(small.event, datum).has_value());
  EXPECT_FALSE(datum.empty());
}

TEST(EventEncoder, RefusesSchemasItCannotFill) {
  // A required field with no source and no default.
  auto no_source = EventEncoder::with_user_schemas({parse_schema(
      R"({"type": "record", "name": "MovieWatch", "fields": [{"name": "country", "type": "string"}]})")});
  ASSERT_FALSE(no_source.has_value());
  EXPECT_EQ(no_source.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_source.error().message().find("country"), std::string::npos);
  // A lossy conversion (time as int).
  auto lossy = EventEncoder::with_user_schemas({parse_schema(
      R"({"type": "record", "name": "MovieWatch", "fields": [{"name": "time", "type": "int"}]})")});
  ASSERT_FALSE(lossy.has_value());
  EXPECT_NE(lossy.error().message().find("time"), std::string::npos);
  // A record that matches no event type.
  auto unknown = EventEncoder::with_user_schemas({parse_schema(
      R"({"type": "record", "name": "Other", "fields": [{"name": "x", "type": "int"}]})")});
  EXPECT_FALSE(unknown.has_value());
  // Two records for one type.
  auto twice = EventEncoder::with_user_schemas({parse_schema(kCmuWatch), parse_schema(kCmuWatch)});
  EXPECT_FALSE(twice.has_value());
  // Not a record.
  EXPECT_FALSE(EventEncoder::with_user_schemas({parse_schema(R"("string")")}).has_value());
}

TEST(QuarantineRecord, RoundTripsThroughTheAvroModule) {
  const avro::Schema& schema = *quarantine_schema();
  avro::Arena arena;
  LineParser parser;
  std::string line = "2022-10-28T04:23:23,317r398,GET /data/m/x/1.mpg";
  const ParseOutcome& out = parser.parse(line);
  ASSERT_FALSE(out.ok());
  std::vector<std::uint8_t> datum;
  encode_quarantined(line, out.rejection, {.source = "in.log", .line = 12}, 1700000000000000,
                     datum);
  avro::Value v = decode(schema, datum, arena);
  EXPECT_EQ(v.field("raw")->branch(), 0);
  EXPECT_EQ(v.field("raw")->as_string(), line);
  EXPECT_EQ(v.field("reason")->enum_symbol(), "bad_user_id");
  EXPECT_EQ(v.field("detail")->as_string(), out.rejection.detail);
  EXPECT_EQ(v.field("source")->as_string(), "in.log");
  EXPECT_EQ(v.field("line")->as_long(), 12);
  EXPECT_TRUE(v.field("partition")->is_null());
  EXPECT_TRUE(v.field("offset")->is_null());
  EXPECT_EQ(v.field("ingestedAt")->as_long(), 1700000000000000);

  // Not UTF-8: the bytes branch, byte for byte.
  std::string binary = "2022-10-28T04:23:23,5,GET /data/m/\xff\xfe/1.mpg";
  const ParseOutcome& bad = parser.parse(binary);
  ASSERT_EQ(bad.rejection.reason, Reason::kBadEncoding);
  datum.clear();
  encode_quarantined(binary, bad.rejection, {.source = "movielog", .partition = 3, .offset = 99}, 5,
                     datum);
  avro::Value b = decode(schema, datum, arena);
  EXPECT_EQ(b.field("raw")->branch(), 1);
  EXPECT_EQ(b.field("raw")->as_string(), binary);
  EXPECT_EQ(b.field("reason")->enum_symbol(), "bad_encoding");
  EXPECT_TRUE(b.field("line")->is_null());
  EXPECT_EQ(b.field("partition")->as_int(), 3);
  EXPECT_EQ(b.field("offset")->as_long(), 99);

  // A schema_conversion rejection from the encoder is a reason like any other.
  datum.clear();
  encode_quarantined("x", Rejection{Reason::kSchemaConversion, "field 'userId': too big"}, {}, 0,
                     datum);
  EXPECT_EQ(decode(schema, datum, arena).field("reason")->enum_symbol(), "schema_conversion");
}

}  // namespace
}  // namespace sluice::movies
