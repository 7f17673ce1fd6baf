#include "codegen/internal/cpp_names.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace sluice::codegen::internal {
namespace {

// Sorted for binary search.
constexpr std::string_view kTaken[] = {
    "alignas", "alignof", "and", "and_eq", "append_avro", "array", "asm", "auto", "avro_schema",
    "avro_schema_ptr", "bitand", "bitor", "bool", "break", "case", "catch", "char", "char16_t",
    "char32_t", "char8_t", "class", "co_await", "co_return", "co_yield", "compl", "concept",
    "const", "const_cast", "consteval", "constexpr", "constinit", "continue", "decltype",
    "decode_avro", "default", "delete", "do", "double", "dynamic_cast", "else", "encode_avro",
    "enum", "explicit", "export", "extern", "false", "final", "float", "for", "friend", "from_avro",
    "from_json", "from_string", "goto", "if", "import", "inline", "int", "int16_t", "int32_t",
    "int64_t", "int8_t", "kAvroCanonicalForm", "kAvroFingerprint", "kAvroSchemaJson", "long", "map",
    "module", "monostate", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullopt",
    "nullptr", "operator", "optional", "or", "or_eq", "override", "private", "protected", "public",
    "register", "reinterpret_cast", "requires", "return", "short", "signed", "size_t", "sizeof",
    "sluice", "static", "static_assert", "static_cast", "std", "string", "string_view", "struct",
    "switch", "template", "this", "thread_local", "throw", "to_avro", "to_json", "to_string",
    "true", "try", "typedef", "typeid", "typename", "uint16_t", "uint32_t", "uint64_t", "uint8_t",
    "union", "unordered_map", "unsigned", "using", "variant", "vector", "virtual", "void",
    "volatile", "wchar_t", "while", "xor", "xor_eq",
};

// Macro names of the standard library headers (scripts/list-macro-names.sh): an
// identifier spelled like one would be rewritten by the preprocessor (`NULL`, `EOF`,
// `errno`, `linux` in GNU mode) wherever the generated header is included.
constexpr std::string_view kMacros[] = {
#include "codegen/internal/macro_names.inc"
};

// Names the standard library headers declare in the global namespace
// (scripts/list-global-names.sh).
constexpr std::string_view kGlobals[] = {
#include "codegen/internal/global_names.inc"
};

}  // namespace

void add_underscore(std::string& name) {
  if (!name.empty() && name.back() == '_')
    name += 'x';
  name += '_';
}

bool is_global_name(std::string_view name) {
  return std::binary_search(std::begin(kGlobals), std::end(kGlobals), name);
}

bool is_taken_name(std::string_view name) {
  return std::binary_search(std::begin(kTaken), std::end(kTaken), name) ||
         std::binary_search(std::begin(kMacros), std::end(kMacros), name);
}

std::string cpp_identifier(std::string_view avro_name) {
  // Built in a vector: g++ 12 reports a false -Wrestrict on small std::string appends.
  std::vector<char> out;
  out.reserve(avro_name.size() + 4);
  if (avro_name.empty() || avro_name.front() == '_')
    out.push_back('x');
  for (char c : avro_name) {
    if (c == '_' && !out.empty() && out.back() == '_')
      out.push_back('x');
    out.push_back(c);
  }
  if (is_taken_name(std::string_view(out.data(), out.size())))
    out.push_back('_');
  return std::string(out.data(), out.size());
}

}  // namespace sluice::codegen::internal
