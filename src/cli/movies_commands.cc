// `sluice movies simulate | check | schemas`: the movie-streaming domain. Each
// subcommand is thin: the movies module does the work (Simulator, LineParser, the
// embedded schemas); `--to kafka://` goes through the kafka module's Producer.
#include "cli/command.h"
#include "cli/io.h"
#include "kafka/kafka_url.h"
#include "kafka/producer.h"
#include "movies/event_schemas.h"
#include "movies/line_parser.h"
#include "movies/simulator.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::cli {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

struct SimulateOptions {
  std::uint64_t lines = 1000;
  std::uint64_t seed = 1;
  double corruption_rate = 0.0;
  double timeout_rate = 0.05;
  double rating_rate = 0.02;
  double recommendation_rate = 0.05;
  double lines_per_second = 1000;
  std::int64_t users = 1'000'000;
  std::string start = "2024-03-08T23:00:00";
  std::string out = "-";
  std::string to;
};

Result<int> run_simulate(const SimulateOptions& opts) {
  movies::SimulatorOptions sim;
  sim.seed = opts.seed;
  sim.corruption_rate = opts.corruption_rate;
  sim.timeout_rate = opts.timeout_rate;
  sim.rating_rate = opts.rating_rate;
  sim.recommendation_rate = opts.recommendation_rate;
  sim.lines_per_second = opts.lines_per_second;
  sim.users = opts.users;
  for (double rate :
       {opts.corruption_rate, opts.timeout_rate, opts.rating_rate, opts.recommendation_rate}) {
    if (!(rate >= 0 && rate <= 1))
      return fail(usage_error("rates must be within [0, 1]"));
  }
  if (opts.rating_rate + opts.recommendation_rate > 1) {
    return fail(usage_error("--rating-rate + --recommendation-rate must not exceed 1"));
  }
  if (!(opts.lines_per_second > 0))
    return fail(usage_error("--lines-per-second must be > 0"));
  if (opts.users < 1)
    return fail(usage_error("--users must be >= 1"));
  {
    std::string_view start = opts.start;
    if (start.ends_with('Z'))
      start.remove_suffix(1);
    std::uint32_t warnings = 0;
    if (!movies::parse_log_timestamp(start, &sim.start_time_micros, &warnings)) {
      return fail(usage_error(
          fmt::format("--start '{}' is not YYYY-MM-DDTHH:MM[:SS[.fraction]] (UTC)", opts.start)));
    }
  }
  movies::Simulator simulator(sim);
  std::string line;

  if (!opts.to.empty()) {
    SLUICE_ASSIGN_OR_RETURN(kafka::KafkaUrl url, kafka::parse_kafka_url(opts.to));
    if (url.topic.empty())
      return fail(usage_error("--to needs a topic: kafka://host:port/topic"));
    SLUICE_ASSIGN_OR_RETURN(auto producer,
                            kafka::Producer::make({.bootstrap_servers = url.bootstrap_servers}));
    for (std::uint64_t i = 0; i < opts.lines; ++i) {
      simulator.next(line);
      // Keyed by the user id column, so one user's lines stay in order on one partition.
      std::string_view key;
      if (std::size_t a = line.find(','); a != std::string::npos) {
        std::size_t b = line.find(',', a + 1);
        key = std::string_view(line).substr(a + 1, b == std::string::npos ? 0 : b - a - 1);
      }
      SLUICE_TRY(producer->produce(url.topic, key, line));
    }
    SLUICE_TRY(producer->flush(60'000));
  } else {
    std::shared_ptr<OutputFile> file;
    if (opts.out != "-") {
      SLUICE_ASSIGN_OR_RETURN(file, OutputFile::open(opts.out));
    }
    std::string chunk;
    auto flush = [&]() -> Status {
      if (chunk.empty())
        return ok_status();
      Status s = file ? file->write(chunk) : write_stdout(chunk);
      chunk.clear();
      return s;
    };
    for (std::uint64_t i = 0; i < opts.lines; ++i) {
      simulator.next(line);
      chunk += line;
      chunk.push_back('\n');
      if (chunk.size() >= kChunkBytes)
        SLUICE_TRY(flush());
    }
    SLUICE_TRY(flush());
    if (file)
      SLUICE_TRY(file->commit());
  }
  const movies::SimulatorStats& s = simulator.stats();
  fmt::print(stderr,
             "simulated {} lines: {} watch, {} rating, {} recommendation, {} corrupted ({} with "
             "seconds dropped, still valid)\n",
             s.lines, s.watch, s.rating, s.recommendation, s.corrupted, s.seconds_dropped);
  return kExitOk;
}

struct CheckOptions {
  std::string input;
  std::int64_t max_user_id = 1'000'000;
  bool show_rejected = false;
};

Result<int> run_check(const CheckOptions& opts) {
  if (opts.max_user_id < 1)
    return fail(usage_error("--max-user-id must be >= 1"));
  SLUICE_ASSIGN_OR_RETURN(std::string data, read_input(opts.input));
  movies::LineParser parser(movies::ParseRules{.max_user_id = opts.max_user_id});
  std::array<std::uint64_t, movies::kEventTypeCount> events{};
  std::array<std::uint64_t, movies::kReasonCount> reasons{};
  std::array<std::uint64_t, movies::kWarningCount> warnings{};
  std::uint64_t lines = 0;
  std::string report;
  std::string_view rest = data;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++lines;
    const movies::ParseOutcome& out = parser.parse(line);
    if (out.ok()) {
      ++events[static_cast<std::size_t>(out.event.type)];
      for (int bit = 0; bit < movies::kWarningCount; ++bit) {
        if (out.event.warnings & (1u << bit))
          ++warnings[static_cast<std::size_t>(bit)];
      }
    } else {
      ++reasons[static_cast<std::size_t>(out.rejection.reason)];
      if (opts.show_rejected) {
        fmt::format_to(std::back_inserter(report), "line {}: {}: {}\n", lines,
                       movies::reason_name(out.rejection.reason), out.rejection.detail);
      }
    }
  }
  fmt::format_to(std::back_inserter(report), "lines: {}\n", lines);
  for (int t = 0; t < movies::kEventTypeCount; ++t) {
    fmt::format_to(std::back_inserter(report), "event {}: {}\n",
                   movies::record_name(static_cast<movies::EventType>(t)),
                   events[static_cast<std::size_t>(t)]);
  }
  for (int r = 0; r < movies::kReasonCount; ++r) {
    if (reasons[static_cast<std::size_t>(r)] == 0)
      continue;
    fmt::format_to(std::back_inserter(report), "rejected {}: {}\n",
                   movies::reason_name(static_cast<movies::Reason>(r)),
                   reasons[static_cast<std::size_t>(r)]);
  }
  for (int w = 0; w < movies::kWarningCount; ++w) {
    if (warnings[static_cast<std::size_t>(w)] == 0)
      continue;
    fmt::format_to(std::back_inserter(report), "warning {}: {}\n", movies::warning_name(w),
                   warnings[static_cast<std::size_t>(w)]);
  }
  SLUICE_TRY(write_stdout(report));
  return kExitOk;
}

struct SchemasOptions {
  std::string which = "1";
};

Result<int> run_schemas(const SchemasOptions& opts) {
  std::string_view text;
  if (opts.which == "1" || opts.which == "2") {
    text = movies::event_schemas_json(opts.which == "1" ? 1 : 2);
  } else if (opts.which == "quarantine") {
    text = movies::quarantine_schema_json();
  } else {
    return fail(usage_error(fmt::format("--version '{}': use 1, 2 or quarantine", opts.which)));
  }
  SLUICE_TRY(write_stdout(text));
  return kExitOk;
}

}  // namespace

void add_movies_commands(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand(
      "movies", "The movie-streaming domain: realistic traffic simulation and its event schemas.");
  group->require_subcommand(1);
  group->footer(
      "Examples:\n"
      "  sluice movies simulate --lines 100000 --seed 7 --out movielog.txt\n"
      "  sluice movies check movielog.txt --show-rejected\n"
      "  sluice movies schemas --version 2\n"
      "Run `sluice movies <command> --help` for each command's options.");

  {
    auto opts = std::make_shared<SimulateOptions>();
    CLI::App* cmd = registry.add(
        *group, "simulate",
        "Writes realistic movie-service log lines (watch, rating, recommendation request). "
        "Deterministic for --seed: users 1..--users watching consecutive minutes of a movie, "
        "ratings 1-5, recommendation requests with 20 results and 25-340 ms response times, "
        "status-0 failures with Java exception texts, and corruption injected at "
        "--corruption-rate (a character inserted into the time or user id, seconds dropped, "
        "a corrupted user id, a cut line, trailing junk). A summary goes to stderr.",
        "sluice movies simulate --lines 100000 --seed 7 --corruption-rate 0.01 --out movies.log\n"
        "sluice movies simulate --lines 1000 --to kafka://127.0.0.1:9092/movielog");
    cmd->add_option("--lines", opts->lines, "Number of lines")->capture_default_str();
    cmd->add_option("--seed", opts->seed, "Random seed (same seed, same lines)")
        ->capture_default_str();
    cmd->add_option("--corruption-rate", opts->corruption_rate,
                    "Share of lines corrupted on purpose, 0-1")
        ->capture_default_str();
    cmd->add_option("--timeout-rate", opts->timeout_rate,
                    "Share of recommendation requests that fail with status 0, 0-1")
        ->capture_default_str();
    cmd->add_option("--rating-rate", opts->rating_rate, "Share of lines that are ratings, 0-1")
        ->capture_default_str();
    cmd->add_option("--recommendation-rate", opts->recommendation_rate,
                    "Share of lines that are recommendation requests, 0-1")
        ->capture_default_str();
    cmd->add_option("--lines-per-second", opts->lines_per_second,
                    "Average simulated traffic (sets how fast the log's clock advances)")
        ->capture_default_str();
    cmd->add_option("--users", opts->users, "User ids are drawn from 1..N")->capture_default_str();
    cmd->add_option("--start", opts->start, "UTC time of the first line (YYYY-MM-DDTHH:MM[:SS])")
        ->capture_default_str();
    cmd->add_option("--out", opts->out, "Output file, '-' for stdout (written whole or not at all)")
        ->capture_default_str();
    cmd->add_option("--to", opts->to,
                    "Produce each line as one Kafka message instead: kafka://host:port/topic "
                    "(key: the user id column)");
    cmd->get_option("--to")->excludes("--out");
    registry.set_runner(cmd, [opts] { return run_simulate(*opts); });
  }
  {
    auto opts = std::make_shared<CheckOptions>();
    CLI::App* cmd = registry.add(
        *group, "check",
        "Classifies every line of a movie log with the ingestion rules (README, 'Ingestion "
        "rules') and prints the counts: events per type, rejected lines per reason, "
        "accepted lines per warning. Writes nothing else.",
        "sluice movies check movies.log --show-rejected");
    cmd->add_option("input", opts->input, "Log file ('-' for stdin)")->required();
    cmd->add_option("--max-user-id", opts->max_user_id, "Largest valid user id")
        ->capture_default_str();
    cmd->add_flag("--show-rejected", opts->show_rejected,
                  "Also print 'line N: <reason>: <detail>' for each rejected line");
    registry.set_runner(cmd, [opts] { return run_check(*opts); });
  }
  {
    auto opts = std::make_shared<SchemasOptions>();
    CLI::App* cmd = registry.add(
        *group, "schemas",
        "Prints the built-in event schemas (a JSON array of the three records) of --version "
        "1 or 2, or the quarantine record's schema.",
        "sluice movies schemas --version 2");
    cmd->add_option("--version", opts->which, "1, 2 or quarantine")->capture_default_str();
    registry.set_runner(cmd, [opts] { return run_schemas(*opts); });
  }
}

}  // namespace sluice::cli
