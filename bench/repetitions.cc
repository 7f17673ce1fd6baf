#include "repetitions.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace sluice::bench {

int bench_repetitions() {
  const char* env = std::getenv("SLUICE_BENCH_REPETITIONS");
  int n = env != nullptr ? std::atoi(env) : 7;
  return n < 1 ? 1 : n;
}

void initialize_benchmarks(int* argc, char** argv) {
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  bool given = false;
  for (int i = 1; i < *argc; ++i)
    given |= std::string_view(argv[i]).starts_with("--benchmark_enable_random_interleaving");
  if (given) {
    benchmark::Initialize(argc, argv);
    return;
  }
  // The flag goes first, so that the caller's own flags are parsed after it.
  static std::vector<char*> args;
  args.assign(argv, argv + *argc);
  args.insert(args.begin() + 1, interleave);
  args.push_back(nullptr);
  int n = static_cast<int>(args.size()) - 1;
  benchmark::Initialize(&n, args.data());
  // Initialize removed the flags it consumed (our flag among them, so n <= *argc):
  // hand back what is left in the caller's array.
  for (int i = 0; i <= n; ++i)
    argv[i] = args[static_cast<std::size_t>(i)];
  *argc = n;
}

void RepetitionRates::add(const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
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
    auto& kept = runs_[run.run_name.function_name];
    auto at = std::lower_bound(kept.begin(), kept.end(), r, [](const Rates& a, const Rates& b) {
      return a.items_per_second < b.items_per_second;
    });
    kept.insert(at, r);
  }
}

const RepetitionRates::Rates* RepetitionRates::median(const std::string& name) const {
  auto it = runs_.find(name);
  return it == runs_.end() ? nullptr : &it->second[it->second.size() / 2];
}

const RepetitionRates::Rates* RepetitionRates::fastest(const std::string& name) const {
  auto it = runs_.find(name);
  return it == runs_.end() ? nullptr : &it->second.back();
}

}  // namespace sluice::bench
