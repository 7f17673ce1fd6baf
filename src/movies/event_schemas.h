// The movie events' Avro schemas, shipped as schemas/movies/*.avsc and embedded in the
// binary at build time (no file is read at run time).
#pragma once

#include <array>
#include <string_view>

#include "avro/schema.h"
#include "base/result.h"
#include "movies/movie_event.h"

namespace sluice::movies {

// The embedded .avsc texts: v1 and v2 are JSON arrays of the three event records.
std::string_view event_schemas_json(int version);  // 1 or 2; "" otherwise
std::string_view quarantine_schema_json();

// The three event schemas of a version, indexed by EventType.
struct EventSchemas {
  int version = 1;
  std::array<avro::SchemaPtr, kEventTypeCount> by_type;
  const avro::SchemaPtr& operator[](EventType type) const {
    return by_type[static_cast<int>(type)];
  }
};

// Parsed once per process and cached. kInvalidArgument for a version other than 1, 2.
Result<EventSchemas> builtin_event_schemas(int version);
// sluice.movies.QuarantinedLine.
const avro::SchemaPtr& quarantine_schema();

}  // namespace sluice::movies
