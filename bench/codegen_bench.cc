// Generated C++ classes (`sluice avro codegen`) vs the generic Sluice codec vs avro-c,
// in one process, on the benchmark workloads of bench_data.h (movie-watch events and
// the wide Wikimedia-shaped record).
//
//   build/bench/codegen_bench                            # all, then the ratio table
//   build/bench/codegen_bench --benchmark_filter=Wide
//   SLUICE_BENCH_RECORDS=100000 build/bench/codegen_bench
//
// Generic means the compiled BinaryDecoder/BinaryEncoder (the ratio table's main rows);
// the schema-walking decode_binary/encode_binary are measured too, for a second table.
// Decode: every record of the workload is decoded and every field touched by the
// workload checksum (generated: into one reused struct, or into one reused AvroView
// whose strings point into the input; generic: BinaryDecoder into an arena, strings
// pointing into the input; avro-c: avro_value_read into one reused generic value). The
// checksum must equal the workload's. Encode: chunks of records are materialised
// untimed (structs, views or generic values), then encoded timed; the output must
// equal the workload bytes. A last row copies each record's known bytes into the output:
// the floor under any encoder, printed against the generic and view encoders.
// The headers come from bench/schemas/*.avsc, generated at build time.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "baselines.h"
#include "bench_data.h"
#include "repetitions.h"
#include "checksum_util.h"
#include "movie_watch.hpp"
#include "stopwatch.h"
#include "wikimedia_wide.hpp"

namespace sluice::bench {
namespace {

using avro::Arena;
using avro::BinaryReader;
using avro::Value;
using Watch = ::gen::bench::watch::MovieWatch;
using Wide = ::gen::bench::wide::value_wikimedia;


// ---- The workload checksum (bench_data.h) over generated structs: the same sums as
// checksum(Value) over the generic value of the same record.

std::uint64_t cs(std::string_view s) { return text_sum(s.data(), s.size()); }
std::uint64_t cs(bool b) { return b ? 1 : 0; }
std::uint64_t cs(std::int32_t v) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(v)); }
std::uint64_t cs(std::int64_t v) { return static_cast<std::uint64_t>(v); }
std::uint64_t cs(double d) { return double_bits(d); }
std::uint64_t cs(::gen::bench::wide::ChangeKind k) { return static_cast<std::uint64_t>(k); }
template <class R>
std::uint64_t cs_new_old(const R& r);
template <class M>
std::uint64_t cs_meta(const M& m);
std::uint64_t cs(const ::gen::bench::wide::Length& r) { return cs_new_old(r); }
std::uint64_t cs(const ::gen::bench::wide::Length::AvroView& r) { return cs_new_old(r); }
std::uint64_t cs(const ::gen::bench::wide::Revision& r) { return cs_new_old(r); }
std::uint64_t cs(const ::gen::bench::wide::Revision::AvroView& r) { return cs_new_old(r); }
std::uint64_t cs(const ::gen::bench::wide::Meta& m) { return cs_meta(m); }
std::uint64_t cs(const ::gen::bench::wide::Meta::AvroView& m) { return cs_meta(m); }
template <class T>
std::uint64_t cs(const std::optional<T>& o) {
  return o ? 1 + cs(*o) : 0;  // branch 1 counts 1; null (branch 0) counts 0
}
template <class T>
std::uint64_t cs(const std::vector<T>& v) {
  std::uint64_t sum = v.size();
  for (const T& x : v)
    sum += cs(x);
  return sum;
}
// A map, or a view's vector of (key, value) pairs.
template <class Entries>
std::uint64_t cs_entries(const Entries& m) {
  std::uint64_t sum = m.size();
  for (const auto& [k, x] : m)
    sum += cs(k) + cs(x);
  return sum;
}
template <class T>
std::uint64_t cs(const std::map<std::string, T>& m) {
  return cs_entries(m);
}
template <class T>
std::uint64_t cs(const std::vector<std::pair<std::string_view, T>>& m) {
  return cs_entries(m);
}
// The same sums over a record and over its AvroView (the same member names).
template <class R>
std::uint64_t cs_new_old(const R& r) {
  return cs(r.new_) + cs(r.old);
}
template <class M>
std::uint64_t cs_meta(const M& m) {
  return cs(m.domain) + cs(m.dt) + cs(m.id) + cs(m.offset) + cs(m.partition) +
         cs(m.request_id) + cs(m.stream) + cs(m.topic) + cs(m.uri);
}
template <class W>
std::uint64_t cs_watch(const W& w) {
  return cs(w.time) + cs(w.userId) + cs(w.movieId) + cs(w.minute);
}
template <class W>
std::uint64_t cs_wide(const W& w) {
  return cs(w.bot) + cs(w.comment) + cs(w.id) + cs(w.length) + cs(w.meta) + cs(w.minor) +
         cs(w.namespace_) + cs(w.parsedcomment) + cs(w.patrolled) + cs(w.revision) +
         cs(w.schema) + cs(w.server_name) + cs(w.server_script_path) + cs(w.server_url) +
         cs(w.timestamp) + cs(w.title) + cs(w.type) + cs(w.user) + cs(w.wiki) +
         cs(w.change_kind) + cs(w.tags) + cs(w.scores);
}
std::uint64_t cs(const Watch& w) { return cs_watch(w); }
std::uint64_t cs(const Watch::AvroView& w) { return cs_watch(w); }
std::uint64_t cs(const Wide& w) { return cs_wide(w); }
std::uint64_t cs(const Wide::AvroView& w) { return cs_wide(w); }

// ---- Decode

// Into one reused struct (strings and vectors keep their capacity), or with
// View = T::AvroView into one reused view (strings point into the input, as the
// generic decoder's values do).
template <class T, class View = T>
void BM_GeneratedDecode(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  View record;
  for (auto _ : state) {
    Stopwatch watch;
    std::uint64_t sum = 0;
    try {
      avro::gen::Decoder in(w.data.data(), w.data.size());
      for (std::size_t i = 0; i < w.count; ++i) {
        T::decode_avro(in, record);
        sum += cs(record);
      }
      in.expect_end("workload");
    } catch (const avro::CodegenError& e) {
      die(std::string("generated decode: ") + e.what());
    }
    state.SetIterationTime(watch.seconds());
    if (sum != w.checksum)
      die("generated decode: wrong checksum");
  }
  set_counters(state, w);
}

// A fresh struct per record (what from_avro does), allocations included.
template <class T>
void BM_GeneratedDecodeFresh(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  for (auto _ : state) {
    Stopwatch watch;
    std::uint64_t sum = 0;
    try {
      avro::gen::Decoder in(w.data.data(), w.data.size());
      for (std::size_t i = 0; i < w.count; ++i) {
        T record;
        T::decode_avro(in, record);
        sum += cs(record);
      }
    } catch (const avro::CodegenError& e) {
      die(std::string("generated decode: ") + e.what());
    }
    state.SetIterationTime(watch.seconds());
    if (sum != w.checksum)
      die("generated decode (fresh): wrong checksum");
  }
  set_counters(state, w);
}

// ---- Encode

// From structs, or with Item = T::AvroView from views whose strings point into the
// input (as the generic values' strings do).
template <class T, class Item = T>
void BM_GeneratedEncode(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  std::vector<Item> records(kEncodeChunk);
  // Reused across passes, uninitialised growth: as BM_GenericEncode's BinaryEncoder
  // keeps its buffer (a std::vector target would zero-fill each byte before writing it).
  avro::gen::OutputBuffer out;
  auto pass = [&] {
    out.clear();
    avro::gen::Decoder in(w.data.data(), w.data.size());
    double seconds = 0;
    for (std::size_t done = 0; done < w.count;) {
      std::size_t n = std::min(kEncodeChunk, w.count - done);
      // Fresh objects per chunk, as the generic side decodes each chunk into a reset
      // arena: decoding over the previous chunk's structs would leave their strings
      // wherever earlier records had them allocated, and the timed encode would then
      // measure how scattered the heap is rather than the encoder.
      records.clear();
      records.resize(n);
      for (std::size_t i = 0; i < n; ++i)
        T::decode_avro(in, records[i]);
      Stopwatch watch;
      avro::gen::Encoder enc(out, 64 * 1024);
      for (std::size_t i = 0; i < n; ++i)
        records[i].encode_avro(enc);
      enc.finish();
      seconds += watch.seconds();
      done += n;
    }
    if (!std::equal(out.data(), out.data() + out.size(), w.data.begin(), w.data.end()))
      die("generated encode: output differs from the workload bytes");
    return seconds;
  };
  pass();  // untimed: the output buffer gets its capacity and pages
  for (auto _ : state)
    state.SetIterationTime(pass());
  set_counters(state, w);
}

// The floor under any encoder of this workload: each record's encoded bytes, already
// known, copied into the output through the generated encoder's write path, in the same
// chunks and with the same reused output buffer as BM_GeneratedEncode. No encoder can
// beat it, so generic/floor bounds the ratio any generated encoder can reach over the
// generic one (reported under the ratio table).
template <class T>
void BM_CopyRecordBytes(benchmark::State& state, WorkloadKind kind) {
  const Workload& w = workload(kind);
  std::vector<std::size_t> ends;  // where each record's bytes end, found once, untimed
  ends.reserve(w.count);
  {
    typename T::AvroView view;
    avro::gen::Decoder in(w.data.data(), w.data.size());
    for (std::size_t i = 0; i < w.count; ++i) {
      T::decode_avro(in, view);
      ends.push_back(static_cast<std::size_t>(in.offset()));
    }
  }
  avro::gen::OutputBuffer out;
  auto pass = [&] {
    out.clear();
    double seconds = 0;
    std::size_t begin = 0;
    for (std::size_t done = 0; done < w.count;) {
      std::size_t n = std::min(kEncodeChunk, w.count - done);
      Stopwatch watch;
      avro::gen::Encoder enc(out, 64 * 1024);
      for (std::size_t i = done; i < done + n; ++i) {
        enc.write_raw(w.data.data() + begin, ends[i] - begin);
        begin = ends[i];
      }
      enc.finish();
      seconds += watch.seconds();
      done += n;
    }
    if (!std::equal(out.data(), out.data() + out.size(), w.data.begin(), w.data.end()))
      die("record-bytes copy: output differs from the workload bytes");
    return seconds;
  };
  pass();
  for (auto _ : state)
    state.SetIterationTime(pass());
  set_counters(state, w);
}

// ---- Ratio table

class RatioTable : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    rates_.add(runs);
  }
  void print() const {
    std::printf("\nGenerated classes vs generic Sluice and avro-c (records/s ratio of the median "
                "of %d interleaved repetitions, then of the fastest; targets: >= 2x generic, "
                ">= 8x avro-c on Wide)\n",
                bench_repetitions());
    for (const char* w : {"Watch", "Wide"}) {
      row(w, "decode vs generic", "GeneratedDecode", "GenericDecode");
      row(w, "decode vs avro-c", "GeneratedDecode", "AvroCDecode");
      row(w, "view decode vs generic", "GeneratedDecodeView", "GenericDecode");
      row(w, "view decode vs avro-c", "GeneratedDecodeView", "AvroCDecode");
      row(w, "fresh-struct decode vs generic", "GeneratedDecodeFresh", "GenericDecode");
      row(w, "fresh-struct decode vs avro-c", "GeneratedDecodeFresh", "AvroCDecode");
      row(w, "encode vs generic", "GeneratedEncode", "GenericEncode");
      row(w, "encode vs avro-c", "GeneratedEncode", "AvroCEncode");
      row(w, "view encode vs generic", "GeneratedEncodeView", "GenericEncode");
      row(w, "view encode vs avro-c", "GeneratedEncodeView", "AvroCEncode");
    }
    std::printf("\nThe same against the schema-walking generic path (decode_binary and "
                "encode_binary per datum, no compiled program; the rows above use the "
                "compiled BinaryDecoder/BinaryEncoder, the stricter baseline)\n");
    for (const char* w : {"Watch", "Wide"}) {
      row(w, "view decode vs walking", "GeneratedDecodeView", "GenericDecodeWalk");
      row(w, "decode vs walking", "GeneratedDecode", "GenericDecodeWalk");
      row(w, "view encode vs walking", "GeneratedEncodeView", "GenericEncodeWalk");
      row(w, "encode vs walking", "GeneratedEncode", "GenericEncodeWalk");
    }
    std::printf("\nThe floor: copying each record's known bytes into the output (no encoder "
                "can be faster); a generic encoder within 2x of it leaves no room for 2x\n");
    for (const char* w : {"Watch", "Wide"}) {
      row(w, "byte copy vs generic encode", "CopyRecordBytes", "GenericEncode");
      row(w, "byte copy vs view encode", "CopyRecordBytes", "GeneratedEncodeView");
    }
  }

 private:
  void row(const std::string& w, const char* what, const std::string& a,
           const std::string& b) const {
    const auto* x = rates_.median("BM_" + a + "_" + w);
    const auto* y = rates_.median("BM_" + b + "_" + w);
    const auto* fx = rates_.fastest("BM_" + a + "_" + w);
    const auto* fy = rates_.fastest("BM_" + b + "_" + w);
    if (x && y) {
      std::printf("  %-5s %-32s %6.2fx  (%.3g vs %.3g records/s)  fastest %.2fx\n", w.c_str(),
                  what, x->items_per_second / y->items_per_second, x->items_per_second,
                  y->items_per_second, fx->items_per_second / fy->items_per_second);
    }
  }
  RepetitionRates rates_;
};

void register_all() {
  for (auto kind : {WorkloadKind::kWatch, WorkloadKind::kWide}) {
    std::string suffix = kind == WorkloadKind::kWatch ? "_Watch" : "_Wide";
    auto reg = [&](const char* thing, auto fn) {
      benchmark::RegisterBenchmark(("BM_" + std::string(thing) + suffix).c_str(), fn, kind)
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.3)
          ->Repetitions(bench_repetitions())
          ->UseManualTime();
    };
    bool watch = kind == WorkloadKind::kWatch;
    reg("GeneratedDecode", watch ? BM_GeneratedDecode<Watch> : BM_GeneratedDecode<Wide>);
    reg("GeneratedDecodeView", watch ? BM_GeneratedDecode<Watch, Watch::AvroView>
                                     : BM_GeneratedDecode<Wide, Wide::AvroView>);
    reg("GeneratedDecodeFresh",
        watch ? BM_GeneratedDecodeFresh<Watch> : BM_GeneratedDecodeFresh<Wide>);
    reg("GenericDecode", BM_SluiceDecode);
    reg("GenericDecodeWalk", BM_SluiceDecodeBinary);
    reg("AvroCDecode", BM_AvroCDecode);
    reg("GeneratedEncode", watch ? BM_GeneratedEncode<Watch> : BM_GeneratedEncode<Wide>);
    reg("GeneratedEncodeView", watch ? BM_GeneratedEncode<Watch, Watch::AvroView>
                                     : BM_GeneratedEncode<Wide, Wide::AvroView>);
    reg("GenericEncode", BM_SluiceEncode);
    reg("GenericEncodeWalk", BM_SluiceEncodeBinary);
    reg("AvroCEncode", BM_AvroCEncode);
    reg("CopyRecordBytes", watch ? BM_CopyRecordBytes<Watch> : BM_CopyRecordBytes<Wide>);
  }
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  sluice::bench::initialize_benchmarks(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  sluice::bench::register_all();
  sluice::bench::RatioTable reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print();
  benchmark::Shutdown();
  return 0;
}
