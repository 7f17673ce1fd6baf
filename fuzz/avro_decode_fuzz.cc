// libFuzzer target: Avro binary decoding of untrusted bytes.
//
// Input: byte 0 picks a schema from fuzz_schemas.h, the rest is a datum. Decoding
// and skipping run with tight limits and must never crash, hang or allocate beyond
// them. When a datum decodes, the round trip must hold: encoding it and decoding the
// encoding gives an equal value, re-encoding gives the same bytes, and skip_binary
// consumes exactly the encoding.
#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/limits.h"
#include "fuzz_schemas.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using namespace sluice::avro;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "avro_decode_fuzz: %s\n", what);
  std::abort();
}

DecodeLimits tight_limits() {
  DecodeLimits limits;
  limits.max_bytes_length = 4096;
  limits.max_collection_items = 4096;
  limits.max_depth = 64;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const auto& schema = sluice::fuzz::fuzz_schema(data[0] % sluice::fuzz::kFuzzSchemaCount);
  const Node& root = schema->root();
  std::span<const std::uint8_t> datum(data + 1, size - 1);
  static const DecodeLimits limits = tight_limits();

  // Skipping must not crash whatever the bytes (its result is not compared with the
  // decoder's: size-prefixed blocks let it jump over bytes the decoder would reject).
  {
    BinaryReader in(datum);
    (void)skip_binary(root, in, limits);
  }

  Arena arena;
  BinaryReader in(datum);
  auto value = decode_binary(root, in, arena, limits);
  if (!value)
    return 0;
  if (in.offset() > datum.size())
    fail("decoder read past the input");

  std::vector<std::uint8_t> encoded;
  if (!encode_binary(root, *value, encoded))
    fail("a decoded value does not encode");

  BinaryReader again(encoded);
  auto copy = decode_binary(root, again, arena, limits);
  if (!copy)
    fail("the encoding of a decoded value does not decode");
  if (!again.at_end())
    fail("the re-decode did not consume the whole encoding");
  std::vector<std::uint8_t> reencoded;
  if (!encode_binary(root, *copy, reencoded) || reencoded != encoded) {
    fail("encoding is not stable");
  }

  BinaryReader skipper(encoded);
  if (!skip_binary(root, skipper, limits) || !skipper.at_end()) {
    fail("skip_binary disagrees with the encoding");
  }

  // Value equality last: the checks above compare bytes.
  if (!(*copy == *value))
    fail("decode(encode(v)) != v");
  Value deep = deep_copy(*value, arena);
  if (!(deep == *value))
    fail("deep_copy(v) != v");
  return 0;
}
