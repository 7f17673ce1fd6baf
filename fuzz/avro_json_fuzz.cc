// libFuzzer target: the Avro JSON encoding of untrusted text.
//
// Input: byte 0 picks a schema from fuzz_schemas.h, the rest is JSON text.
// decode_json must never crash. When a text decodes, the value must survive
// encode_json -> decode_json and encode_binary -> decode_binary unchanged.
#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/json_codec.h"
#include "fuzz_schemas.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace sluice::avro;

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "avro_json_fuzz: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const auto& schema = sluice::fuzz::fuzz_schema(data[0] % sluice::fuzz::kFuzzSchemaCount);
  const Node& root = schema->root();
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  Arena arena;
  auto value = decode_json(root, text, arena);
  if (!value)
    return 0;

  std::string json;
  if (auto st = encode_json(root, *value, json); !st)
    fail("encode_json failed:", st.error().to_string());
  auto again = decode_json(root, json, arena);
  if (!again)
    fail("encode_json output does not decode:", json + " -> " + again.error().to_string());
  if (!(*again == *value))
    fail("decode_json(encode_json(v)) != v:", json);

  std::vector<std::uint8_t> binary;
  if (!encode_binary(root, *value, binary))
    fail("a JSON-decoded value does not encode");
  BinaryReader in(binary);
  auto from_binary = decode_binary(root, in, arena);
  if (!from_binary || !in.at_end() || !(*from_binary == *value)) {
    fail("binary round trip of a JSON-decoded value differs:", json);
  }
  return 0;
}
