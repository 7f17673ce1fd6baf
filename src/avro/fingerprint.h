// Schema fingerprints (specification, "Schema Fingerprints"): CRC-64-AVRO (the 64-bit
// Rabin fingerprint), MD5 and SHA-256, over any bytes or over a schema's Parsing
// Canonical Form.
//
//   std::uint64_t fp = rabin_fingerprint(schema->root());     // of canonical_form(root)
//   std::int64_t shown = rabin_signed(schema->root());        // as Java / the CLI print it
//   std::string hex = to_hex(sha256_fingerprint(schema->root()));
//
// The single-object encoding stores rabin_fingerprint() little-endian after C3 01.
// All functions are pure and thread-safe; none fails. Cost: one pass over the bytes
// (plus building the canonical form for the Node overloads).
#pragma once

#include "avro/schema.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sluice::avro {

// CRC-64-AVRO of `data`; the empty input gives kRabinEmpty.
inline constexpr std::uint64_t kRabinEmpty = 0xc15d213aa4d7a795ULL;
std::uint64_t rabin_fingerprint(std::string_view data);
// The same 64 bits read as a signed integer (Java's long; the upstream test vectors and
// `sluice avro fingerprint` print this form).
inline std::int64_t rabin_signed(std::string_view data) {
  return static_cast<std::int64_t>(rabin_fingerprint(data));
}

std::array<std::uint8_t, 16> md5_fingerprint(std::string_view data);
std::array<std::uint8_t, 32> sha256_fingerprint(std::string_view data);

// Fingerprints of canonical_form(node).
std::uint64_t rabin_fingerprint(const Node& node);
std::int64_t rabin_signed(const Node& node);
std::array<std::uint8_t, 16> md5_fingerprint(const Node& node);
std::array<std::uint8_t, 32> sha256_fingerprint(const Node& node);

// Lowercase hex of `bytes` ("d41d8cd9...").
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace sluice::avro
