#include "movies/movie_event.h"

#include <array>

namespace sluice::movies {

std::string_view record_name(EventType type) {
  switch (type) {
    case EventType::kWatch:
      return "MovieWatchEvent";
    case EventType::kRating:
      return "MovieRatingEvent";
    case EventType::kRecommendation:
      return "RecommendationRequest";
  }
  return "";
}

std::string_view reason_name(Reason reason) {
  // Must stay in the order of QuarantineReason in schemas/movies/quarantine.avsc.
  static constexpr std::array<std::string_view, kReasonCount> kNames = {
      "unknown_format", "bad_timestamp", "bad_user_id",  "bad_movie_id",
      "bad_minute",     "bad_rating",    "bad_status",   "bad_response_time",
      "bad_server",     "trailing_data", "bad_encoding", "schema_conversion",
  };
  auto i = static_cast<std::size_t>(reason);
  return i < kNames.size() ? kNames[i] : std::string_view();
}

std::string_view warning_name(int bit) {
  static constexpr std::array<std::string_view, kWarningCount> kNames = {
      "no_seconds",          "fraction_3_digits",     "fraction_6_digits",
      "fraction_9_digits",   "fraction_other_digits", "crlf",
      "kafka_dump_envelope", "csv_export_row",
  };
  return bit >= 0 && bit < kWarningCount ? kNames[static_cast<std::size_t>(bit)]
                                         : std::string_view();
}

}  // namespace sluice::movies
