// `sluice kafka mock | topics`: an embedded Kafka-protocol cluster (librdkafka's mock
// cluster) as its own process, and a topic listing with end offsets. Thin: the work is
// in the kafka module (MockCluster, list_topics).
#include "cli/command.h"
#include "cli/io.h"
#include "kafka/consumer.h"
#include "kafka/kafka_url.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

namespace sluice::cli {
namespace {

struct MockOptions {
  int brokers = 1;
  int partitions = 4;
  std::vector<std::string> topics;
  std::string ready_file;
};

Result<int> run_mock(const MockOptions& o) {
  // Block SIGINT/SIGTERM before the cluster starts its threads (they inherit the
  // mask), then wait for one here: shutdown happens on this thread, in order.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  kafka::MockClusterOptions options;
  options.brokers = o.brokers;
  options.default_partitions = o.partitions;
  options.topics = o.topics;
  auto cluster = kafka::MockCluster::start(options);
  if (!cluster) {
    if (cluster.error().code() == ErrorCode::kInvalidArgument) {
      return fail(usage_error(cluster.error().message()));
    }
    return fail(cluster.error());
  }
  std::string line = fmt::format("bootstrap.servers={}\n", (*cluster)->bootstrap_servers());
  if (!o.ready_file.empty()) {
    // Renamed into place, so a test polling for the file never reads half of it.
    SLUICE_ASSIGN_OR_RETURN(auto file, OutputFile::open(o.ready_file));
    SLUICE_TRY(file->write(line));
    SLUICE_TRY(file->commit());
  }
  SLUICE_TRY(write_stdout(line));
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  cluster->reset();
  std::fputs(
      fmt::format("sluice kafka mock stopped ({})\n", received == SIGINT ? "SIGINT" : "SIGTERM")
          .c_str(),
      stderr);
  return kExitOk;
}

struct TopicsOptions {
  std::string bootstrap;
  int timeout_ms = 10'000;
};

Result<int> run_topics(const TopicsOptions& o) {
  std::string bootstrap = o.bootstrap;
  if (kafka::is_kafka_url(bootstrap)) {
    auto url = kafka::parse_kafka_url(bootstrap);
    if (!url)
      return fail(usage_error(url.error().message()));
    bootstrap = url->bootstrap_servers;
  }
  SLUICE_ASSIGN_OR_RETURN(auto topics, kafka::list_topics(bootstrap, o.timeout_ms));
  std::string out;
  for (const kafka::TopicInfo& t : topics) {
    std::int64_t total = 0;
    std::string ends;
    for (std::int64_t end : t.end_offsets) {
      total += end;
      ends += fmt::format("{}{}", ends.empty() ? "" : ",", end);
    }
    out += fmt::format("{}\tpartitions={}\tmessages={}\tend_offsets={}\n", t.name,
                       t.end_offsets.size(), total, ends);
  }
  SLUICE_TRY(write_stdout(out));
  return kExitOk;
}

struct ProduceOptions {
  std::string url;
  std::string input = "-";
  std::string key;
  int delivery_timeout_ms = 60'000;
};

// Lines of the input as messages (no '\n'), flushed at the end; the count on stderr.
Result<int> run_produce(const ProduceOptions& o) {
  auto url = kafka::parse_kafka_url(o.url);
  if (!url)
    return fail(usage_error(url.error().message()));
  if (url->topic.empty())
    return fail(usage_error(fmt::format("{}: name the topic", o.url)));
  SLUICE_ASSIGN_OR_RETURN(std::string data, read_input(o.input));
  if (o.delivery_timeout_ms < 1)
    return fail(usage_error("--delivery-timeout-ms must be >= 1"));
  // Keyless lines go to a random partition each: librdkafka's default would keep them on
  // one partition for 10 ms at a time, so a short input would land on a single partition.
  SLUICE_ASSIGN_OR_RETURN(
      auto producer,
      kafka::Producer::make({.bootstrap_servers = url->bootstrap_servers,
                             .config = {{"message.timeout.ms", std::to_string(o.delivery_timeout_ms)},
                                        {"sticky.partitioning.linger.ms", "0"}}}));
  std::uint64_t lines = 0;
  for (std::size_t start = 0; start < data.size();) {
    std::size_t end = data.find('\n', start);
    if (end == std::string::npos)
      end = data.size();
    std::string_view line(data.data() + start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    SLUICE_TRY(producer->produce(url->topic, o.key, line));
    ++lines;
    start = end + 1;
  }
  // Deliveries fail by their own timeout first; this bound only guards against a hang.
  SLUICE_TRY(producer->flush(o.delivery_timeout_ms + 30'000));
  std::fputs(fmt::format("sluice kafka produce: {} message(s) acknowledged by {}\n", lines,
                         url->bootstrap_servers)
                 .c_str(),
             stderr);
  return kExitOk;
}

}  // namespace

void add_kafka_commands(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand(
      "kafka",
      "Kafka helpers: an embedded Kafka-protocol cluster (librdkafka's mock cluster) for local "
      "runs and tests.");
  group->require_subcommand(1);
  group->footer(
      "Examples:\n"
      "  sluice kafka mock --ready-file kafka.ready\n"
      "  sluice kafka produce kafka://127.0.0.1:9092/movielog --input movielog.txt\n"
      "  sluice kafka topics --bootstrap 127.0.0.1:9092\n"
      "Run `sluice kafka <command> --help` for each command's options.");

  auto mock = std::make_shared<MockOptions>();
  CLI::App* cmd = registry.add(
      *group, "mock",
      "Runs an in-memory Kafka-protocol cluster (librdkafka's mock cluster) until SIGINT or "
      "SIGTERM. Prints `bootstrap.servers=127.0.0.1:PORT[,...]` on stdout once it accepts "
      "connections (and writes the same line to --ready-file). Topics are created on first use "
      "with 4 partitions (fixed by librdkafka 2.0), or ahead with --topic and --partitions. "
      "Supports producers (idempotent too), consumer groups with committed offsets, and "
      "metadata; nothing is persisted. Each partition keeps only its newest 5 MiB (librdkafka "
      "2.0 drops older message sets), so for large runs create the topics ahead with enough "
      "partitions.",
      "sluice kafka mock --ready-file /tmp/kafka.ready &\n"
      "sluice kafka mock --brokers 3 --topic movielog --partitions 8");
  cmd->add_option("--brokers", mock->brokers, "number of brokers (1-64)")
      ->default_val(mock->brokers);
  cmd->add_option("--partitions", mock->partitions, "partitions of each --topic")
      ->default_val(mock->partitions);
  cmd->add_option("--topic", mock->topics, "a topic to create at start (repeatable)");
  cmd->add_option("--ready-file", mock->ready_file,
                  "write the bootstrap.servers line here when ready (renamed into place)");
  registry.set_runner(cmd, [mock] { return run_mock(*mock); });

  auto topics = std::make_shared<TopicsOptions>();
  CLI::App* tcmd = registry.add(
      *group, "topics",
      "Lists the topics of a Kafka cluster (internal `__` topics left out) with their partition "
      "count, message count and per-partition end offsets, one tab-separated line per topic.",
      "sluice kafka topics --bootstrap 127.0.0.1:9092\n"
      "sluice kafka topics --bootstrap kafka://127.0.0.1:9092");
  tcmd->add_option("--bootstrap", topics->bootstrap,
                   "bootstrap servers: host:port[,host:port] or a kafka:// URL")
      ->required();
  tcmd->add_option("--timeout-ms", topics->timeout_ms, "how long to wait for the brokers")
      ->default_val(topics->timeout_ms);
  registry.set_runner(tcmd, [topics] { return run_topics(*topics); });

  auto produce = std::make_shared<ProduceOptions>();
  CLI::App* pcmd = registry.add(
      *group, "produce",
      "Sends each line of a file (or stdin) as one message to a topic, with the idempotent "
      "producer (acks=all), and waits until all are acknowledged. Exit 1 with the first "
      "delivery error (an unreachable cluster fails after --delivery-timeout-ms).",
      "printf 'a\\nb\\n' | sluice kafka produce kafka://127.0.0.1:9092/movielog\n"
      "sluice kafka produce kafka://127.0.0.1:9092/movielog --input access.log --key k1");
  pcmd->add_option("url", produce->url, "kafka://host:port/topic")->required();
  pcmd->add_option("--input", produce->input, "file of lines, - for stdin")
      ->default_val(produce->input);
  pcmd->add_option("--key", produce->key, "key of every message (default: none: each line goes to a random partition)");
  pcmd->add_option("--delivery-timeout-ms", produce->delivery_timeout_ms,
                   "a message not acknowledged within this long fails the command "
                   "(librdkafka message.timeout.ms)")
      ->default_val(produce->delivery_timeout_ms);
  registry.set_runner(pcmd, [produce] { return run_produce(*produce); });
}

}  // namespace sluice::cli
