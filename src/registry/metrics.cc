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

void Metrics::record(std::string_view route, int status, double seconds) {
  std::size_t r = route_index(route);
  counts_[r][status_index(status)].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[r][b].fetch_add(1, std::memory_order_relaxed);
  sum_micros_[r].fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render(const SchemaRegistry& registry) const {
  std::string out;
  out += "# HELP sluice_registry_requests_total HTTP requests by route template and status.\n";
  out += "# TYPE sluice_registry_requests_total counter\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      auto n = counts_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = kStatuses[s] == 0 ? "other" : std::to_string(kStatuses[s]);
      out += fmt::format("sluice_registry_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         kRoutes[r], status, n);
    }
  }
  out += "# HELP sluice_registry_request_duration_seconds Request latency by route.\n";
  out += "# TYPE sluice_registry_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    std::uint64_t total = 0;
    for (const auto& b : buckets_[r]) total += b.load(std::memory_order_relaxed);
    if (total == 0) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += buckets_[r][b].load(std::memory_order_relaxed);
      std::string le = b == kBuckets.size() ? "+Inf" : fmt::format("{}", kBuckets[b]);
      out += fmt::format(
          "sluice_registry_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
          kRoutes[r], le, cumulative);
    }
    out += fmt::format("sluice_registry_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n",
                       kRoutes[r], sum_micros_[r].load(std::memory_order_relaxed) / 1e6);
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
