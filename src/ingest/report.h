// What an ingestion run did: every input line counted exactly once, as an event of
// one type or as a quarantined line with its reason; warnings for lenient lines that
// were accepted; a few sample lines per reason.
//
//   RunReport report = *run_pipeline(...);
//   fmt::print("{}", report.to_text());
//   write(report.to_json());   // {"lines_in":..., "events_out":{...}, "quarantined":{...}}
//
// Invariant (checked by the tests): for the run and for each source,
// lines_in == events_total + quarantined_total.
#pragma once

#include "movies/movie_event.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice::ingest {

// A quarantined line kept as an example of its reason.
struct SampleLine {
  std::string source;
  std::int64_t line = -1;       // 1-based, or -1
  std::int32_t partition = -1;  // Kafka, or -1
  std::int64_t offset = -1;     // Kafka, or -1
  std::string text;             // the raw line, cut to kSampleChars bytes
  std::string detail;           // the parser's explanation
};

struct SourceReport {
  std::string name;
  std::uint64_t lines_in = 0;
  std::uint64_t events_out = 0;
  std::uint64_t quarantined = 0;
  std::uint64_t header_lines = 0;  // CSV header rows (not lines_in)
};

struct RunReport {
  static constexpr std::size_t kSamplesPerReason = 3;
  static constexpr std::size_t kSampleChars = 300;

  std::uint64_t lines_in = 0;
  std::uint64_t events_total = 0;
  std::uint64_t quarantined_total = 0;
  std::uint64_t header_lines = 0;
  // Record name (the output folder / topic) -> events written. Every type appears.
  std::map<std::string, std::uint64_t> events_out;
  std::array<std::uint64_t, movies::kReasonCount> quarantined{};
  std::array<std::uint64_t, movies::kWarningCount> warnings{};
  std::array<std::vector<SampleLine>, movies::kReasonCount> samples;
  std::vector<SourceReport> sources;
  double elapsed_seconds = 0;
  // CPU time this process used during the run (all threads): on a busy machine the
  // honest measure of the pipeline's own cost.
  double cpu_seconds = 0;
  bool interrupted = false;  // stopped by SIGINT/SIGTERM before the input ended

  double lines_per_second() const {
    return elapsed_seconds > 0 ? static_cast<double>(lines_in) / elapsed_seconds : 0;
  }
  double lines_per_cpu_second() const {
    return cpu_seconds > 0 ? static_cast<double>(lines_in) / cpu_seconds : 0;
  }
  // Readable, several lines: totals, per type, per reason (with samples), per warning.
  std::string to_text() const;
  // Keys: lines_in, events_total, events_out {name: n}, quarantined_total,
  // quarantined {reason: n} (reasons seen), warnings {name: n} (warnings seen),
  // samples {reason: [{source, line, partition, offset, text, detail}]}, sources
  // [{name, lines_in, events_out, quarantined, header_lines}], header_lines,
  // elapsed_seconds, lines_per_second, cpu_seconds, lines_per_cpu_second, interrupted.
  std::string to_json() const;
};

}  // namespace sluice::ingest
