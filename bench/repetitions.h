// Ratios from repeated, interleaved runs. On this 2-core VM a single run of a
// benchmark varies a lot, and not only by slowing down: now and then the host hands us
// a stretch where everything runs up to 1.7x faster (seen: 49 ms against 77-90 ms for
// the other seven repetitions of one decode). A ratio of the fastest repetitions then
// depends on which side happened to catch such a stretch. So every benchmark runs
// SLUICE_BENCH_REPETITIONS times (default 7), the repetitions of all benchmarks in
// random interleaved order (initialize_benchmarks), and the ratio tables divide the
// median repetitions; the ratio of the fastest ones is printed beside it for reference.
//
//   sluice::bench::initialize_benchmarks(&argc, argv);
//   benchmark::RegisterBenchmark(...)->Repetitions(bench_repetitions());
//   RepetitionRates rates;  rates.add(runs);  rates.median("BM_SluiceDecode_Wide");
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::bench {

// SLUICE_BENCH_REPETITIONS (default 7, at least 1).
int bench_repetitions();

// benchmark::Initialize, with the repetitions of all benchmarks run in random
// interleaved order unless the command line says otherwise
// (--benchmark_enable_random_interleaving=false): run back to back, the repetitions of
// one benchmark would all share whatever the host was doing in those seconds.
void initialize_benchmarks(int* argc, char** argv);

// The repetitions of each benchmark seen, by function name (the part before the
// first '/': "BM_SluiceDecode_Wide").
class RepetitionRates {
 public:
  struct Rates {
    double items_per_second = 0;
    double bytes_per_second = 0;
  };
  // Keeps the repetitions (iteration runs) of `runs`; aggregates and errors are ignored.
  void add(const std::vector<benchmark::BenchmarkReporter::Run>& runs);
  // The repetition with the median records/s (the upper one of an even count), or
  // the fastest; nullptr when the benchmark did not run.
  const Rates* median(const std::string& name) const;
  const Rates* fastest(const std::string& name) const;

 private:
  std::map<std::string, std::vector<Rates>> runs_;  // each sorted by items_per_second
};

}  // namespace sluice::bench
