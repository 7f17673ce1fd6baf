// Encodes parsed lines as Avro binary datums of their event type's schema, and bad
// lines as QuarantinedLine datums.
//
//   SLUICE_ASSIGN_OR_RETURN(auto encoder, EventEncoder::builtin(2));
//   std::vector<std::uint8_t> datum;
//   if (auto rejection = encoder.encode(parsed, datum)) quarantine(*rejection);
//
// Built-in schemas (v1, v2) are written by a direct encoder (no generic Value). A
// user's own schemas (`--schema`) are written through a field mapping compiled once:
// fields match by name case-insensitively (`userId` = `userid`), types convert only
// where lossless (int -> string, timestamp -> the log's ISO text, long -> int with a
// range check, ...); a reader field with no source takes its default, or, without
// one, the schema is refused when the encoder is made. A value that cannot be
// converted yields a kSchemaConversion rejection naming the field.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "avro/schema.h"
#include "base/result.h"
#include "movies/event_schemas.h"
#include "movies/movie_event.h"

namespace sluice::movies {

class EventEncoder {
 public:
  // The built-in schemas of `version` (1 or 2).
  static Result<EventEncoder> builtin(int version);
  // `user_schemas`: each a record schema for one event type, matched to its type by
  // record name (contains "watch", "rat", "recommend", case-insensitively) or else
  // by a distinguishing field (minute / rating / recommendations). Types without a
  // user schema use built-in `fallback_version`. kInvalidArgument when a schema
  // matches no type, two match one type, or a required field has no source.
  static Result<EventEncoder> with_user_schemas(std::vector<avro::SchemaPtr> user_schemas,
                                                int fallback_version = 1);

  EventEncoder(EventEncoder&&) noexcept;
  EventEncoder& operator=(EventEncoder&&) noexcept;
  ~EventEncoder();

  // Appends the datum of `event` to `out`. On a conversion failure nothing is
  // appended and the rejection (kSchemaConversion) is returned.
  std::optional<Rejection> encode(const ParsedLine& event, std::vector<std::uint8_t>& out) const;

  // An upper bound of the size of `event`'s datum (a few bytes per field above it).
  std::size_t max_size(const ParsedLine& event) const;
  // encode() into `out`, which has room for max_size(event) bytes: sets *written to
  // the datum's size, or returns the rejection (*written = 0). For callers that keep
  // their own buffer: nothing is allocated or zero-filled.
  std::optional<Rejection> encode_into(const ParsedLine& event, std::uint8_t* out,
                                       std::size_t* written) const;

  // The schema events of `type` are written with (its record name names the output
  // folder / topic).
  const avro::SchemaPtr& schema(EventType type) const;

  struct Impl;

 private:
  explicit EventEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Where a quarantined line came from.
struct LinePosition {
  std::string_view source;         // file path, "-" for stdin, or the topic
  std::int64_t line = -1;          // 1-based line number, or -1
  std::int32_t partition = -1;     // Kafka partition, or -1
  std::int64_t offset = -1;        // Kafka offset, or -1
};

// Appends a QuarantinedLine datum (quarantine_schema()) to `out`: the raw line as a
// string when valid UTF-8, else as bytes.
void encode_quarantined(std::string_view raw_line, const Rejection& rejection,
                        const LinePosition& position, std::int64_t ingested_at_micros,
                        std::vector<std::uint8_t>& out);

}  // namespace sluice::movies
