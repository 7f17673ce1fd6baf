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

#include <memory>
#include <string>

#include "base/result.h"
#include "registry/client.h"

namespace sluice::cli {

// How a client command reaches a registry: URL(s), basic auth, TLS, timeout, retries.
struct RegistryConnection {
  std::string url;
  std::string user;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
  int timeout_ms = 30000;
  int retries = 3;
};

// Declares the connection options on `cmd` (the URL under `url_flag`, default
// $SLUICE_REGISTRY_URL or http://127.0.0.1:8081). Shared by every command that talks
// to a registry, so they all accept the same TLS/auth/retry options.
void add_connection_options(CLI::App* cmd, RegistryConnection& conn,
                            const std::string& url_flag = "--url");
// A client for `conn`; a bad option (unreadable CA file, bad URL) is a usage error.
Result<std::shared_ptr<registry::Client>> connect_registry(const RegistryConnection& conn);

// Adds the `registry` group under `app` (client commands and, when built, `serve`).
void add_registry_commands(CLI::App& app, Registry& commands);

}  // namespace sluice::cli
