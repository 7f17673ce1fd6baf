// Limits applied to untrusted input. Every length or count read from input is
// checked against the bytes that remain AND against these limits before anything
// is allocated, so a hostile file cannot make Sluice allocate more than a small
// multiple of its own size. Failing a limit gives ErrorCode::kLimitExceeded.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::avro {

struct DecodeLimits {
  // Longest string or bytes value.
  std::size_t max_bytes_length = std::size_t{256} << 20;  // 256 MiB
  // Most items in one array or entries in one map (across all its blocks).
  std::size_t max_collection_items = std::size_t{64} << 20;
  // Deepest nesting of records/arrays/maps/unions (recursive schemas).
  std::size_t max_depth = 512;
  // Largest decompressed container block.
  std::size_t max_block_bytes = std::size_t{512} << 20;  // 512 MiB
  // Most objects declared in one container block.
  std::size_t max_block_objects = std::size_t{64} << 20;
};

}  // namespace sluice::avro
