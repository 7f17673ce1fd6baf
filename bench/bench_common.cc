#include "bench_common.h"

#include "avro/arena.h"
#include "avro/binary.h"

#include <cstdio>

namespace sluice::bench {

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  best_.add(runs);
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
      "\n=== Ratio table (%s time per record; fastest of %d repetitions of each benchmark, "
      "this run) ===\n",
      Stopwatch::cpu_clock() ? "thread CPU" : "wall", bench_repetitions());
  std::printf("%-52s %8s %8s  %-6s %14s %10s\n", "comparison", "ratio", "target", "status",
              "Sluice rec/s", "MB/s");
  for (const Row& row : rows) {
    // Seconds per record: benchmarks may process different record counts.
    const BestRates::Rates* ours = best_.find(row.ours);
    if (!ours)
      continue;
    const double our_seconds = 1 / ours->items_per_second;
    double other_seconds = 0;
    bool complete = true;
    for (const auto& name : row.others) {
      const BestRates::Rates* r = best_.find(name);
      if (!r)
        complete = false;
      else
        other_seconds += 1 / r->items_per_second;
    }
    if (!complete)
      continue;
    double ratio;
    std::string target, status;
    char buf[32];
    switch (row.kind) {
      case Kind::kSpeedup:
        ratio = other_seconds / our_seconds;
        std::snprintf(buf, sizeof buf, ">= %.1fx", row.target);
        target = buf;
        status = ratio >= row.target ? "ok" : "MISS";
        break;
      case Kind::kCost:
        ratio = our_seconds / other_seconds;
        std::snprintf(buf, sizeof buf, "<= %.2fx", row.target);
        target = buf;
        status = ratio <= row.target ? "ok" : "MISS";
        break;
      case Kind::kSpeedupInfo:
        ratio = other_seconds / our_seconds;
        target = "-";
        status = "info";
        break;
      case Kind::kInfo:
      default:
        ratio = our_seconds / other_seconds;
        target = "-";
        status = "info";
        break;
    }
    std::printf("%-52s %7.2fx %8s  %-6s %14.0f %10.1f\n", row.label.c_str(), ratio, target.c_str(),
                status.c_str(), ours->items_per_second, ours->bytes_per_second / 1e6);
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
