// The Avro JSON encoding of generic values, both directions, and field defaults.
//
//   std::string line;
//   SLUICE_TRY(encode_json(schema->root(), value, line));       // {"a": 1, "u": {"string": "x"}}
//   SLUICE_ASSIGN_OR_RETURN(Value v, decode_json(schema->root(), line, arena));
//
// Per the specification: a union value is null or {"<branch type name>": value}, where
// the name is the fullname for named types; bytes and fixed are strings whose code
// points 0-255 are the byte values (ISO-8859-1); enums are their symbol; float and
// double NaN / infinities are written as the strings "NaN", "Infinity", "-Infinity"
// (as the Java and Python implementations do) and read back from them.
#pragma once

#include <string>
#include <string_view>

#include "avro/arena.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

namespace sluice::avro {

struct JsonEncodeOptions {
  bool pretty = false;  // indent with two spaces
};

// Appends the JSON encoding of `value` (an instance of `schema`) to `out`.
Status encode_json(const Node& schema, const Value& value, std::string& out,
                   const JsonEncodeOptions& options = {});

// Decodes one JSON text of `schema`. Strings are copied into `arena`. Fails with
// kInvalidData naming the field path ("payload.tags[2]: expected string, got 3").
Result<Value> decode_json(const Node& schema, std::string_view json, Arena& arena);

// Decodes a field default (Field::default_json) of `schema`. Differs from
// decode_json only for unions: a default is a branch's value unwrapped (`"default": null`
// for ["null","string"]), the branch union_default_branch picks: the first the value
// fits (the returned Value's branch() says which).
Result<Value> decode_default(const Node& schema, std::string_view json, Arena& arena);

}  // namespace sluice::avro
