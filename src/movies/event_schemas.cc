#include "movies/event_schemas.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

namespace sluice::movies {
namespace internal {
extern const std::string_view kEmbeddedV1Avsc;
extern const std::string_view kEmbeddedV2Avsc;
extern const std::string_view kEmbeddedQuarantineAvsc;
}  // namespace internal

namespace {

// The record of `type` in an embedded array of record schemas, found by record name.
Result<EventSchemas> parse_event_schemas(int version) {
  std::string_view text = event_schemas_json(version);
  nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) {
    return fail(ErrorCode::kInternal, "embedded v{} event schemas are not a JSON array", version);
  }
  EventSchemas schemas;
  schemas.version = version;
  for (const auto& element : array) {
    SLUICE_ASSIGN_OR_RETURN(avro::SchemaPtr schema, avro::Schema::parse(element.dump()));
    for (int t = 0; t < kEventTypeCount; ++t) {
      if (schema->root().name == record_name(static_cast<EventType>(t))) {
        schemas.by_type[static_cast<std::size_t>(t)] = schema;
      }
    }
  }
  for (int t = 0; t < kEventTypeCount; ++t) {
    if (!schemas.by_type[static_cast<std::size_t>(t)]) {
      return fail(ErrorCode::kInternal, "embedded v{} event schemas lack {}", version,
                  record_name(static_cast<EventType>(t)));
    }
  }
  return schemas;
}

}  // namespace

std::string_view event_schemas_json(int version) {
  if (version == 1)
    return internal::kEmbeddedV1Avsc;
  if (version == 2)
    return internal::kEmbeddedV2Avsc;
  return {};
}

std::string_view quarantine_schema_json() {
  return internal::kEmbeddedQuarantineAvsc;
}

Result<EventSchemas> builtin_event_schemas(int version) {
  if (version != 1 && version != 2) {
    return fail(ErrorCode::kInvalidArgument,
                "event schema version {} does not exist (built-in versions: 1, 2)", version);
  }
  // Parsed once per process (thread-safe static initialisation).
  static const Result<EventSchemas> v1 = parse_event_schemas(1);
  static const Result<EventSchemas> v2 = parse_event_schemas(2);
  return version == 1 ? v1 : v2;
}

const avro::SchemaPtr& quarantine_schema() {
  static const avro::SchemaPtr schema = [] {
    auto parsed = avro::Schema::parse(quarantine_schema_json());
    // The text is part of the binary and tested; failing here is a build defect.
    if (!parsed)
      std::abort();
    return *parsed;
  }();
  return schema;
}

}  // namespace sluice::movies
