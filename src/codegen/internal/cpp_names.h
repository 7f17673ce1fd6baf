// How Avro names become C++ identifiers in generated code (documented in README.md,
// "Generated C++ classes"):
//   1. a leading underscore gets an `x` in front (`_Reserved` -> `x_Reserved`), and
//      every double underscore gets an `x` between (`a__b` -> `a_x_b`), so no result
//      is a reserved identifier;
//   2. a C++ keyword or alternative token (`class`, `int`, `and`), a name the
//      generated code itself uses (`std`, `sluice`, `string`, `vector`, `to_avro`,
//      ...), or a macro of the C and C++ standard library headers (`NULL`, `EOF`,
//      `errno`, `linux`, `INT_MAX`, `assert`; macro_names.inc) gets a trailing
//      underscore (`class` -> `class_`, `NULL` -> `NULL_`).
// Callers add further trailing underscores when two names would still collide
// (add_underscore: `tm` -> `tm_` -> `tm_x_`, never a double underscore).
#pragma once

#include <string>
#include <string_view>

namespace sluice::codegen::internal {

// The C++ identifier for an Avro name (a record, enum, fixed, field, enum symbol or
// one namespace component). Deterministic; never empty for a valid Avro name.
std::string cpp_identifier(std::string_view avro_name);

// Appends a trailing underscore to a name that collides, with an `x` before it when the
// name already ends in one (`tm_` -> `tm_x_`), as rule 1 keeps `__` out of every name.
void add_underscore(std::string& name);

// True when `name` is a C++ keyword, alternative token, a standard library macro, or a
// name the generated code declares or refers to unqualified.
bool is_taken_name(std::string_view name);

// True when the standard library headers declare `name` in the global namespace (a
// type, function or variable: FILE, tm, time, memcpy; global_names.inc), or g++ knows as
// a built-in function (isnan, signbit), or is `main`. A generated
// type or namespace of that name in the global namespace would redefine it or be hidden
// by it, so such names get a trailing underscore there (and only there: a field or a
// namespaced type may be called `time`).
bool is_global_name(std::string_view name);

}  // namespace sluice::codegen::internal
