// Avro schemas -> one readable C++20 header of typed classes (`sluice avro codegen`).
//
//   SLUICE_ASSIGN_OR_RETURN(std::string header, generate_cpp_header(schemas, {}));
//
// Every named type reachable from `schemas` is emitted once, in dependency order.
// Records become structs with the minimal surface every generated record has:
//   static std::string_view avro_schema();
//   std::vector<std::uint8_t> to_avro() const;
//   static T from_avro(const std::uint8_t* data, std::size_t size);
//   static T from_avro(const std::uint8_t* data, std::size_t size,
//                      std::string_view writer_schema_json);
//   std::string to_json() const;
// and `static T from_json(std::string_view json)` (the Avro JSON encoding back).
// A record whose type graph has no recursion also gets a nested `AvroView` (strings
// and bytes as views, maps as vectors of (key, value) pairs in wire order) with
// `static void decode_avro(Decoder&, AvroView&)` and `AvroView::encode_avro(Encoder&)`,
// for decoding and encoding without copying strings (a field or type named AvroView
// becomes AvroView_).
// Generated code includes only the Sluice Avro library's headers and the standard
// library. Output is deterministic: the same schemas give byte-identical text.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "avro/schema.h"
#include "base/result.h"

namespace sluice::codegen {

enum class MapKind : std::uint8_t { kOrdered, kUnordered };  // std::map / std::unordered_map

struct CppOptions {
  // Replaces the Avro namespace of every named type as the C++ namespace ("a::b" or
  // "a.b"); the Avro namespace maps to nested C++ namespaces when absent.
  std::optional<std::string> cpp_namespace;
  MapKind map_kind = MapKind::kOrdered;
  // Include guard / `#pragma once` text and the "generated from" comment's source.
  std::string source_label;
  // For one header of several generated from the same schemas (`--out dir/`): the
  // Avro fullnames of the named types this header defines (unset: all of them), and
  // the headers it includes first, which define the others. Names are chosen over all
  // the schemas, so every header of the set agrees on them.
  std::optional<std::set<std::string>> emit_only;
  std::vector<std::string> includes;
  // Names the caller declares itself beside the generated types, in their namespace
  // (an artifact's kArtifactVersion, ...): a type of such a name gets a trailing
  // underscore, as one named like a keyword does.
  std::set<std::string> reserved_names;
};

// kInvalidArgument when a schema cannot be generated (e.g. a top-level primitive
// with no name to give it is allowed but yields no class; an empty list is an error).
Result<std::string> generate_cpp_header(std::span<const avro::SchemaPtr> schemas,
                                        const CppOptions& options);

}  // namespace sluice::codegen
