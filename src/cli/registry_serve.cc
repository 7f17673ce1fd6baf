// `sluice registry serve` and `sluice registry hash-password` (see registry_serve.h).
#include "cli/registry_serve.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "registry/auth.h"
#include "registry/server.h"
#include "registry/store.h"

namespace sluice::cli {
namespace {

namespace reg = sluice::registry;

struct ServeOptions {
  std::string listen = "127.0.0.1:8081";
  std::string store = "sqlite:sluice-registry.db";
  std::string users;
  std::string tls_cert;
  std::string tls_key;
  int incompatible_code = 409;
  std::string schema_type = "omit";
  std::size_t max_body_bytes = 16 << 20;
  std::string access_log;
  int threads = 0;
  int shutdown_grace_ms = 10000;
};

Result<int> run_serve(const ServeOptions& o) {
  auto started = std::chrono::steady_clock::now();
  if (o.incompatible_code != 409 && o.incompatible_code != 40901) {
    return fail(usage_error("--incompatible-code must be 409 or 40901"));
  }
  if (o.schema_type != "omit" && o.schema_type != "emit") {
    return fail(usage_error("--schema-type must be omit or emit"));
  }
  std::unique_ptr<reg::Authenticator> auth;
  if (!o.users.empty()) {
    auto a = reg::Authenticator::load(o.users);
    if (!a) return fail(a.error());
    auth = std::move(*a);
  }
  // Listen first: a client connecting while the store loads waits for its answer
  // instead of being refused and retrying. Nothing is accepted before run().
  auto listen_fd = reg::Server::listen_early(o.listen);
  if (!listen_fd) return fail(listen_fd.error());
  reg::RegistryOptions ropts;
  ropts.incompatible_code = o.incompatible_code;
  auto registry = reg::SchemaRegistry::open(o.store, ropts);
  if (!registry) {
    ::close(*listen_fd);
    return fail(registry.error());
  }

  reg::ServerOptions sopts;
  sopts.listen = o.listen;
  sopts.listen_fd = *listen_fd;
  sopts.tls_cert = o.tls_cert;
  sopts.tls_key = o.tls_key;
  sopts.max_body_bytes = o.max_body_bytes;
  sopts.access_log = o.access_log;
  sopts.threads = o.threads;
  sopts.shutdown_grace = std::chrono::milliseconds(o.shutdown_grace_ms);
  sopts.api.schema_type =
      o.schema_type == "emit" ? reg::SchemaTypeField::kAlways : reg::SchemaTypeField::kOmitForAvro;
  auto server = reg::Server::make(sopts, **registry, auth.get());
  if (!server) return fail(server.error());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
  std::fputs(fmt::format("sluice registry listening on {} (store {}, {} schemas, {} subjects, "
                         "ready in {:.1f} ms)\n",
                         (*server)->address(), o.store, (*registry)->schema_count(),
                         (*registry)->subject_count(), ms)
                 .c_str(),
             stdout);
  std::fflush(stdout);
  (*server)->run();
  std::fputs("sluice registry stopped\n", stdout);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_registry_serve_command(CLI::App& registry_group, Registry& commands) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = commands.add(
      registry_group, "serve",
      "Runs the Confluent-compatible schema registry server (REST API on HTTP/1.1 with "
      "keep-alive; optional TLS and basic auth with per-subject ACLs). Every write is durable "
      "in the store before it is answered. Prints `sluice registry listening on <url>` when "
      "ready; SIGTERM or SIGINT stops it gracefully (in-flight requests finish).",
      "sluice registry serve --listen 127.0.0.1:8081 --store sqlite:registry.db\n"
      "sluice registry serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem "
      "--users users.json");
  cmd->add_option("--listen", o->listen,
                  "host:port to listen on; port 0 picks a free port (the printed address "
                  "shows the real one)")
      ->default_val(o->listen);
  cmd->add_option("--store", o->store,
                  "where schemas live: sqlite:<path> (WAL, synchronous=FULL), "
                  "sqlite::memory: or memory (nothing persisted)")
      ->default_val(o->store);
  cmd->add_option("--users", o->users,
                  "users file (JSON) enabling HTTP basic auth and per-subject ACLs; see "
                  "src/registry/README.md and `sluice registry hash-password`");
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain; with --tls-key serves HTTPS");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--incompatible-code", o->incompatible_code,
                  "error_code in the body of an incompatible-schema answer (HTTP status is "
                  "always 409): 409 (Confluent <= 8.1) or 40901 (Confluent 8.2)")
      ->default_val(o->incompatible_code);
  cmd->add_option("--schema-type", o->schema_type,
                  "\"schemaType\" for AVRO schemas in answers: omit (Confluent <= 7.9, the "
                  "default) or emit (Confluent 8)")
      ->default_val(o->schema_type);
  cmd->add_option("--max-body-bytes", o->max_body_bytes,
                  "largest accepted request body; larger ones get HTTP 413")
      ->default_val(o->max_body_bytes);
  cmd->add_option("--access-log", o->access_log,
                  "write one JSON line per request to this file (\"-\" = stderr); off by default");
  cmd->add_option("--threads", o->threads,
                  "I/O threads; 0 = one per two hardware threads, at least one (the default)")
      ->default_val(o->threads)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--shutdown-grace-ms", o->shutdown_grace_ms,
                  "on SIGTERM, how long in-flight requests may take before the server exits")
      ->default_val(o->shutdown_grace_ms);
  commands.set_runner(cmd, [o] { return run_serve(*o); });

  auto password = std::make_shared<std::string>();
  CLI::App* hp = commands.add(
      registry_group, "hash-password",
      "Prints an argon2id hash (libsodium crypto_pwhash_str) of a password for the "
      "\"password\" field of a `serve --users` file. Reads the password from the first line "
      "of stdin unless --password is given.",
      "echo 's3cret' | sluice registry hash-password");
  hp->add_option("--password", *password, "the password (visible in the process list)");
  commands.set_runner(hp, [password]() -> Result<int> {
    std::string pw = *password;
    if (pw.empty()) {
      std::getline(std::cin, pw);
      if (!pw.empty() && pw.back() == '\r') pw.pop_back();
    }
    if (pw.empty()) return fail(usage_error("empty password"));
    auto h = reg::hash_password(pw);
    if (!h) return fail(h.error());
    std::fputs((*h + "\n").c_str(), stdout);
    return kExitOk;
  });
}

}  // namespace sluice::cli
