// Ratios from repeated runs. A 2-core machine shared with anything else (a build, the
// kernel's page reclaim, the first touch of a 450 MB buffer) slows single runs by 10-40%
// at random, which swings a ratio of two runs more than the differences we measure. So
// every benchmark runs several times and the ratio tables use each benchmark's fastest
// repetition, the one least disturbed, on both sides of every ratio alike.
//
//   benchmark::RegisterBenchmark(...)->Repetitions(bench_repetitions());
//   BestRates best;  best.add(runs);  best.items_per_second("BM_SluiceDecode_Wide");
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::bench {

// SLUICE_BENCH_REPETITIONS (default 3, at least 1).
int bench_repetitions();

// The fastest repetition of each benchmark seen, by function name (the part before
// the first '/': "BM_SluiceDecode_Wide").
class BestRates {
 public:
  struct Rates {
    double items_per_second = 0;
    double bytes_per_second = 0;
  };
  // Keeps the repetitions (iteration runs) of `runs`; aggregates and errors are ignored.
  void add(const std::vector<benchmark::BenchmarkReporter::Run>& runs);
  // nullptr when the benchmark did not run.
  const Rates* find(const std::string& name) const;

 private:
  std::map<std::string, Rates> best_;
};

}  // namespace sluice::bench
