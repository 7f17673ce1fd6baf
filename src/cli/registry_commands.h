// The `sluice registry` command group: the schema registry server (`serve`, from
// registry_serve.cc) and client commands that print the registry's answers as JSON
// (`register`, `lookup`, `get`, `subjects`, `versions`, `compat`, `config`, `mode`,
// `delete`), plus `encode` / `decode` of Confluent-framed Avro messages.
//
//   sluice registry register orders-value order.avsc        # {"id": 1}
//   sluice registry get --subject orders-value --version latest
#pragma once

#include "cli/command.h"

#include <CLI/CLI.hpp>

namespace sluice::cli {

// Adds the `registry` group under `app` (client commands and, when built, `serve`).
void add_registry_commands(CLI::App& app, Registry& commands);

}  // namespace sluice::cli
