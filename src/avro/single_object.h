// Avro single-object encoding (specification, "Single-object encoding"): one datum
// framed with its schema's fingerprint, for messages and key-value stores.
//
//   bytes: C3 01 | CRC-64-AVRO fingerprint of the Parsing Canonical Form (8 bytes,
//          little-endian) | the datum's binary encoding
//
//   std::vector<std::uint8_t> msg;
//   SLUICE_TRY(encode_single_object(*schema, value, msg));
//   SchemaStore store;
//   store.add(schema);
//   SLUICE_ASSIGN_OR_RETURN(SingleObject obj, decode_single_object(msg, store, arena));
//   // obj.schema is the writer schema found by fingerprint; obj.value its datum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "avro/arena.h"
#include "avro/limits.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

namespace sluice::avro {

// The two marker bytes that start every single-object message.
inline constexpr std::uint8_t kSingleObjectMagic[2] = {0xC3, 0x01};
// Marker + fingerprint.
inline constexpr std::size_t kSingleObjectHeaderSize = 10;

// Writer schemas keyed by the Rabin fingerprint of their canonical form.
// Not thread-safe for add(); find() may run concurrently once filled.
class SchemaStore {
 public:
  // Adds `schema` (replacing one with the same fingerprint); returns its fingerprint.
  // Cost: building the canonical form once.
  std::uint64_t add(SchemaPtr schema);
  // The schema with `fingerprint`, or nullptr.
  SchemaPtr find(std::uint64_t fingerprint) const;
  std::size_t size() const { return schemas_.size(); }

 private:
  std::unordered_map<std::uint64_t, SchemaPtr> schemas_;
};

// Appends the single-object encoding of `value` (an instance of `schema`) to `out`.
// kInvalidData from the binary encoder when the value does not match (out unchanged).
Status encode_single_object(const Schema& schema, const Value& value,
                            std::vector<std::uint8_t>& out);

// The fingerprint in a message's header. kCorrupt when the marker is not C3 01,
// kTruncated when the message is shorter than 10 bytes.
Result<std::uint64_t> single_object_fingerprint(std::span<const std::uint8_t> message);

struct SingleObject {
  SchemaPtr schema;  // the writer schema, from the store
  Value value;       // strings/bytes point into the message; children in the arena
};

// Decodes a message with the writer schema found in `store` by fingerprint.
// Errors: kCorrupt (bad marker), kTruncated, kNotFound naming the fingerprint in hex
// ("no schema with fingerprint 0x..."), the decoder's errors (with byte offsets
// counted from the start of the message), and kCorrupt when bytes follow the datum.
Result<SingleObject> decode_single_object(std::span<const std::uint8_t> message,
                                          const SchemaStore& store, Arena& arena,
                                          const DecodeLimits& limits = {});

// Same, returning the datum in the shape of `reader` (schema resolution from the
// writer schema found in the store). kIncompatible when the reader cannot read it.
Result<Value> decode_single_object_as(std::span<const std::uint8_t> message,
                                      const SchemaStore& store, SchemaPtr reader, Arena& arena,
                                      const DecodeLimits& limits = {});

}  // namespace sluice::avro
