// Shared pieces of the Avro benchmark binary: the reporter that prints the ratio
// table, the resolution cross-check, and the container benchmark registration.
#pragma once

#include "avro/resolution.h"
#include "bench_data.h"
#include "repetitions.h"

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::bench {

// Console output as usual, plus a table of ratios (Sluice vs avro-c, resolved vs
// plain decode, container vs codec library) from the median repetition of each
// benchmark it saw (repetitions.h), with the targets of issue 2; the ratio of the
// fastest repetitions is printed beside it.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  // Prints the table to stdout. Rows whose benchmarks did not run are left out.
  void print_ratio_table() const;

 private:
  RepetitionRates rates_;
};

// Decodes the first records of `w` plainly and through `plan`, and dies unless every
// reader field holds the writer's field of the same name (ints promoted to long) and
// reader-only fields hold null.
void check_resolution(const Workload& w, const avro::ResolutionPlan& plan);

// Registers BM_Codec*, BM_ContainerRaw* and BM_ContainerValues* (container_bench.cc).
void register_container_benchmarks();

}  // namespace sluice::bench
