// Schemas embedded in the data fuzzers (avro_decode_fuzz, avro_json_fuzz): the first
// input byte picks one (modulo the count), the rest is the datum.
#pragma once

#include "avro/schema.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string_view>

namespace sluice::fuzz {

inline constexpr std::string_view kFuzzSchemas[] = {
    // 0: upstream schemas_interop.avsc (every type; recursive through an array).
    R"({"type": "record", "name":"Interop", "namespace": "org.apache.avro",
  "fields": [
      {"name": "intField", "type": "int"},
      {"name": "longField", "type": "long"},
      {"name": "stringField", "type": "string"},
      {"name": "boolField", "type": "boolean"},
      {"name": "floatField", "type": "float"},
      {"name": "doubleField", "type": "double"},
      {"name": "bytesField", "type": "bytes"},
      {"name": "nullField", "type": "null"},
      {"name": "arrayField", "type": {"type": "array", "items": "double"}},
      {"name": "mapField", "type":
       {"type": "map", "values":
        {"type": "record", "name": "Foo",
         "fields": [{"name": "label", "type": "string"}]}}},
      {"name": "unionField", "type":
       ["boolean", "double", {"type": "array", "items": "bytes"}]},
      {"name": "enumField", "type":
       {"type": "enum", "name": "Kind", "symbols": ["A","B","C"]}},
      {"name": "fixedField", "type":
       {"type": "fixed", "name": "MD5", "size": 16}},
      {"name": "recordField", "type":
       {"type": "record", "name": "Node",
        "fields": [
            {"name": "label", "type": "string"},
            {"name": "children", "type": {"type": "array", "items": "Node"}}]}}
  ]})",
    // 1: a recursive linked list through a nullable union.
    R"({"type": "record", "name": "List", "fields": [
      {"name": "value", "type": "long"},
      {"name": "next", "type": ["null", "List"]}]})",
    // 2: the movie-watch event.
    R"({"type": "record", "name": "MovieWatch", "fields": [
      {"name": "time", "type": "string"}, {"name": "userId", "type": "string"},
      {"name": "movieId", "type": "string"}, {"name": "minute", "type": "int"}]})",
    // 3: nullable unions, nested records, enum, array and map (wikimedia-like).
    R"({"type": "record", "name": "Change", "namespace": "wiki", "fields": [
      {"name": "bot", "type": ["null", "boolean"], "default": null},
      {"name": "length", "type": ["null", {"type": "record", "name": "Length", "fields": [
        {"name": "new", "type": ["null", "int"], "default": null},
        {"name": "old", "type": ["null", "int"], "default": null}]}], "default": null},
      {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [
        {"name": "offset", "type": ["null", "long"]},
        {"name": "uri", "type": ["null", "string"]}]}},
      {"name": "kind", "type": {"type": "enum", "name": "Kind",
        "symbols": ["edit", "new", "log"], "default": "edit"}},
      {"name": "tags", "type": {"type": "array", "items": "string"}},
      {"name": "scores", "type": {"type": "map", "values": "double"}},
      {"name": "prev", "type": ["null", "Length"]}]})",
    // 4: logical types and deep collections.
    R"({"type": "record", "name": "Logical", "fields": [
      {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
        "precision": 12, "scale": 2}},
      {"name": "price", "type": {"type": "fixed", "name": "Price", "size": 8,
        "logicalType": "decimal", "precision": 18, "scale": 4}},
      {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
      {"name": "day", "type": {"type": "int", "logicalType": "date"}},
      {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
      {"name": "span", "type": {"type": "fixed", "name": "Span", "size": 12,
        "logicalType": "duration"}},
      {"name": "f", "type": "float"},
      {"name": "grid", "type": {"type": "array", "items": {"type": "map",
        "values": {"type": "array", "items": ["null", "int", "string", "Price"]}}}}]})",
    // 5: a bare union of everything at the top level.
    R"(["null", "boolean", "int", "long", "float", "double", "bytes", "string",
      {"type": "array", "items": "long"}, {"type": "map", "values": "string"}])",
};

inline constexpr std::size_t kFuzzSchemaCount = std::size(kFuzzSchemas);

// The parsed schemas, parsed once (aborts if one does not parse: a bug in the
// fuzzer or the parser, not in the input).
inline const avro::SchemaPtr& fuzz_schema(std::size_t i) {
  static const auto schemas = [] {
    std::array<avro::SchemaPtr, kFuzzSchemaCount> out;
    for (std::size_t k = 0; k < kFuzzSchemaCount; ++k) {
      auto parsed = avro::Schema::parse(kFuzzSchemas[k]);
      if (!parsed)
        std::abort();
      out[k] = *parsed;
    }
    return out;
  }();
  return schemas[i];
}

}  // namespace sluice::fuzz
