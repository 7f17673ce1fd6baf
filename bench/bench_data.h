// Benchmark workloads: deterministic data sets of concatenated Avro datums, and the
// "touch every field" checksums that both Sluice and avro-c compute over them.
//
//   const Workload& w = workload(WorkloadKind::kWide);    // built once, then cached
//   BinaryReader in(w.data);
//   ... decode w.count datums, sum checksum(value) ...; compare with w.checksum
//
// A workload is generated with Sluice's encoder from a seeded generator, then read
// back once by Sluice and once by avro-c: both must find w.count records with the
// same checksum, or the process exits (a benchmark never times unverified output).
// Size: SLUICE_BENCH_RECORDS records (default 1,000,000).
#pragma once

#include "avro/schema.h"
#include "avro/value.h"
#include "avro_c_peer.h"
#include "stopwatch.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice::bench {

enum class WorkloadKind { kWatch, kWide };

struct Workload {
  std::string name;                // "Watch" or "Wide"
  std::string schema_json;         // writer schema text
  avro::SchemaPtr schema;          // writer schema
  avro::SchemaPtr evolved;         // reader schema for the resolution benchmark
  std::vector<std::uint8_t> data;  // `count` concatenated binary datums
  std::size_t count = 0;
  std::uint64_t checksum = 0;         // sum of checksum(record) over all records
  std::unique_ptr<AvroCPeer> c_peer;  // avro-c with the writer schema
};

// The workload, generated and verified on first use (prints a line to stderr).
const Workload& workload(WorkloadKind kind);

// Number of records per workload (SLUICE_BENCH_RECORDS, default 1,000,000).
std::size_t record_count();

// Records decoded between two arena resets in the decode loops.
inline constexpr std::size_t kBatch = 1024;

// Order-insensitive sum over every leaf of a value: ints and longs by value (so an
// int->long promotion keeps the sum), strings/bytes by length and first byte, union
// branches by index, collections by size. Null contributes 0, so a reader-only
// nullable field left at its null default keeps the sum too.
std::uint64_t checksum(const avro::Value& value);

// Dies with a message (benchmarks must not report numbers over wrong output).
[[noreturn]] void die(const std::string& message);

}  // namespace sluice::bench
