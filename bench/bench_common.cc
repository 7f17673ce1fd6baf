#include "bench_common.h"

#include "avro/arena.h"
#include "avro/binary.h"

#include <cstdio>

namespace sluice::bench {

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  rates_.add(runs);
}

void RatioReporter::print_ratio_table() const {
  enum class Kind { kSpeedup, kCost, kInfo, kSpeedupInfo };
  struct Row {
    std::string label;
    Kind kind;
    double target;
    std::string ours;                 // Sluice's benchmark
    std::vector<std::string> others;  // reference: sum of their times
  };
  std::vector<Row> rows;
  for (std::string w : {"Watch", "Wide"}) {
    double decode_target = w == "Watch" ? 4 : 8;
    rows.push_back({"decode " + w + ": avro-c / Sluice",
                    Kind::kSpeedup,
                    decode_target,
                    "BM_SluiceDecode_" + w,
                    {"BM_AvroCDecode_" + w}});
    rows.push_back({"  decode_binary " + w + ": avro-c / Sluice",
                    Kind::kSpeedupInfo,
                    0,
                    "BM_SluiceDecodeBinary_" + w,
                    {"BM_AvroCDecode_" + w}});
    rows.push_back({"encode " + w + ": avro-c / Sluice",
                    Kind::kSpeedup,
                    4,
                    "BM_SluiceEncode_" + w,
                    {"BM_AvroCEncode_" + w}});
    rows.push_back({"  encode_binary " + w + ": avro-c / Sluice",
                    Kind::kSpeedupInfo,
                    0,
                    "BM_SluiceEncodeBinary_" + w,
                    {"BM_AvroCEncode_" + w}});
    rows.push_back({"resolved decode " + w + " / plain",
                    Kind::kCost,
                    1.3,
                    "BM_SluiceResolvedDecode_" + w,
                    {"BM_SluiceDecode_" + w}});
    rows.push_back({"identity plan decode " + w + " / plain",
                    Kind::kInfo,
                    0,
                    "BM_SluiceIdentityPlanDecode_" + w,
                    {"BM_SluiceDecode_" + w}});
    rows.push_back({"skip " + w + " / decode",
                    Kind::kInfo,
                    0,
                    "BM_SluiceSkip_" + w,
                    {"BM_SluiceDecode_" + w}});
    for (std::string codec : {"Zstandard", "Snappy"}) {
      std::string c = codec + "_" + w;
      rows.push_back({"container " + codec + " " + w + " / codec lib",
                      Kind::kCost,
                      1.3,
                      "BM_ContainerRaw_" + c,
                      {"BM_Codec_" + c}});
      rows.push_back({"container+values " + codec + " " + w + " / (codec+enc+dec)",
                      Kind::kInfo,
                      0,
                      "BM_ContainerValues_" + c,
                      {"BM_Codec_" + c, "BM_SluiceEncode_" + w, "BM_SluiceDecode_" + w}});
    }
  }

  std::printf(
      "\n=== Ratio table (%s time per record; median of %d interleaved repetitions of each "
      "benchmark, this run; 'fastest': the same ratio of the fastest repetitions) ===\n",
      Stopwatch::cpu_clock() ? "thread CPU" : "wall", bench_repetitions());
  std::printf("%-52s %8s %8s  %-6s %8s %14s %10s\n", "comparison", "ratio", "target", "status",
              "fastest", "Sluice rec/s", "MB/s");
  using Pick = const RepetitionRates::Rates* (RepetitionRates::*)(const std::string&) const;
  // Seconds per record of ours and of the others summed (benchmarks may process
  // different record counts); ours' rates, or nullptr when one of them did not run.
  auto seconds = [&](const Row& row, Pick pick, double& ours, double& others) {
    const RepetitionRates::Rates* mine = (rates_.*pick)(row.ours);
    if (!mine)
      return mine;
    ours = 1 / mine->items_per_second;
    others = 0;
    for (const auto& name : row.others) {
      const RepetitionRates::Rates* r = (rates_.*pick)(name);
      if (!r)
        return r;
      others += 1 / r->items_per_second;
    }
    return mine;
  };
  for (const Row& row : rows) {
    double ours = 0, others = 0, fast_ours = 0, fast_others = 0;
    const RepetitionRates::Rates* median = seconds(row, &RepetitionRates::median, ours, others);
    if (!median || !seconds(row, &RepetitionRates::fastest, fast_ours, fast_others))
      continue;
    bool speedup = row.kind == Kind::kSpeedup || row.kind == Kind::kSpeedupInfo;
    double ratio = speedup ? others / ours : ours / others;
    double fastest = speedup ? fast_others / fast_ours : fast_ours / fast_others;
    std::string target = "-", status = "info";
    char buf[32];
    if (row.kind == Kind::kSpeedup) {
      std::snprintf(buf, sizeof buf, ">= %.1fx", row.target);
      target = buf;
      status = ratio >= row.target ? "ok" : "MISS";
    } else if (row.kind == Kind::kCost) {
      std::snprintf(buf, sizeof buf, "<= %.2fx", row.target);
      target = buf;
      status = ratio <= row.target ? "ok" : "MISS";
    }
    std::printf("%-52s %7.2fx %8s  %-6s %7.2fx %14.0f %10.1f\n", row.label.c_str(), ratio,
                target.c_str(), status.c_str(), fastest, median->items_per_second,
                median->bytes_per_second / 1e6);
  }
  std::printf(
      "Decode/encode passes: %zu records; container passes: the first "
      "SLUICE_BENCH_CONTAINER_RECORDS (default 200,000).\n"
      "MB/s counts Avro binary (uncompressed datum) bytes; 1 MB = 10^6 bytes.\n",
      record_count());
  std::fflush(stdout);
}

namespace {

bool same_promoted(const avro::Value& writer, const avro::Value& reader) {
  if (writer.type() == avro::Type::kInt && reader.type() == avro::Type::kLong) {
    return writer.as_int() == reader.as_long() && writer.branch() == reader.branch();
  }
  return writer == reader;
}

}  // namespace

void check_resolution(const Workload& w, const avro::ResolutionPlan& plan) {
  const avro::Node& writer = w.schema->root();
  const avro::Node& reader = plan.reader().root();
  avro::Arena arena;
  avro::BinaryReader plain_in(w.data);
  avro::BinaryReader resolved_in(w.data);
  std::size_t n = std::min<std::size_t>(w.count, 4096);
  for (std::size_t i = 0; i < n; ++i) {
    auto plain = avro::decode_binary(writer, plain_in, arena);
    auto resolved = plan.decode(resolved_in, arena);
    if (!plain || !resolved)
      die("check_resolution: decode failed");
    if (plain_in.offset() != resolved_in.offset())
      die("check_resolution: offsets differ");
    for (const avro::Field& f : reader.fields) {
      const avro::Value& got = (*resolved)[f.index];
      int wi = writer.field_index(f.name);
      if (wi < 0) {
        if (!got.is_null())
          die("check_resolution: reader-only field " + f.name + " not null");
        continue;
      }
      if (!same_promoted((*plain)[static_cast<std::size_t>(wi)], got)) {
        die("check_resolution: record " + std::to_string(i) + " field " + f.name + " differs");
      }
    }
  }
}

}  // namespace sluice::bench
