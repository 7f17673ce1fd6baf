// `sluice kafka`: see the description below; each subcommand is thin and calls its module.
#include "cli/command.h"

namespace sluice::cli {

void add_kafka_commands(CLI::App& app, Registry& registry) {
  (void)registry;
  CLI::App* group = app.add_subcommand("kafka", "Kafka helpers: an embedded Kafka-protocol cluster (librdkafka's mock cluster) for local runs and tests.");
  group->require_subcommand(1);
}

}  // namespace sluice::cli
