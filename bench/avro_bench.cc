// Sluice Avro vs avro-c, in one process: generic decode, encode, decode through a
// resolution plan, and container files vs their codec library.
//
//   build/bench/avro_bench                          # everything, then the ratio table
//   build/bench/avro_bench --benchmark_filter=Wide  # Google Benchmark flags work
//   SLUICE_BENCH_RECORDS=100000 build/bench/avro_bench
//   SLUICE_BENCH_REPETITIONS=9 build/bench/avro_bench   # ratios of the medians (repetitions.h)
//
// Each iteration processes the whole workload (1M records by default, see
// bench_data.h) and checks its output (checksums, or byte-equal re-encodings)
// against the reference computed at generation time; a mismatch fails the run.
// Counters: items_per_second = records/s, bytes_per_second = Avro binary bytes/s.
#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/resolution.h"
#include "baselines.h"
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

void register_all() {
  for (auto kind : {WorkloadKind::kWatch, WorkloadKind::kWide}) {
    std::string suffix = kind == WorkloadKind::kWatch ? "_Watch" : "_Wide";
    auto reg = [&](const char* thing, auto fn) {
      return benchmark::RegisterBenchmark(("BM_" + std::string(thing) + suffix).c_str(), fn, kind)
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.3)
          ->Repetitions(bench_repetitions())
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
  sluice::bench::initialize_benchmarks(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  sluice::bench::register_all();
  sluice::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratio_table();
  benchmark::Shutdown();
  return 0;
}
