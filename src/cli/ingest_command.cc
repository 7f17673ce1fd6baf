// `sluice ingest`: raw movie-service logs (files, stdin, a Kafka topic) -> typed Avro
// events per type (container files or Kafka topics) + a quarantine, with a run report.
// The work is src/ingest/pipeline.h; this file maps options onto it.
#include "avro/schema.h"
#include "cli/command.h"
#include "cli/heap_tuning.h"
#include "cli/io.h"
#include "ingest/event_sink.h"
#include "ingest/line_source.h"
#include "ingest/local_registry.h"
#include "ingest/pipeline.h"
#include "ingest/stop.h"
#include "kafka/kafka_url.h"
#include "movies/event_encoder.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::cli {
namespace {

struct IngestOptions {
  std::vector<std::string> from;
  std::string to;
  std::string format = "auto";
  int schema_version = 1;
  std::vector<std::string> schemas;
  std::string codec = "zstandard";
  std::optional<int> level;  // absent: FileSinkOptions' default
  std::string report;
  std::int64_t max_user_id = movies::ParseRules{}.max_user_id;
  std::uint64_t roll_records = ingest::FileSinkOptions{}.roll_records;
  std::uint64_t roll_mb = ingest::FileSinkOptions{}.roll_bytes >> 20;
  std::string registry;
  std::string group = "sluice-ingest";
  int idle_exit_ms = 0;
  std::string topic_prefix;
  std::size_t batch_lines = ingest::PipelineOptions{}.batch_lines;
  int commit_interval_ms = ingest::PipelineOptions{}.commit_interval_ms;
  bool quiet = false;
};

// A --schema file: one record schema, or a JSON array of them (later ones may refer to
// named types of earlier ones).
Result<std::vector<avro::SchemaPtr>> load_user_schemas(const std::string& argument) {
  std::string what = fmt::format("--schema {}", argument);
  SLUICE_ASSIGN_OR_RETURN(std::string text, schema_text(argument, what));
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<avro::SchemaPtr> out;
  if (doc.is_array()) {
    avro::ParseOptions options;
    for (std::size_t i = 0; i < doc.size(); ++i) {
      auto schema = avro::Schema::parse(doc[i].dump(), options);
      if (!schema) {
        return fail(in_context(schema.error(), fmt::format("{}: schema [{}]", what, i)));
      }
      options.references.push_back(*schema);
      out.push_back(*schema);
    }
    return out;
  }
  auto schema = avro::Schema::parse(text);
  if (!schema)
    return fail(in_context(schema.error(), fmt::format("{}: invalid schema", what)));
  out.push_back(std::move(*schema));
  return out;
}

Result<int> run_ingest(const IngestOptions& o) {
  // From here on SIGINT/SIGTERM stop the run gracefully (see ingest/stop.h).
  ingest::install_stop_handlers();
  tune_heap_for_streaming();
  ingest::InputFormat format = ingest::InputFormat::kAuto;
  if (o.format == "lines") {
    format = ingest::InputFormat::kLines;
  } else if (o.format == "csv") {
    format = ingest::InputFormat::kCsv;
  } else if (o.format != "auto") {
    return fail(usage_error(fmt::format("--format: '{}' is not auto, lines or csv", o.format)));
  }
  if (o.schema_version != 1 && o.schema_version != 2) {
    return fail(usage_error(fmt::format("--schema-version: {} is not 1 or 2", o.schema_version)));
  }
  if (o.max_user_id < 1)
    return fail(usage_error("--max-user-id must be at least 1"));
  if (o.roll_records == 0 || o.roll_mb == 0) {
    return fail(usage_error("--roll-records and --roll-mb must be at least 1"));
  }
  SLUICE_ASSIGN_OR_RETURN(avro::Codec codec, parse_codec_option(o.codec));
  if (o.level && kafka::is_kafka_url(o.to)) {
    return fail(
        usage_error("--level applies to --to <folder> (Kafka values are not compressed "
                    "by sluice)"));
  }
  SLUICE_TRY(check_codec_level_option(codec, o.level));

  // The encoder first: a bad --schema fails before anything is read or written.
  std::vector<avro::SchemaPtr> user_schemas;
  for (const std::string& s : o.schemas) {
    SLUICE_ASSIGN_OR_RETURN(auto list, load_user_schemas(s));
    for (auto& schema : list) user_schemas.push_back(std::move(schema));
  }
  auto encoder = user_schemas.empty()
                     ? movies::EventEncoder::builtin(o.schema_version)
                     : movies::EventEncoder::with_user_schemas(user_schemas, o.schema_version);
  if (!encoder) {
    return fail(usage_error(fmt::format("--schema: {}", encoder.error().to_string())));
  }

  // Sources: all opened up front, so a missing file fails before any output.
  std::vector<std::unique_ptr<ingest::LineSource>> sources;
  for (const std::string& from : o.from) {
    if (kafka::is_kafka_url(from)) {
      auto url = kafka::parse_kafka_url(from);
      if (!url)
        return fail(usage_error(fmt::format("--from: {}", url.error().to_string())));
      if (url->topic.empty()) {
        return fail(
            usage_error(fmt::format("--from {}: name the topic (kafka://host:port/topic)", from)));
      }
      ingest::KafkaSourceOptions ko;
      ko.bootstrap_servers = url->bootstrap_servers;
      ko.topic = url->topic;
      ko.group_id = o.group;
      ko.idle_exit_ms = o.idle_exit_ms;
      SLUICE_ASSIGN_OR_RETURN(auto source, ingest::open_kafka_source(ko));
      sources.push_back(std::move(source));
    } else {
      SLUICE_ASSIGN_OR_RETURN(auto source, ingest::open_file_source(from, format));
      sources.push_back(std::move(source));
    }
  }

  std::unique_ptr<ingest::LocalRegistry> local_registry;
  std::unique_ptr<ingest::EventSink> sink;
  std::string layout;
  if (kafka::is_kafka_url(o.to)) {
    auto url = kafka::parse_kafka_url(o.to);
    if (!url)
      return fail(usage_error(fmt::format("--to: {}", url.error().to_string())));
    ingest::KafkaSinkOptions ko;
    ko.bootstrap_servers = url->bootstrap_servers;
    ko.topic_prefix = o.topic_prefix;
    ko.registry_url = o.registry;
    if (ko.registry_url.empty()) {
      SLUICE_ASSIGN_OR_RETURN(local_registry, ingest::LocalRegistry::start());
      ko.registry_url = local_registry->url();
      std::fputs(fmt::format("sluice ingest: no --registry given; started an in-process schema "
                             "registry at {} (memory store, gone when this run ends)\n",
                             ko.registry_url)
                     .c_str(),
                 stderr);
    }
    SLUICE_ASSIGN_OR_RETURN(sink, ingest::open_kafka_sink(ko));
    layout = fmt::format("topics {}<RecordName> and {}quarantine on {}", o.topic_prefix,
                         o.topic_prefix, url->bootstrap_servers);
  } else {
    ingest::FileSinkOptions fo;
    fo.codec = codec;
    fo.level = o.level;
    fo.roll_records = o.roll_records;
    fo.roll_bytes = o.roll_mb << 20;
    SLUICE_ASSIGN_OR_RETURN(sink, ingest::open_file_sink(o.to, fo));
    layout =
        fmt::format("{}/<RecordName>/part-NNNNN.avro, {}/quarantine/part-NNNNN.avro", o.to, o.to);
  }

  ingest::PipelineOptions po;
  po.rules.max_user_id = o.max_user_id;
  po.batch_lines = o.batch_lines;
  po.commit_interval_ms = o.commit_interval_ms;
  po.progress = o.quiet ? ingest::Progress::kOff : ingest::Progress::kAuto;
  SLUICE_ASSIGN_OR_RETURN(ingest::RunReport report,
                          ingest::run_pipeline(sources, *encoder, *sink, po));
  sink.reset();
  SLUICE_TRY(write_stdout(report.to_text()));
  SLUICE_TRY(write_stdout(fmt::format("output        {}\n", layout)));
  if (!o.report.empty()) {
    SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<OutputFile> file, OutputFile::open(o.report));
    SLUICE_TRY(file->write(report.to_json()));
    SLUICE_TRY(file->commit());
  }
  // Interrupted file input is an incomplete run; a Kafka consumer always ends that way.
  bool bounded = true;
  for (const std::string& from : o.from) bounded &= !kafka::is_kafka_url(from);
  return report.interrupted && bounded ? 130 : kExitOk;
}

}  // namespace

void add_ingest_command(CLI::App& app, Registry& registry) {
  auto o = std::make_shared<IngestOptions>();
  CLI::App* cmd = registry.add(
      app, "ingest",
      "Turns raw movie-service logs (files, stdin, Kafka) into typed Avro events; bad lines go "
      "to a quarantine.\n"
      "Every input line ends in exactly one place: as an event of its type "
      "(MovieWatchEvent, MovieRatingEvent, RecommendationRequest, or the record names of "
      "--schema) or in the quarantine with its reason, the parser's explanation, the source "
      "and line (or partition and offset).\n"
      "Rules (README \"Ingestion rules\"): watch `<time>,<user>,GET /data/m/<movie>/<minute>.mpg`, "
      "rating `<time>,<user>,GET /rate/<movie>=<1-5>`, recommendation `<time>,<user>,"
      "recommendation request <server>, status <code>, result: <ids or error>, <n> ms`; "
      "user ids in [1, --max-user-id]; timestamps YYYY-MM-DDTHH:MM[:SS[.fraction]] (UTC). "
      "Lenient forms (no seconds, fractions, CRLF, McGill Kafka-dump rows) are accepted and "
      "counted as warnings. Quarantine reasons: unknown_format, bad_timestamp, bad_user_id, "
      "bad_movie_id, bad_minute, bad_rating, bad_status, bad_response_time, bad_server, "
      "trailing_data, bad_encoding, schema_conversion.\n"
      "Output to a folder: <dir>/<RecordName>/part-NNNNN.avro and "
      "<dir>/quarantine/part-NNNNN.avro (sluice.movies.QuarantinedLine). Parts are written "
      "as .part-NNNNN.avro.tmp and renamed when complete (after fsync); numbering continues "
      "after the parts already there, so a re-run adds files and never overwrites. "
      "Output to Kafka (--to kafka://host:port): one topic per type, <prefix><RecordName> "
      "and <prefix>quarantine, values in the Confluent wire format with ids from the "
      "registry (subject <topic>-value), keys the user id.\n"
      "From Kafka (--from kafka://host:port/topic): a consumer group (--group) that starts "
      "at the committed offsets or the earliest; offsets are committed only after the "
      "output is durable. Runs until SIGINT/SIGTERM, or --idle-exit-ms after the end.\n"
      "Prints the report (lines in = events + quarantined, counts per type, reason and "
      "warning, sample lines per reason, lines/s); --report writes it as JSON. Progress "
      "goes to stderr once a second when stderr is a terminal. SIGINT/SIGTERM finish the "
      "batch, make the output durable, commit, and report. Exit 0 when the run completed "
      "(whatever was quarantined), 1 when it failed (unreadable input, unwritable "
      "output), 2 for wrong usage, 130 when file input was interrupted.",
      "  sluice ingest --from access.log --to out/\n"
      "  sluice ingest --from cmu.csv --from more.log --to out/ --codec deflate "
      "--report run.json\n"
      "  sluice ingest --from cmu.csv --to out/ --schema movie_watch.avsc --schema "
      "movie_rating.avsc\n"
      "  cat access.log | sluice ingest --from - --to out/\n"
      "  sluice ingest --from kafka://127.0.0.1:9092/movielog --to kafka://127.0.0.1:9092 "
      "--registry http://127.0.0.1:8081 --topic-prefix movies.");
  cmd->add_option("--from", o->from,
                  "Input: a log file, - for stdin, or kafka://host:port/topic (repeat for "
                  "several; read in order)")
      ->required();
  cmd->add_option("--to", o->to, "Output: a folder (created when missing) or kafka://host:port")
      ->required();
  cmd->add_option("--format", o->format,
                  "Input format of files: auto (csv when the first line is `Type,Log Entry`), "
                  "lines, or csv (the CMU `Type,Log Entry` export; the header row is counted "
                  "apart, not as a line)")
      ->capture_default_str();
  cmd->add_option("--schema-version", o->schema_version,
                  "Built-in event schemas: 1 or 2 (v2 adds optional fields with defaults)")
      ->capture_default_str();
  cmd->add_option("--schema", o->schemas,
                  "Your own event schema (.avsc: one record or a JSON array of records), matched "
                  "to an event type by record name or distinguishing field; fields match by "
                  "name, case-insensitively, converting only losslessly. Repeatable; types "
                  "without one use --schema-version");
  cmd->add_option("--codec", o->codec,
                  "Container codec: null, deflate, snappy, zstandard (zstd), bzip2, xz")
      ->capture_default_str();
  cmd->add_option("--level", o->level,
                  fmt::format("Codec level of --to <folder>: zstandard -7..22 (default {}, the "
                              "fast end: compression is the largest cost of a run; 3 makes "
                              "files ~16% smaller and the run ~20% slower), deflate 0-9 (default "
                              "6), bzip2 1-9 (default 9), xz 0-9 "
                              "(default 6)",
                              ingest::kIngestZstdLevel));
  cmd->add_option("--report", o->report, "Also write the run report as JSON to this file");
  cmd->add_option("--max-user-id", o->max_user_id, "Largest valid user id")->capture_default_str();
  cmd->add_option("--roll-records", o->roll_records, "Complete a part file after this many records")
      ->capture_default_str();
  cmd->add_option("--roll-mb", o->roll_mb,
                  "Complete a part file after this many MiB of encoded records")
      ->capture_default_str();
  cmd->add_option("--registry", o->registry,
                  "Schema registry URL for --to kafka:// (default: start one in this process, "
                  "memory store)");
  cmd->add_option("--group", o->group, "Consumer group for --from kafka://")->capture_default_str();
  cmd->add_option("--idle-exit-ms", o->idle_exit_ms,
                  "--from kafka://: end the run once every partition is at its end and nothing "
                  "arrived for this long (0 = run until SIGINT/SIGTERM)")
      ->capture_default_str();
  cmd->add_option("--batch-lines", o->batch_lines,
                  "Lines per batch: the unit that is parsed, written, made durable and (Kafka) "
                  "committed together")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--commit-interval-ms", o->commit_interval_ms,
                  "Kafka source: commit offsets at most this often (after the output is durable); "
                  "0 = after every batch, so a crash repeats at most one batch")
      ->check(CLI::Range(0, 3'600'000))
      ->capture_default_str();
  cmd->add_option("--topic-prefix", o->topic_prefix,
                  "--to kafka://: topic name prefix (topic = prefix + record name)");
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr, even on a terminal");
  registry.set_runner(cmd, [o] { return run_ingest(*o); });
}

}  // namespace sluice::cli
