// Native conversions of logical types: Decimal, big-decimal, Uuid, dates and times,
// durations; and the kInvalidData failures when a value is not of that logical type.
#include "avro/logical.h"

#include "avro/arena.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace sluice::avro {
namespace {

using namespace std::chrono;

std::vector<std::uint8_t> bytes_of(std::initializer_list<int> list) {
  std::vector<std::uint8_t> out;
  for (int b : list) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

std::vector<std::uint8_t> as_vector(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

SchemaPtr parse(std::string_view json) {
  auto s = Schema::parse(json);
  EXPECT_TRUE(s) << s.error().to_string();
  return *s;
}

// ---------------------------------------------------------------- Decimal

TEST(DecimalTest, ParseAndFormat) {
  auto d = Decimal::parse("-12.34");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->scale(), 2);
  EXPECT_EQ(as_vector(d->unscaled()), bytes_of({0xFB, 0x2E}));  // -1234
  EXPECT_EQ(d->to_string(), "-12.34");
  EXPECT_EQ(d->unscaled_int64(), -1234);
  EXPECT_EQ(d->digits(), 4);

  struct Case {
    const char* in;
    const char* out;
    int scale;
  };
  const Case cases[] = {
      {"0", "0", 0},
      {"-0", "0", 0},
      {"0.00", "0.00", 2},
      {"+7", "7", 0},
      {"0.05", "0.05", 2},
      {".5", "0.5", 1},
      {"5.", "5", 0},
      {"127", "127", 0},
      {"128", "128", 0},
      {"-128", "-128", 0},
      {"-129", "-129", 0},
      {"1.25e3", "1250", 0},
      {"1.25E-3", "0.00125", 5},
      {"12e+1", "120", 0},
      {"007.50", "7.50", 2},
      {"123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789", 9},
      {"-99999999999999999999999999999999999999", "-99999999999999999999999999999999999999", 0},
  };
  for (const Case& c : cases) {
    auto p = Decimal::parse(c.in);
    ASSERT_TRUE(p) << c.in << ": " << p.error().to_string();
    EXPECT_EQ(p->to_string(), c.out) << c.in;
    EXPECT_EQ(p->scale(), c.scale) << c.in;
  }
  EXPECT_EQ(as_vector(Decimal::parse("127")->unscaled()), bytes_of({0x7F}));
  EXPECT_EQ(as_vector(Decimal::parse("128")->unscaled()), bytes_of({0x00, 0x80}));
  EXPECT_EQ(as_vector(Decimal::parse("-128")->unscaled()), bytes_of({0x80}));
  EXPECT_EQ(as_vector(Decimal::parse("-129")->unscaled()), bytes_of({0xFF, 0x7F}));
  EXPECT_EQ(as_vector(Decimal::parse("0")->unscaled()), bytes_of({0x00}));

  for (const char* bad :
       {"", "-", ".", "1.2.3", "abc", "1e", "1e+", "1x", "--1", "1 ", "1e99999"}) {
    auto p = Decimal::parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidData);
  }
}

TEST(DecimalTest, MatchesPythonForBigValues) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/python3"))
      << "/usr/bin/python3 is missing (scripts/install-deps.sh)";
  const char* values[] = {"340282366920938463463374607431768211455",
                          "-340282366920938463463374607431768211456",
                          "-1",
                          "255",
                          "-256",
                          "98765432109876543210987654321098765432109876543210"};
  for (const char* v : values) {
    auto r = testing::run_command(
        std::string("/usr/bin/python3 -c 'import sys; n=int(sys.argv[-1]); "
                    "print(n.to_bytes((n + (n < 0)).bit_length() // 8 + 1, \"big\", "
                    "signed=True).hex())' -- ") +
        v);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = Decimal::parse(v);
    ASSERT_TRUE(d);
    std::string hex;
    for (std::uint8_t b : d->unscaled()) hex += fmt::format("{:02x}", b);
    EXPECT_EQ(hex + "\n", r.out) << v;
    EXPECT_EQ(Decimal(d->unscaled(), 0).to_string(), v);
  }
}

TEST(DecimalTest, ParseWithPrecisionAndScale) {
  auto d = Decimal::parse("12.3", 4, 2);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->to_string(), "12.30");
  EXPECT_EQ(d->unscaled_int64(), 1230);
  EXPECT_TRUE(Decimal::parse("99.99", 4, 2));
  EXPECT_TRUE(Decimal::parse("1.500", 4, 2));  // only zeros dropped
  auto lost = Decimal::parse("1.234", 4, 2);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code(), ErrorCode::kInvalidData);
  auto wide = Decimal::parse("100.00", 4, 2);
  ASSERT_FALSE(wide);
  EXPECT_NE(wide.error().message().find("more than precision 4"), std::string::npos);
}

TEST(DecimalTest, RescaleFixedBytesAndEquality) {
  Decimal d = Decimal::from_int64(-5, 1);  // -0.5
  EXPECT_EQ(d.to_string(), "-0.5");
  auto up = d.rescale(3);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->to_string(), "-0.500");
  auto down = up->rescale(1);
  ASSERT_TRUE(down);
  EXPECT_EQ(*down, d);
  EXPECT_FALSE(d.rescale(0));
  EXPECT_FALSE(Decimal::from_int64(1, 0) == Decimal::from_int64(10, 1));

  auto fixed = d.to_fixed_bytes(4);
  ASSERT_TRUE(fixed);
  EXPECT_EQ(*fixed, bytes_of({0xFF, 0xFF, 0xFF, 0xFB}));
  EXPECT_EQ(*Decimal::from_int64(300, 0).to_fixed_bytes(3), bytes_of({0x00, 0x01, 0x2C}));
  EXPECT_FALSE(Decimal::from_int64(300, 0).to_fixed_bytes(1));
  EXPECT_EQ(Decimal::from_int64(INT64_MIN, 0).unscaled_int64(), INT64_MIN);
  EXPECT_EQ(Decimal::from_int64(INT64_MAX, 0).unscaled_int64(), INT64_MAX);
  EXPECT_EQ(Decimal::from_int64(INT64_MIN, 0).to_string(), "-9223372036854775808");
  EXPECT_FALSE(Decimal::parse("9223372036854775808")->unscaled_int64().has_value());
  // Non-minimal input is normalised.
  const std::uint8_t padded[] = {0xFF, 0xFF, 0x80};
  EXPECT_EQ(Decimal(padded, 0), Decimal::from_int64(-128, 0));
  EXPECT_EQ(Decimal({}, 0).to_string(), "0");
  // Negative scales (possible in big-decimal data) format without an exponent.
  EXPECT_EQ(Decimal::from_int64(12, -2).to_string(), "1200");
}

TEST(DecimalTest, BigDecimalEncoding) {
  auto d = Decimal::parse("12.34");
  ASSERT_TRUE(d);
  auto encoded = encode_big_decimal(*d);
  // bytes(len 2 -> zigzag 4, 0x04 0xD2) then int scale 2 (zigzag 4).
  EXPECT_EQ(encoded, bytes_of({0x04, 0x04, 0xD2, 0x04}));
  auto back = decode_big_decimal(encoded);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *d);
  EXPECT_EQ(decode_big_decimal(encode_big_decimal(*Decimal::parse("-0.000001")))->to_string(),
            "-0.000001");
  for (auto bad :
       {bytes_of({}), bytes_of({0x04, 0x04}), bytes_of({0x04, 0x04, 0xD2}), bytes_of({0x03}),
        bytes_of({0x02, 0x01, 0x04, 0x00}), bytes_of({0x02, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F})}) {
    auto r = decode_big_decimal(bad);
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData);
    }
  }
}

TEST(DecimalTest, ValuesOfBytesFixedAndBigDecimal) {
  auto s = parse(R"({"type":"record","name":"R","fields":[
      {"name":"b","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}},
      {"name":"f","type":{"type":"fixed","name":"F","size":3,"logicalType":"decimal",
                          "precision":6,"scale":1}},
      {"name":"g","type":{"type":"bytes","logicalType":"big-decimal"}},
      {"name":"plain","type":"bytes"}]})");
  ASSERT_TRUE(s);
  const Node& r = s->root();
  const Node& b = *r.fields[0].type;
  const Node& f = *r.fields[1].type;
  const Node& g = *r.fields[2].type;
  Arena arena;

  auto v = from_decimal(b, *Decimal::parse("-1.5"), arena);
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(v->type(), Type::kBytes);
  EXPECT_EQ(as_vector(v->as_bytes()), bytes_of({0xFF, 0x6A}));  // -150
  auto d = to_decimal(b, *v);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->to_string(), "-1.50");
  EXPECT_FALSE(from_decimal(b, *Decimal::parse("100"), arena));    // 5 digits > 4
  EXPECT_FALSE(from_decimal(b, *Decimal::parse("0.001"), arena));  // scale 3 > 2

  auto fv = from_decimal(f, *Decimal::parse("-2"), arena);
  ASSERT_TRUE(fv);
  EXPECT_EQ(as_vector(fv->as_bytes()), bytes_of({0xFF, 0xFF, 0xEC}));  // -20, 3 bytes
  EXPECT_EQ(to_decimal(f, *fv)->to_string(), "-2.0");

  auto gv = from_decimal(g, *Decimal::parse("3.14159"), arena);
  ASSERT_TRUE(gv);
  EXPECT_EQ(to_decimal(g, *gv)->to_string(), "3.14159");

  const Node& plain = *r.fields[3].type;
  auto not_decimal = to_decimal(plain, Value::text(&plain, "\x01"));
  ASSERT_FALSE(not_decimal);
  EXPECT_EQ(not_decimal.error().code(), ErrorCode::kInvalidData);
  EXPECT_FALSE(from_decimal(plain, Decimal(), arena));
}

// ---------------------------------------------------------------- Uuid

TEST(UuidTest, ParseAndFormat) {
  auto u = Uuid::parse("123E4567-e89b-12d3-A456-426614174000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->bytes[0], 0x12);
  EXPECT_EQ(u->bytes[15], 0x00);
  EXPECT_EQ(u->to_string(), "123e4567-e89b-12d3-a456-426614174000");
  for (const char* bad :
       {"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266141740000", "123e4567-e89b-12d3-a456_426614174000",
        "g23e4567-e89b-12d3-a456-426614174000", "{23e4567-e89b-12d3-a456-42661417400}"}) {
    auto p = Uuid::parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidData);
  }
}

TEST(UuidTest, StringAndFixedValues) {
  auto s = parse(R"(["null",{"type":"string","logicalType":"uuid"},
      {"type":"fixed","name":"U","size":16,"logicalType":"uuid"}])");
  ASSERT_TRUE(s);
  const Node& str = *s->root().branches[1];
  const Node& fixed = *s->root().branches[2];
  Arena arena;
  Uuid u = *Uuid::parse("00112233-4455-6677-8899-aabbccddeeff");
  auto sv = from_uuid(str, u, arena);
  ASSERT_TRUE(sv);
  EXPECT_EQ(sv->as_string(), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(*to_uuid(str, *sv), u);
  auto fv = from_uuid(fixed, u, arena);
  ASSERT_TRUE(fv);
  EXPECT_EQ(fv->size(), 16u);
  EXPECT_EQ(fv->as_bytes()[10], 0xaa);
  EXPECT_EQ(*to_uuid(fixed, *fv), u);
  // Through the union: the value's branch node is used.
  Value in_union = *sv;
  in_union.in_branch(1);
  EXPECT_EQ(*to_uuid(s->root(), in_union), u);
  // A string that is not a UUID.
  auto bad = to_uuid(str, Value::text(&str, "not-a-uuid"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidData);
}

// ---------------------------------------------------------------- dates and times

TEST(DateTimeTest, DateAndTimes) {
  auto s = parse(R"({"type":"record","name":"R","fields":[
      {"name":"d","type":{"type":"int","logicalType":"date"}},
      {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
      {"name":"tu","type":{"type":"long","logicalType":"time-micros"}}]})");
  ASSERT_TRUE(s);
  const Node& d = *s->root().fields[0].type;
  const Node& tm = *s->root().fields[1].type;
  const Node& tu = *s->root().fields[2].type;

  sys_days day = sys_days(year(2000) / January / 1);
  auto dv = from_date(d, day);
  ASSERT_TRUE(dv);
  EXPECT_EQ(dv->as_int(), 10957);
  EXPECT_EQ(*to_date(d, *dv), day);
  EXPECT_EQ(year_month_day(*to_date(d, Value::int32(&d, -1))), year(1969) / December / 31);

  auto tmv = from_time_millis(tm, TimeMillis(hours(13) + minutes(5) + milliseconds(7)));
  ASSERT_TRUE(tmv);
  EXPECT_EQ(tmv->as_int(), 47100007);
  EXPECT_EQ(to_time_millis(tm, *tmv)->count(), 47100007);
  EXPECT_FALSE(from_time_millis(tm, TimeMillis(-1)));
  EXPECT_FALSE(from_time_millis(tm, TimeMillis(86400000)));

  auto tuv = from_time_micros(tu, microseconds(86399999999));
  ASSERT_TRUE(tuv);
  EXPECT_EQ(*to_time_micros(tu, *tuv), microseconds(86399999999));
  EXPECT_FALSE(from_time_micros(tu, hours(24)));

  // The wrong logical type, or a value of the wrong type.
  auto wrong = to_date(tm, *tmv);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kInvalidData);
  EXPECT_FALSE(to_time_micros(tu, Value::int32(&tu, 5)));
  EXPECT_FALSE(from_date(tm, day));
}

TEST(DateTimeTest, TimestampsAndLocalTimestamps) {
  auto s = parse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":{"type":"long","logicalType":"timestamp-millis"}},
      {"name":"b","type":{"type":"long","logicalType":"timestamp-micros"}},
      {"name":"c","type":{"type":"long","logicalType":"timestamp-nanos"}},
      {"name":"d","type":{"type":"long","logicalType":"local-timestamp-millis"}},
      {"name":"e","type":{"type":"long","logicalType":"local-timestamp-micros"}},
      {"name":"f","type":{"type":"long","logicalType":"local-timestamp-nanos"}},
      {"name":"g","type":"long"}]})");
  ASSERT_TRUE(s);
  auto node = [&](int i) -> const Node& { return *s->root().fields[i].type; };
  // The spec's example: noon in Helsinki (UTC+2) on 2000-01-01.
  TimestampMillis utc = sys_days(year(2000) / January / 1) + hours(10);
  auto a = from_timestamp_millis(node(0), utc);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->as_long(), 946720800000);
  EXPECT_EQ(*to_timestamp_millis(node(0), *a), utc);
  LocalTimestampMillis local = local_days(year(2000) / January / 1) + hours(12);
  auto d = from_local_timestamp_millis(node(3), local);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->as_long(), 946728000000);
  EXPECT_EQ(*to_local_timestamp_millis(node(3), *d), local);

  EXPECT_EQ(to_timestamp_micros(node(1), Value::int64(&node(1), -1))->time_since_epoch(),
            microseconds(-1));
  EXPECT_EQ(to_timestamp_nanos(node(2), Value::int64(&node(2), INT64_MAX))->time_since_epoch(),
            nanoseconds(INT64_MAX));
  EXPECT_EQ(from_timestamp_micros(node(1), TimestampMicros(microseconds(5)))->as_long(), 5);
  EXPECT_EQ(from_timestamp_nanos(node(2), TimestampNanos(nanoseconds(6)))->as_long(), 6);
  EXPECT_EQ(from_local_timestamp_micros(node(4), LocalTimestampMicros(microseconds(7)))->as_long(),
            7);
  EXPECT_EQ(from_local_timestamp_nanos(node(5), LocalTimestampNanos(nanoseconds(8)))->as_long(), 8);
  EXPECT_EQ(to_local_timestamp_micros(node(4), Value::int64(&node(4), 9))->time_since_epoch(),
            microseconds(9));
  EXPECT_EQ(to_local_timestamp_nanos(node(5), Value::int64(&node(5), 10))->time_since_epoch(),
            nanoseconds(10));

  // Instants and wall-clock times are different logical types; plain longs are neither.
  EXPECT_FALSE(to_timestamp_millis(node(3), *d));
  EXPECT_FALSE(to_local_timestamp_millis(node(0), *a));
  EXPECT_FALSE(to_timestamp_micros(node(0), *a));
  auto plain = to_timestamp_millis(node(6), Value::int64(&node(6), 1));
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code(), ErrorCode::kInvalidData);
}

TEST(DateTimeTest, DegradedAnnotationsAreNotConverted) {
  // timestamp-millis on an int is invalid: the node is a plain int.
  auto s = parse(R"({"type":"int","logicalType":"timestamp-millis"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->root().logical, LogicalType::kNone);
  auto r = to_timestamp_millis(s->root(), Value::int32(&s->root(), 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData);
}

// ---------------------------------------------------------------- duration

TEST(DurationTest, LittleEndianFields) {
  auto s = parse(R"({"type":"fixed","name":"D","size":12,"logicalType":"duration"})");
  ASSERT_TRUE(s);
  const Node& n = s->root();
  Arena arena;
  Duration dur{1, 0x01020304, 0xFFFFFFFF};
  auto v = from_duration(n, dur, arena);
  ASSERT_TRUE(v);
  EXPECT_EQ(as_vector(v->as_bytes()), bytes_of({1, 0, 0, 0, 4, 3, 2, 1, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(*to_duration(n, *v), dur);
  auto plain = parse(R"({"type":"fixed","name":"P","size":12})");
  EXPECT_FALSE(to_duration(plain->root(), Value::text(&plain->root(), "123456789012")));
  EXPECT_FALSE(from_duration(plain->root(), dur, arena));
}

}  // namespace
}  // namespace sluice::avro
