// The `sluice avro` command group.
#include "cli/avro_commands.h"

#include "cli/command.h"

namespace sluice::cli {

void add_avro_commands(CLI::App& app, Registry& registry) {
  CLI::App* avro = app.add_subcommand(
      "avro",
      "Avro tools: schemas and object container files.\n"
      "Schemas: canonical form, fingerprints, compatibility. Object container files (to and from JSON, metadata, codecs, concatenation, random data).");
  avro->require_subcommand(1);
  avro->footer(
      "Examples:\n"
      "  sluice avro canonical user.avsc\n"
      "  sluice avro random --schema user.avsc --count 100 users.avro\n"
      "  sluice avro tojson users.avro\n"
      "Run `sluice avro <command> --help` for each command's options.");
  add_avro_schema_commands(*avro, registry);
  add_avro_file_commands(*avro, registry);
  add_avro_codegen_command(*avro, registry);
}

}  // namespace sluice::cli
