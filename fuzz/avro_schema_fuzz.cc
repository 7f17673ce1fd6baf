// libFuzzer target: schema parsing of untrusted text.
//
// Schema::parse must never crash or hang. When a text parses, its canonical form and
// its full JSON must parse again, and describe the same schema: same canonical form.
#include "avro/schema.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace sluice::avro;

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "avro_schema_fuzz: %s\n  first:  %s\n  second: %s\n", what, a.c_str(),
               b.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  options.max_depth = 64;
  auto schema = Schema::parse(text, options);
  if (!schema)
    return 0;

  const std::string canonical = canonical_form((*schema)->root());
  const std::string json = (*schema)->to_json();

  auto from_json = Schema::parse(json);
  if (!from_json)
    fail("to_json() does not parse again", json, from_json.error().to_string());
  std::string canonical2 = canonical_form((*from_json)->root());
  if (canonical2 != canonical)
    fail("to_json() changes the canonical form", canonical, canonical2);
  if ((*from_json)->to_json() != json)
    fail("to_json() is not stable", json, (*from_json)->to_json());

  auto from_canonical = Schema::parse(canonical);
  if (!from_canonical) {
    fail("the canonical form does not parse again", canonical, from_canonical.error().to_string());
  }
  std::string canonical3 = canonical_form((*from_canonical)->root());
  if (canonical3 != canonical)
    fail("canonical form is not idempotent", canonical, canonical3);
  return 0;
}
