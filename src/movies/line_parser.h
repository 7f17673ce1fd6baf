// Parses movie-service log lines into typed events (movie_event.h).
//
//   LineParser parser;                       // default rules
//   ParseOutcome out = parser.parse(line);   // never throws, never allocates per line
//   if (out.ok()) use(out.event); else quarantine(out.rejection);
//
// Line types (one log line = one Kafka message value):
//   watch:          <time>,<userId>,GET /data/m/<movieId>/<minute>.mpg
//   rating:         <time>,<userId>,GET /rate/<movieId>=<rating>
//   recommendation: <time>,<userId>,recommendation request <server>, status <code>,
//                   result: <results>, <n> ms
// Rules (documented in the README, section "Ingestion rules"): see ParseRules. A line
// breaks at most one rule: the first found, scanning left to right.
#pragma once

#include "movies/movie_event.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::movies {

struct ParseRules {
  // User ids must be in [1, max_user_id].
  std::int64_t max_user_id = 1'000'000;
  // Minutes must be in [0, max_minute].
  std::int32_t max_minute = 100'000;
  // Response times must be in [0, max_response_time_ms].
  std::int32_t max_response_time_ms = 3'600'000;
};

struct ParseOutcome {
  bool ok() const { return is_event; }
  bool is_event = false;
  ParsedLine event;     // when is_event
  Rejection rejection;  // otherwise
};

class LineParser {
 public:
  explicit LineParser(ParseRules rules = {}) : rules_(rules) {}

  // Parses one line (without its '\n'; a trailing '\r' is accepted with a warning).
  // A McGill Kafka-dump row (`movielog5,1,<offset>,...,"b'<line>'",...`) and a CMU
  // export row (`Movie,"<line>"`, `Rating,...`, `Recommendation,...`) are unwrapped
  // first, with a warning. The result's views point into `line` and this parser's scratch storage.
  //
  // Cost: one pass over a well-formed plain line (the common case) with table lookups;
  // anything else (a rule broken, an envelope, non-ASCII bytes, lenient forms the fast
  // pass does not know) is parsed again by parse_general(), which finds the reason.
  const ParseOutcome& parse(std::string_view line);

  // parse() without the fast pass: the same outcome for every line (the fast pass only
  // accepts what this accepts, with the same event). Exists so tests can check that.
  const ParseOutcome& parse_general(std::string_view line);

  const ParseRules& rules() const { return rules_; }

 private:
  // The fast pass: true when it parsed `line` as an event into outcome_; false, with
  // nothing decided, when parse_general() must look at it.
  bool parse_plain(std::string_view line);
  // Its recommendation part, from the server on (`end`: the line's end).
  bool parse_plain_recommendation(const char* server, const char* end);
  // <time>: the timestamp with the per-second cache below. False when malformed.
  bool parse_time(std::string_view text, std::int64_t* micros, std::uint32_t* warnings);

  ParseRules rules_;
  ParseOutcome outcome_;
  std::vector<std::string_view> recommendations_;  // reused scratch
  std::string unwrapped_;  // a dump row's line after unescaping (reused scratch)
  // The last "YYYY-MM-DDTHH:MM:SS" parsed and its microseconds (see parse()).
  static constexpr std::size_t kSecondsPrefix = 19;
  char ts_cache_key_[kSecondsPrefix] = {};
  std::int64_t ts_cache_micros_ = 0;
  bool ts_cache_valid_ = false;
};

// Timestamps: "YYYY-MM-DDTHH:MM[:SS[.f{1,9}]]" (UTC). Returns false when malformed;
// sets *warnings bits for lenient forms. Exposed for the encoders and tests.
bool parse_log_timestamp(std::string_view text, std::int64_t* micros, std::uint32_t* warnings);

// The timestamp written back in the log's own style ("2024-03-08T23:06:09" when the
// fraction is zero, else with 6 fraction digits): used for string-typed time fields.
std::string format_log_timestamp(std::int64_t micros);

}  // namespace sluice::movies
