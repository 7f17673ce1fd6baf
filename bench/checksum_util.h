// Leaf contributions of the benchmark checksum, shared by the Sluice side
// (bench_data.cc) and the avro-c side (avro_c_peer.cc) so both sum identically.
// Plain C++ only: avro_c_peer.cc cannot see Sluice headers (src/avro/schema.h would
// shadow avro-c's <avro/schema.h>).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sluice::bench {

inline std::uint64_t text_sum(const void* data, std::size_t size) {
  std::uint64_t first = size ? static_cast<const std::uint8_t*>(data)[0] : 0;
  return size * 131 + first;
}

inline std::uint64_t double_bits(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

inline std::uint64_t float_bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

}  // namespace sluice::bench
