// Text pieces of generated C++: literals for strings, raw strings, integers, floats and
// byte lists, doc comments, and namespace splitting. Each returns text that compiles
// as written in any context of a generated header (no trigraphs, no line splices, no
// out-of-range literals).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::codegen::internal {

// Splits an Avro namespace ("a.b") or a --namespace value ("a::b" or "a.b") into its
// non-empty parts.
std::vector<std::string> split_namespace(std::string_view text);

// A C++ string literal for arbitrary bytes (octal escapes outside printable ASCII, and
// for '?', so that no trigraph forms).
std::string cpp_string_literal(std::string_view s);

// A raw string literal (R"avro(...)avro") whose delimiter does not occur in `s`.
std::string cpp_raw_literal(std::string_view s);

// A constant expression of type std::string_view holding `s`: the raw literal with its
// length written out. A string_view made from the literal alone has its length counted
// during constant evaluation, one step per character, and g++ stops at 2^18 steps
// (-fconstexpr-loop-limit), so a schema of 256 KiB or more would not compile.
std::string cpp_string_view(std::string_view s);

// An integer literal of the right type for any int64 value (INT64_MIN as an expression).
std::string int_literal(std::int64_t v);

// The bytes of a bytes/fixed default: its JSON string holds code points 0-255
// (ISO-8859-1), which the JSON parser gives as UTF-8.
std::vector<std::uint8_t> latin1_bytes(const std::string& utf8);

// "0x01, 0xff, ..." for a brace initialiser.
std::string byte_list(const std::vector<std::uint8_t>& bytes);

// A float or double literal for a default: a JSON number, or "NaN", "Infinity" or
// "-Infinity" (as std::numeric_limits expressions).
std::string float_literal(const nlohmann::json& j, bool is_float);

// Appends `doc` as `//` comment lines at `indent`. Lines end at \n, \r\n and a lone \r
// (which g++ also takes for a line end); a trailing backslash or ??/ (which would
// splice the next line) and trailing spaces are dropped.
void append_doc(std::string& out, std::string_view doc, std::string_view indent);

}  // namespace sluice::codegen::internal
