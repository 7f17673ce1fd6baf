// `sluice registry serve` (the Confluent-compatible schema registry server) and
// `sluice registry hash-password` (makes a password hash for the users file).
//
//   sluice registry serve --listen 127.0.0.1:0 --store sqlite::memory:
//   # prints "sluice registry listening on http://127.0.0.1:38211" once ready
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace sluice::cli {

// Adds `serve` and `hash-password` under the `registry` group.
void add_registry_serve_command(CLI::App& registry_group, Registry& commands);

}  // namespace sluice::cli
