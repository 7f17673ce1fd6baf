// LineParser: one table row per rule (every reason, every warning) and good lines of
// every type; parse()'s fast pass against parse_general() on real, simulated and
// mutated lines.
#include "movies/line_parser.h"

#include "movies/simulator.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sluice::movies {
namespace {

struct BadCase {
  const char* line;
  Reason reason;
};

TEST(LineParser, GoodWatchLine) {
  LineParser parser;
  const ParseOutcome& out =
      parser.parse("2024-03-08T23:06:09,422004,GET /data/m/japanese+story+2003/49.mpg");
  ASSERT_TRUE(out.ok()) << out.rejection.detail;
  EXPECT_EQ(out.event.type, EventType::kWatch);
  EXPECT_EQ(out.event.time_micros, 1709939169000000);
  EXPECT_EQ(out.event.time_text, "2024-03-08T23:06:09");
  EXPECT_EQ(out.event.user_id, 422004);
  EXPECT_EQ(out.event.watch.movie_id, "japanese+story+2003");
  EXPECT_EQ(out.event.watch.minute, 49);
  EXPECT_EQ(out.event.watch.minute_text, "49");
  EXPECT_EQ(out.event.warnings, 0u);
}

TEST(LineParser, GoodRatingLine) {
  LineParser parser;
  const ParseOutcome& out = parser.parse(
      "2023-09-28T20:20:29,186590,GET /rate/home+among+strangers_+a+stranger+among+his+own+1974=5");
  ASSERT_TRUE(out.ok()) << out.rejection.detail;
  EXPECT_EQ(out.event.type, EventType::kRating);
  EXPECT_EQ(out.event.user_id, 186590);
  EXPECT_EQ(out.event.rating.movie_id, "home+among+strangers_+a+stranger+among+his+own+1974");
  EXPECT_EQ(out.event.rating.rating, 5);
  EXPECT_EQ(out.event.rating.rating_text, "5");
}

TEST(LineParser, GoodRecommendationLine) {
  LineParser parser;
  const ParseOutcome& out = parser.parse(
      "2022-11-14T12:23:12.202,650856,recommendation request fall2022-comp585-4.cs.mcgill.ca:8082, "
      "status 200, result: shooter+2007, cat+on+a+hot+tin+roof+1958, ben-hur+1959, 102 ms");
  ASSERT_TRUE(out.ok()) << out.rejection.detail;
  const auto& r = out.event.recommendation;
  EXPECT_EQ(out.event.type, EventType::kRecommendation);
  EXPECT_EQ(out.event.time_micros % 1'000'000, 202'000);
  EXPECT_EQ(out.event.warnings, kWarnFraction3);
  EXPECT_EQ(r.server, "fall2022-comp585-4.cs.mcgill.ca:8082");
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(r.recommendations.size(), 3u);
  EXPECT_EQ(r.recommendations[0], "shooter+2007");
  EXPECT_EQ(r.recommendations[2], "ben-hur+1959");
  EXPECT_FALSE(r.error.has_value());
  EXPECT_EQ(r.response_time_ms, 102);
  EXPECT_EQ(r.response_time_text, "102 ms");
  EXPECT_EQ(r.status_text, "200");
}

TEST(LineParser, StatusZeroErrorTextWithColonsAndCommas) {
  LineParser parser;
  const ParseOutcome& out = parser.parse(
      "2024-03-08T23:06:09.5,17,recommendation request 17645-team19.isri.cmu.edu:8082, status 0, "
      "result: java.net.SocketTimeoutException: Read timed out, host: a:8082, port: 8082, 800 ms");
  ASSERT_TRUE(out.ok()) << out.rejection.detail;
  const auto& r = out.event.recommendation;
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.recommendations.empty());
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(*r.error, "java.net.SocketTimeoutException: Read timed out, host: a:8082, port: 8082");
  EXPECT_EQ(r.response_time_ms, 800);
  EXPECT_EQ(out.event.warnings, kWarnOtherFraction);
}

TEST(LineParser, EmptyResultOnSuccessAndEmptyErrorOnFailure) {
  LineParser parser;
  const ParseOutcome& ok =
      parser.parse("2024-03-08T23:06:09,17,recommendation request s:1, status 200, result: , 5 ms");
  ASSERT_TRUE(ok.ok()) << ok.rejection.detail;
  EXPECT_TRUE(ok.event.recommendation.recommendations.empty());
  const ParseOutcome& err =
      parser.parse("2024-03-08T23:06:09,17,recommendation request s:1, status 503, result: , 5 ms");
  ASSERT_TRUE(err.ok()) << err.rejection.detail;
  ASSERT_TRUE(err.event.recommendation.error.has_value());
  EXPECT_EQ(*err.event.recommendation.error, "");
}

TEST(LineParser, UnusualMovieIdsAreValid) {
  LineParser parser;
  for (const char* id : {"the+good_+the+bad+and+the+ugly+1966", "c++", "ben-hur+1959",
                         "to+live+and+die+in+l.a.+1985", "m*a*s*h", "schindler's+list", "untitled",
                         "a=b", "amélie+2001"}) {
    std::string line = std::string("2022-11-14T12:23:12,5,GET /data/m/") + id + "/3.mpg";
    const ParseOutcome& out = parser.parse(line);
    ASSERT_TRUE(out.ok()) << line << ": " << out.rejection.detail;
    EXPECT_EQ(out.event.watch.movie_id, id);
  }
  EXPECT_TRUE(parser.parse("2022-11-14T12:23:12,5,GET /rate/m*a*s*h'=3").ok());
}

TEST(LineParser, WarningsEachBit) {
  struct Case {
    const char* line;
    std::uint32_t warnings;
    std::int64_t fraction_micros;
  };
  const Case cases[] = {
      {"2022-11-14T12:24,5,GET /data/m/x/1.mpg", kWarnNoSeconds, 0},
      {"2022-11-14T12:24:01.123,5,GET /data/m/x/1.mpg", kWarnFraction3, 123000},
      {"2022-11-14T12:24:01.123456,5,GET /data/m/x/1.mpg", kWarnFraction6, 123456},
      {"2022-11-14T12:24:01.123456789,5,GET /data/m/x/1.mpg", kWarnFraction9, 123456},
      {"2022-11-14T12:24:01.1234,5,GET /data/m/x/1.mpg", kWarnOtherFraction, 123400},
      {"2022-11-14T12:24:01,5,GET /data/m/x/1.mpg\r", kWarnCrLf, 0},
      {"movielog5,1,863752879,1666945403392,0,,\"b'2022-11-14T12:24:01,5,GET "
       "/data/m/x/1.mpg'\",[],,-1,61,-1",
       kWarnKafkaDumpEnvelope, 0},
      {"Recommendation,\"2022-11-14T12:24:01.5,5,recommendation request s:1, status 200, result: "
       "a, 3 ms\"",
       kWarnCsvExportRow | kWarnOtherFraction, 500000},
  };
  LineParser parser;
  for (const Case& c : cases) {
    const ParseOutcome& out = parser.parse(c.line);
    ASSERT_TRUE(out.ok()) << c.line << ": " << out.rejection.detail;
    EXPECT_EQ(out.event.warnings, c.warnings) << c.line;
    EXPECT_EQ(out.event.time_micros % 1'000'000, c.fraction_micros) << c.line;
  }
  // Every bit has a name.
  for (int bit = 0; bit < kWarningCount; ++bit) EXPECT_FALSE(warning_name(bit).empty());
  EXPECT_EQ(warning_name(0), "no_seconds");
  EXPECT_EQ(warning_name(6), "kafka_dump_envelope");
  EXPECT_EQ(warning_name(7), "csv_export_row");
}

TEST(LineParser, KafkaDumpRowEscapes) {
  LineParser parser;
  // b'...' with \' and \x escapes; CSV-doubled quotes.
  const ParseOutcome& out = parser.parse(
      "movielog5,0,1,2,0,,\"b'2022-10-28T04:23:23,44,GET "
      "/rate/schindler\\'s+list+\\xc3\\xa9\"\"=4'\",[],,-1,61,-1");
  ASSERT_TRUE(out.ok()) << out.rejection.detail;
  EXPECT_EQ(out.event.rating.movie_id, "schindler's+list+\xc3\xa9\"");
  EXPECT_EQ(out.event.warnings, kWarnKafkaDumpEnvelope);
  // b"..." form (python picks it when the bytes hold a single quote).
  const ParseOutcome& dq = parser.parse(
      "movielog5,0,1,2,0,,\"b\"\"2022-10-28T04:23:23,44,GET /rate/it's=4\"\"\",[],,-1,61,-1");
  ASSERT_TRUE(dq.ok()) << dq.rejection.detail;
  EXPECT_EQ(dq.event.rating.movie_id, "it's");
  // A dump row whose inner line is bad keeps the inner reason.
  EXPECT_EQ(parser
                .parse("movielog5,1,863752881,1666945403394,0,,\"b'2022-10-28T04:23:23,-25611,GET "
                       "/data/m/x/100.mpg'\",[],,-1,75,-1")
                .rejection.reason,
            Reason::kBadUserId);
  // An unterminated b'...' field.
  EXPECT_EQ(parser.parse("movielog5,1,2,3,0,,\"b'2022-10-28T04:23:23,5,GET /data/m/x/1.mpg")
                .rejection.reason,
            Reason::kUnknownFormat);
}

TEST(LineParser, EveryReason) {
  const BadCase cases[] = {
      // unknown_format
      {"", Reason::kUnknownFormat},
      {"2023-10-25T07:20:57,29619", Reason::kUnknownFormat},
      {"2023-10-25T07:20:57,101577,", Reason::kUnknownFormat},
      {"2023-10-25T07:20:57.389,22699,rfrtr,rtrrtr,rtrer", Reason::kUnknownFormat},
      {"2023-10-25T07:20:57,3525,GET /drtrtpg,trter,trt", Reason::kUnknownFormat},
      {"2022-11-14T12:23:27,83607,GZET /data/m/gone+with+the+wind+1939/83.mpg",
       Reason::kUnknownFormat},
      {"2022-11-14T12:23:27,83607,GET /data/m/gone+with+the+wind+1939", Reason::kUnknownFormat},
      {"2022-11-14T12:23:27,83607,GET /data/m/gone/83.mp", Reason::kUnknownFormat},
      {"2022-11-14T12:23:27,83607,GET /rate/gone+1939", Reason::kUnknownFormat},
      {"2022-11-14T12:23:27,1,recommendation request s:1 status 200", Reason::kUnknownFormat},
      {"2022-11-14T12:23:27,1,recommendation request s:1, status 200 result: a, 5 ms",
       Reason::kBadStatus},
      {"2022-11-14T12:23:27,1,recommendation request s:1, status 200, result: 5 ms",
       Reason::kUnknownFormat},
      {"no commas at all", Reason::kUnknownFormat},
      // bad_timestamp
      {"2022-1k0-28T04:23:23,90586,GET /data/m/x/155.mpg", Reason::kBadTimestamp},
      {"2022-10-28T 04:23:23,531789,GET /data/m/x/85.mpg", Reason::kBadTimestamp},
      {"2022-11-1 4T12:23:14,199776,GET /data/m/x/74.mpg", Reason::kBadTimestamp},
      {"2022-11-14T1O2:23:16,494528,GET /data/m/x/97.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12 :23:32,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2022-13-14T12:23:32,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2023-02-29T12:23:32,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2022-11-14T24:00:00,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12:23:32.,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12:23:32.1234567890,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2022-11-14T12:23:32Z,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      {"2022-11-14,426479,GET /data/m/x/35.mpg", Reason::kBadTimestamp},
      // bad_user_id
      {"2022-10-28T04:23:23,N671040,GET /data/m/x/1.mpg", Reason::kBadUserId},
      {"2022-10-28T04:23:23,317r398,GET /data/m/x/1.mpg", Reason::kBadUserId},
      {"2022-10-28T04:23:23,-25611,GET /data/m/x/1.mpg", Reason::kBadUserId},
      {"2022-10-28T04:23:24,24f162,GET /data/m/x/2.mpg", Reason::kBadUserId},
      {"2022-10-28T04:23:24,5521777,GET /data/m/x/69.mpg", Reason::kBadUserId},
      {"2022-10-28T04:23:24,0,GET /data/m/x/69.mpg", Reason::kBadUserId},
      {"2022-10-28T04:23:24,,GET /data/m/x/69.mpg", Reason::kBadUserId},
      {"2022-11-14T12:23:22,387336 ,GET /data/m/x/7.mpg", Reason::kBadUserId},
      {"2022-11-14T12:23:22,99999999999999999999999,GET /data/m/x/7.mpg", Reason::kBadUserId},
      // bad_movie_id
      {"2022-10-28T04:23:24,5,GET /data/m//69.mpg", Reason::kBadMovieId},
      {"2022-10-28T04:23:24,5,GET /data/m/the matrix/69.mpg", Reason::kBadMovieId},
      {"2022-10-28T04:23:24,5,GET /data/m/the\tmatrix/69.mpg", Reason::kBadMovieId},
      {"2022-10-28T04:23:24,5,GET /rate/=4", Reason::kBadMovieId},
      {"2022-10-28T04:23:24,5,GET /rate/a/b=4", Reason::kBadMovieId},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b c, 5 ms",
       Reason::kBadMovieId},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, , b, 5 ms",
       Reason::kBadMovieId},
      // bad_minute
      {"2022-10-28T04:23:24,5,GET /data/m/x/-1.mpg", Reason::kBadMinute},
      {"2022-10-28T04:23:24,5,GET /data/m/x/.mpg", Reason::kBadMinute},
      {"2022-10-28T04:23:24,5,GET /data/m/x/1a.mpg", Reason::kBadMinute},
      {"2022-10-28T04:23:24,5,GET /data/m/x/100001.mpg", Reason::kBadMinute},
      {"2022-10-28T04:23:24,5,GET /data/m/face/off/1.mpg", Reason::kBadMinute},
      // bad_rating
      {"2022-10-28T04:23:24,5,GET /rate/x=0", Reason::kBadRating},
      {"2022-10-28T04:23:24,5,GET /rate/x=6", Reason::kBadRating},
      {"2022-10-28T04:23:24,5,GET /rate/x=", Reason::kBadRating},
      {"2022-10-28T04:23:24,5,GET /rate/x=four", Reason::kBadRating},
      {"2022-10-28T04:23:24,5,GET /rate/x=4.5", Reason::kBadRating},
      // bad_status
      {"2022-10-28T04:23:24,5,recommendation request s:1, status OK, result: a, 5 ms",
       Reason::kBadStatus},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status , result: a, 5 ms",
       Reason::kBadStatus},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 2x0, result: a, 5 ms",
       Reason::kBadStatus},
      // bad_response_time
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b, fast ms",
       Reason::kBadResponseTime},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b, 12",
       Reason::kBadResponseTime},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b, 12 s",
       Reason::kBadResponseTime},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b, -3 ms",
       Reason::kBadResponseTime},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b, 3600001 ms",
       Reason::kBadResponseTime},
      // bad_server
      {"2022-10-28T04:23:24,5,recommendation request , status 200, result: a, 5 ms",
       Reason::kBadServer},
      {"2022-10-28T04:23:24,5,recommendation request my server, status 200, result: a, 5 ms",
       Reason::kBadServer},
      {"2022-10-28T04:23:24,5,recommendation request a,b, status 200, result: a, 5 ms",
       Reason::kBadServer},
      // trailing_data
      {"2023-10-25T07:20:57,135941,GET /data/m/interstellar+2014/134.mpg,rgrt",
       Reason::kTrailingData},
      {"2023-10-25T07:20:57,135941,GET /data/m/interstellar+2014/134.mpgx", Reason::kTrailingData},
      {"2023-10-25T07:20:57,135941,GET /rate/interstellar+2014=4,grgr", Reason::kTrailingData},
      {"2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, b, 12 ms,junk",
       Reason::kTrailingData},
      // bad_encoding
      {"2022-10-28T04:23:24,5,GET /data/m/\xff\xfe/1.mpg", Reason::kBadEncoding},
      {"2022-10-28T04:23:24,5,GET /data/m/\xc3/1.mpg", Reason::kBadEncoding},
  };
  LineParser parser;
  std::vector<bool> seen(kReasonCount, false);
  for (const BadCase& c : cases) {
    const ParseOutcome& out = parser.parse(c.line);
    ASSERT_FALSE(out.ok()) << c.line;
    EXPECT_EQ(reason_name(out.rejection.reason), reason_name(c.reason))
        << c.line << ": " << out.rejection.detail;
    EXPECT_NE(out.rejection.detail.find("(column "), std::string::npos) << out.rejection.detail;
    seen[static_cast<std::size_t>(c.reason)] = true;
  }
  // Every parse reason has a case (schema_conversion belongs to the encoder's tests).
  for (int r = 0; r < kReasonCount; ++r) {
    if (static_cast<Reason>(r) == Reason::kSchemaConversion)
      continue;
    EXPECT_TRUE(seen[static_cast<std::size_t>(r)]) << reason_name(static_cast<Reason>(r));
  }
}

TEST(LineParser, DetailsNameTheProblem) {
  LineParser parser;
  const ParseOutcome& out = parser.parse("2022-10-28T04:23:23,317r398,GET /data/m/x/1.mpg");
  EXPECT_EQ(out.rejection.detail, "user id '317r398' is not a number (column 21)");
  const ParseOutcome& big = parser.parse("2022-10-28T04:23:24,5521777,GET /data/m/x/69.mpg");
  EXPECT_EQ(big.rejection.detail, "user id 5521777 is outside [1, 1000000] (column 21)");
}

TEST(LineParser, RulesAreConfigurable) {
  LineParser strict(ParseRules{.max_user_id = 100, .max_minute = 10, .max_response_time_ms = 50});
  EXPECT_EQ(strict.parse("2022-10-28T04:23:24,101,GET /data/m/x/1.mpg").rejection.reason,
            Reason::kBadUserId);
  EXPECT_EQ(strict.parse("2022-10-28T04:23:24,100,GET /data/m/x/11.mpg").rejection.reason,
            Reason::kBadMinute);
  EXPECT_TRUE(strict.parse("2022-10-28T04:23:24,100,GET /data/m/x/10.mpg").ok());
  EXPECT_EQ(
      strict.parse("2022-10-28T04:23:24,5,recommendation request s:1, status 200, result: a, 51 ms")
          .rejection.reason,
      Reason::kBadResponseTime);
  LineParser loose(ParseRules{.max_user_id = 10'000'000});
  EXPECT_TRUE(loose.parse("2022-10-28T04:23:24,5521777,GET /data/m/x/69.mpg").ok());
}

// Everything an outcome says, as text: equal texts mean equal outcomes.
std::string describe(const ParseOutcome& out) {
  if (!out.ok()) {
    return std::string(reason_name(out.rejection.reason)) + " | " + out.rejection.detail;
  }
  const ParsedLine& e = out.event;
  std::string d = std::string(record_name(e.type)) + " | " + std::to_string(e.time_micros) + " | " +
                  std::string(e.time_text) + " | " + std::to_string(e.user_id) + " | " +
                  std::to_string(e.warnings);
  auto add = [&d](std::string_view piece) {
    d += " | ";
    d += piece;
  };
  switch (e.type) {
    case EventType::kWatch:
      add(e.watch.movie_id);
      add(std::to_string(e.watch.minute));
      add(e.watch.minute_text);
      break;
    case EventType::kRating:
      add(e.rating.movie_id);
      add(std::to_string(e.rating.rating));
      add(e.rating.rating_text);
      break;
    case EventType::kRecommendation: {
      const auto& r = e.recommendation;
      add(r.server);
      add(std::to_string(r.status));
      add(std::to_string(r.recommendations.size()));
      for (std::string_view id : r.recommendations) add(id);
      add(r.error ? "error: " + std::string(*r.error) : "no error");
      add(std::to_string(r.response_time_ms));
      add(r.status_text);
      add(r.result_text);
      add(r.response_time_text);
      break;
    }
  }
  return d;
}

// parse() (fast pass, then parse_general() when it declines) and parse_general() alone
// agree on `line`, under default and tight rules.
void expect_same_outcome(const std::string& line) {
  static LineParser fast;
  static LineParser general;
  static LineParser fast_tight(
      ParseRules{.max_user_id = 99, .max_minute = 9, .max_response_time_ms = 99});
  static LineParser general_tight(fast_tight.rules());
  ASSERT_EQ(describe(fast.parse(line)), describe(general.parse_general(line))) << line;
  ASSERT_EQ(describe(fast_tight.parse(line)), describe(general_tight.parse_general(line))) << line;
}

TEST(LineParser, FastPassAgreesWithTheGeneralParse) {
  std::vector<std::string> lines = {
      "2024-03-08T23:06:09,422004,GET /data/m/the+godfather+1972/84.mpg",
      "2024-03-08T23:06:09.123,7,GET /rate/m*a*s*h'=3\r",
      "2024-03-08T23:06:09.123456789,7,GET /rate/a,b=05",
      "2022-11-14T12:24,1,GET /data/m/x/0.mpg",
      "2022-11-14T12:23:12,5,recommendation request s:1, status 200, result: a, b,, ,c, 7 ms",
      "2022-11-14T12:23:12.2,5,recommendation request s/1, status 0, result: x, y: z, 0 ms",
      "2022-11-14T12:23:12,5,recommendation request s, status -200, result: , 12 ms",
      "2022-11-14T12:23:12,5,recommendation request s, status 200, result: , 0012 ms",
      "2022-11-14T12:23:12,5,recommendation request s, status 2147483647, result: \xc3\xa9, 1 ms",
      "2022-11-14T12:23:12,5,recommendation request s, status 200, result: caf\xc3\xa9, 1 ms",
      "2022-11-14T12:23:12,5,GET /data/m/caf\xc3\xa9+1999/3.mpg",
      "movielog5,1,2,3,0,,\"b'2022-10-28T04:23:23,5,GET /data/m/x/1.mpg'\",x",
      "Movie,\"2024-03-08T23:06:09,422004,GET /data/m/heat+1995/84.mpg\"",
      // Numbers of every length around the fast pass's 8-byte digit scan.
      "2024-03-08T23:06:09,12345678,GET /data/m/x/1234567.mpg",
      "2024-03-08T23:06:09,1234567,GET /data/m/x/99999999.mpg",
      "2024-03-08T23:06:09,0000001,GET /data/m/x/00000000000000000000000.mpg",
      "2024-03-08T23:06:09,123456789012345678,GET /data/m/x/0.mpg",
      "2024-03-08T23:06:09,1234567890123456789,GET /data/m/x/0.mpg",
      "2024-03-08T23:06:09,99999999999999999999999,GET /rate/x=1",
      "2022-11-14T12:23:12,5,recommendation request s, status 00000200, result: a, 1 ms",
      "2022-11-14T12:23:12,5,recommendation request s, status 0000200, result: a, 1 ms",
  };
  // Simulator output with many corrupted lines.
  Simulator sim({.seed = 3, .corruption_rate = 0.3, .recommendations_per_request = 3});
  for (int i = 0; i < 3000; ++i) sim.next(lines.emplace_back());
  const std::size_t mutated = lines.size();
  // Every line of the McGill and CMU files.
  if (std::filesystem::exists(testing::shared_data())) {
    for (const auto& entry :
         std::filesystem::directory_iterator(testing::shared_data() / "movielog")) {
      std::string data = testing::read_file(entry.path());
      for (std::size_t start = 0; start < data.size();) {
        std::size_t nl = std::min(data.find('\n', start), data.size());
        lines.push_back(data.substr(start, nl - start));
        start = nl + 1;
      }
    }
  }
  for (const std::string& line : lines) expect_same_outcome(line);
  // Each of the hand-written and the first simulated lines with one byte replaced,
  // removed or doubled, at every position.
  const std::string replacements =
      std::string(" ,/=.-:0123456789amsT\r\n\t\x7f\xc3\xa9\xff") + '\0';
  for (std::size_t i = 0; i < mutated && i < 60; ++i) {
    const std::string& line = lines[i];
    for (std::size_t at = 0; at < line.size(); ++at) {
      for (char c : replacements) {
        std::string m = line;
        m[at] = c;
        expect_same_outcome(m);
      }
      expect_same_outcome(line.substr(0, at) + line.substr(at + 1));
      expect_same_outcome(line.substr(0, at + 1) + line.substr(at));
    }
  }
}

TEST(LogTimestamp, ParseAndFormat) {
  std::int64_t micros = 0;
  std::uint32_t w = 0;
  ASSERT_TRUE(parse_log_timestamp("1970-01-01T00:00:00", &micros, &w));
  EXPECT_EQ(micros, 0);
  ASSERT_TRUE(parse_log_timestamp("2024-02-29T23:59:59.999999", &micros, &w));
  EXPECT_EQ(format_log_timestamp(micros), "2024-02-29T23:59:59.999999");
  ASSERT_TRUE(parse_log_timestamp("1969-12-31T23:59:59.5", &micros, &w));
  EXPECT_EQ(micros, -500000);
  EXPECT_EQ(format_log_timestamp(micros), "1969-12-31T23:59:59.500000");
  EXPECT_EQ(format_log_timestamp(1709939169000000), "2024-03-08T23:06:09");
  EXPECT_FALSE(parse_log_timestamp("2024-03-08T23:06:09.", &micros, &w));
  EXPECT_FALSE(parse_log_timestamp("2024-03-08 23:06:09", &micros, &w));
}

}  // namespace
}  // namespace sluice::movies
