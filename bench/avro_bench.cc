// Sluice Avro vs avro-c, in one process: generic decode, encode, decode through a
// resolution plan, and container files vs their codec library.
//
//   build/bench/avro_bench                          # everything, then the ratio table
//   build/bench/avro_bench --benchmark_filter=Wide  # Google Benchmark flags work
//   SLUICE_BENCH_RECORDS=100000 build/bench/avro_bench
//
// Each iteration processes the whole workload (1M records by default, see
// bench_data.h) and checks its output (checksums, or byte-equal re-encodings)
// against the reference computed at generation time; a mismatch fails the run.
// Counters: items_per_second = records/s, bytes_per_second = Avro binary bytes/s.
#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/resolution.h"
#include "bench_common.h"
#include "bench_data.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

using avro::Arena;
using avro::BinaryReader;
using avro::Value;

// Records materialised per chunk by the encode benchmarks (decoded untimed, then
// encoded timed).
constexpr std::size_t kEncodeChunk = 4096;

void set_counters(benchmark::State& state, const Workload& w) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w.count));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * w.data.size()));
}

// Decodes with a BinaryDecoder compiled once for the schema (the API for many datums
// of one schema; avro-c's generic class is likewise built once per schema), or with
// decode_binary, which walks the schema graph per datum.
void sluice_decode(benchmark::State& state, WorkloadKind kind, bool compiled) {
  const Workload& w = workload(kind);
  const avro::Node& root = w.schema->root();
  const avro::BinaryDecoder decoder(root);
  Arena arena;
  for (auto _ : state) {
    Stopwatch watch;
    BinaryReader in(w.data);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < w.count; ++i) {
      if (i % kBatch == 0)
        arena.reset();
      auto v = compiled ? decoder.decode(in, arena) : avro::decode_binary(root, in, arena);
      if (!v)
        die("decode: " + v.error().to_string());
      sum += checksum(*v);
    }
    state.SetIterationTime(watch.seconds());
    if (sum != w.checksum || !in.at_end())
      die("Sluice decode: wrong checksum");
  }
  set_counters(state, w);
}

void BM_SluiceDecode(benchmark::State& state, WorkloadKind kind) {
  sluice_decode(state, kind, true);
}

void BM_SluiceDecodeBinary(benchmark::State& state, WorkloadKind kind) {
  sluice_decode(state, kind, false);
}

void BM_AvroCDecode(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  for (auto _ : state) {
    Stopwatch watch;
    std::uint64_t sum = 0;
    if (!w.c_peer->decode_all(w.data.data(), w.data.size(), w.count, &sum)) {
      die("avro-c decode: " + w.c_peer->last_error());
    }
    state.SetIterationTime(watch.seconds());
    if (sum != w.checksum)
      die("avro-c decode: wrong checksum");
  }
  set_counters(state, w);
}

// Decodes through a plan from the writer schema to the evolved reader schema (a
// reordered pair of fields, int->long promotions, a new nullable field with a
// default), or to the writer schema itself. The checksum is built to be the same as
// the plain decode's.
void resolved_decode(benchmark::State& state, WorkloadKind kind, bool identity) {
  const Workload& w = workload(kind);
  auto plan = avro::ResolutionPlan::compile(w.schema, identity ? w.schema : w.evolved);
  if (!plan)
    die("ResolutionPlan::compile: " + plan.error().to_string());
  check_resolution(w, **plan);
  Arena arena;
  for (auto _ : state) {
    Stopwatch watch;
    BinaryReader in(w.data);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < w.count; ++i) {
      if (i % kBatch == 0)
        arena.reset();
      auto v = (*plan)->decode(in, arena);
      if (!v)
        die("ResolutionPlan::decode: " + v.error().to_string());
      sum += checksum(*v);
    }
    state.SetIterationTime(watch.seconds());
    if (sum != w.checksum || !in.at_end())
      die("resolved decode: wrong checksum");
  }
  set_counters(state, w);
}

void BM_SluiceResolvedDecode(benchmark::State& state, WorkloadKind kind) {
  resolved_decode(state, kind, false);
}

// A plan from the writer schema to itself: the same work as decode_binary, through
// the plan's compiled steps instead of the schema graph.
void BM_SluiceIdentityPlanDecode(benchmark::State& state, WorkloadKind kind) {
  resolved_decode(state, kind, true);
}

// skip_binary over every record (what a reader does with writer-only fields).
void BM_SluiceSkip(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  const avro::Node& root = w.schema->root();
  for (auto _ : state) {
    Stopwatch watch;
    BinaryReader in(w.data);
    for (std::size_t i = 0; i < w.count; ++i) {
      if (auto st = avro::skip_binary(root, in); !st)
        die("skip_binary: " + st.error().to_string());
    }
    state.SetIterationTime(watch.seconds());
    if (!in.at_end())
      die("skip_binary: did not end at the end of the buffer");
  }
  set_counters(state, w);
}

// Encodes every record from generic values; the values are decoded chunk by chunk
// outside the timed region. The output must equal the input buffer byte for byte.
//
// BM_SluiceEncode appends every record to one BinaryEncoder (compiled once for the
// schema, its buffer reused across iterations), as avro-c appends every record to
// one memory writer. BM_SluiceEncodeBinary calls encode_binary per record into a
// scratch vector and appends that to the output (both copies timed).
void sluice_encode(benchmark::State& state, WorkloadKind kind, bool compiled) {
  const Workload& w = workload(kind);
  const avro::Node& root = w.schema->root();
  avro::BinaryEncoder encoder(root);
  Arena arena;
  std::vector<Value> values(kEncodeChunk);
  std::vector<std::uint8_t> out, scratch;
  out.reserve(w.data.size());
  // Encodes everything once; returns the seconds spent encoding.
  auto pass = [&] {
    out.clear();
    encoder.clear();
    BinaryReader in(w.data);
    double seconds = 0;
    for (std::size_t done = 0; done < w.count;) {
      std::size_t n = std::min(kEncodeChunk, w.count - done);
      arena.reset();
      for (std::size_t i = 0; i < n; ++i) {
        auto v = avro::decode_binary(root, in, arena);
        if (!v)
          die("decode_binary: " + v.error().to_string());
        values[i] = *v;
      }
      Stopwatch watch;
      if (compiled) {
        for (std::size_t i = 0; i < n; ++i) {
          if (auto st = encoder.append(values[i]); !st)
            die("BinaryEncoder::append: " + st.error().to_string());
        }
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          scratch.clear();
          if (auto st = avro::encode_binary(root, values[i], scratch); !st)
            die("encode_binary: " + st.error().to_string());
          out.insert(out.end(), scratch.begin(), scratch.end());
        }
      }
      seconds += watch.seconds();
      done += n;
    }
    if (compiled)
      out.assign(encoder.bytes().begin(), encoder.bytes().end());
    if (out != w.data)
      die("Sluice encode: output differs from the generated bytes");
    return seconds;
  };
  // One untimed pass first, so that the output buffers have their capacity and their
  // pages, as avro-c's memory writer has (its vector is resized outside the timing).
  pass();
  for (auto _ : state)
    state.SetIterationTime(pass());
  set_counters(state, w);
}

void BM_SluiceEncode(benchmark::State& state, WorkloadKind kind) {
  sluice_encode(state, kind, true);
}

void BM_SluiceEncodeBinary(benchmark::State& state, WorkloadKind kind) {
  sluice_encode(state, kind, false);
}

void BM_AvroCEncode(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    double seconds = 0;
    if (!w.c_peer->encode_all(w.data.data(), w.data.size(), w.count, kEncodeChunk, out, &seconds)) {
      die("avro-c encode: " + w.c_peer->last_error());
    }
    state.SetIterationTime(seconds);
    if (out != w.data)
      die("avro-c encode: output differs from the generated bytes");
  }
  set_counters(state, w);
}

void register_all() {
  for (auto kind : {WorkloadKind::kWatch, WorkloadKind::kWide}) {
    std::string suffix = kind == WorkloadKind::kWatch ? "_Watch" : "_Wide";
    auto reg = [&](const char* thing, auto fn) {
      return benchmark::RegisterBenchmark(("BM_" + std::string(thing) + suffix).c_str(), fn, kind)
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.3)
          ->UseManualTime();
    };
    reg("SluiceDecode", BM_SluiceDecode);
    reg("SluiceDecodeBinary", BM_SluiceDecodeBinary);
    reg("AvroCDecode", BM_AvroCDecode);
    reg("SluiceResolvedDecode", BM_SluiceResolvedDecode);
    reg("SluiceIdentityPlanDecode", BM_SluiceIdentityPlanDecode);
    reg("SluiceSkip", BM_SluiceSkip);
    reg("SluiceEncode", BM_SluiceEncode);
    reg("SluiceEncodeBinary", BM_SluiceEncodeBinary);
    reg("AvroCEncode", BM_AvroCEncode);
  }
  register_container_benchmarks();
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  sluice::bench::register_all();
  sluice::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratio_table();
  benchmark::Shutdown();
  return 0;
}
