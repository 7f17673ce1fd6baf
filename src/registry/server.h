// The registry's HTTP server: Boost.Beast, HTTP/1.1 keep-alive, optional TLS.
//
//   SLUICE_ASSIGN_OR_RETURN(auto server, Server::make(options, *registry, auth.get()));
//   std::printf("listening on %s\n", server->address().c_str());   // port 0 -> real port
//   server->run();   // blocks until SIGTERM/SIGINT (or stop()), then drains
//
// Threads: `threads` workers, each running its own io_context; a connection lives on
// one of them, so its operations need no strand. Requests are answered from the
// registry's in-memory index (a shared lock for reads); registrations that must be
// written are answered after their group commit without blocking the thread. Shutdown stops
// accepting, closes idle keep-alive connections at once, lets every request that is
// being processed finish and be written (up to `shutdown_grace`), then returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "registry/auth.h"
#include "registry/rest_api.h"
#include "registry/store.h"

namespace sluice::registry {

struct ServerOptions {
  std::string listen = "127.0.0.1:8081";  // host:port; port 0 picks a free port
  int listen_fd = -1;  // >= 0: adopt this listening socket (from listen_early) instead
  std::string tls_cert;                    // PEM certificate chain; with tls_key enables TLS
  std::string tls_key;                     // PEM private key
  std::size_t max_body_bytes = 16 << 20;   // larger request bodies get 413
  std::string access_log;                  // "" off, "-" stderr, else a file (appended)
  int threads = 0;                         // 0: default_io_threads()
  bool handle_signals = true;              // SIGTERM/SIGINT trigger a graceful stop
  std::chrono::milliseconds shutdown_grace{10000};
  std::chrono::seconds idle_timeout{60};   // keep-alive connections idle longer are closed
  ApiOptions api;
};

// The I/O thread count used when ServerOptions::threads is 0: one per two hardware
// threads, at least one. A request is answered from memory in ~10 us of CPU, so one thread
// serves tens of thousands of requests per second; leaving the other cores to the clients
// on the same host and to the store's commit thread keeps tail latency low (on a 2-core
// machine with the load generator beside it, two I/O threads doubled the p99).
int default_io_threads();

class Server {
 public:
  // Binds the listening socket (so address() is final) and loads TLS material. Fails
  // with kInvalidArgument for a bad --listen or TLS file, kIo when the bind fails.
  static Result<std::unique_ptr<Server>> make(const ServerOptions& options,
                                              SchemaRegistry& registry,
                                              const Authenticator* auth);
  ~Server();

  // A listening socket for `listen`, bound before the registry is loaded: clients that
  // connect during start-up wait in the backlog (answered once run() accepts them)
  // instead of being refused. Pass it as ServerOptions::listen_fd, which takes it over.
  static Result<int> listen_early(const std::string& listen);

  // "http://127.0.0.1:8081" or "https://...", with the actual port.
  std::string address() const;
  std::uint16_t port() const;

  // Serves until stop() or a signal; returns after the graceful drain.
  void run();
  // Thread-safe; may be called from any thread (or a signal handler's io callback).
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::registry
