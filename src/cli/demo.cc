// `sluice demo`: the main job. Movie-service traffic from the simulator goes into a
// Kafka topic on an in-process mock cluster; the ingestion pipeline (the same code as
// `sluice ingest`) consumes it as a consumer group, types and validates every line,
// and writes each event type both to its own Kafka topic (Confluent wire format, ids
// from an in-process schema registry) and to Avro container files, with bad lines in
// a quarantine. Prints the quality report and the commands to inspect the files.
// No external server is needed; everything runs in this process.
#include "avro/container.h"
#include "cli/command.h"
#include "cli/heap_tuning.h"
#include "cli/io.h"
#include "ingest/event_sink.h"
#include "ingest/line_source.h"
#include "ingest/local_registry.h"
#include "ingest/pipeline.h"
#include "ingest/stop.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"
#include "movies/event_encoder.h"
#include "movies/simulator.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = ".sluice-demo";
constexpr const char* kTopic = "movielog";
constexpr const char* kTopicPrefix = "movies.";
constexpr int kPartitions = 4;

struct DemoOptions {
  std::uint64_t lines = 200'000;
  std::uint64_t seed = 7;
  double corruption = 0.01;
  std::string out = "sluice-demo-out";
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Status say(const std::string& text) {
  return write_stdout(text);
}

// The output folder, emptied when an earlier demo made it; refused when it holds
// anything else (the demo never deletes files it did not write).
Status prepare_output(const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec))
      return fail(ErrorCode::kIo, "--out {}: not a folder", out);
    bool empty = fs::is_empty(out, ec);
    if (!empty) {
      if (!fs::exists(fs::path(out) / kMarker, ec)) {
        return fail(ErrorCode::kIo,
                    "--out {}: the folder exists and was not written by `sluice demo`; choose "
                    "another --out",
                    out);
      }
      fs::remove_all(out, ec);
      if (ec)
        return fail(ErrorCode::kIo, "--out {}: cannot clear: {}", out, ec.message());
    }
  }
  fs::create_directories(out, ec);
  if (ec)
    return fail(ErrorCode::kIo, "--out {}: cannot create: {}", out, ec.message());
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> marker,
                          OutputFile::open((fs::path(out) / kMarker).string()));
  SLUICE_TRY(marker->write(
      std::string_view("written by sluice demo; re-running it replaces this folder\n")));
  return marker->commit();
}

// The user id field of a log line ("<time>,<user>,..."), the message key.
std::string_view user_key(std::string_view line) {
  std::size_t a = line.find(',');
  if (a == std::string_view::npos)
    return {};
  std::size_t b = line.find(',', a + 1);
  if (b == std::string_view::npos)
    return {};
  return line.substr(a + 1, b - a - 1);
}

// Records in every part of `dir` (read back with the Avro reader).
Result<std::pair<std::uint64_t, std::uint64_t>> count_parts(const fs::path& dir) {
  std::uint64_t parts = 0;
  std::uint64_t records = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with("part-") || !name.ends_with(".avro"))
      continue;
    ++parts;
    SLUICE_ASSIGN_OR_RETURN(avro::ContainerReader reader,
                            avro::ContainerReader::open(entry.path()));
    avro::ContainerReader::RawBlock block;
    for (;;) {
      SLUICE_ASSIGN_OR_RETURN(bool more, reader.next_raw_block(block));
      if (!more)
        break;
      records += block.count;
    }
  }
  return std::make_pair(parts, records);
}

Result<int> run_demo(const DemoOptions& o) {
  if (o.lines == 0)
    return fail(usage_error("--lines must be at least 1"));
  if (o.corruption < 0 || o.corruption > 1) {
    return fail(usage_error("--corruption must be between 0 and 1"));
  }
  tune_heap_for_streaming();
  auto started = Clock::now();
  SLUICE_TRY(prepare_output(o.out));

  // 1. A Kafka cluster and a schema registry, both inside this process.
  SLUICE_ASSIGN_OR_RETURN(
      auto cluster, kafka::MockCluster::start({.brokers = 1, .default_partitions = kPartitions}));
  SLUICE_TRY(cluster->create_topic(kTopic, kPartitions));
  SLUICE_ASSIGN_OR_RETURN(auto registry, ingest::LocalRegistry::start());
  SLUICE_TRY(say(fmt::format(
      "== Started an in-process Kafka cluster ({}) and schema registry ({}, memory store)\n",
      cluster->bootstrap_servers(), registry->url())));

  // 2. Simulated traffic into the raw topic, keyed by user id.
  auto t = Clock::now();
  movies::SimulatorOptions sim_options;
  sim_options.seed = o.seed;
  sim_options.corruption_rate = o.corruption;
  movies::Simulator sim(sim_options);
  {
    kafka::ProducerOptions po;
    po.bootstrap_servers = cluster->bootstrap_servers();
    po.config["linger.ms"] = "20";
    po.config["batch.num.messages"] = "10000";
    po.config["compression.type"] = "lz4";
    SLUICE_ASSIGN_OR_RETURN(auto producer, kafka::Producer::make(po));
    std::string line;
    for (std::uint64_t i = 0; i < o.lines; ++i) {
      sim.next(line);
      SLUICE_TRY(producer->produce(kTopic, user_key(line), line));
    }
    SLUICE_TRY(producer->flush(60'000));
  }
  const movies::SimulatorStats& stats = sim.stats();
  SLUICE_TRY(say(fmt::format(
      "== Simulated {} log lines ({} watch, {} rating, {} recommendation, {} corrupted on "
      "purpose) into topic {} ({} partitions) in {:.2f} s\n",
      stats.lines, stats.watch, stats.rating, stats.recommendation, stats.corrupted, kTopic,
      kPartitions, seconds_since(t))));

  // 3. Ingest: consumer group -> parse/validate -> per-type topics + Avro files.
  t = Clock::now();
  ingest::KafkaSourceOptions ko;
  ko.bootstrap_servers = cluster->bootstrap_servers();
  ko.topic = kTopic;
  ko.group_id = "sluice-demo";
  ko.start = "earliest";
  ko.idle_exit_ms = 500;
  std::vector<std::unique_ptr<ingest::LineSource>> sources;
  SLUICE_ASSIGN_OR_RETURN(auto source, ingest::open_kafka_source(ko));
  sources.push_back(std::move(source));

  std::vector<std::unique_ptr<ingest::EventSink>> sinks;
  SLUICE_ASSIGN_OR_RETURN(auto files, ingest::open_file_sink(o.out, {}));
  sinks.push_back(std::move(files));
  ingest::KafkaSinkOptions kso;
  kso.bootstrap_servers = cluster->bootstrap_servers();
  kso.topic_prefix = kTopicPrefix;
  kso.registry_url = registry->url();
  SLUICE_ASSIGN_OR_RETURN(auto topics, ingest::open_kafka_sink(kso));
  sinks.push_back(std::move(topics));
  auto sink = ingest::make_tee_sink(std::move(sinks));

  SLUICE_ASSIGN_OR_RETURN(auto encoder, movies::EventEncoder::builtin(1));
  ingest::install_stop_handlers();
  ingest::PipelineOptions options;
  SLUICE_ASSIGN_OR_RETURN(ingest::RunReport report,
                          ingest::run_pipeline(sources, encoder, *sink, options));
  sink.reset();
  sources.clear();
  SLUICE_TRY(say(fmt::format(
      "== Ingested topic {} as consumer group sluice-demo in {:.2f} s: each event type to topic "
      "{}<RecordName> (Confluent wire format, subject <topic>-value) and to Avro files under {}/\n",
      kTopic, seconds_since(t), kTopicPrefix, o.out)));
  SLUICE_TRY(say("\n== Quality report\n" + report.to_text()));

  // 4. What is on disk, read back.
  SLUICE_TRY(say("\n== Output files (records read back)\n"));
  std::vector<std::string> streams;
  for (const auto& [name, n] : report.events_out) streams.push_back(name);
  streams.emplace_back(ingest::kQuarantineStream);
  std::string first_part;
  std::uint64_t read_back = 0;
  for (const std::string& stream : streams) {
    fs::path dir = fs::path(o.out) / stream;
    SLUICE_ASSIGN_OR_RETURN(auto counted, count_parts(dir));
    read_back += counted.second;
    SLUICE_TRY(say(fmt::format("  {:<40} {:>3} part(s) {:>10} records\n", dir.string() + "/",
                               counted.first, counted.second)));
    if (first_part.empty() && counted.first > 0)
      first_part = (dir / "part-00000.avro").string();
  }
  if (read_back != report.lines_in) {
    return fail(ErrorCode::kInternal, "read back {} records from {}, ingested {} lines", read_back,
                o.out, report.lines_in);
  }
  std::string quarantine = (fs::path(o.out) / "quarantine" / "part-00000.avro").string();
  SLUICE_TRY(say(fmt::format(
      "\n== Inspect the output (the Kafka cluster and registry lived in this process only)\n"
      "  sluice avro tojson {0} | head -3\n"
      "  sluice avro getmeta {0}\n"
      "  sluice avro getschema {0}\n"
      "  sluice avro tojson {1} | head -3\n"
      "  sluice ingest --help\n"
      "Done in {2:.1f} s.\n",
      first_part, quarantine, seconds_since(started))));
  return report.interrupted ? 130 : kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, Registry& registry) {
  auto opts = std::make_shared<DemoOptions>();
  CLI::App* cmd = registry.add(
      app, "demo",
      "Runs the main job: simulated movie-service logs through Kafka into typed Avro events.\n"
      "Starts an in-process Kafka cluster (librdkafka's mock) and schema registry (memory "
      "store); the simulator writes --lines log lines (a few minutes of traffic, 1% corrupted "
      "on purpose) to topic movielog; the ingestion pipeline (`sluice ingest`) reads it as "
      "consumer group sluice-demo, types and validates every line and writes each event "
      "type to topic movies.<RecordName> (Confluent wire format) and to Avro container files "
      "<out>/<RecordName>/part-NNNNN.avro (zstandard), bad lines to <out>/quarantine/. "
      "Prints the quality report (counts per type, reason and warning, sample bad lines), "
      "reads the files back, and shows the commands to inspect them. Re-running replaces "
      "the output folder (only one written by the demo).",
      "  sluice demo\n"
      "  sluice demo --lines 50000 --seed 3 --out /tmp/demo");
  cmd->add_option("--lines", opts->lines, "Log lines to simulate")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Simulator seed")->capture_default_str();
  cmd->add_option("--corruption", opts->corruption, "Share of lines corrupted on purpose")
      ->capture_default_str();
  cmd->add_option("--out", opts->out, "Output folder")->capture_default_str();
  registry.set_runner(cmd, [opts] { return run_demo(*opts); });
}

}  // namespace sluice::cli
