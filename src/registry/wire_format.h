// Confluent wire format: how Kafka message values name their schema.
//
//   std::vector<std::uint8_t> msg;
//   append_frame_header(SchemaId{42}, msg);        // 0x00 + 42 as 4-byte big-endian
//   encode_binary(schema, value, msg);              // then the Avro datum
//   SLUICE_ASSIGN_OR_RETURN(Frame f, parse_frame(msg));   // f.schema_id, f.payload
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace sluice::registry {

// A registry schema id (global within a context).
struct SchemaId {
  std::int32_t value = 0;
  auto operator<=>(const SchemaId&) const = default;
};

inline constexpr std::uint8_t kMagicByte = 0x00;
inline constexpr std::size_t kFrameHeaderSize = 5;

struct Frame {
  SchemaId schema_id;
  std::span<const std::uint8_t> payload;  // points into the parsed message
};

// Appends 0x00 + the id as a 4-byte big-endian integer.
void append_frame_header(SchemaId id, std::vector<std::uint8_t>& out);

// Splits a framed message. Fails with kCorrupt when the message is shorter than 5
// bytes or does not start with the magic byte (naming what it found).
Result<Frame> parse_frame(std::span<const std::uint8_t> message);

}  // namespace sluice::registry
