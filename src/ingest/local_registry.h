// A schema registry inside this process (memory store, 127.0.0.1, a free port), for
// runs that write to Kafka without an external registry (`sluice demo`, `sluice ingest
// --to kafka://` without --registry). Nothing persists: the schemas and their ids
// vanish with the process.
//
//   SLUICE_ASSIGN_OR_RETURN(auto registry, LocalRegistry::start());
//   sink_options.registry_url = registry->url();   // "http://127.0.0.1:40123"
#pragma once

#include "base/result.h"

#include <memory>
#include <string>

namespace sluice::ingest {

class LocalRegistry {
 public:
  // Serves until destroyed. kIo when the port cannot be bound.
  static Result<std::unique_ptr<LocalRegistry>> start();
  ~LocalRegistry();  // stops the server and joins its thread
  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;

  const std::string& url() const { return url_; }

  struct Impl;

 private:
  LocalRegistry() = default;
  std::unique_ptr<Impl> impl_;
  std::string url_;
};

}  // namespace sluice::ingest
