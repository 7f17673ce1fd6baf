// Metrics tables and their Prometheus rendering (see metrics.h).
#include "registry/metrics.h"

#include <fmt/format.h>

#include "registry/store.h"

namespace sluice::registry {

std::size_t Metrics::route_index(std::string_view route) {
  for (std::size_t i = 0; i < kRoutes.size(); ++i) {
    if (kRoutes[i] == route) return i;
  }
  return kRoutes.size() - 1;
}

std::size_t Metrics::status_index(int status) {
  for (std::size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatuses.size() - 1;
}

std::size_t Metrics::shard_index() {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return mine;
}

void Metrics::record(std::string_view route, int status, double seconds) {
  Shard& sh = shards_[shard_index()];
  std::size_t r = route_index(route);
  sh.counts[r][status_index(status)].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  sh.buckets[r][b].fetch_add(1, std::memory_order_relaxed);
  sh.sum_micros[r].fetch_add(static_cast<std::uint64_t>(seconds * 1e6),
                             std::memory_order_relaxed);
}

std::uint64_t Metrics::count(std::size_t route, std::size_t status) const {
  std::uint64_t n = 0;
  for (const Shard& sh : shards_) n += sh.counts[route][status].load(std::memory_order_relaxed);
  return n;
}

std::uint64_t Metrics::sum_micros(std::size_t route) const {
  std::uint64_t n = 0;
  for (const Shard& sh : shards_) n += sh.sum_micros[route].load(std::memory_order_relaxed);
  return n;
}

std::uint64_t Metrics::bucket(std::size_t route, std::size_t b) const {
  std::uint64_t n = 0;
  for (const Shard& sh : shards_) n += sh.buckets[route][b].load(std::memory_order_relaxed);
  return n;
}

std::string Metrics::render(const SchemaRegistry& registry) const {
  std::string out;
  out += "# HELP sluice_registry_requests_total HTTP requests by route template and status.\n";
  out += "# TYPE sluice_registry_requests_total counter\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      auto n = count(r, s);
      if (n == 0) continue;
      std::string status = kStatuses[s] == 0 ? "other" : std::to_string(kStatuses[s]);
      out += fmt::format("sluice_registry_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         kRoutes[r], status, n);
    }
  }
  out += "# HELP sluice_registry_request_duration_seconds Request latency by route.\n";
  out += "# TYPE sluice_registry_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    std::uint64_t per_bucket[kBuckets.size() + 1];
    std::uint64_t total = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) total += per_bucket[b] = bucket(r, b);
    if (total == 0) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += per_bucket[b];
      std::string le = b == kBuckets.size() ? "+Inf" : fmt::format("{}", kBuckets[b]);
      out += fmt::format(
          "sluice_registry_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
          kRoutes[r], le, cumulative);
    }
    out += fmt::format("sluice_registry_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n",
                       kRoutes[r], sum_micros(r) / 1e6);
    out += fmt::format("sluice_registry_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       kRoutes[r], total);
  }
  out += "# HELP sluice_registry_schemas Registered schemas (distinct ids).\n";
  out += "# TYPE sluice_registry_schemas gauge\n";
  out += fmt::format("sluice_registry_schemas {}\n", registry.schema_count());
  out += "# HELP sluice_registry_subjects Subjects with at least one live version.\n";
  out += "# TYPE sluice_registry_subjects gauge\n";
  out += fmt::format("sluice_registry_subjects {}\n", registry.subject_count());
  return out;
}

}  // namespace sluice::registry
