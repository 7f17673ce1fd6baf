// `sluice ingest`: see the description below; each subcommand is thin and calls its module.
#include "cli/command.h"

namespace sluice::cli {

void add_ingest_command(CLI::App& app, Registry& registry) {
  (void)registry;
  CLI::App* group = app.add_subcommand("ingest", "Turns raw movie-service logs (files, stdin, Kafka) into typed Avro events; bad lines go to a quarantine.");
  group->require_subcommand(1);
}

}  // namespace sluice::cli
