// The `sluice avro` command group, split by what the commands work on.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace sluice::cli {

// canonical, fingerprint, compat (avro_schema_commands.cc).
void add_avro_schema_commands(CLI::App& avro, Registry& registry);
// tojson, fromjson, getschema, getmeta, recodec, concat, random (avro_file_commands.cc).
void add_avro_file_commands(CLI::App& avro, Registry& registry);
// codegen (avro_codegen_command.cc).
void add_avro_codegen_command(CLI::App& avro, Registry& registry);

}  // namespace sluice::cli
