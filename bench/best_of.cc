#include "best_of.h"

#include <cstdlib>

namespace sluice::bench {

int bench_repetitions() {
  const char* env = std::getenv("SLUICE_BENCH_REPETITIONS");
  int n = env != nullptr ? std::atoi(env) : 3;
  return n < 1 ? 1 : n;
}

void BestRates::add(const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
  for (const auto& run : runs) {
    if (run.error_occurred || run.iterations == 0 ||
        run.run_type != benchmark::BenchmarkReporter::Run::RT_Iteration) {
      continue;
    }
    Rates r;
    if (auto it = run.counters.find("items_per_second"); it != run.counters.end())
      r.items_per_second = it->second.value;
    if (r.items_per_second <= 0)
      continue;
    if (auto it = run.counters.find("bytes_per_second"); it != run.counters.end())
      r.bytes_per_second = it->second.value;
    Rates& kept = best_[run.run_name.function_name];
    if (r.items_per_second > kept.items_per_second)
      kept = r;
  }
}

const BestRates::Rates* BestRates::find(const std::string& name) const {
  auto it = best_.find(name);
  return it == best_.end() ? nullptr : &it->second;
}

}  // namespace sluice::bench
