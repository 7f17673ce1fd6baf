#include "ingest/local_registry.h"

#include "registry/server.h"
#include "registry/store.h"

#include <thread>

namespace sluice::ingest {

struct LocalRegistry::Impl {
  std::unique_ptr<registry::SchemaRegistry> registry;
  std::unique_ptr<registry::Server> server;
  std::thread thread;
};

Result<std::unique_ptr<LocalRegistry>> LocalRegistry::start() {
  auto impl = std::make_unique<Impl>();
  SLUICE_ASSIGN_OR_RETURN(impl->registry, registry::SchemaRegistry::open("memory"));
  registry::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  options.handle_signals = false;  // the ingestion run owns SIGINT/SIGTERM
  options.shutdown_grace = std::chrono::milliseconds(1000);
  SLUICE_ASSIGN_OR_RETURN(impl->server, registry::Server::make(options, *impl->registry, nullptr));
  std::unique_ptr<LocalRegistry> out(new LocalRegistry());
  out->url_ = impl->server->address();
  registry::Server* server = impl->server.get();
  impl->thread = std::thread([server] { server->run(); });
  out->impl_ = std::move(impl);
  return out;
}

LocalRegistry::~LocalRegistry() {
  if (!impl_)
    return;
  impl_->server->stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

}  // namespace sluice::ingest
