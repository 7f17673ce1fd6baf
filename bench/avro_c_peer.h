// avro-c (Debian libavro-dev) as the in-process peer of the benchmarks, behind an
// interface that does not expose avro-c's headers: <avro.h> includes
// <avro/schema.h> and <avro/value.h>, which Sluice's src/avro/ would shadow, so
// avro_c_peer.cc is compiled without Sluice's include path.
//
//   std::string error;
//   auto peer = AvroCPeer::make(schema_json, &error);
//   std::uint64_t sum;
//   if (!peer->decode_all(data, size, count, &sum)) ... peer->last_error() ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

class AvroCPeer {
 public:
  // Parses `schema_json` with avro-c and builds its generic value class. Null, with
  // `*error` set, when avro-c rejects the schema.
  static std::unique_ptr<AvroCPeer> make(std::string_view schema_json, std::string* error);
  ~AvroCPeer();
  AvroCPeer(const AvroCPeer&) = delete;
  AvroCPeer& operator=(const AvroCPeer&) = delete;

  // Reads `count` datums from `data` with avro_value_read into one reused generic
  // value, summing checksum_c over each (every field touched). False on a read error
  // or when the datums do not end exactly at `size`.
  bool decode_all(const std::uint8_t* data, std::size_t size, std::size_t count,
                  std::uint64_t* checksum);

  // Re-encodes the `count` datums of `data`: chunks of `chunk` datums are read into
  // generic values (untimed), then written with avro_value_write into `out` (timed:
  // added to *write_seconds). `out` is resized to what was written.
  bool encode_all(const std::uint8_t* data, std::size_t size, std::size_t count, std::size_t chunk,
                  std::vector<std::uint8_t>& out, double* write_seconds);

  const std::string& last_error() const { return error_; }

 private:
  AvroCPeer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace sluice::bench
