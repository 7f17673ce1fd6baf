// The movie-log domain's parsed lines: one typed event per good log line, or a
// rejection with its reason. Produced by LineParser (line_parser.h), consumed by
// EventEncoder (event_encoder.h).
//
// Every view points into the parsed line (or the parser's scratch storage for the
// recommendation list): a ParsedLine is valid until the next parse() call on the same
// parser and while the line's bytes are alive.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sluice::movies {

// The three line types; also the index of the event's schema in EventSchemas.
enum class EventType : std::uint8_t { kWatch = 0, kRating = 1, kRecommendation = 2 };
inline constexpr int kEventTypeCount = 3;

// "MovieWatchEvent", "MovieRatingEvent", "RecommendationRequest": the record names of
// the built-in schemas (schemas/movies/v1.avsc).
std::string_view record_name(EventType type);

// Why a line was quarantined. The order and names are the QuarantineReason enum of
// schemas/movies/quarantine.avsc (symbol i == reason i).
enum class Reason : std::uint8_t {
  kUnknownFormat,
  kBadTimestamp,
  kBadUserId,
  kBadMovieId,
  kBadMinute,
  kBadRating,
  kBadStatus,
  kBadResponseTime,
  kBadServer,
  kTrailingData,
  kBadEncoding,
  kSchemaConversion,
};
inline constexpr int kReasonCount = 12;
// "unknown_format", ...: the enum symbol.
std::string_view reason_name(Reason reason);

// Lenient variants real logs use: accepted, and counted in the run report.
// A bit set; one line can carry several.
enum Warning : std::uint32_t {
  kWarnNoSeconds = 1u << 0,         // 2022-11-14T12:24
  kWarnFraction3 = 1u << 1,         // .123 (milliseconds)
  kWarnFraction6 = 1u << 2,         // .123456
  kWarnFraction9 = 1u << 3,         // .123456789: sub-microsecond digits truncated
  kWarnOtherFraction = 1u << 4,     // 1, 2, 4, 5, 7 or 8 digits
  kWarnCrLf = 1u << 5,              // line ended in \r\n
  kWarnKafkaDumpEnvelope = 1u << 6, // the line was unwrapped from a b'...' dump row
  kWarnCsvExportRow = 1u << 7,      // unwrapped from a `Movie,"<line>"` export row (CMU CSV)
};
inline constexpr int kWarningCount = 8;
// "no_seconds", "fraction_3_digits", ...: the report's names, bit i == name i.
std::string_view warning_name(int bit);

struct WatchFields {
  std::string_view movie_id;
  std::int32_t minute = 0;
  std::string_view minute_text;  // the minute as in the log ("84")
};
struct RatingFields {
  std::string_view movie_id;
  std::int32_t rating = 0;
  std::string_view rating_text;  // the rating as in the log ("4")
};
struct RecommendationFields {
  std::string_view server;  // "17645-team19.isri.cmu.edu:8082"
  std::int32_t status = 0;
  // Movie ids on success (status 200): a view of the parser's scratch list.
  std::span<const std::string_view> recommendations;
  // The result text when the request failed (status != 200); the list is empty then.
  std::optional<std::string_view> error;
  std::int32_t response_time_ms = 0;
  // The pieces as in the log, for string-typed user schema fields:
  std::string_view status_text;         // "200"
  std::string_view result_text;         // everything between "result: " and ", <n> ms"
  std::string_view response_time_text;  // "44 ms"
};

// One good line.
struct ParsedLine {
  EventType type = EventType::kWatch;
  std::int64_t time_micros = 0;   // UTC microseconds since the epoch
  std::string_view time_text;     // the timestamp exactly as in the log
  std::int64_t user_id = 0;
  std::uint32_t warnings = 0;     // Warning bits
  WatchFields watch;              // valid when type == kWatch
  RatingFields rating;            // valid when type == kRating
  RecommendationFields recommendation;  // valid when type == kRecommendation
};

// One bad line: the first rule it broke.
struct Rejection {
  Reason reason = Reason::kUnknownFormat;
  std::string detail;  // e.g. "user id '317r398' is not a number (column 21)"
};

}  // namespace sluice::movies
