// Baseline benchmarks shared by avro_bench and codegen_bench (see baselines.cc).
// Each takes a WorkloadKind (register with RegisterBenchmark(name, fn, kind) and
// UseManualTime) and dies when its output does not match the workload.
#pragma once

#include "avro/arena.h"
#include "avro/binary.h"
#include "bench_data.h"

#include <benchmark/benchmark.h>

#include <cstddef>

namespace sluice::bench {

// Records materialised per chunk by the encode benchmarks (decoded untimed, then
// encoded timed).
constexpr std::size_t kEncodeChunk = 4096;

// items_per_second = records/s, bytes_per_second = Avro binary bytes/s.
void set_counters(benchmark::State& state, const Workload& w);

// Resets `arena` and decodes the next `n` records of `in` into values[0..n) with
// decode_binary (untimed set-up of encode benchmarks); dies on a decode error.
void decode_chunk(const avro::Node& root, avro::BinaryReader& in, avro::Arena& arena,
                  avro::Value* values, std::size_t n);

// Generic decode: a BinaryDecoder compiled once / decode_binary per datum / avro-c.
void BM_SluiceDecode(benchmark::State& state, WorkloadKind kind);
void BM_SluiceDecodeBinary(benchmark::State& state, WorkloadKind kind);
void BM_AvroCDecode(benchmark::State& state, WorkloadKind kind);
// Generic encode: one BinaryEncoder / encode_binary per datum / avro-c.
void BM_SluiceEncode(benchmark::State& state, WorkloadKind kind);
void BM_SluiceEncodeBinary(benchmark::State& state, WorkloadKind kind);
void BM_AvroCEncode(benchmark::State& state, WorkloadKind kind);

}  // namespace sluice::bench
