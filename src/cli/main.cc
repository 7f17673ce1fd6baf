// The sluice command-line tool: one binary, one subcommand per capability.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"sluice: schema-governed event streams (Avro, registry, Kafka pipelines)"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
